package example.sessions;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;

/** Room occupancy, kept in a Hashtable by a legacy module: each call locks, traversals must too. */
public final class RoomDirectory {
  @SuppressWarnings("JdkObsolete") // the legacy module hands us a Hashtable
  private final Hashtable<String, Integer> occupancy = new Hashtable<>();

  public void enter(String room) {
    occupancy.merge(room, 1, Integer::sum);
  }

  public void leave(String room) {
    occupancy.computeIfPresent(room, (r, n) -> n > 1 ? n - 1 : null);
  }

  public String busiestRoom() {
    String busiest = null;
    int max = 0;
    for (Map.Entry<String, Integer> e : occupancy.entrySet()) { // mapsafe-expect: UnlockedMapIteration
      if (e.getValue() > max) {
        max = e.getValue();
        busiest = e.getKey();
      }
    }
    return busiest;
  }

  /** Correct: iterates while holding the table's own monitor. */
  public int totalOccupancy() {
    int total = 0;
    synchronized (occupancy) {
      for (int n : occupancy.values()) {
        total += n;
      }
    }
    return total;
  }

  /** Correct: List.copyOf copies through the synchronized toArray of the view. */
  public List<String> roomNames() {
    return List.copyOf(occupancy.keySet());
  }
}
