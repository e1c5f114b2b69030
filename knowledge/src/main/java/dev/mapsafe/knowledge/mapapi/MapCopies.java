package dev.mapsafe.knowledge.mapapi;

import java.util.List;

/**
 * The copy that keeps a guarded map in when a method would hand out the map or a view of it: what is handed out
 * decides the copy, the declared return type decides whether it can replace the returned expression.
 */
public final class MapCopies {

  /** What of a map is handed out. */
  public enum Part {
    MAP,
    KEYS,
    VALUES,
    /** Entries, sub-maps, iterators, streams: no copy fits in place. */
    OTHER;

    /** The part a view call of a map gives ({@code keySet}, {@code values}, ...). */
    public static Part ofView(String viewMethod) {
      switch (viewMethod) {
        case "keySet":
        case "navigableKeySet":
          return KEYS;
        case "values":
          return VALUES;
        default:
          return OTHER;
      }
    }
  }

  /** A copy: its expression ({@code Set.copyOf(members.keySet())}) and the classes it needs. */
  public static final class Copy {
    private final String expression;
    private final List<String> imports;

    Copy(String expression, List<String> imports) {
      this.expression = expression;
      this.imports = imports;
    }

    public String expression() {
      return expression;
    }

    public List<String> imports() {
      return imports;
    }
  }

  private MapCopies() {}

  /**
   * Whether the call makes a shallow copy of the map it is given (the copy holds the very value objects of the
   * original): a map class's copy constructor, {@code Map.copyOf}, Guava's {@code ImmutableMap.copyOf} and
   * {@code ImmutableSortedMap.copyOf}, a map's {@code clone()}, Kotlin's {@code toMutableMap()}, {@code toMap()} and
   * {@code toSortedMap()} of a map. The copied map is the call's only argument, or its
   * receiver for {@code clone()}.
   */
  public static boolean isShallowCopy(ApiMethod call, TypeHierarchy hierarchy) {
    boolean mapOwner = call.owner().equals(MAP) || hierarchy.isSubtype(call.owner(), MAP);
    switch (call.kind()) {
      case CONSTRUCTOR:
        return mapOwner && call.params().size() == 1
            && (call.params().get(0).equals(MAP) || hierarchy.isSubtype(call.params().get(0), MAP));
      case STATIC:
        if (call.owner().equals(KOTLIN_MAPS) && KOTLIN_COPIES.contains(call.name()) && call.params().size() == 1
            && call.params().get(0).equals(MAP)) {
          return true; // Kotlin's map.toMutableMap(), toMap(), toSortedMap(): LinkedHashMap(map) and the like
        }
        return call.name().equals("copyOf") && call.params().size() == 1
            && (call.owner().equals(MAP) || call.owner().equals("com.google.common.collect.ImmutableMap")
                || call.owner().equals("com.google.common.collect.ImmutableSortedMap"))
            && (call.params().get(0).equals(MAP) || hierarchy.isSubtype(call.params().get(0), MAP));
      default:
        return mapOwner && call.name().equals("clone") && call.params().isEmpty();
    }
  }

  private static final String MAP = "java.util.Map";
  private static final String KOTLIN_MAPS = "kotlin.collections.MapsKt";
  private static final List<String> KOTLIN_COPIES = List.of("toMutableMap", "toMap", "toSortedMap");

  /** How messages name a new map filled by {@code putAll(m)}. */
  public static final String PUT_ALL_COPY = "putAll into a new map";
  /** How messages name a new map filled by a loop of {@code put(e.getKey(), e.getValue())} over {@code m.entrySet()}. */
  public static final String LOOP_COPY = "a loop putting each e.getValue() into a new map";
  /** How messages name {@code m.entrySet().stream().collect(toMap(.., Map.Entry::getValue))}. */
  public static final String COLLECTED_COPY = "collect(toMap(.., Map.Entry::getValue))";

  /** Whether the call puts every entry of the map it is given into the map it is called on ({@code putAll}). */
  public static boolean copiesInto(ApiMethod call, TypeHierarchy hierarchy) {
    return call.kind() == CallKind.INSTANCE && call.name().equals("putAll")
        && call.params().size() == 1 && (call.owner().equals(MAP) || hierarchy.isSubtype(call.owner(), MAP));
  }

  /** Whether a call creates a map that starts empty: a map class's constructor without a map argument. */
  public static boolean createsEmptyMap(ApiMethod call, TypeHierarchy hierarchy) {
    return call.kind() == CallKind.CONSTRUCTOR && hierarchy.isSubtype(call.owner(), MAP)
        && call.params().stream().noneMatch(p -> p.equals(MAP) || hierarchy.isSubtype(p, MAP));
  }

  /** Whether the call gives a map entry's value ({@code Map.Entry.getValue()}). */
  public static boolean readsEntryValue(String owner, String name, TypeHierarchy hierarchy) {
    return name.equals("getValue") && (owner.equals(ENTRY) || hierarchy.isSubtype(owner, ENTRY));
  }

  private static final String ENTRY = "java.util.Map$Entry";

  /**
   * The argument of a collector factory that computes each value of the collected map ({@code Collectors.toMap(k,
   * v)}: 1), or -1 for any other call. With {@code Map.Entry::getValue} there, collecting a map's entries copies the
   * map shallowly.
   */
  public static int mapCollectorValueArgument(String owner, String name) {
    switch (owner + "#" + name) {
      case "java.util.stream.Collectors#toMap":
      case "java.util.stream.Collectors#toUnmodifiableMap":
      case "java.util.stream.Collectors#toConcurrentMap":
      case "com.google.common.collect.ImmutableMap#toImmutableMap":
        return 1;
      case "com.google.common.collect.ImmutableSortedMap#toImmutableSortedMap":
        return 2;
      default:
        return -1;
    }
  }

  /** Whether a stream call passes on the very elements it receives ({@code filter}, {@code sorted}, ...). */
  public static boolean keepsStreamElements(String owner, String name) {
    return owner.startsWith("java.util.stream.") && List.of("filter", "sorted", "distinct", "limit", "skip",
        "sequential", "parallel", "unordered", "takeWhile", "dropWhile", "peek").contains(name)
        || owner.startsWith("java.util.") && List.of("stream", "parallelStream").contains(name);
  }

  /**
   * The copy of {@code source} (the map or the view expression that is handed out).
   *
   * @param immutable whether {@code Map.copyOf}/{@code Set.copyOf}/{@code List.copyOf} fit: the map keeps no
   *     order and surely holds no null key or value (they reject null); otherwise an unmodifiable copy that
   *     keeps the iteration order and accepts null
   */
  public static Copy copyOf(Part part, String source, String map, boolean immutable) {
    switch (part) {
      case MAP:
        return immutable
            ? new Copy("Map.copyOf(" + source + ")", List.of())
            : new Copy("Collections.unmodifiableMap(new LinkedHashMap<>(" + source + "))",
                List.of("java.util.Collections", "java.util.LinkedHashMap"));
      case KEYS:
        return immutable
            ? new Copy("Set.copyOf(" + source + ")", List.of())
            : new Copy("Collections.unmodifiableSet(new LinkedHashSet<>(" + source + "))",
                List.of("java.util.Collections", "java.util.LinkedHashSet"));
      case VALUES:
        return immutable
            ? new Copy("List.copyOf(" + source + ")", List.of())
            : new Copy("Collections.unmodifiableList(new ArrayList<>(" + source + "))",
                List.of("java.util.Collections", "java.util.ArrayList"));
      default:
        return new Copy("a copy such as Collections.unmodifiableMap(new LinkedHashMap<>(" + map + "))", List.of());
    }
  }

  /** Whether the copy of a part can be returned where {@code declaredReturn} (a binary name) is declared. */
  public static boolean fits(Part part, String declaredReturn) {
    switch (part) {
      case MAP:
        return declaredReturn.equals("java.util.Map");
      case KEYS:
        return List.of("java.util.Set", "java.util.Collection", "java.lang.Iterable").contains(declaredReturn);
      case VALUES:
        return List.of("java.util.Collection", "java.lang.Iterable").contains(declaredReturn);
      default:
        return false;
    }
  }
}
