package example.sessions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Drops sessions idle for too long. Runs on the server's single housekeeping thread. */
public final class IdleSessionSweeper {
  private final Map<String, Long> lastActive = new HashMap<>();
  private final Map<String, String> roomOf = new HashMap<>();

  public void touch(String sessionId, String room, long now) {
    lastActive.put(sessionId, now);
    roomOf.put(sessionId, room);
  }

  /** Removing from the map while its key set is iterated: ConcurrentModificationException on the next step. */
  public void sweep(long now, long maxIdle) {
    for (String id : lastActive.keySet()) {
      if (now - lastActive.get(id) > maxIdle) {
        lastActive.remove(id); // mapsafe-expect: MapModifiedDuringIteration
      }
    }
  }

  /** Same through the explicit iterator, but removing through the map instead of the iterator. */
  public void leaveRoom(String room) {
    Iterator<Map.Entry<String, String>> it = roomOf.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, String> entry = it.next();
      if (entry.getValue().equals(room)) {
        roomOf.remove(entry.getKey()); // mapsafe-expect: MapModifiedDuringIteration
      }
    }
  }

  /** Correct: removeIf on the entry view. */
  public void sweepSafely(long now, long maxIdle) {
    lastActive.entrySet().removeIf(e -> now - e.getValue() > maxIdle);
  }

  /** Correct: the iterator removes. */
  public void leaveRoomSafely(String room) {
    for (Iterator<Map.Entry<String, String>> it = roomOf.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().equals(room)) {
        it.remove();
      }
    }
  }

  /** Correct: values of the visited keys are replaced, which does not change the map's structure. */
  public void resetClocks(long now) {
    for (String id : lastActive.keySet()) {
      lastActive.put(id, now);
    }
  }

  /** Correct: collect first, modify after the loop. */
  public List<String> evictRoom(String room) {
    List<String> evicted = new ArrayList<>();
    for (Map.Entry<String, String> e : roomOf.entrySet()) {
      if (e.getValue().equals(room)) {
        evicted.add(e.getKey());
      }
    }
    evicted.forEach(roomOf::remove);
    return evicted;
  }

  /** Correct: stops right after the removal. */
  public String removeFirstIn(String room) {
    for (String id : roomOf.keySet()) {
      if (roomOf.get(id).equals(room)) {
        roomOf.remove(id);
        return id;
      }
    }
    return null;
  }
}
