package example.sessions;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Effective permissions of a room: its own grants plus those of the room it inherits from. Resolved lazily
 * and memoised, because rooms nest deeply in large servers.
 */
public final class RoomPermissions {
  private final Map<String, String> parents = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> grants = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> effective = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> effectiveSafely = new ConcurrentHashMap<>();

  public void define(String room, Optional<String> parent, Set<String> own) {
    parent.ifPresent(p -> parents.put(room, p));
    grants.put(room, Set.copyOf(own));
    effective.clear();
    effectiveSafely.clear();
  }

  /** Resolving the parent inside the mapping function updates the same map: Recursive update. */
  public Set<String> effectiveFor(String room) {
    return effective.computeIfAbsent(room, this::resolve); // mapsafe-expect: RecursiveMapCompute
  }

  private Set<String> resolve(String room) {
    Set<String> all = new HashSet<>(grants.getOrDefault(room, Set.of()));
    String parent = parents.get(room);
    if (parent != null) {
      all.addAll(effectiveFor(parent));
    }
    return Set.copyOf(all);
  }

  /** Correct: computes outside the map (recursing freely), then publishes with putIfAbsent. */
  public Set<String> effectiveForSafely(String room) {
    Set<String> known = effectiveSafely.get(room);
    if (known != null) {
      return known;
    }
    Set<String> all = new HashSet<>(grants.getOrDefault(room, Set.of()));
    String parent = parents.get(room);
    if (parent != null) {
      all.addAll(effectiveForSafely(parent));
    }
    Set<String> computed = Set.copyOf(all);
    Set<String> raced = effectiveSafely.putIfAbsent(room, computed);
    return raced != null ? raced : computed;
  }

  /** Correct: the function reads other maps only. */
  public Set<String> ownGrants(String room) {
    return effectiveSafely.computeIfAbsent(room + "#own", r -> Set.copyOf(grants.getOrDefault(room, Set.of())));
  }
}
