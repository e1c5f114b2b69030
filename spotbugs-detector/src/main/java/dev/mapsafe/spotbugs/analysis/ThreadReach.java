package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.EntryLocks;
import dev.mapsafe.knowledge.threads.Exposure;
import dev.mapsafe.knowledge.threads.Lifecycles;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.Overlap.Kind;
import edu.umd.cs.findbugs.ba.Hierarchy2;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * On which threads the methods of the analysed classes may run: the bytecode counterpart of the Error Prone
 * analysis of the same name. A task is a lambda body or method reference target given to a launcher (or to a
 * parallel stream operation), every method of an inner class whose instance is given to one, or a
 * {@code Thread} subclass's {@code run()}; a lambda body that is not launched runs where it is created; a
 * private or synthetic method runs where its callers do. Facts from all classes are combined first, so a task
 * in {@code Outer$1} is seen accessing {@code Outer}'s fields.
 */
public final class ThreadReach {

  /** One context. */
  public static final class Context implements Overlap.Side {
    private final Kind kind;
    private final String anchor;
    public final String description;
    private final boolean selfConcurrent;
    public final boolean parallelStream;
    /** The launching method and the launch's bytecode position (tasks only). */
    final MethodDescriptor launcher;
    final int launchPosition;
    private final boolean joined;
    /** The executor field of a task's launch and what the analysis knows of executor fields, or nulls. */
    private final XField executor;
    private final SerialExecutors serialExecutors;
    /** Whether the task reaches the code through a {@link BackReferences back reference} ({@link #forMap}). */
    private boolean throughBackReference;

    Context(Kind kind, String anchor, String description, boolean selfConcurrent, boolean parallelStream,
        MethodDescriptor launcher, int launchPosition, boolean joined) {
      this(kind, anchor, description, selfConcurrent, parallelStream, launcher, launchPosition, joined, null, null);
    }

    Context(Kind kind, String anchor, String description, boolean selfConcurrent, boolean parallelStream,
        MethodDescriptor launcher, int launchPosition, boolean joined, XField executor,
        SerialExecutors serialExecutors) {
      this.executor = executor;
      this.serialExecutors = serialExecutors;
      this.kind = kind;
      this.anchor = anchor;
      this.description = description;
      this.selfConcurrent = selfConcurrent;
      this.parallelStream = parallelStream;
      this.launcher = launcher;
      this.launchPosition = launchPosition;
      this.joined = joined;
    }

    @Override
    public Kind kind() {
      return kind;
    }

    @Override
    public Object anchor() {
      return anchor;
    }

    @Override
    public boolean selfConcurrent() {
      return selfConcurrent;
    }

    @Override
    public boolean joined() {
      return joined;
    }

    @Override
    public Object serialExecutor() {
      return executor != null && serialExecutors.serial(executor) ? executor : null;
    }

    /** The same task, reaching the code through a back reference. */
    Context throughBackReference() {
      Context c = new Context(kind, anchor, description, selfConcurrent, parallelStream, launcher, launchPosition,
          joined, executor, serialExecutors);
      c.throughBackReference = true;
      return c;
    }
  }

  /**
   * The contexts of an access to a map: those of the code, less the tasks that reach it through a back reference when
   * the map is not the object's own ({@code ownMap}: a field of {@code this}, or a static one). Such a task runs the
   * code on the object that made its own, and the maps of other objects the code is given (a new one per task) are
   * not shared through it. The Error Prone engine's counterpart has the name.
   */
  public static List<Context> forMap(List<Context> contexts, boolean ownMap) {
    if (ownMap) {
      return contexts;
    }
    List<Context> result = new ArrayList<>();
    contexts.stream().filter(c -> !c.throughBackReference).forEach(result::add);
    return result;
  }

  private static final int MAX_DEPTH = 6;

  private final TypeHierarchy hierarchy;
  private final Map<MethodDescriptor, MapValues> methods = new HashMap<>();
  private final Map<MethodDescriptor, Context> launchedBodies = new HashMap<>();
  private final SerialExecutors serialExecutors = new SerialExecutors();
  private final Map<String, Context> launchedClasses = new HashMap<>();
  private final Map<MethodDescriptor, List<MethodDescriptor>> callers = new HashMap<>();
  private final Map<MethodDescriptor, List<MethodDescriptor>> creators = new HashMap<>();
  /** For each method, the methods of the analysed code that call it on their own {@code this}. */
  private final Map<MethodDescriptor, List<MethodDescriptor>> selfCallers = new HashMap<>();
  private final Map<MethodDescriptor, List<Context>> memo = new HashMap<>();
  /** Methods the jar calls on an object the caller has just constructed, and those it calls on any other. */
  private final Set<MethodDescriptor> calledOnNewObjects = new HashSet<>();
  private final Set<MethodDescriptor> calledOnOtherObjects = new HashSet<>();
  /** Every call site, by the callee's name and signature, with its calling method. */
  private final Map<String, List<Map.Entry<MethodDescriptor, MapValues.CallSite>>> callsByName = new HashMap<>();
  /** The objects launched as tasks, with their launch. */
  private final List<Map.Entry<Context, TaskLaunches.TaskObject>> taskObjects = new ArrayList<>();
  /** Methods that pass a parameter on to a launcher, by that parameter's index ({@link #forwardedLaunches}). */
  private final Map<MethodDescriptor, Set<Integer>> forwarders = new HashMap<>();
  private final Map<MethodDescriptor, List<ParameterUses.ParameterPass>> parameterPasses = new HashMap<>();
  private boolean forwardedResolved;
  private final BackReferences backReferences = new BackReferences();
  private final Map<MethodDescriptor, List<Context>> backReferenceTasks = new HashMap<>();

  public ThreadReach(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  public void add(MapValues method) {
    MethodDescriptor self = method.method().getMethodDescriptor();
    methods.put(self, method);
    serialExecutors.add(method);
    boolean joinedAfter;
    for (TaskLaunches.Launch launch : method.launches()) {
      joinedAfter = method.waits().stream().anyMatch(w -> w >= launch.position); // invokeAll waits itself
      Context task =
          new Context(Kind.TASK, self + "@" + launch.position, launch.description, launch.selfConcurrent,
              launch.parallelStream, self, launch.position, joinedAfter, launch.executor, serialExecutors);
      launch.bodies.forEach(b -> launchedBodies.putIfAbsent(b, task));
      launch.constructedClasses.forEach(c -> launchedClasses.putIfAbsent(c, task));
      launch.taskObjects.forEach(o -> taskObjects.add(Map.entry(task, o)));
    }
    for (MethodDescriptor callee : method.callees()) {
      callers.computeIfAbsent(callee, c -> new ArrayList<>()).add(self);
    }
    backReferences.add(method);
    if (!method.parameterPasses().isEmpty()) {
      parameterPasses.put(self, method.parameterPasses());
    }
    for (MapValues.CallSite call : method.callSites()) {
      callsByName.computeIfAbsent(call.callee.getName() + call.callee.getSignature(), k -> new ArrayList<>())
          .add(Map.entry(self, call));
      (call.onNewObject ? calledOnNewObjects : calledOnOtherObjects).add(call.callee);
      if (call.onThis) {
        selfCallers.computeIfAbsent(call.callee, c -> new ArrayList<>()).add(self);
      }
    }
    for (MethodDescriptor body : method.createdLambdas()) {
      creators.computeIfAbsent(body, c -> new ArrayList<>()).add(self);
    }
  }

  /** The contexts a method may run in (at least one). */
  public List<Context> of(MethodDescriptor method) {
    return of(method, new HashSet<>(), 0);
  }

  private List<Context> of(MethodDescriptor m, Set<MethodDescriptor> seen, int depth) {
    if (!forwardedResolved) {
      forwardedResolved = true;
      forwardedLaunches();
    }
    List<Context> known = memo.get(m);
    if (known != null) {
      return known;
    }
    List<Context> result = compute(m, seen, depth);
    if (depth == 0) {
      memo.put(m, result);
    }
    return result;
  }

  private List<Context> compute(MethodDescriptor m, Set<MethodDescriptor> seen, int depth) {
    String className = m.getSlashedClassName().replace('/', '.');
    String name = m.getName();
    Context launched = launchedBodies.get(m);
    if (launched == null && !name.equals("<init>")) {
      launched = launchedClasses.get(className);
    }
    if (launched != null) {
      return List.of(launched);
    }
    if (name.equals("run") && m.getSignature().equals("()V") && hierarchy.isSubtype(className, "java.lang.Thread")) {
      // Where it is started and joined is not known: it is taken as racing only with tasks (precision first).
      return List.of(new Context(Kind.TASK, m.toString(), "the thread's run()", false, false, null, -1, true));
    }
    if (name.equals("<init>") || name.equals("<clinit>")) {
      return List.of(new Context(Kind.CONSTRUCTION, m.toString(), "the constructor", false, false, null, -1, false));
    }
    MapValues values = methods.get(m);
    if (values != null && orderedWithUse(values.method())) {
      return List.of(new Context(Kind.LIFECYCLE, m.toString(), name + "()", false, false, null, -1, false));
    }
    if (testHook(m, new HashSet<>())) {
      return List.of(new Context(Kind.LIFECYCLE, m.toString(), name + "() (for tests)", false, false, null, -1, false));
    }
    List<MethodDescriptor> from =
        name.startsWith("lambda$")
            ? creators.getOrDefault(m, List.of())
            : values != null && (values.method().isPrivate() || values.method().isSynthetic())
                ? callers.getOrDefault(m, List.of())
                : List.of();
    if (!from.isEmpty() && depth < MAX_DEPTH) {
      if (!seen.add(m)) {
        return List.of(); // reached again: its contexts are collected on the first path, or a cycle
      }
      List<Context> result = new ArrayList<>();
      for (MethodDescriptor caller : from) {
        for (MethodDescriptor runsIn : makersIfNested(caller, m, new HashSet<>())) {
          for (Context c : of(runsIn, seen, depth + 1)) {
            if (!result.contains(c)) {
              result.add(c);
            }
          }
        }
      }
      if (!result.isEmpty() || depth > 0) {
        return result; // empty below the top: every caller was reached on another path
      }
    }
    if (values != null && from.isEmpty() && setUpOfNewObjects(values.method())) {
      return List.of(new Context(Kind.CONSTRUCTION, m.toString(), name + "() on a new object", false, false, null, -1,
          false));
    }
    List<Context> result = new ArrayList<>();
    result.add(new Context(Kind.CALLER, m.toString(), "callers of " + name + "()", false, false, null, -1, false));
    result.addAll(tasksCallingOnThis(m, values, seen, depth));
    if (values != null && !values.method().isStatic()) {
      backReferenceTasks.computeIfAbsent(m, k -> {
        List<Context> reaching = new ArrayList<>();
        tasksThroughBackReferences(k, 0, new HashSet<>()).forEach(c -> reaching.add(c.throughBackReference()));
        return reaching;
      }).stream().filter(c -> !result.contains(c)).forEach(result::add);
    }
    return result;
  }

  /**
   * Launches through methods of the analysed code that pass a parameter on to a launcher
   * ({@code execute(Runnable task) { executor.execute(task); }}), a few such methods deep: a lambda or a constructed
   * object given there is a task of the call. Only calls naming the method's class or a subclass (through a
   * supertype, another implementation may run), and not calls of launchers themselves (their launch is known).
   */
  private void forwardedLaunches() {
    for (int round = 0; round < 3; round++) { // a method passing its parameter to a forwarding one, and so on
      for (Map.Entry<MethodDescriptor, List<ParameterUses.ParameterPass>> e : parameterPasses.entrySet()) {
        for (ParameterUses.ParameterPass pass : e.getValue()) {
          if (BytecodeApi.launches(BytecodeApi.call(pass.callee), hierarchy)
              || forwarders.getOrDefault(pass.callee, Set.of()).contains(pass.argument)) {
            forwarders.computeIfAbsent(e.getKey(), k -> new java.util.TreeSet<>()).add(pass.parameter);
          }
        }
      }
    }
    for (Map.Entry<MethodDescriptor, Set<Integer>> forwarder : forwarders.entrySet()) {
      MethodDescriptor f = forwarder.getKey();
      String[] parameterTypes = java.util.Arrays.stream(org.apache.bcel.generic.Type.getArgumentTypes(f.getSignature()))
          .map(Object::toString).toArray(String[]::new);
      for (Map.Entry<MethodDescriptor, MapValues.CallSite> site :
          callsByName.getOrDefault(f.getName() + f.getSignature(), List.of())) {
        MapValues.CallSite call = site.getValue();
        String named = dotted(call.callee);
        if (!named.equals(dotted(f)) && !hierarchy.isSubtype(named, dotted(f))
            || BytecodeApi.launches(BytecodeApi.call(call.callee), hierarchy)) {
          continue; // a call through a supertype may run another implementation; a launcher's call is a launch already
        }
        MapValues caller = methods.get(site.getKey());
        for (int p : forwarder.getValue()) {
          if (p >= call.argumentBodies.size()) {
            continue;
          }
          List<MethodDescriptor> bodies = call.argumentBodies.get(p);
          String constructed = call.constructedArguments.get(p);
          if (bodies.isEmpty() && constructed == null) {
            continue;
          }
          int position = call.location.getHandle().getPosition();
          boolean joined = caller != null && caller.waits().stream().anyMatch(w -> w >= position);
          Context task = new Context(Kind.TASK, site.getKey() + "@" + position,
              "the task passed to " + (call.receiver instanceof Origin.FieldLoad ? call.receiver.display()
                  : simpleName(f.getSlashedClassName())) + "." + f.getName() + "(..) at line " + call.line,
              false, false, site.getKey(), position, joined);
          bodies.forEach(b -> launchedBodies.putIfAbsent(b, task));
          if (constructed != null && constructed.contains("$")) {
            launchedClasses.putIfAbsent(constructed, task);
          }
          if (constructed != null) {
            BytecodeApi.taskMethod(parameterTypes[p])
                .ifPresent(m -> taskObjects.add(Map.entry(task, new TaskLaunches.TaskObject(constructed, m))));
          }
        }
      }
    }
  }

  private static String simpleName(String slashedName) {
    return slashedName.substring(Math.max(slashedName.lastIndexOf('/'), slashedName.lastIndexOf('$')) + 1);
  }

  /** The call sites of the analysis that may run the method: its name and signature, on a related class. */
  private List<Map.Entry<MethodDescriptor, MapValues.CallSite>> callsTo(MethodDescriptor m) {
    List<Map.Entry<MethodDescriptor, MapValues.CallSite>> calls = new ArrayList<>();
    String owner = m.getSlashedClassName().replace('/', '.');
    for (Map.Entry<MethodDescriptor, MapValues.CallSite> call :
        callsByName.getOrDefault(m.getName() + m.getSignature(), List.of())) {
      String named = call.getValue().callee.getSlashedClassName().replace('/', '.');
      if (named.equals(owner) || hierarchy.isSubtype(owner, named) || hierarchy.isSubtype(named, owner)) {
        calls.add(call);
      }
    }
    return calls;
  }

  /**
   * The tasks that run the method on an object they reach through a {@link BackReferences back reference}: a call
   * {@code handler.closeConnection()} through a field pointing back to the handler that made the task's objects, made
   * by a task object's method (or one it reaches on itself and the objects its fields hold), reaches the method on
   * the handler directly or through calls the handler makes on itself. Both ends are followed by the analysis's
   * calls, with the overrides of the called method's class, a few calls deep.
   */
  private List<Context> tasksThroughBackReferences(MethodDescriptor m, int depth, Set<MethodDescriptor> seen) {
    List<Context> tasks = new ArrayList<>();
    if (depth > MAX_DEPTH || !seen.add(m)) {
      return tasks;
    }
    for (Map.Entry<MethodDescriptor, MapValues.CallSite> site : callsTo(m)) {
      MapValues.CallSite call = site.getValue();
      List<Context> found = new ArrayList<>();
      if (call.onThis) {
        found = tasksThroughBackReferences(site.getKey(), depth + 1, seen);
      } else if (call.receiver instanceof Origin.FieldLoad && ((Origin.FieldLoad) call.receiver).onThis()
          && backReferences.pointsBack(((Origin.FieldLoad) call.receiver).field())) {
        found = tasksRunning(site.getKey(), dotted(site.getKey()), depth + 1, new HashSet<>());
      } else if (call.receiverParameter >= 0) { // doRetry(url, registry): the back reference its callers pass
        for (Map.Entry<MethodDescriptor, MapValues.CallSite> passing : callsTo(site.getKey())) {
          List<XField> fields = passing.getValue().argumentFields;
          if (call.receiverParameter < fields.size() && fields.get(call.receiverParameter) != null
              && backReferences.pointsBack(fields.get(call.receiverParameter))) {
            found.addAll(tasksRunning(passing.getKey(), dotted(passing.getKey()), depth + 2, new HashSet<>()));
          }
        }
      }
      found.stream().filter(c -> !tasks.contains(c)).forEach(tasks::add);
    }
    return tasks;
  }

  /**
   * The launches of task objects that run the method on an object of class {@code bound} (or a subclass): it is the
   * method the launcher runs on them, or a method they reach on themselves and on the objects their fields hold.
   */
  private List<Context> tasksRunning(MethodDescriptor m, String bound, int depth, Set<MethodDescriptor> seen) {
    List<Context> tasks = new ArrayList<>();
    if (depth > MAX_DEPTH || !seen.add(m)) {
      return tasks;
    }
    String owner = dotted(m);
    for (Map.Entry<Context, TaskLaunches.TaskObject> launched : taskObjects) {
      String object = launched.getValue().className;
      if (launched.getValue().method.equals(m.getName() + m.getSignature())
          && (object.equals(bound) || hierarchy.isSubtype(object, bound))
          && (object.equals(owner) || hierarchy.isSubtype(object, owner)) && !tasks.contains(launched.getKey())) {
        tasks.add(launched.getKey());
      }
    }
    for (Map.Entry<MethodDescriptor, MapValues.CallSite> site : callsTo(m)) {
      MapValues.CallSite call = site.getValue();
      String caller = dotted(site.getKey());
      List<Context> found = call.onThis
          ? tasksRunning(site.getKey(), hierarchy.isSubtype(caller, bound) ? caller : bound, depth + 1, seen)
          : call.receiver instanceof Origin.FieldLoad && ((Origin.FieldLoad) call.receiver).onThis()
              && !((Origin.FieldLoad) call.receiver).field().isStatic()
              && !((Origin.FieldLoad) call.receiver).field().isSynthetic()
              ? tasksRunning(site.getKey(), caller, depth + 1, seen)
              : List.of();
      found.stream().filter(c -> !tasks.contains(c)).forEach(tasks::add);
    }
    return tasks;
  }

  private static String dotted(MethodDescriptor m) {
    return m.getSlashedClassName().replace('/', '.');
  }

  /**
   * Where a call of {@code callee} from {@code caller} runs: in the caller, unless the caller is the constructor of
   * a class nested in the callee's (a nested object acting on its enclosing instance as it is made, such as an
   * accessor that fills its outer provider's cache): that runs where the nested object is made, in the methods
   * that construct it (through its other constructors' {@code this(..)}), not while the outer object is.
   */
  private List<MethodDescriptor> makersIfNested(MethodDescriptor caller, MethodDescriptor callee,
      Set<MethodDescriptor> seen) {
    String nested = caller.getSlashedClassName();
    if (!caller.getName().equals("<init>") || !nested.startsWith(callee.getSlashedClassName() + "$")) {
      return List.of(caller);
    }
    List<MethodDescriptor> makers = new ArrayList<>();
    if (!seen.add(caller)) {
      return makers;
    }
    for (MethodDescriptor maker : callers.getOrDefault(caller, List.of())) {
      if (maker.getName().equals("<init>") && maker.getSlashedClassName().equals(nested)) {
        makers.addAll(makersIfNested(maker, callee, seen)); // this(..) from another constructor
      } else if (!makers.contains(maker)) {
        makers.add(maker);
      }
    }
    return makers;
  }

  /**
   * The tasks whose own body calls a non-private method on their object (a lambda's {@code () -> reload()}): besides
   * its callers', the method runs on their threads. Only the body itself: a task that reaches the method through
   * other methods is most often a later phase of the object's life (background initialization reading what
   * configuration methods wrote before it was launched), which the analysis cannot order.
   */
  private List<Context> tasksCallingOnThis(MethodDescriptor m, MapValues values, Set<MethodDescriptor> seen,
      int depth) {
    List<Context> tasks = new ArrayList<>();
    if (values == null || values.method().isStatic() || depth >= MAX_DEPTH || !seen.add(m)) {
      return tasks;
    }
    for (MethodDescriptor caller : selfCallers.getOrDefault(m, List.of())) {
      for (Context c : of(caller, seen, MAX_DEPTH)) {
        if (c.kind() == Kind.TASK && !tasks.contains(c)) {
          tasks.add(c);
        }
      }
    }
    return tasks;
  }

  /**
   * Whether the jar calls the method only on objects the caller has just constructed, to set them up before they
   * are used ({@code r = new MapRegister(); r.load(old); register = r;}): it then runs as part of their construction.
   * As for the locks of such calls ({@link BytecodeApi#callersSeenInJar}), the method must override only methods of
   * the jar, and nothing may take it as a function object.
   */
  private boolean setUpOfNewObjects(XMethod method) {
    if (method.isStatic() || BytecodeApi.callersSeenInJar(method) == EntryLocks.Callers.UNKNOWN
        || creators.containsKey(method.getMethodDescriptor())) {
      return false;
    }
    List<MethodDescriptor> dispatching = new ArrayList<>(List.of(method.getMethodDescriptor()));
    try {
      for (XMethod overridden : Hierarchy2.findSuperMethods(method)) {
        dispatching.add(overridden.getMethodDescriptor());
      }
    } catch (RuntimeException unknown) {
      return false;
    }
    return dispatching.stream().anyMatch(calledOnNewObjects::contains)
        && dispatching.stream().noneMatch(calledOnOtherObjects::contains)
        && dispatching.stream().noneMatch(creators::containsKey);
  }

  /**
   * Whether only tests run the method: it exists for tests ({@link Exposure#existsForTests}) and every caller the
   * analysis sees is such a method too.
   */
  private boolean testHook(MethodDescriptor m, Set<MethodDescriptor> seen) {
    MapValues values = methods.get(m);
    if (values == null || !Exposure.existsForTests(BytecodeApi.annotationNames(values.method()))) {
      return false;
    }
    if (!seen.add(m)) {
      return true; // test hooks calling each other
    }
    for (MethodDescriptor caller : callers.getOrDefault(m, List.of())) {
      if (!testHook(caller, seen)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The calls to a private method from the analysed code, with the calling method (none for other methods: their
   * callers are not all known).
   */
  public List<Map.Entry<MapValues, MapValues.CallSite>> privateCallsOf(MethodDescriptor m) {
    MapValues values = methods.get(m);
    if (values == null || !values.method().isPrivate()) {
      return List.of();
    }
    List<Map.Entry<MapValues, MapValues.CallSite>> calls = new ArrayList<>();
    for (MethodDescriptor caller : new java.util.LinkedHashSet<>(callers.getOrDefault(m, List.of()))) {
      MapValues from = methods.get(caller);
      if (from == null) {
        continue;
      }
      for (MapValues.CallSite call : from.callSites()) {
        if (call.callee.equals(m)) {
          calls.add(Map.entry(from, call));
        }
      }
    }
    return calls;
  }

  /** Whether a contract orders the method with the object's use ({@link Lifecycles}). */
  private boolean orderedWithUse(XMethod method) {
    return Lifecycles.orderedWithUse(method.getClassName(), method.getName(), method.getNumParams(),
        BytecodeApi.annotationNames(method), hierarchy);
  }

  /**
   * For a task and an access at {@code at} in method {@code where}: null when {@code where} is not the task's
   * launching method; TRUE when the access runs before the launch or after a wait for the task.
   */
  public Boolean order(Context task, MapValues where, Location at) {
    if (task.launcher == null || !task.launcher.equals(where.method().getMethodDescriptor())) {
      return null;
    }
    int position = at.getHandle().getPosition();
    return position < task.launchPosition
        || where.waits().stream().anyMatch(w -> w > task.launchPosition && w < position);
  }
}
