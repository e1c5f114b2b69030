package dev.mapsafe.knowledge.mapapi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the JDK promises about each map type under concurrency, and which calls create a map that must be
 * traversed under its own monitor.
 */
public final class MapTypes {

  /** How a map type may be shared between threads. */
  public enum Concurrency {
    /** Needs external locking for any concurrent use with a writer. */
    NOT_THREAD_SAFE,
    /** Every call locks the map's monitor; traversing a view still needs {@code synchronized (map)}. */
    SELF_LOCKED,
    /** Thread-safe calls, weakly consistent traversal. */
    CONCURRENT
  }

  /** What an iterator of the map's views does when the map changes under it. */
  public enum Iteration {
    /** Throws {@code ConcurrentModificationException} on a best-effort basis. */
    FAIL_FAST,
    /** Never throws; reflects some state between creation and now. */
    WEAKLY_CONSISTENT
  }

  /** One row of the type table. */
  public static final class MapType {
    private final String name;
    private final Concurrency concurrency;
    private final Iteration iteration;

    MapType(String name, Concurrency concurrency, Iteration iteration) {
      this.name = name;
      this.concurrency = concurrency;
      this.iteration = iteration;
    }

    public String name() {
      return name;
    }

    public Concurrency concurrency() {
      return concurrency;
    }

    public Iteration iteration() {
      return iteration;
    }
  }

  private static final String CONCURRENT_MAP = "java.util.concurrent.ConcurrentMap";
  private static final String GUAVA = "com.google.common.collect.";

  /** The binary name of the JDK's self-locked map class. */
  public static final String HASHTABLE = "java.util.Hashtable";

  /** Extends Hashtable but stores its entries in a ConcurrentHashMap since JDK 9: not self-locked. */
  private static final String PROPERTIES = "java.util.Properties";

  private static final List<MapType> TYPES =
      List.of(
          new MapType("java.util.HashMap", Concurrency.NOT_THREAD_SAFE, Iteration.FAIL_FAST),
          new MapType("java.util.LinkedHashMap", Concurrency.NOT_THREAD_SAFE, Iteration.FAIL_FAST),
          new MapType("java.util.TreeMap", Concurrency.NOT_THREAD_SAFE, Iteration.FAIL_FAST),
          new MapType("java.util.WeakHashMap", Concurrency.NOT_THREAD_SAFE, Iteration.FAIL_FAST),
          new MapType("java.util.IdentityHashMap", Concurrency.NOT_THREAD_SAFE, Iteration.FAIL_FAST),
          new MapType("java.util.EnumMap", Concurrency.NOT_THREAD_SAFE, Iteration.WEAKLY_CONSISTENT),
          new MapType(HASHTABLE, Concurrency.SELF_LOCKED, Iteration.FAIL_FAST),
          new MapType("java.util.Collections$SynchronizedMap", Concurrency.SELF_LOCKED, Iteration.FAIL_FAST),
          new MapType(PROPERTIES, Concurrency.CONCURRENT, Iteration.WEAKLY_CONSISTENT),
          new MapType("java.util.concurrent.ConcurrentHashMap", Concurrency.CONCURRENT, Iteration.WEAKLY_CONSISTENT),
          new MapType(
              "java.util.concurrent.ConcurrentSkipListMap", Concurrency.CONCURRENT, Iteration.WEAKLY_CONSISTENT));

  /**
   * Factories whose result is a synchronized wrapper: its mutex is the wrapper object itself. Guava's
   * ({@code Synchronized.SynchronizedObject} with no mutex given) share it with their views as the JDK's do.
   */
  private static final List<ApiMethod> SYNCHRONIZED_WRAPPER_FACTORIES =
      List.of(
          wrapperFactory("synchronizedMap", "java.util.Map"),
          wrapperFactory("synchronizedSortedMap", "java.util.SortedMap"),
          wrapperFactory("synchronizedNavigableMap", "java.util.NavigableMap"),
          guavaWrapperFactory("Maps", "synchronizedBiMap", "BiMap"),
          new ApiMethod(CallKind.STATIC, GUAVA + "Maps", "synchronizedNavigableMap", List.of("java.util.NavigableMap")),
          guavaWrapperFactory("Multimaps", "synchronizedMultimap", "Multimap"),
          guavaWrapperFactory("Multimaps", "synchronizedListMultimap", "ListMultimap"),
          guavaWrapperFactory("Multimaps", "synchronizedSetMultimap", "SetMultimap"),
          guavaWrapperFactory("Multimaps", "synchronizedSortedSetMultimap", "SortedSetMultimap"));

  /**
   * The static types a map view is declared as: {@code keySet()} is a {@code Set}, {@code values()} a
   * {@code Collection}, {@code navigableKeySet()} a {@code NavigableSet}, and so on. No concrete collection
   * class ({@code ArrayList}, {@code HashSet}) and no {@code List} is ever a map view.
   */
  private static final List<String> VIEW_TYPES =
      List.of(
          "java.lang.Iterable", "java.util.Collection", "java.util.Set", "java.util.SortedSet",
          "java.util.NavigableSet", "java.util.SequencedCollection", "java.util.SequencedSet");

  /**
   * Map classes whose atomic updates fail when their function updates the same map: HashMap (and
   * LinkedHashMap) and TreeMap (JDK 15+) throw ConcurrentModificationException, ConcurrentHashMap throws
   * IllegalStateException "Recursive update" (or, on JDK 8, loops forever).
   */
  private static final List<String> REJECT_RECURSIVE_UPDATE =
      List.of("java.util.HashMap", "java.util.TreeMap", "java.util.concurrent.ConcurrentHashMap");

  private MapTypes() {}

  /** The concurrency of a map class by the most specific row of the type table; empty for unknown types. */
  public static Optional<Concurrency> concurrency(String type, TypeHierarchy hierarchy) {
    MapType best = null;
    for (MapType row : TYPES) {
      if (MapApi.isSubtype(type, row.name(), hierarchy)
          && (best == null || MapApi.isSubtype(row.name(), best.name(), hierarchy))) {
        best = row;
      }
    }
    if (best != null) {
      return Optional.of(best.concurrency());
    }
    return isConcurrentMap(type, hierarchy) ? Optional.of(Concurrency.CONCURRENT) : Optional.empty();
  }

  /**
   * Whether a read of this map changes it ("reads that write"): every call on a {@code WeakHashMap} expunges
   * entries whose keys were collected, and {@code get}/{@code getOrDefault} on an access-ordered
   * {@code LinkedHashMap} (the usual LRU cache) move the entry to the end. Under a read lock, both race with
   * the other readers.
   *
   * @param accessOrdered whether the map was constructed with {@code accessOrder = true}
   */
  public static boolean readWrites(String type, boolean accessOrdered, String readName, TypeHierarchy hierarchy) {
    if (MapApi.isSubtype(type, "java.util.WeakHashMap", hierarchy)) {
      return true;
    }
    return accessOrdered
        && MapApi.isSubtype(type, "java.util.LinkedHashMap", hierarchy)
        && (readName.equals("get") || readName.equals("getOrDefault"));
  }

  /**
   * Whether a value of this type walks its source when it is used, not when it is made: an iterator, a
   * spliterator, a stream or an enumeration.
   */
  public static boolean isLazyTraversal(String type, TypeHierarchy hierarchy) {
    for (String lazy :
        List.of("java.util.Iterator", "java.util.Spliterator", "java.util.stream.BaseStream", "java.util.Enumeration")) {
      if (MapApi.isSubtype(type, lazy, hierarchy)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the type is {@code java.util.Map} or one of its subtypes. */
  public static boolean isMap(String type, TypeHierarchy hierarchy) {
    return type.equals("java.util.Map") || hierarchy.isSubtype(type, "java.util.Map");
  }

  /** Whether maps of this class are known to need external locking for any concurrent use with a writer. */
  public static boolean isNotThreadSafe(String type, TypeHierarchy hierarchy) {
    return concurrency(type, hierarchy).filter(c -> c == Concurrency.NOT_THREAD_SAFE).isPresent();
  }

  /** Whether the type is a {@code ConcurrentMap}: single calls are atomic, sequences of calls are not. */
  public static boolean isConcurrentMap(String type, TypeHierarchy hierarchy) {
    return MapApi.isSubtype(type, CONCURRENT_MAP, hierarchy);
  }

  /** General-purpose maps whose thread-safe version the JDK has ({@code ConcurrentHashMap}, {@code ConcurrentSkipListMap}). */
  private static final List<String> WITH_CONCURRENT_COUNTERPART = List.of("java.util.HashMap", "java.util.TreeMap");

  /**
   * Whether a choice between a concurrent map and a map of this class ({@code shared ? new ConcurrentHashMap<>() :
   * new HashMap<>()}) is a choice of thread-safety: this class is a general-purpose map (a {@code HashMap} or a
   * subclass, a {@code TreeMap}) whose concurrent version the JDK has, so the other branch serves callers that do
   * not share the map. A {@code WeakHashMap}, an {@code IdentityHashMap} or an {@code EnumMap} has no concurrent
   * version: a choice of one is a choice of weak keys, identity or enum keys, made for the same threads.
   */
  public static boolean hasConcurrentCounterpart(String type, TypeHierarchy hierarchy) {
    return WITH_CONCURRENT_COUNTERPART.stream().anyMatch(general -> MapApi.isSubtype(type, general, hierarchy));
  }

  /**
   * How iterators of a map of this static type behave: by the most specific row of the type table, weakly
   * consistent for any {@code ConcurrentMap}; empty when the type does not say (an interface such as
   * {@code Map}, or a class the table does not know).
   */
  public static Optional<Iteration> iteration(String type, TypeHierarchy hierarchy) {
    MapType best = null;
    for (MapType row : TYPES) {
      if (MapApi.isSubtype(type, row.name(), hierarchy)
          && (best == null || MapApi.isSubtype(row.name(), best.name(), hierarchy))) {
        best = row;
      }
    }
    if (best != null) {
      return Optional.of(best.iteration());
    }
    return isConcurrentMap(type, hierarchy) ? Optional.of(Iteration.WEAKLY_CONSISTENT) : Optional.empty();
  }

  /** Whether maps of this class fail when a compute/merge function updates the same map. */
  public static boolean rejectsRecursiveUpdate(String type, TypeHierarchy hierarchy) {
    for (String rejecting : REJECT_RECURSIVE_UPDATE) {
      if (MapApi.isSubtype(type, rejecting, hierarchy)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a value of this static type may be a map or a live view of one. Most traversals in real code are
   * of lists and arrays, which this rules out before any further analysis.
   */
  public static boolean mayHoldMapOrView(String type, TypeHierarchy hierarchy) {
    return VIEW_TYPES.contains(type) || MapApi.isSubtype(type, "java.util.Map", hierarchy);
  }

  public static List<MapType> types() {
    return TYPES;
  }

  public static List<ApiMethod> synchronizedWrapperFactories() {
    return SYNCHRONIZED_WRAPPER_FACTORIES;
  }

  /** How messages name the wrapper a factory call makes: {@code Multimaps.synchronizedListMultimap wrapper}. */
  public static String wrapperDescription(ApiMethod factory) {
    return factory.owner().substring(factory.owner().lastIndexOf('.') + 1) + "." + factory.name() + " wrapper";
  }

  /** Whether the call returns a synchronized map wrapper ({@code Collections.synchronized*}, Guava's). */
  public static boolean createsSynchronizedWrapper(ApiMethod call) {
    return SYNCHRONIZED_WRAPPER_FACTORIES.contains(call);
  }

  /**
   * Whether every instance of {@code type} is a map that locks its own monitor in each call and whose views
   * must be traversed under that monitor: {@code Hashtable} and its subclasses, except {@code Properties}.
   */
  public static boolean isSelfLockedMapType(String type, TypeHierarchy hierarchy) {
    return MapApi.isSubtype(type, HASHTABLE, hierarchy) && !MapApi.isSubtype(type, PROPERTIES, hierarchy);
  }

  /**
   * The class of the map {@code stream.collect(Collectors.name(..))} makes with {@code argumentCount} arguments to
   * the collector factory: {@code toMap} with two or three and {@code groupingBy} with one or two make a {@code
   * HashMap} (every JDK's implementation; the overloads with a map supplier make what it supplies, unknown here),
   * {@code toConcurrentMap} and {@code groupingByConcurrent} a {@code ConcurrentHashMap}. Empty for any other.
   */
  public static Optional<String> collectedMapClass(String collectorsMethod, int argumentCount) {
    switch (collectorsMethod) {
      case "toMap":
        return argumentCount == 2 || argumentCount == 3 ? Optional.of("java.util.HashMap") : Optional.empty();
      case "groupingBy":
        return argumentCount == 1 || argumentCount == 2 ? Optional.of("java.util.HashMap") : Optional.empty();
      case "toConcurrentMap":
        return argumentCount == 2 || argumentCount == 3
            ? Optional.of("java.util.concurrent.ConcurrentHashMap") : Optional.empty();
      case "groupingByConcurrent":
        return argumentCount == 1 || argumentCount == 2
            ? Optional.of("java.util.concurrent.ConcurrentHashMap") : Optional.empty();
      default:
        return Optional.empty();
    }
  }

  /** Static factories of a new mutable map, with the class of the map each returns (any overload). */
  private static final Map<String, String> MAP_FACTORIES = Map.ofEntries(
      Map.entry("com.google.common.collect.Maps#newHashMap", "java.util.HashMap"),
      Map.entry("com.google.common.collect.Maps#newHashMapWithExpectedSize", "java.util.HashMap"),
      Map.entry("com.google.common.collect.Maps#newLinkedHashMap", "java.util.LinkedHashMap"),
      Map.entry("com.google.common.collect.Maps#newLinkedHashMapWithExpectedSize", "java.util.LinkedHashMap"),
      Map.entry("com.google.common.collect.Maps#newTreeMap", "java.util.TreeMap"),
      Map.entry("com.google.common.collect.Maps#newConcurrentMap", "java.util.concurrent.ConcurrentHashMap"),
      Map.entry("com.google.common.collect.Maps#newIdentityHashMap", "java.util.IdentityHashMap"),
      Map.entry("com.google.common.collect.Maps#newEnumMap", "java.util.EnumMap"),
      Map.entry("java.util.HashMap#newHashMap", "java.util.HashMap"),
      Map.entry("java.util.LinkedHashMap#newLinkedHashMap", "java.util.LinkedHashMap"),
      Map.entry("java.util.WeakHashMap#newWeakHashMap", "java.util.WeakHashMap"));

  /**
   * The class of the new map a static factory returns ({@code Maps.newHashMap()}, {@code HashMap.newHashMap(n)}): stored
   * into a field, as good as a {@code new} of that class. Empty for any other call.
   */
  public static Optional<String> factoryMapClass(ApiMethod call) {
    return call.kind() == CallKind.STATIC
        ? Optional.ofNullable(MAP_FACTORIES.get(call.owner() + "#" + call.name()))
        : Optional.empty();
  }

  /** The factories {@link #factoryMapClass} knows, as {@code owner#name}, for tests against the real classes. */
  public static Map<String, String> mapFactories() {
    return MAP_FACTORIES;
  }

  /** Factories of an immutable empty map, called with no argument. */
  private static final List<String> EMPTY_IMMUTABLE_MAPS = List.of(
      "java.util.Collections#emptyMap", "java.util.Collections#emptySortedMap",
      "java.util.Collections#emptyNavigableMap", "java.util.Map#of", "com.google.common.collect.ImmutableMap#of",
      "com.google.common.collect.ImmutableSortedMap#of");

  /**
   * Whether the call makes an immutable empty map ({@code Map.of()}, {@code Collections.emptyMap()}): stored into a
   * field, a placeholder until a mutable map replaces it. No write reaches it (each throws), and reading it races
   * with nothing, so the field's real class is what replaces it.
   */
  public static boolean isEmptyPlaceholder(ApiMethod call) {
    return call.kind() == CallKind.STATIC && call.params().isEmpty()
        && EMPTY_IMMUTABLE_MAPS.contains(call.owner() + "#" + call.name());
  }

  /** The class that declares the collector factories {@link #collectedMapClass} knows. */
  public static final String COLLECTORS = "java.util.stream.Collectors";

  /** The class file version of JDK 9: from it on, Properties keeps its entries in a ConcurrentHashMap. */
  private static final int JDK_9_CLASS_VERSION = 53;

  /**
   * What {@code System.getProperties()} is in code compiled for {@code classVersion} (a class file major
   * version), when it must be traversed under its monitor: the JVM's one Properties, which every thread shares,
   * was a plain Hashtable before JDK 9. Empty for any other call, or for newer code.
   */
  public static Optional<String> systemPropertiesBeforeJdk9(ApiMethod call, int classVersion) {
    return call.kind() == CallKind.STATIC && call.owner().equals("java.lang.System")
            && call.name().equals("getProperties") && call.params().isEmpty() && classVersion < JDK_9_CLASS_VERSION
        ? Optional.of("system Properties: every thread shares it, and it is a Hashtable before JDK 9, which this"
            + " code is compiled for")
        : Optional.empty();
  }

  private static ApiMethod wrapperFactory(String name, String param) {
    return new ApiMethod(CallKind.STATIC, "java.util.Collections", name, List.of(param));
  }

  private static ApiMethod guavaWrapperFactory(String owner, String name, String param) {
    return new ApiMethod(CallKind.STATIC, GUAVA + owner, name, List.of(GUAVA + param));
  }
}
