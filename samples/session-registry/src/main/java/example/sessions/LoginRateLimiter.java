package example.sessions;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Limits login attempts per user within a window. Called from every request thread of the server, so its maps
 * are concurrent; the bugs are in how two calls are combined.
 */
public final class LoginRateLimiter {
  private final int limit;
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, Integer> rejections = new ConcurrentHashMap<>();
  private final Map<String, Long> blockedUntil = Collections.synchronizedMap(new HashMap<>());
  private final ConcurrentHashMap<String, AtomicInteger> attemptsSafely = new ConcurrentHashMap<>();

  public LoginRateLimiter(int limit) {
    this.limit = limit;
  }

  /** Two threads both see no counter and both install one: one thread's attempts are counted on a lost one. */
  public boolean tryLogin(String user) {
    AtomicInteger count = attempts.get(user);
    if (count == null) {
      count = new AtomicInteger();
      attempts.put(user, count); // mapsafe-expect: NonAtomicMapUpdate
    }
    if (count.incrementAndGet() > limit) {
      rejections.put(user, rejections.getOrDefault(user, 0) + 1); // mapsafe-expect: NonAtomicMapUpdate
      return false;
    }
    return true;
  }

  /** The entry can be reset by another thread between containsKey and get. */
  public int attemptsOf(String user) {
    if (!attempts.containsKey(user)) {
      return 0;
    }
    return attempts.get(user).get(); // mapsafe-expect: NonAtomicMapUpdate
  }

  /** A synchronized wrapper makes each call atomic, not the pair. */
  public void block(String user, long until) {
    if (!blockedUntil.containsKey(user)) {
      blockedUntil.put(user, until); // mapsafe-expect: NonAtomicMapUpdate
    }
  }

  /** Correct: the pair under the wrapper's own monitor. */
  public void extendBlock(String user, long until) {
    synchronized (blockedUntil) {
      Long current = blockedUntil.get(user);
      if (current == null || current < until) {
        blockedUntil.put(user, until);
      }
    }
  }

  /** Correct: one atomic call each. */
  public boolean tryLoginSafely(String user) {
    if (attemptsSafely.computeIfAbsent(user, u -> new AtomicInteger()).incrementAndGet() > limit) {
      rejections.merge(user, 1, Integer::sum);
      return false;
    }
    return true;
  }

  /** Correct: a single get and a null check. */
  public int attemptsOfSafely(String user) {
    AtomicInteger count = attemptsSafely.get(user);
    return count == null ? 0 : count.get();
  }

  /** Correct: removing after a presence test is harmless, and remove(k, v) compares atomically. */
  public void reset(String user, AtomicInteger seen) {
    if (attemptsSafely.containsKey(user)) {
      attemptsSafely.remove(user);
    }
    attempts.remove(user, seen);
  }
}
