package example.sessions;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Session policies (timeouts per client type), hot-reloaded from configuration while login threads read them
 * without a lock: the maps are published copy-on-write, and some updates forget the "copy" step.
 */
public final class SessionPolicies {
  private volatile Map<String, Long> timeoutSeconds = Map.of("web", 1800L, "mobile", 86400L);
  private final AtomicReference<Map<String, Integer>> maxSessions = new AtomicReference<>(new HashMap<>());

  /** Read on every login, with no lock. */
  public long timeoutFor(String clientType) {
    return timeoutSeconds.getOrDefault(clientType, 900L);
  }

  public int maxSessionsFor(String clientType) {
    return maxSessions.get().getOrDefault(clientType, 5);
  }

  /** Correct: the new policies are built, then published once. */
  public void reload(Map<String, Long> fromConfig) {
    Map<String, Long> next = new HashMap<>(fromConfig);
    next.putIfAbsent("web", 1800L);
    timeoutSeconds = Map.copyOf(next);
  }

  /** Publishes the map, then keeps filling it while readers already use it. */
  public void reloadWithDefaults(Map<String, Long> fromConfig) {
    Map<String, Long> next = new HashMap<>(fromConfig);
    timeoutSeconds = next;
    next.putIfAbsent("kiosk", 300L); // mapsafe-expect: MutatedMapSnapshot
  }

  /** Changes the published map in place. */
  public void limit(String clientType, int sessions) {
    maxSessions.get().put(clientType, sessions); // mapsafe-expect: MutatedMapSnapshot
  }

  /** Correct: the update function copies, modifies the copy and returns it. */
  public void raise(String clientType) {
    maxSessions.updateAndGet(current -> {
      Map<String, Integer> next = new HashMap<>(current);
      next.merge(clientType, 1, Integer::sum);
      return Map.copyOf(next);
    });
  }
}
