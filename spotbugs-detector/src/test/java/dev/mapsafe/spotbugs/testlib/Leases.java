package dev.mapsafe.spotbugs.testlib;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Code using a library's timer, which the analysis sees only as a class of its classpath: {@code newTimeout(task,
 * delay, unit)} launches by its signature; {@code awaitCondition(predicate, timeout, unit)}, the same shape with a
 * predicate first, does not, nor an event loop's thread's {@code executeAfter(task, delay, unit)}. Not under {@code
 * fixtures/}: the Error Prone engine's counterpart compiles the code apart from the timer
 * (UnguardedSharedMapTest#libraryTimersKnownBySignature).
 */
class Leases {
  private final WheelTimer timer = new WheelTimer();
  private final Map<String, Long> leases = new HashMap<>();
  private final Map<String, Long> held = new HashMap<>();

  void grant(String id) {
    leases.put(id, System.nanoTime());
    timer.newTimeout(t -> leases.remove(id), 30, TimeUnit.SECONDS); // mapsafe-expect: UnguardedSharedMap
  }

  boolean hold(String id) {
    held.put(id, System.nanoTime());
    return timer.awaitCondition(t -> held.remove(id) != null, 30, TimeUnit.SECONDS);
  }

  Long lease(String id) {
    return leases.get(id);
  }

  Long heldSince(String id) {
    return held.get(id);
  }

  private final WheelTimer.Loop loop = new WheelTimer.Loop();
  private final Map<String, Long> pings = new HashMap<>();

  /** An event loop's thread runs what it schedules on itself: not another thread. */
  void ping(String id) {
    pings.put(id, System.nanoTime());
    loop.executeAfter(() -> pings.remove(id), 5, TimeUnit.SECONDS);
  }

  Long pingedAt(String id) {
    return pings.get(id);
  }
}
