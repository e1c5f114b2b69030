package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.threads.Locks;
import org.junit.jupiter.api.Test;

/** The lock vocabulary: what a getter must return to name a lock, and what takes and releases one. */
class LocksTest {
  private final JdkHierarchy jdk = new JdkHierarchy();

  @Test
  void lockTypes() {
    assertTrue(Locks.isLockType("java.util.concurrent.locks.ReentrantLock", jdk));
    assertTrue(Locks.isLockType("java.util.concurrent.locks.ReadWriteLock", jdk));
    assertTrue(Locks.isLockType("java.util.concurrent.locks.ReentrantReadWriteLock", jdk));
    assertTrue(Locks.isLockType("java.util.concurrent.locks.StampedLock", jdk));
    assertFalse(Locks.isLockType("java.lang.Object", jdk));
    assertFalse(Locks.isLockType("java.util.concurrent.Semaphore", jdk));
  }

  /** A read lock's unlock releases only the shared mode; a plain lock's releases either. */
  @Test
  void releases() {
    assertTrue(Locks.releasingMethodNames().contains("unlockRead"));
    assertEquals(Locks.Action.RELEASE_SHARED,
        Locks.action("java.util.concurrent.locks.Lock", "unlock", Boolean.TRUE, jdk));
    assertTrue(Locks.releases(Locks.Action.RELEASE, true));
    assertFalse(Locks.releases(Locks.Action.RELEASE_SHARED, true));
  }
}
