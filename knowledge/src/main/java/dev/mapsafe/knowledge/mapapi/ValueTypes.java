package dev.mapsafe.knowledge.mapapi;

import java.util.List;
import java.util.Set;

/**
 * Whether the values of a map can change after they are stored: with the code's own changes of the values in place
 * ({@link #mutatesInPlace}), what decides if a shallow copy of the map still shares state with the original.
 * Precision first: a type that cannot be classified is not mutable.
 */
public final class ValueTypes {

  /** What the type of a map's values says. */
  public enum Mutability {
    /**
     * Its objects can change: arrays, mutable collections and maps, Date, atomics, builders, and the collection and
     * map interfaces ({@code List}, {@code Set}, {@code Map}), whose objects may be mutable ones.
     */
    MUTABLE,
    /** Immutable, or not known to be mutable. */
    NOT_MUTABLE
  }

  private static final List<String> MUTABLE_CLASSES =
      List.of("java.util.Date", "java.util.Calendar", "java.lang.StringBuilder", "java.lang.StringBuffer",
          "java.util.BitSet");
  private static final List<String> COLLECTION_INTERFACES =
      List.of("java.util.Collection", "java.util.List", "java.util.Set", "java.util.SortedSet",
          "java.util.NavigableSet", "java.util.Queue", "java.util.Deque", "java.util.Map", "java.util.SortedMap",
          "java.util.NavigableMap", "java.lang.Iterable");
  private static final String IMMUTABLE_GUAVA = "com.google.common.collect.Immutable";

  private ValueTypes() {}

  /**
   * @param type the binary name of the value type ({@code java.util.List}); for an array, its element type
   * @param array whether the value type is an array
   * @param hasMutators whether it is a class of the analysed code with a non-private setter or a non-final
   *     instance field
   */
  public static Mutability of(String type, boolean array, boolean hasMutators, TypeHierarchy hierarchy) {
    if (array || hasMutators) {
      return Mutability.MUTABLE;
    }
    if (type.startsWith(IMMUTABLE_GUAVA)) {
      return Mutability.NOT_MUTABLE;
    }
    if (COLLECTION_INTERFACES.contains(type)) {
      return Mutability.MUTABLE;
    }
    for (String mutable : MUTABLE_CLASSES) {
      if (type.equals(mutable) || hierarchy.isSubtype(type, mutable)) {
        return Mutability.MUTABLE;
      }
    }
    if (type.startsWith("java.util.concurrent.atomic.Atomic")) {
      return Mutability.MUTABLE;
    }
    boolean collection = hierarchy.isSubtype(type, "java.util.Collection") || hierarchy.isSubtype(type, "java.util.Map");
    return collection && type.startsWith("java.util.") ? Mutability.MUTABLE : Mutability.NOT_MUTABLE;
  }

  /** How messages name a value type: its simple name ({@code Set}, {@code Grant}, {@code int[]}). */
  public static String display(String type, boolean array) {
    return type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1) + (array ? "[]" : "");
  }

  /**
   * Calls on a value that change it in place ({@code get(k).add(x)}, {@code get(k).setLevel(x)}): evidence that the
   * values are mutable.
   */
  public static boolean mutatesInPlace(String name) {
    return (name.length() > 3 && name.startsWith("set") && name.charAt(3) >= 'A' && name.charAt(3) <= 'Z')
        || IN_PLACE_MUTATORS.contains(name);
  }

  private static final Set<String> IN_PLACE_MUTATORS = Set.of("add", "addAll", "remove", "removeAll", "removeIf",
      "retainAll", "clear", "put", "putAll", "putIfAbsent", "merge", "compute", "computeIfAbsent", "computeIfPresent",
      "replaceAll", "set", "offer", "push", "poll", "pop", "addFirst", "addLast", "sort");

  /**
   * The deep copy advised for one value: {@code List.copyOf(v)} for a list, {@code Set.copyOf(v)} for a set,
   * {@code Map.copyOf(v)} for a map, {@code v.clone()} for an array, else a copy constructor or an immutable
   * value type.
   */
  public static String deepCopyAdvice(String type, boolean array, TypeHierarchy hierarchy) {
    if (array) {
      return "v.clone() per value";
    }
    if (type.equals("java.util.List") || hierarchy.isSubtype(type, "java.util.List")) {
      return "List.copyOf(v) per value";
    }
    if (type.equals("java.util.Set") || hierarchy.isSubtype(type, "java.util.Set")) {
      return "Set.copyOf(v) per value";
    }
    if (type.equals("java.util.Map") || hierarchy.isSubtype(type, "java.util.Map")) {
      return "Map.copyOf(v) per value";
    }
    return "a copy constructor per value, or an immutable value type";
  }
}
