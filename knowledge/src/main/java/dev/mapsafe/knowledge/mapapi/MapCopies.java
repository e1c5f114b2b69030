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
   * {@code ImmutableSortedMap.copyOf}, a map's {@code clone()}. The copied map is the call's only argument, or its
   * receiver for {@code clone()}.
   */
  public static boolean isShallowCopy(ApiMethod call, TypeHierarchy hierarchy) {
    boolean mapOwner = call.owner().equals(MAP) || hierarchy.isSubtype(call.owner(), MAP);
    switch (call.kind()) {
      case CONSTRUCTOR:
        return mapOwner && call.params().size() == 1
            && (call.params().get(0).equals(MAP) || hierarchy.isSubtype(call.params().get(0), MAP));
      case STATIC:
        return call.name().equals("copyOf") && call.params().size() == 1
            && (call.owner().equals(MAP) || call.owner().equals("com.google.common.collect.ImmutableMap")
                || call.owner().equals("com.google.common.collect.ImmutableSortedMap"))
            && (call.params().get(0).equals(MAP) || hierarchy.isSubtype(call.params().get(0), MAP));
      default:
        return mapOwner && call.name().equals("clone") && call.params().isEmpty();
    }
  }

  private static final String MAP = "java.util.Map";

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
