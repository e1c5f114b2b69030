package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;

/**
 * The {@code java.util.concurrent.locks} vocabulary: which calls take and release which kind of lock. A lock
 * is exclusive ({@code Lock}, a write lock, a {@code StampedLock} write stamp) or shared (a read lock or read
 * stamp: it keeps writers out but lets other readers in, so it does not make a check-then-act atomic).
 */
public final class Locks {

  /** What a call does to a lock. */
  public enum Action {
    ACQUIRE_EXCLUSIVE,
    ACQUIRE_SHARED,
    /**
     * {@code tryLock()}, a stamped {@code tryWriteLock()} or {@code tryConvertToWriteLock(stamp)}: holds the lock
     * (exclusively) where its result was true, or a stamp other than 0.
     */
    TRY_ACQUIRE,
    /** Releases the lock in whichever mode it is held ({@code unlock()} of a plain lock, a stamped {@code unlock}). */
    RELEASE,
    /** Releases only the exclusive mode: a write lock's {@code unlock()}, {@code unlockWrite}. */
    RELEASE_EXCLUSIVE,
    /** Releases only the shared mode: a read lock's {@code unlock()}, {@code unlockRead}; a downgrade keeps it. */
    RELEASE_SHARED,
    NONE
  }

  private static final String LOCK = "java.util.concurrent.locks.Lock";
  private static final String READ_WRITE_LOCK = "java.util.concurrent.locks.ReadWriteLock";
  private static final String READ_LOCK = "java.util.concurrent.locks.ReentrantReadWriteLock$ReadLock";
  private static final String WRITE_LOCK = "java.util.concurrent.locks.ReentrantReadWriteLock$WriteLock";
  private static final String STAMPED_LOCK = "java.util.concurrent.locks.StampedLock";

  private static final List<String> STAMPED_EXCLUSIVE = List.of("writeLock", "writeLockInterruptibly");
  /** Stamped calls that return 0 when they fail: the write lock is held only where the stamp is not 0. */
  private static final List<String> STAMPED_TRY_EXCLUSIVE = List.of("tryWriteLock", "tryConvertToWriteLock");
  private static final List<String> STAMPED_SHARED = List.of("readLock", "readLockInterruptibly");

  private Locks() {}

  /** The names of every method that may take a lock: a cheap filter before any analysis of lock regions. */
  public static List<String> acquiringMethodNames() {
    return ACQUIRING;
  }

  private static final List<String> ACQUIRING =
      List.of("lock", "lockInterruptibly", "tryLock", "writeLock", "writeLockInterruptibly", "readLock",
          "readLockInterruptibly", "tryWriteLock", "tryConvertToWriteLock");

  /** The names of every method that may release a lock. */
  public static List<String> releasingMethodNames() {
    return RELEASING;
  }

  private static final List<String> RELEASING = List.of("unlock", "unlockRead", "unlockWrite");

  /**
   * Whether values of the type are locks ({@code Lock}, {@code ReadWriteLock}, {@code StampedLock}): what a getter
   * must return for its calls to name one lock ({@code lock().readLock().lock()}).
   */
  public static boolean isLockType(String type, TypeHierarchy hierarchy) {
    return isSubtype(type, LOCK, hierarchy) || isSubtype(type, READ_WRITE_LOCK, hierarchy)
        || isSubtype(type, STAMPED_LOCK, hierarchy);
  }

  /**
   * What calling {@code name} on a receiver of static type {@code owner} does.
   *
   * @param view what the receiver is known to be: TRUE a read lock ({@code rw.readLock()}), FALSE a write lock
   *     ({@code rw.writeLock()}), null when its expression does not say (its type may)
   */
  public static Action action(String owner, String name, Boolean view, TypeHierarchy hierarchy) {
    if (isSubtype(owner, STAMPED_LOCK, hierarchy)) {
      return STAMPED_EXCLUSIVE.contains(name) ? Action.ACQUIRE_EXCLUSIVE
          : STAMPED_TRY_EXCLUSIVE.contains(name) ? Action.TRY_ACQUIRE
          : STAMPED_SHARED.contains(name) ? Action.ACQUIRE_SHARED
          : name.equals("unlockWrite") ? Action.RELEASE_EXCLUSIVE
          : name.equals("unlockRead") ? Action.RELEASE_SHARED
          : name.equals("unlock") ? Action.RELEASE : Action.NONE;
    }
    if (!isSubtype(owner, LOCK, hierarchy)) {
      return Action.NONE;
    }
    boolean shared = Boolean.TRUE.equals(view) || isSubtype(owner, READ_LOCK, hierarchy);
    boolean exclusiveView = Boolean.FALSE.equals(view) || isSubtype(owner, WRITE_LOCK, hierarchy);
    switch (name) {
      case "lock":
      case "lockInterruptibly":
        return shared ? Action.ACQUIRE_SHARED : Action.ACQUIRE_EXCLUSIVE;
      case "tryLock":
        return shared ? Action.NONE : Action.TRY_ACQUIRE;
      case "unlock":
        return shared ? Action.RELEASE_SHARED : exclusiveView ? Action.RELEASE_EXCLUSIVE : Action.RELEASE;
      default:
        return Action.NONE;
    }
  }

  /** Whether the action releases the mode ({@code exclusive} or shared) a lock is held in. */
  public static boolean releases(Action action, boolean exclusive) {
    return action == Action.RELEASE
        || (exclusive ? action == Action.RELEASE_EXCLUSIVE : action == Action.RELEASE_SHARED);
  }

  /**
   * Whether {@code name} called on a {@code ReadWriteLock} returns its read lock (true), its write lock (false),
   * or neither (null).
   */
  public static Boolean readWriteView(String owner, String name, TypeHierarchy hierarchy) {
    if (!isSubtype(owner, READ_WRITE_LOCK, hierarchy)) {
      return null;
    }
    return name.equals("readLock") ? Boolean.TRUE : name.equals("writeLock") ? Boolean.FALSE : null;
  }

  /**
   * Whether the call checks a {@code StampedLock} optimistic read ({@code validate(stamp)}): code that copies a
   * map under {@code tryOptimisticRead()} and validates before using the copy discards a torn copy.
   */
  public static boolean validatesOptimisticRead(String owner, String name, TypeHierarchy hierarchy) {
    return isSubtype(owner, STAMPED_LOCK, hierarchy) && name.equals("validate");
  }

  private static boolean isSubtype(String type, String supertype, TypeHierarchy hierarchy) {
    return type.equals(supertype) || hierarchy.isSubtype(type, supertype);
  }
}
