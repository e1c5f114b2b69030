package example.sessions;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Which permissions each role grants, exported to the admin console and the audit job. The exports look defensive;
 * one of them still hands out the registry's own sets.
 */
public final class RoleGrants {
  private final Map<String, Set<String>> permissionsByRole = new HashMap<>();
  private final Map<String, Instant> lastChanged = new HashMap<>();
  private final List<GrantListener> listeners = new CopyOnWriteArrayList<>();

  /** Told of the grants after each change; listeners keep what they are given (caches, the search index). */
  public interface GrantListener {
    void onGrants(Map<String, Set<String>> grants);
  }

  public void addListener(GrantListener listener) {
    listeners.add(listener);
  }

  public synchronized void grant(String role, String permission) {
    permissionsByRole.computeIfAbsent(role, r -> new HashSet<>()).add(permission);
    lastChanged.put(role, Instant.now());
  }

  /** A listener that adds to a set it was given adds to the registry's own set. */
  public synchronized void grantAndNotify(String role, String permission) {
    grant(role, permission);
    Map<String, Set<String>> grants = new HashMap<>();
    grants.putAll(permissionsByRole); // mapsafe-expect: ShallowMapCopyLeak
    for (GrantListener listener : listeners) {
      listener.onGrants(grants);
    }
  }

  public synchronized boolean allows(String role, String permission) {
    return permissionsByRole.getOrDefault(role, Set.of()).contains(permission);
  }

  /** The console edits what it gets back: it edits the registry's own sets. */
  public synchronized Map<String, Set<String>> exportForConsole() {
    return Collections.unmodifiableMap(new HashMap<>(permissionsByRole)); // mapsafe-expect: ShallowMapCopyLeak
  }

  /** Correct: each set is copied too. */
  public synchronized Map<String, Set<String>> exportForAudit() {
    return permissionsByRole.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
  }

  /** Correct: Instant is immutable, a shallow copy is enough. */
  public synchronized Map<String, Instant> changes() {
    return new HashMap<>(lastChanged);
  }
}
