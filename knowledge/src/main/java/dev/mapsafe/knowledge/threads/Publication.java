package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;

/**
 * How code publishes a value to other threads without a lock, for copy-on-write maps: a {@code volatile} field or
 * an {@code AtomicReference}; and an {@code InheritableThreadLocal}, which hands its value to the threads its
 * holder's thread starts. Readers of such a map read it without a lock and rely on it never changing after it
 * is published; which calls read, publish and update the reference.
 */
public final class Publication {
  public static final String ATOMIC_REFERENCE = "java.util.concurrent.atomic.AtomicReference";
  public static final String THREAD_LOCAL = "java.lang.ThreadLocal";
  public static final String INHERITABLE_THREAD_LOCAL = "java.lang.InheritableThreadLocal";

  private static final List<String> READS = List.of("get", "getPlain", "getAcquire", "getOpaque");
  private static final List<String> SETS = List.of("set", "lazySet", "setRelease", "setOpaque", "setPlain", "getAndSet");
  private static final List<String> COMPARE_AND_SETS =
      List.of("compareAndSet", "weakCompareAndSet", "weakCompareAndSetPlain", "weakCompareAndSetVolatile",
          "weakCompareAndSetAcquire", "weakCompareAndSetRelease", "compareAndExchange", "compareAndExchangeAcquire",
          "compareAndExchangeRelease");

  private Publication() {}

  /** Whether a field or reference of this declared type holds a map that can be changed in place. */
  public static boolean isMutableMapType(String type, TypeHierarchy hierarchy) {
    return MapTypes.isMap(type, hierarchy)
        && !MapTypes.isConcurrentMap(type, hierarchy)
        && !MapTypes.isSelfLockedMapType(type, hierarchy)
        && !type.startsWith("com.google.common.collect.Immutable");
  }

  /**
   * Whether a reference of this type gives its value to every thread its holder's thread starts: an {@code
   * InheritableThreadLocal}, whose {@code childValue} returns the parent's value itself unless a subclass overrides
   * it, so a map kept there is shared by the parent and its children.
   */
  public static boolean isInheritedByChildThreads(String type, TypeHierarchy hierarchy) {
    return type.equals(INHERITABLE_THREAD_LOCAL) || hierarchy.isSubtype(type, INHERITABLE_THREAD_LOCAL);
  }

  /** Whether the call reads the current thread's value of a thread local. */
  public static boolean readsThreadLocal(String owner, String name, TypeHierarchy hierarchy) {
    return name.equals("get") && (owner.equals(THREAD_LOCAL) || hierarchy.isSubtype(owner, THREAD_LOCAL));
  }

  /** The method of an {@code InheritableThreadLocal} subclass that decides what a child thread gets. */
  public static boolean decidesChildValue(String methodName, int parameterCount) {
    return methodName.equals("childValue") && parameterCount == 1;
  }

  public static boolean isAtomicReference(String type, TypeHierarchy hierarchy) {
    return type.equals(ATOMIC_REFERENCE) || hierarchy.isSubtype(type, ATOMIC_REFERENCE);
  }

  /** Whether the call reads the current value of an {@code AtomicReference}. */
  public static boolean reads(String owner, String name, TypeHierarchy hierarchy) {
    return isAtomicReference(owner, hierarchy) && READS.contains(name);
  }

  /** The argument an {@code AtomicReference} call publishes ({@code set(v)}: 0, {@code compareAndSet(e, v)}: 1), or -1. */
  public static int publishedArgument(String owner, String name, TypeHierarchy hierarchy) {
    if (!isAtomicReference(owner, hierarchy)) {
      return -1;
    }
    return SETS.contains(name) ? 0 : COMPARE_AND_SETS.contains(name) ? 1 : -1;
  }

  /**
   * The argument of an {@code AtomicReference} update whose function receives the current value as its first
   * parameter ({@code updateAndGet(f)}: 0, {@code accumulateAndGet(x, f)}: 1), or -1. The function must build and
   * return a new map: the one it receives is the published one.
   */
  public static int updateFunction(String owner, String name, TypeHierarchy hierarchy) {
    if (!isAtomicReference(owner, hierarchy)) {
      return -1;
    }
    switch (name) {
      case "updateAndGet":
      case "getAndUpdate":
        return 0;
      case "accumulateAndGet":
      case "getAndAccumulate":
        return 1;
      default:
        return -1;
    }
  }

  /**
   * Whether the call gives one value of a map ({@code get}, {@code getOrDefault}): for a published map of maps, an
   * inner map that readers read as part of the snapshot.
   */
  public static boolean readsInnerMap(String name) {
    return name.equals("get") || name.equals("getOrDefault");
  }

  /** How messages name an inner map of a published map of maps, reached directly or through a shallow copy. */
  public static String innerMapOf(String publishedMap, String shallowCopy) {
    return "an inner map of " + publishedMap
        + (shallowCopy == null ? "" : " (through " + shallowCopy + ", a shallow copy that shares the inner maps)");
  }

  /**
   * Whether the maps a volatile field or an {@code AtomicReference} is given are plain maps that a change in place
   * corrupts under readers: the code constructs at least one, of a class that is not thread-safe, and none of a
   * thread-safe class (ZooKeeper swaps {@code ConcurrentHashMap}s through an {@code AtomicReference} and changes
   * them in place by design). Precision first: with no construction seen, nothing is known.
   *
   * @param constructed the classes of the maps constructed and given to it
   */
  public static boolean publishesPlainMaps(List<String> constructed, TypeHierarchy hierarchy) {
    return !constructed.isEmpty() && constructed.stream().allMatch(c -> MapTypes.isNotThreadSafe(c, hierarchy));
  }
}
