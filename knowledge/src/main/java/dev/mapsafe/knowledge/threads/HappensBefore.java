package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;
import java.util.Map;

/**
 * Calls after which the work of launched tasks is visible and finished (JLS 17.4.5 and the
 * java.util.concurrent memory consistency guarantees): code after them in the launching method does not race
 * with the tasks it waited for.
 */
public final class HappensBefore {
  private static final Map<String, List<String>> WAITS =
      Map.of(
          "java.util.concurrent.Future", List.of("get", "join", "resultNow"),
          "java.util.concurrent.CompletableFuture", List.of("get", "join"),
          "java.util.concurrent.ForkJoinTask", List.of("get", "join", "invoke"),
          "java.lang.Thread", List.of("join"),
          "java.util.concurrent.ExecutorService", List.of("invokeAll", "invokeAny", "awaitTermination", "close"),
          "java.util.concurrent.CountDownLatch", List.of("await"),
          "java.util.concurrent.CyclicBarrier", List.of("await"),
          "java.util.concurrent.Phaser", List.of("arriveAndAwaitAdvance", "awaitAdvance"));

  private HappensBefore() {}

  /** Whether a call of {@code name} on {@code owner} waits for launched work to finish. */
  public static boolean waitsForTasks(String owner, String name, TypeHierarchy hierarchy) {
    for (Map.Entry<String, List<String>> e : WAITS.entrySet()) {
      if (e.getValue().contains(name) && (owner.equals(e.getKey()) || hierarchy.isSubtype(owner, e.getKey()))) {
        return true;
      }
    }
    return false;
  }
}
