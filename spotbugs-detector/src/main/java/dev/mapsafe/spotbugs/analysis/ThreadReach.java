package dev.mapsafe.spotbugs.analysis;

import static dev.mapsafe.spotbugs.analysis.CallIndex.dotted;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.EntryLocks;
import dev.mapsafe.knowledge.threads.Exposure;
import dev.mapsafe.knowledge.threads.Lifecycles;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.Overlap.Kind;
import dev.mapsafe.knowledge.threads.TaskLaunchers;
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
 * {@code Thread} subclass's {@code run()}, the computation of a fork-join task that forks its own kind, or the
 * callbacks a launcher makes on an object given to it (a subscriber's {@code onNext}); a lambda
 * body that is not launched runs where it is created; a private or synthetic method runs where its callers do; a
 * non-private method also runs in the tasks that reach it ({@link BackReferenceTasks}). Facts from all classes are
 * combined first, so a task in {@code Outer$1} is seen accessing {@code Outer}'s fields.
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
    /** Whether it is a fork-join task's computation, whose runs overlap on different task objects ({@link #forMap}). */
    private boolean forkJoin;
    /** Whether it is the callbacks of a launched object ({@link TaskLaunchers#callsBack}), ordered by waits ({@link
     * #order}). */
    private boolean callback;

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
      c.forkJoin = forkJoin;
      c.callback = callback;
      return c;
    }

    /** The callbacks a launcher makes on an object it was given: one at a time, so never beside each other. */
    Context callbacks() {
      Context c = new Context(kind, anchor, Messages.callbacksOf(description), false, false, launcher,
          launchPosition, joined, executor, serialExecutors);
      c.callback = true;
      return c;
    }

    /**
     * The computation of a fork-join task that forks tasks of its own class: its runs overlap each other. The pool's
     * callers wait for it ({@code invoke}, {@code join}), so it is taken as racing only with tasks (precision first).
     */
    static Context forkJoinComputation(MethodDescriptor compute) {
      Context c = new Context(Kind.TASK, compute.toString(),
          "the fork-join task's " + simpleName(compute.getSlashedClassName()) + ".compute()", true, false, null, -1,
          true);
      c.forkJoin = true;
      return c;
    }
  }

  /**
   * The contexts of an access to a map: those of the code, less the tasks that reach it through a back reference when
   * the map is not the object's own ({@code ownMap}: a field of {@code this}, or a static one), and less fork-join
   * computations when it is an instance field of {@code this}. A back-reference task runs the code on the object that
   * made its own, and the maps of other objects the code is given (a new one per task) are not shared through it; the
   * runs of a fork-join computation overlap on different task objects, each with its own fields (merged after a
   * join). The Error Prone engine's counterpart has the name.
   */
  public static List<Context> forMap(List<Context> contexts, boolean ownMap, boolean instanceFieldOfThis) {
    List<Context> result = new ArrayList<>();
    contexts.stream().filter(c -> (ownMap || !c.throughBackReference) && !(instanceFieldOfThis && c.forkJoin))
        .forEach(result::add);
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
  private final CallIndex calls;
  /** Methods that pass a parameter on to a launcher, by that parameter's index ({@link #forwardedLaunches}). */
  private final Map<MethodDescriptor, Set<Integer>> forwarders = new HashMap<>();
  private final Map<MethodDescriptor, List<ParameterUses.ParameterPass>> parameterPasses = new HashMap<>();
  private boolean forwardedResolved;
  private final BackReferenceTasks backReferenceTasks;
  /** The callbacks launchers make on objects given to them, by {@link #callbackKey}. */
  private final Map<String, Context> launchedCallbacks = new HashMap<>();
  /** For each class, the classes of the fork-join tasks its code forks ({@code new Part(..).fork()}). */
  private final Map<String, Set<String>> forked = new HashMap<>();

  public ThreadReach(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
    this.calls = new CallIndex(hierarchy);
    this.backReferenceTasks = new BackReferenceTasks(hierarchy, calls);
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
      launch.taskObjects.forEach(o -> backReferenceTasks.addTaskObject(task, o));
      Context callbacks = task.callbacks();
      launch.callbackClasses.forEach(c -> launchedClasses.putIfAbsent(c, callbacks));
      for (TaskLaunches.TaskObject o : launch.callbackObjects) {
        backReferenceTasks.addTaskObject(callbacks, o);
        launchedCallbacks.putIfAbsent(callbackKey(o.className, o.method.substring(0, o.method.indexOf('(')),
            o.method.substring(o.method.indexOf('('))), callbacks);
      }
    }
    for (MethodDescriptor callee : method.callees()) {
      callers.computeIfAbsent(callee, c -> new ArrayList<>()).add(self);
    }
    backReferenceTasks.add(method);
    if (!method.parameterPasses().isEmpty()) {
      parameterPasses.put(self, method.parameterPasses());
    }
    for (MapValues.CallSite call : method.callSites()) {
      calls.add(self, call);
      (call.onNewObject ? calledOnNewObjects : calledOnOtherObjects).add(call.callee);
      if (call.onThis) {
        selfCallers.computeIfAbsent(call.callee, c -> new ArrayList<>()).add(self);
      }
      noteFork(self, call);
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
    if (TaskLaunchers.isForkJoinComputation(className, name, m.getSignature().startsWith("()") ? 0 : 1, hierarchy)
        && forksOwnKind(className)) {
      return List.of(Context.forkJoinComputation(m));
    }
    if (launched != null) {
      return List.of(launched);
    }
    Context callback = launchedCallbacks.isEmpty() ? null
        : launchedCallbacks.get(callbackKey(className, name, m.getSignature()));
    if (callback != null) {
      return List.of(callback);
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
      backReferenceTasks.of(m).stream().filter(c -> !result.contains(c)).forEach(result::add);
    }
    return result;
  }

  /** A method by class, name and number of parameters: the implementations of a callback and its bridge are one. */
  private static String callbackKey(String className, String name, String signature) {
    return className + "." + name + "/" + org.apache.bcel.generic.Type.getArgumentTypes(signature).length;
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
      for (Map.Entry<MethodDescriptor, MapValues.CallSite> site : calls.named(f)) {
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
                .ifPresent(m -> backReferenceTasks.addTaskObject(task, new TaskLaunches.TaskObject(constructed, m)));
          }
        }
      }
    }
  }

  /**
   * Notes the fork-join tasks a call forks: the object {@code fork()} is called on (its class as constructed, else the
   * class the call names), the constructed arguments of {@code invokeAll(..)}.
   */
  private void noteFork(MethodDescriptor caller, MapValues.CallSite call) {
    String named = dotted(call.callee);
    if (!TaskLaunchers.forks(named, call.callee.getName(), hierarchy)) {
      return;
    }
    Set<String> classes = forked.computeIfAbsent(dotted(caller), k -> new HashSet<>());
    if (call.callee.getName().equals("fork")) {
      classes.add(call.receiver instanceof Origin.Constructed ? ((Origin.Constructed) call.receiver).className()
          : named);
    } else {
      call.constructedArguments.stream().filter(java.util.Objects::nonNull).forEach(classes::add);
    }
  }

  /** Whether the class's code forks tasks of its own class (or of a subclass): its computations then overlap. */
  private boolean forksOwnKind(String className) {
    return forked.getOrDefault(className, Set.of()).stream()
        .anyMatch(f -> f.equals(className) || hierarchy.isSubtype(f, className));
  }

  private static String simpleName(String slashedName) {
    return slashedName.substring(Math.max(slashedName.lastIndexOf('/'), slashedName.lastIndexOf('$')) + 1);
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
   * launching method (but TRUE for an object's callbacks when {@code where} waits before the access); TRUE when the
   * access runs before the launch or after a wait for the task.
   */
  public Boolean order(Context task, MapValues where, Location at) {
    int position = at.getHandle().getPosition();
    if (task.launcher == null || !task.launcher.equals(where.method().getMethodDescriptor())) {
      // The object's other methods that first wait (its completion latch, a future) run after its callbacks.
      return task.callback && where.waits().stream().anyMatch(w -> w < position) ? Boolean.TRUE : null;
    }
    return position < task.launchPosition
        || where.waits().stream().anyMatch(w -> w > task.launchPosition && w < position);
  }
}
