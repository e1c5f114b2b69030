package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.TaskLaunchers;
import org.junit.jupiter.api.Test;

/** Which calls run function objects elsewhere, and where parallel streams and async stages start and end. */
class TaskLaunchersTest {
  private final JdkHierarchy jdk = new JdkHierarchy();

  @Test
  void parallelStreamsEndAtSequentialAndOrderedActionsRunOneAtATime() {
    assertTrue(TaskLaunchers.startsParallelStream("java.util.ArrayList", "parallelStream", jdk));
    assertTrue(TaskLaunchers.startsParallelStream("java.util.stream.IntStream", "parallel", jdk));
    assertTrue(TaskLaunchers.endsParallelStream("java.util.stream.Stream", "sequential", jdk));
    assertFalse(TaskLaunchers.endsParallelStream("java.util.stream.Stream", "unordered", jdk));
    assertTrue(TaskLaunchers.runsOneAtATime("java.util.stream.Stream", "forEachOrdered", jdk));
    assertTrue(TaskLaunchers.runsOneAtATime("java.util.stream.LongStream", "forEachOrdered", jdk));
    assertFalse(TaskLaunchers.runsOneAtATime("java.util.stream.Stream", "forEach", jdk));
  }

  /**
   * A library's timer or scheduler known by its signature: a task first, then longs, ending in (long, TimeUnit).
   * Calls that only look alike are not: a predicate or a key first, another type between, no unit last.
   */
  @Test
  void schedulersKnownBySignature() {
    java.util.function.Predicate<String> tasks = java.util.Set.of("x.TimerTask", "java.lang.Runnable")::contains;
    assertTrue(TaskLaunchers.schedulesBySignature("x.WheelTimer",
        java.util.List.of("x.TimerTask", "long", "java.util.concurrent.TimeUnit"), tasks, jdk));
    assertTrue(TaskLaunchers.schedulesBySignature("x.WheelTimer",
        java.util.List.of("java.lang.Runnable", "long", "long", "java.util.concurrent.TimeUnit"), tasks, jdk));
    assertFalse(TaskLaunchers.schedulesBySignature("x.WheelTimer",
        java.util.List.of("java.util.function.Predicate", "long", "java.util.concurrent.TimeUnit"), tasks, jdk));
    assertFalse(TaskLaunchers.schedulesBySignature("x.WheelTimer",
        java.util.List.of("java.lang.Object", "java.lang.Object", "long", "java.util.concurrent.TimeUnit"), tasks, jdk));
    assertFalse(TaskLaunchers.schedulesBySignature("x.WheelTimer",
        java.util.List.of("java.lang.Runnable", "int", "java.util.concurrent.TimeUnit"), tasks, jdk));
    assertFalse(TaskLaunchers.schedulesBySignature("x.WheelTimer", java.util.List.of("java.lang.Runnable", "long"),
        tasks, jdk));
    // A thread's own scheduler runs the task on that thread (an event loop's channels are handled there too).
    assertFalse(TaskLaunchers.schedulesBySignature("java.lang.Thread",
        java.util.List.of("java.lang.Runnable", "long", "java.util.concurrent.TimeUnit"), tasks, jdk));
    assertTrue(TaskLaunchers.isTaskMethod(true, 1)); // run(Timeout)
    assertTrue(TaskLaunchers.isTaskMethod(false, 0)); // call()
    assertFalse(TaskLaunchers.isTaskMethod(false, 1)); // test(T), apply(T)
  }

  /**
   * A SubmissionPublisher runs what it is given on its executor, and calls a subscriber's methods one at a time; no
   * other interface is called back so (a Runnable's run() is also called directly).
   */
  @Test
  void publishersCallTheirSubscribersBack() {
    assertTrue(TaskLaunchers.launches("java.util.concurrent.SubmissionPublisher", "subscribe", jdk));
    assertTrue(TaskLaunchers.launches("java.util.concurrent.SubmissionPublisher", "consume", jdk));
    assertFalse(TaskLaunchers.launches("java.util.concurrent.SubmissionPublisher", "submit", jdk));
    assertTrue(TaskLaunchers.callsBack("java.util.concurrent.Flow$Subscriber"));
    assertFalse(TaskLaunchers.callsBack("java.lang.Runnable"));
    assertFalse(TaskLaunchers.callsBack("java.util.concurrent.Flow$Publisher"));
  }

  /** Fork-join tasks: fork() and ForkJoinTask.invokeAll start them; their compute() runs on the pool's threads. */
  @Test
  void forkJoinTasks() {
    assertTrue(TaskLaunchers.forks("java.util.concurrent.RecursiveAction", "fork", jdk));
    assertTrue(TaskLaunchers.forks("java.util.concurrent.ForkJoinTask", "invokeAll", jdk));
    assertFalse(TaskLaunchers.forks("java.util.concurrent.RecursiveTask", "join", jdk));
    assertFalse(TaskLaunchers.forks("java.util.concurrent.ExecutorService", "invokeAll", jdk)); // a launcher, not a fork
    assertFalse(TaskLaunchers.forks("java.lang.ProcessBuilder", "fork", jdk));
    assertTrue(TaskLaunchers.isForkJoinComputation("java.util.concurrent.RecursiveTask", "compute", 0, jdk));
    assertTrue(TaskLaunchers.isForkJoinComputation("java.util.concurrent.CountedCompleter", "compute", 0, jdk));
    assertFalse(TaskLaunchers.isForkJoinComputation("java.util.concurrent.RecursiveTask", "compute", 1, jdk));
    assertFalse(TaskLaunchers.isForkJoinComputation("java.util.HashMap", "compute", 0, jdk));
  }

  /** The stages after an async one run on the thread that completes it; an async stage is a launch of its own. */
  @Test
  void stagesAfterAsyncOnes() {
    assertTrue(TaskLaunchers.completedByTask("java.util.concurrent.CompletableFuture", "supplyAsync", jdk));
    assertTrue(TaskLaunchers.completedByTask("java.util.concurrent.CompletableFuture", "thenApplyAsync", jdk));
    assertFalse(TaskLaunchers.completedByTask("java.util.concurrent.ExecutorService", "submit", jdk));
    assertFalse(TaskLaunchers.completedByTask("java.util.concurrent.CompletableFuture", "thenApply", jdk));
    assertTrue(TaskLaunchers.runsOnCompletingThread("java.util.concurrent.CompletableFuture", "thenAccept", jdk));
    assertTrue(TaskLaunchers.runsOnCompletingThread("java.util.concurrent.CompletionStage", "whenComplete", jdk));
    assertFalse(TaskLaunchers.runsOnCompletingThread("java.util.concurrent.CompletableFuture", "thenAcceptAsync", jdk));
    assertFalse(TaskLaunchers.runsOnCompletingThread("java.util.Optional", "map", jdk));
  }

  /** Executors that run their tasks one at a time on one thread; a pool of one thread made otherwise is not known. */
  @Test
  void serialExecutors() {
    assertTrue(TaskLaunchers.makesSerialExecutor("java.util.concurrent.Executors", "newSingleThreadExecutor"));
    assertTrue(TaskLaunchers.makesSerialExecutor("java.util.concurrent.Executors", "newSingleThreadScheduledExecutor"));
    assertFalse(TaskLaunchers.makesSerialExecutor("java.util.concurrent.Executors", "newFixedThreadPool"));
    assertFalse(TaskLaunchers.makesSerialExecutor("java.util.concurrent.Executors", "newCachedThreadPool"));
  }

  /** Tasks of one serial executor do not overlap each other, even repeated; those of two, or of a pool, do. */
  @Test
  void tasksOfOneSerialExecutorDoNotOverlap() {
    Overlap.Side first = task("a", true, "worker");
    Overlap.Side second = task("b", false, "worker");
    assertFalse(Overlap.mayOverlap(first, second, false, (t, w) -> null));
    assertFalse(Overlap.mayOverlap(first, first, false, (t, w) -> null));
    assertTrue(Overlap.mayOverlap(first, task("c", false, "other"), false, (t, w) -> null));
    assertTrue(Overlap.mayOverlap(task("d", true, null), task("d", true, null), false, (t, w) -> null));
  }

  private static Overlap.Side task(String anchor, boolean repeats, Object executor) {
    return new Overlap.Side() {
      @Override
      public Overlap.Kind kind() {
        return Overlap.Kind.TASK;
      }

      @Override
      public Object anchor() {
        return anchor;
      }

      @Override
      public boolean selfConcurrent() {
        return repeats;
      }

      @Override
      public boolean joined() {
        return false;
      }

      @Override
      public Object serialExecutor() {
        return executor;
      }
    };
  }
}
