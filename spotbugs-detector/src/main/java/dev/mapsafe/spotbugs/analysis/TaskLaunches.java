package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.HappensBefore;
import dev.mapsafe.knowledge.threads.TaskLaunchers;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.BasicBlock;
import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.bcel.classfile.Method;

/**
 * What one method launches on other threads and waits for, as the thread vocabulary ({@link TaskLaunchers},
 * {@link HappensBefore}) names the calls: the tasks it gives to launchers, the operations of parallel streams it
 * makes, and the calls that wait for launched work. Part of {@link MapValues}' scan; {@link ThreadReach} reads it.
 */
public final class TaskLaunches {

  /**
   * A call that runs function objects on another thread ({@code TaskLaunchers}), or an operation of a parallel
   * stream: the lambda bodies and the classes of the objects it was given.
   */
  public static final class Launch {
    public final List<MethodDescriptor> bodies;
    public final List<String> constructedClasses;
    public final String description;
    public final SourceLineAnnotation line;
    public final int position;
    public final boolean selfConcurrent;
    public final boolean parallelStream;
    /** Whether the launcher was given a collection the method added the tasks to ({@code invokeAll(tasks)}). */
    public final boolean collected;
    /** The maps this method made that the launched lambdas capture, one made for all runs of them. */
    public final List<CapturedMap> capturedMaps;
    /** The field holding the executor the tasks are given to ({@code worker.execute(..)}), or null. */
    public final XField executor;
    /** The objects of any class this method constructed and launched, with the method the launcher runs. */
    public final List<TaskObject> taskObjects;
    /**
     * The objects of named classes, constructed here or {@code this}, whose methods the launcher calls back
     * ({@link TaskLaunchers#callsBack}: a subscriber), with each method of the interface.
     */
    public final List<TaskObject> callbackObjects;
    /** The anonymous classes of such objects: all their methods are the callbacks or run in them. */
    public final List<String> callbackClasses;

    Launch(List<MethodDescriptor> bodies, List<String> constructedClasses, String description,
        SourceLineAnnotation line, int position, boolean selfConcurrent, boolean parallelStream, boolean collected,
        List<CapturedMap> capturedMaps, XField executor, List<TaskObject> taskObjects,
        List<TaskObject> callbackObjects, List<String> callbackClasses) {
      this.taskObjects = taskObjects;
      this.callbackObjects = callbackObjects;
      this.callbackClasses = callbackClasses;
      this.executor = executor;
      this.collected = collected;
      this.bodies = bodies;
      this.constructedClasses = constructedClasses;
      this.description = description;
      this.line = line;
      this.position = position;
      this.selfConcurrent = selfConcurrent;
      this.parallelStream = parallelStream;
      this.capturedMaps = capturedMaps;
    }
  }

  /**
   * An object the launching method constructed ({@code var out = new HashMap<>()}) that a launched lambda
   * captures: the lambda's body receives it as parameter {@code parameter}. Not one made again by each run of a
   * launching loop: then every task has its own.
   */
  public static final class CapturedMap {
    public final MethodDescriptor body;
    public final int parameter;
    public final Origin.Constructed map;

    CapturedMap(MethodDescriptor body, int parameter, Origin.Constructed map) {
      this.body = body;
      this.parameter = parameter;
      this.map = map;
    }
  }

  /**
   * An object launched as a task: its class, and the method the launcher runs on it, as name and signature
   * ({@link BytecodeApi#taskMethod}): its implementation in the class or a superclass is where the task starts.
   */
  public static final class TaskObject {
    public final String className;
    public final String method;

    TaskObject(String className, String method) {
      this.className = className;
      this.method = method;
    }
  }

  /** A function object added to a collection ({@code tasks.add(() -> ..)}), where, and whether in a loop. */
  private static final class Collected {
    final ValueNumber function;
    final Location at;
    final boolean inLoop;

    Collected(ValueNumber function, Location at, boolean inLoop) {
      this.function = function;
      this.at = at;
      this.inLoop = inLoop;
    }
  }

  private final List<Launch> launches = new ArrayList<>();
  /** The function objects added to each collection value: tasks a later {@code invokeAll(tasks)} launches. */
  private final Map<ValueNumber, List<Collected>> collected = new HashMap<>();
  private final List<Integer> waits = new ArrayList<>();
  private final List<BasicBlock> waitBlocks = new ArrayList<>();
  /** Where each task launched in a loop was launched (by launch), for {@link #finish}. */
  private final Map<Launch, Location> loopLaunches = new HashMap<>();
  private final Set<ValueNumber> parallelStreams = new HashSet<>();
  /** Futures a launched task completes, and the stages that follow them: their stages run on the task's thread. */
  private final Set<ValueNumber> asyncStages = new HashSet<>();

  /** The calls that run function objects on other threads, and parallel stream operations. */
  List<Launch> launches() {
    return launches;
  }

  /** Bytecode positions of calls that wait for launched work (get, join, awaitTermination, ...). */
  List<Integer> waits() {
    return waits;
  }

  /**
   * Notes a call of the method: a wait for tasks, a launch of the function objects or inner-class objects it is
   * given ({@code functions} and {@code origins} say what each argument is), or an operation of a parallel stream.
   */
  void note(ClassContext context, Method m, Location location, CFG cfg, ApiMethod call, ValueNumber receiver,
      ValueNumber result, ValueNumber[] args, FunctionObjects functionObjects, Map<ValueNumber, Origin> origins,
      ValueNumber thisValue, TypeHierarchy hierarchy) {
    String owner = call.owner();
    String name = call.name();
    if (HappensBefore.waitsForTasks(owner, name, hierarchy)) {
      waits.add(location.getHandle().getPosition());
      waitBlocks.add(location.getBasicBlock());
    }
    boolean parallel = receiver != null && parallelStreams.contains(receiver)
        && !TaskLaunchers.runsOneAtATime(owner, name, hierarchy);
    if (TaskLaunchers.startsParallelStream(owner, name, hierarchy)
        || (parallel && result != null && !TaskLaunchers.endsParallelStream(owner, name, hierarchy))) {
      parallelStreams.add(result);
    }
    if (receiver != null && name.equals("add") && args.length == 1 && functionObjects.isFunction(args[0])
        && hierarchy.isSubtype(owner, "java.util.Collection")) {
      collected.computeIfAbsent(receiver, c -> new ArrayList<>())
          .add(new Collected(args[0], location,
              ControlFlow.reachable(cfg, location.getBasicBlock(), location.getBasicBlock())));
    }
    boolean launcherCall = BytecodeApi.launches(call, hierarchy);
    boolean stage = receiver != null && asyncStages.contains(receiver)
        && TaskLaunchers.runsOnCompletingThread(owner, name, hierarchy);
    if (result != null && (stage || launcherCall && TaskLaunchers.completedByTask(owner, name, hierarchy))) {
      asyncStages.add(result);
    }
    if (!launcherCall && !parallel && !stage) {
      return;
    }
    // invokeAll(tasks): the function objects added to tasks run at once, with each other.
    List<Collected> functions = new ArrayList<>();
    boolean collectedTasks = false;
    boolean severalCollected = false;
    for (ValueNumber arg : args) {
      List<Collected> added = launcherCall ? collected.get(arg) : null;
      if (added == null) {
        functions.add(new Collected(arg, location, false));
        continue;
      }
      collectedTasks = true;
      severalCollected |= added.size() > 1 || added.stream().anyMatch(c -> c.inLoop);
      functions.addAll(added);
    }
    args = functions.stream().map(c -> c.function).toArray(ValueNumber[]::new);
    List<MethodDescriptor> bodies = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    List<TaskObject> objects = new ArrayList<>();
    List<TaskObject> callbacks = new ArrayList<>();
    List<String> callbackClasses = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      bodies.addAll(functionObjects.bodiesOf(args[i]));
      Origin o = origins.get(args[i]);
      String constructed = o instanceof Origin.Constructed ? ((Origin.Constructed) o).className() : null;
      if (launcherCall && !collectedTasks && i < call.params().size() && TaskLaunchers.callsBack(call.params().get(i))) {
        // A subscriber: the launcher calls its interface's methods; an anonymous one has no others worth a context.
        String calledBack = args[i].equals(thisValue) ? context.getJavaClass().getClassName() : constructed;
        if (calledBack != null && calledBack.matches(".*\\$[0-9]+")) {
          callbackClasses.add(calledBack);
        } else if (calledBack != null) {
          BytecodeApi.interfaceMethods(call.params().get(i))
              .forEach(callback -> callbacks.add(new TaskObject(calledBack, callback)));
        }
        continue;
      }
      if (constructed != null && constructed.contains("$")) {
        classes.add(constructed);
      }
      if (constructed != null && !collectedTasks && i < call.params().size()) {
        BytecodeApi.taskMethod(call.params().get(i)).ifPresent(run -> objects.add(new TaskObject(constructed, run)));
      }
    }
    if (bodies.isEmpty() && classes.isEmpty() && objects.isEmpty() && callbacks.isEmpty() && callbackClasses.isEmpty()) {
      return;
    }
    SourceLineAnnotation line = SourceLineAnnotation.fromVisitedInstruction(context, m, location);
    Origin launcher = receiver == null ? null : origins.get(receiver);
    String simpleOwner = owner.substring(Math.max(owner.lastIndexOf('.'), owner.lastIndexOf('$')) + 1);
    String what = name.equals("<init>")
        ? "new " + simpleOwner
        : (launcher instanceof Origin.FieldLoad ? launcher.display() : simpleOwner) + "." + name;
    boolean inLoop = ControlFlow.reachable(cfg, location.getBasicBlock(), location.getBasicBlock());
    XField executor = launcherCall && launcher instanceof Origin.FieldLoad ? ((Origin.FieldLoad) launcher).field() : null;
    List<CapturedMap> maps = capturedMaps(cfg, functions, functionObjects, origins, !parallel);
    Launch launch =
        stage
            ? new Launch(bodies, classes, "the stage passed to " + simpleOwner + "." + name + "(..) at line "
                + line.getStartLine() + " after an async one", line, location.getHandle().getPosition(), inLoop,
                false, false, maps, null, objects, callbacks, callbackClasses)
            : collectedTasks
            ? new Launch(bodies, classes, "the tasks passed to " + what + "(..) at line " + line.getStartLine(),
                line, location.getHandle().getPosition(), inLoop || severalCollected, false, true, maps, executor,
                objects, callbacks, callbackClasses)
            : launcherCall
            ? new Launch(bodies, classes, "the task passed to " + what + "(..) at line " + line.getStartLine(),
                line, location.getHandle().getPosition(), inLoop, false, false, maps, executor, objects, callbacks,
                callbackClasses)
            : new Launch(bodies, classes, "the parallel stream's " + name + "(..) at line " + line.getStartLine(),
                line, location.getHandle().getPosition(), true, true, false, maps, null, objects, callbacks,
                callbackClasses);
    launches.add(launch);
    if (inLoop && !collectedTasks && !parallel) {
      loopLaunches.put(launch, location);
    }
  }

  /**
   * Once the method is scanned: a task launched in a loop that waits for it on every way round
   * ({@code for (..) pool.submit(..).get();}) runs one at a time, not overlapping itself.
   */
  void finish(CFG cfg) {
    for (int i = 0; i < launches.size(); i++) {
      Launch launch = launches.get(i);
      Location at = loopLaunches.get(launch);
      if (at != null && waitBlocks.stream().anyMatch(
          wait -> !ControlFlow.reachableAvoiding(cfg, at.getBasicBlock(), at.getBasicBlock(), wait))) {
        launches.set(i, new Launch(launch.bodies, launch.constructedClasses, launch.description, launch.line,
            launch.position, false, launch.parallelStream, launch.collected, launch.capturedMaps, launch.executor,
            launch.taskObjects, launch.callbackObjects, launch.callbackClasses));
      }
    }
    loopLaunches.clear();
  }

  /**
   * The objects this method constructed that the launched lambdas capture. A task launched (or collected) in a loop
   * shares only what was made before the loop: an object made again after the launch is each task's own.
   */
  private static List<CapturedMap> capturedMaps(CFG cfg, List<Collected> functions, FunctionObjects functionObjects,
      Map<ValueNumber, Origin> origins, boolean task) {
    List<CapturedMap> result = new ArrayList<>();
    for (Collected function : functions) {
      List<ValueNumber> values = functionObjects.capturedBy(function.function);
      for (MethodDescriptor body : functionObjects.bodiesOf(function.function)) {
        int first = body.isStatic() ? 0 : 1; // an instance lambda captures this first: its receiver
        for (int i = first; i < values.size(); i++) {
          Origin value = origins.get(values.get(i));
          if (value instanceof Origin.Constructed && ((Origin.Constructed) value).constructedAt() != null
              && !(task && ControlFlow.reachable(cfg, function.at.getBasicBlock(),
                  ((Origin.Constructed) value).constructedAt().getBasicBlock()))) {
            result.add(new CapturedMap(body, i - first, (Origin.Constructed) value));
          }
        }
      }
    }
    return result;
  }
}
