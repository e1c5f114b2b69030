package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
