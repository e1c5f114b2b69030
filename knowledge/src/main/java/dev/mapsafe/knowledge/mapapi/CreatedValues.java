package dev.mapsafe.knowledge.mapapi;

import dev.mapsafe.knowledge.threads.TaskLaunchers;
import java.util.List;
import java.util.Optional;

/**
 * Facts about a value a check-then-act creates and stores, which decide its {@link RaceConsequence}: whether it
 * is a new mutable container (that the code fills after storing it), whether its type is used for its identity
 * (a lock), and which calls made while creating it must not run twice.
 */
public final class CreatedValues {

  /** Static factories of new, empty, mutable containers. */
  private static final List<String> CONTAINER_FACTORIES =
      List.of("java.util.Collections#synchronizedList", "java.util.Collections#synchronizedSet",
          "java.util.Collections#synchronizedMap", "java.util.Collections#synchronizedSortedMap",
          "java.util.Collections#synchronizedSortedSet", "java.util.concurrent.ConcurrentHashMap#newKeySet",
          "com.google.common.collect.Lists#newArrayList", "com.google.common.collect.Lists#newLinkedList",
          "com.google.common.collect.Lists#newCopyOnWriteArrayList", "com.google.common.collect.Sets#newHashSet",
          "com.google.common.collect.Sets#newConcurrentHashSet", "com.google.common.collect.Sets#newLinkedHashSet",
          "com.google.common.collect.Maps#newHashMap", "com.google.common.collect.Maps#newConcurrentMap",
          "com.google.common.collect.Maps#newLinkedHashMap");

  /** Types whose instances exist for their identity: two of them where the code expects one break mutual exclusion. */
  private static final List<String> IDENTITY_TYPES =
      List.of("java.util.concurrent.locks.Lock", "java.util.concurrent.locks.ReadWriteLock",
          "java.util.concurrent.locks.StampedLock", "java.util.concurrent.locks.Condition",
          "java.util.concurrent.Semaphore", "java.util.concurrent.CountDownLatch",
          "java.util.concurrent.CyclicBarrier", "java.util.concurrent.Phaser");

  /** Counter calls that hand out a new number each time: an id or sequence number allocated twice. */
  private static final List<String> ALLOCATING_NAMES =
      List.of("incrementAndGet", "getAndIncrement", "addAndGet", "getAndAdd", "decrementAndGet", "getAndDecrement");

  /** Calls that return a value no other call returned: a key made by one is owned by its thread. */
  private static final List<String> UNIQUE_KEY_FACTORIES =
      List.of("java.util.UUID#randomUUID", "java.util.UUID#nameUUIDFromBytes");

  private CreatedValues() {}

  /**
   * Whether {@code owner.name(..)} returns a new unique value each time ({@code UUID.randomUUID()}, a counter's
   * {@code incrementAndGet()}): no other thread can hold the same key, so a check-then-act on it cannot race.
   */
  public static boolean makesUniqueKey(String owner, String name) {
    return UNIQUE_KEY_FACTORIES.contains(owner + "#" + name)
        || (ALLOCATING_NAMES.contains(name) && owner.startsWith("java.util.concurrent.atomic.Atomic"));
  }

  /** Whether {@code new type(..)} is a mutable container: a collection, map, atomic, builder, array-like. */
  public static boolean isMutableContainer(String type, TypeHierarchy hierarchy) {
    return ValueTypes.of(type, false, false, hierarchy) == ValueTypes.Mutability.MUTABLE;
  }

  /** Whether the static call {@code owner.name(..)} returns a new mutable container. */
  public static boolean isContainerFactory(String owner, String name) {
    return CONTAINER_FACTORIES.contains(owner + "#" + name);
  }

  /**
   * Whether two new objects of a class are two different things to the code that holds them: the class has instance
   * fields (state) and no {@code equals} of its own (other than {@code Object}'s), and is not a container (those are
   * {@link #isMutableContainer}). Two threads that each keep their own such object for one key hold two states.
   *
   * @param declaresEquals the class or a superclass other than {@code Object} declares {@code equals(Object)}
   * @param hasInstanceFields the class or a superclass declares a non-static field
   */
  public static boolean isDistinctObject(
      String type, boolean declaresEquals, boolean hasInstanceFields, TypeHierarchy hierarchy) {
    return !declaresEquals && hasInstanceFields && !isMutableContainer(type, hierarchy);
  }

  /** Whether objects of the type are used for their identity: {@code new Object()} and the lock types. */
  public static boolean isIdentityType(String type, TypeHierarchy hierarchy) {
    if (type.equals("java.lang.Object")) {
      return true;
    }
    for (String identity : IDENTITY_TYPES) {
      if (type.equals(identity) || hierarchy.isSubtype(type, identity)) {
        return true;
      }
    }
    return false;
  }

  /**
   * What a call made while creating a value does that must happen once, in a message's words ({@code
   * Thread.start()}, {@code a task launched by ExecutorService.submit}), or empty. A counter's number counts only
   * when the code uses it ({@code resultUsed}: an id, a generated name); a counter bumped for statistics
   * ({@code misses.incrementAndGet();}) counts a real second computation.
   */
  public static Optional<String> onceOnlyEffect(String owner, String name, boolean resultUsed,
      TypeHierarchy hierarchy) {
    String simple = owner.substring(Math.max(owner.lastIndexOf('.'), owner.lastIndexOf('$')) + 1);
    if (name.equals("start") && (owner.equals("java.lang.Thread") || hierarchy.isSubtype(owner, "java.lang.Thread"))) {
      return Optional.of("a thread started by " + simple + ".start()");
    }
    if (!name.equals("<init>") && TaskLaunchers.launches(owner, name, hierarchy)) {
      return Optional.of("a task launched by " + simple + "." + name + "(..)");
    }
    if (resultUsed && ALLOCATING_NAMES.contains(name) && owner.startsWith("java.util.concurrent.atomic.Atomic")) {
      return Optional.of("a number allocated by " + simple + "." + name + "()");
    }
    return Optional.empty();
  }
}
