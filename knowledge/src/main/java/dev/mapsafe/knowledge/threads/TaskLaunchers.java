package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;
import java.util.function.Predicate;

/**
 * Calls that run a function object they are given (a lambda, method reference, anonymous class) on another
 * thread, possibly after they return: the code of that function may run concurrently with its creator and,
 * for some launchers, with itself.
 */
public final class TaskLaunchers {

  /**
   * One kind of launcher: methods of an owner type (and its subtypes) with the given names. A repeating
   * schedule ({@code Timer}, {@code scheduleAtFixedRate}) never runs one task twice at the same time, so no
   * launcher makes a task overlap itself; launching it in a loop does.
   */
  private static final class Launcher {
    final String owner;
    final List<String> names;

    Launcher(String owner, String... names) {
      this.owner = owner;
      this.names = List.of(names);
    }
  }

  private static final List<Launcher> LAUNCHERS =
      List.of(
          new Launcher("java.lang.Thread", "<init>", "startVirtualThread"),
          new Launcher("java.lang.Thread$Builder", "start", "unstarted"),
          new Launcher("java.util.concurrent.ThreadFactory", "newThread"),
          new Launcher("java.util.concurrent.Executor", "execute"),
          new Launcher("java.util.concurrent.ExecutorService", "submit", "invokeAll", "invokeAny"),
          new Launcher("java.util.concurrent.ScheduledExecutorService",
              "schedule", "scheduleAtFixedRate", "scheduleWithFixedDelay"),
          new Launcher("java.util.concurrent.CompletableFuture",
              "runAsync", "supplyAsync", "thenApplyAsync", "thenAcceptAsync", "thenRunAsync", "thenComposeAsync",
              "thenCombineAsync", "thenAcceptBothAsync", "runAfterBothAsync", "applyToEitherAsync",
              "acceptEitherAsync", "runAfterEitherAsync", "handleAsync", "whenCompleteAsync", "exceptionallyAsync",
              "completeAsync"),
          new Launcher("java.util.Timer", "schedule", "scheduleAtFixedRate"),
          // Delivers items, and calls its subscribers' methods, on its executor (the common pool by default).
          new Launcher("java.util.concurrent.SubmissionPublisher", "subscribe", "consume"));

  /**
   * Interfaces whose objects a launcher calls back on its threads through all their methods, one call at a time
   * with each call happening-before the next: {@code Flow.Subscriber} (its contract; {@code SubmissionPublisher}
   * runs them on its executor).
   */
  private static final List<String> CALLBACK_INTERFACES = List.of("java.util.concurrent.Flow$Subscriber");

  /** Where parallel streams start: the operations of a stream after these run concurrently with themselves. */
  private static final List<String> PARALLEL_STREAM_STARTS =
      List.of("java.util.Collection#parallelStream", "java.util.stream.BaseStream#parallel");

  /**
   * The stages a {@code CompletionStage} runs on the thread that completes the stage before them (or on the
   * caller, when that one is already complete): after an async stage, on the pool's thread.
   */
  private static final List<String> DEPENDENT_STAGES = List.of(
      "thenApply", "thenAccept", "thenRun", "thenCompose", "thenCombine", "thenAcceptBoth", "runAfterBoth",
      "applyToEither", "acceptEither", "runAfterEither", "handle", "whenComplete", "exceptionally",
      "exceptionallyCompose");

  private static final String COMPLETION_STAGE = "java.util.concurrent.CompletionStage";
  private static final String COMPLETABLE_FUTURE = "java.util.concurrent.CompletableFuture";

  /** Where a parallel stream becomes sequential again: the operations after it run on the calling thread. */
  private static final String PARALLEL_STREAM_END = "java.util.stream.BaseStream#sequential";

  /**
   * Operations of a parallel stream that run their function one element at a time: "performing the action for one
   * element happens-before performing the action for subsequent elements" ({@code forEachOrdered}'s contract).
   */
  private static final List<String> ONE_AT_A_TIME = List.of(
      "java.util.stream.Stream#forEachOrdered", "java.util.stream.IntStream#forEachOrdered",
      "java.util.stream.LongStream#forEachOrdered", "java.util.stream.DoubleStream#forEachOrdered");

  /** Factories of executors that run their tasks one at a time, in order, on one thread. */
  private static final List<String> SERIAL_EXECUTOR_FACTORIES = List.of(
      "java.util.concurrent.Executors#newSingleThreadExecutor",
      "java.util.concurrent.Executors#newSingleThreadScheduledExecutor");

  private TaskLaunchers() {}

  /**
   * Whether the call makes an executor that runs its tasks one at a time on one thread
   * ({@code Executors.newSingleThreadExecutor()}): tasks given to it never overlap each other.
   */
  public static boolean makesSerialExecutor(String owner, String name) {
    return SERIAL_EXECUTOR_FACTORIES.contains(owner + "#" + name);
  }

  /**
   * Whether a launcher calls every method of the interface on an object it is given, from its threads and one call
   * at a time ({@code subscribe(Flow.Subscriber)}): the implementations of those methods in the object's class run
   * in the launch's task, never beside each other, while the class's other methods run on its other users'
   * threads. Unlike a {@code Runnable}'s {@code run()}, which any code may also call directly, nothing but the
   * launcher calls a subscriber's callbacks.
   */
  public static boolean callsBack(String interfaceName) {
    return CALLBACK_INTERFACES.contains(interfaceName);
  }

  /** Whether a call of {@code name} ({@code <init>} for a constructor) on {@code owner} runs its function arguments elsewhere. */
  public static boolean launches(String owner, String name, TypeHierarchy hierarchy) {
    return find(owner, name, hierarchy) != null || UserVocabulary.current().launches(owner, name, hierarchy);
  }

  /**
   * Whether a library method (one the analysis does not see the code of) schedules its first argument by its
   * signature alone: the parameters are a task ({@link #isTaskMethod}), then only {@code long}s, and end in
   * {@code (long, TimeUnit)}, as timers and schedulers of every library declare them ({@code newTimeout(task, delay,
   * unit)}, {@code schedule(task, delay, unit)}). A predicate, a key or a value first ({@code put(k, v, ttl, unit)},
   * {@code offer(e, timeout, unit)}) is no task. Not when the scheduler is itself a thread (XNIO's
   * {@code XnioIoThread.executeAfter}): an event loop runs the task on the very thread that handles its channels'
   * events, so the task does not run beside them.
   *
   * @param owner the class the call names
   * @param parameterTypes the binary names of the parameters' types ({@code long} for the primitive)
   * @param taskInterface whether a type is an interface whose single abstract method is a task's
   */
  public static boolean schedulesBySignature(String owner, List<String> parameterTypes,
      Predicate<String> taskInterface, TypeHierarchy hierarchy) {
    int n = parameterTypes.size();
    if (n < 3 || !parameterTypes.get(n - 1).equals("java.util.concurrent.TimeUnit")
        || hierarchy.isSubtype(owner, "java.lang.Thread")) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      if (!parameterTypes.get(i).equals("long")) {
        return false;
      }
    }
    return taskInterface.test(parameterTypes.get(0));
  }

  /**
   * Whether an interface's single abstract method has a task's shape: it returns nothing ({@code run(Timeout)}), or
   * takes nothing ({@code call()}). A function of its argument ({@code test(T)}, {@code apply(T)}) is a condition
   * or a mapping, which a scheduler may well evaluate on the calling thread.
   */
  public static boolean isTaskMethod(boolean returnsVoid, int parameterCount) {
    return returnsVoid || parameterCount == 0;
  }

  private static final String FORK_JOIN_TASK = "java.util.concurrent.ForkJoinTask";

  /**
   * Whether the call starts fork-join tasks on the pool's threads, to run beside the task that makes it:
   * {@code fork()} its receiver, {@code ForkJoinTask.invokeAll(..)} its arguments (all but one of them elsewhere).
   */
  public static boolean forks(String owner, String name, TypeHierarchy hierarchy) {
    return (name.equals("fork") || name.equals("invokeAll"))
        && (owner.equals(FORK_JOIN_TASK) || hierarchy.isSubtype(owner, FORK_JOIN_TASK));
  }

  /**
   * Whether the method is a fork-join task's computation ({@code compute()} of a {@code RecursiveAction},
   * {@code RecursiveTask} or {@code CountedCompleter}): the pool's threads run it, those of the tasks it forks at the
   * same time as its own.
   */
  public static boolean isForkJoinComputation(String owner, String name, int parameterCount,
      TypeHierarchy hierarchy) {
    return name.equals("compute") && parameterCount == 0 && hierarchy.isSubtype(owner, FORK_JOIN_TASK);
  }

  /** Whether the call makes a stream parallel ({@code parallelStream()}, {@code parallel()}). */
  public static boolean startsParallelStream(String owner, String name, TypeHierarchy hierarchy) {
    return matches(PARALLEL_STREAM_STARTS, owner, name, hierarchy);
  }

  /**
   * Whether the call returns a future that a launched task completes ({@code supplyAsync}, {@code thenApplyAsync}):
   * the stages that depend on it run on that task's thread.
   */
  public static boolean completedByTask(String owner, String name, TypeHierarchy hierarchy) {
    Launcher launcher = find(owner, name, hierarchy);
    return launcher != null && launcher.owner.equals(COMPLETABLE_FUTURE);
  }

  /**
   * Whether the call adds a stage that runs on the thread completing its receiver ({@code thenAccept},
   * {@code whenComplete}, ...): after an async stage, that is a pool thread.
   */
  public static boolean runsOnCompletingThread(String owner, String name, TypeHierarchy hierarchy) {
    return DEPENDENT_STAGES.contains(name) && (owner.equals(COMPLETION_STAGE) || owner.equals(COMPLETABLE_FUTURE)
        || hierarchy.isSubtype(owner, COMPLETION_STAGE));
  }

  /** Whether the call makes a parallel stream sequential again ({@code sequential()}). */
  public static boolean endsParallelStream(String owner, String name, TypeHierarchy hierarchy) {
    return matches(List.of(PARALLEL_STREAM_END), owner, name, hierarchy);
  }

  /** Whether an operation of a parallel stream runs its function on one element at a time ({@code forEachOrdered}). */
  public static boolean runsOneAtATime(String owner, String name, TypeHierarchy hierarchy) {
    return matches(ONE_AT_A_TIME, owner, name, hierarchy);
  }

  private static boolean matches(List<String> methods, String owner, String name, TypeHierarchy hierarchy) {
    for (String method : methods) {
      String type = method.substring(0, method.indexOf('#'));
      if (method.endsWith("#" + name) && (owner.equals(type) || hierarchy.isSubtype(owner, type))) {
        return true;
      }
    }
    return false;
  }

  private static Launcher find(String owner, String name, TypeHierarchy hierarchy) {
    for (Launcher l : LAUNCHERS) {
      if (l.names.contains(name) && (owner.equals(l.owner) || hierarchy.isSubtype(owner, l.owner))) {
        return l;
      }
    }
    return null;
  }
}
