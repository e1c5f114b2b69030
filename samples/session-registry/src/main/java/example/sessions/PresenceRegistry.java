package example.sessions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Who is online. Connections arrive on the server's I/O threads, so the sessions live in a synchronized
 * map; every traversal of its views must hold {@code synchronized (sessions)}.
 */
public final class PresenceRegistry {
  private final Map<String, Session> sessions = Collections.synchronizedMap(new HashMap<>());
  private final Map<String, Instant> lastLogin = Collections.synchronizedMap(new TreeMap<>());

  public void connect(Session session) {
    sessions.put(session.id(), session);
    lastLogin.put(session.user(), session.lastSeen());
  }

  public void disconnect(String sessionId) {
    sessions.remove(sessionId);
  }

  public void heartbeat(String sessionId, Instant now) {
    sessions.computeIfPresent(sessionId, (id, s) -> s.touch(now));
  }

  /** Sorted user names for the sidebar. */
  public List<String> onlineUsers() {
    return sessions.values().stream() // mapsafe-expect: UnlockedMapIteration
        .map(Session::user)
        .distinct()
        .sorted()
        .toList();
  }

  /** The "who is here" line of the chat header. */
  public String headerLine() {
    return String.join(", ", lastLogin.keySet()); // mapsafe-expect: UnlockedMapIteration
  }

  /** A copy for the admin console. */
  public Map<String, Session> exportForAdmin() {
    return new HashMap<>(sessions); // mapsafe-expect: UnlockedMapIteration
  }

  /** Correct: Map.copyOf reads the wrapper through its synchronized toArray. */
  public Map<String, Session> snapshot() {
    return Map.copyOf(sessions);
  }

  /** Correct: new ArrayList copies through the view's synchronized toArray. */
  public List<String> sessionIds() {
    return new ArrayList<>(sessions.keySet());
  }

  /** Correct: the traversal holds the wrapper's monitor. */
  public int expireIdle(Instant now, Duration timeout) {
    int expired = 0;
    synchronized (sessions) {
      Iterator<Session> it = sessions.values().iterator();
      while (it.hasNext()) {
        if (it.next().lastSeen().plus(timeout).isBefore(now)) {
          it.remove();
          expired++;
        }
      }
    }
    return expired;
  }

  /** Correct: the wrapper runs its own forEach under its monitor. */
  public Map<String, Integer> countByRoom() {
    Map<String, Integer> counts = new HashMap<>();
    sessions.forEach((id, s) -> counts.merge(s.room(), 1, Integer::sum));
    return counts;
  }

  /** Pings every client; the task runs on the scheduler's thread, where no monitor is held. */
  public ScheduledFuture<?> startPinging(ScheduledExecutorService scheduler, Pinger pinger) {
    return scheduler.scheduleAtFixedRate(
        () -> {
          for (Session s : sessions.values()) { // mapsafe-expect: UnlockedMapIteration
            pinger.ping(s);
          }
        },
        5, 5, TimeUnit.SECONDS);
  }

  /** Correct: copies under the monitor, then pings outside it (no I/O while holding the lock). */
  public ScheduledFuture<?> startPingingSafely(ScheduledExecutorService scheduler, Pinger pinger) {
    return scheduler.scheduleAtFixedRate(
        () -> {
          List<Session> copy;
          synchronized (sessions) {
            copy = new ArrayList<>(sessions.values());
          }
          copy.forEach(pinger::ping);
        },
        5, 5, TimeUnit.SECONDS);
  }

  /** Correct: a wrapper that never leaves the method is seen by one thread only. */
  public Set<String> usersIn(List<Session> batch) {
    Map<String, Session> byUser = Collections.synchronizedMap(new HashMap<>());
    for (Session s : batch) {
      byUser.put(s.user(), s);
    }
    return Set.copyOf(byUser.keySet());
  }

  /** Sends a push to everyone in a room. */
  public interface Pinger {
    void ping(Session session);
  }
}
