package shapes;

import java.io.Closeable;
import java.io.StringReader;
import java.lang.annotation.ElementType;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Every kind of javac tree in odd places, none of them a map bug: the mapsafe checks must compile it without a
 * finding and without an exception (TreeShapesTest).
 */
final class TreeShapes {
  @Target(ElementType.TYPE_USE)
  @interface Nullable {}

  @Target({ElementType.TYPE_USE, ElementType.TYPE_PARAMETER})
  @interface Tag {}

  // Lambdas and method references in field initializers, ternaries and array initializers.
  static final Supplier<Map<String, Integer>> FACTORY = HashMap::new;
  static final Function<Map<String, Integer>, Integer> SIZE = m -> m.size();
  static final boolean FLAG = Boolean.getBoolean("shapes.flag");
  static final Supplier<Map<String, Integer>> EITHER = FLAG ? TreeMap::new : () -> new LinkedHashMap<>();
  static final Supplier<?>[] SUPPLIERS = {HashMap::new, () -> new TreeMap<String, int[]>(), ArrayList::new};
  static final Map<String, @Nullable Integer> @Nullable [] MAP_ARRAY = newMapArray();
  static final Map<String, Integer> SHARED = new ConcurrentHashMap<>();
  static final Map<String, Integer> IN_STATIC_BLOCK;

  static {
    Map<String, Integer> m = new HashMap<>();
    Runnable r = () -> m.put("x", 1);
    r.run();
    for (String k : m.keySet()) {
      System.out.println(k);
    }
    IN_STATIC_BLOCK = Collections.unmodifiableMap(m);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, @Nullable Integer>[] newMapArray() {
    return (Map<String, Integer>[]) new Map<?, ?>[] {new HashMap<>(), Map.of("a", 1)};
  }

  // The shapes that used to crash javac: for-each over cast and parenthesised arrays.
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int castArrays(Object value, Object o, Object x, String[] a, Object raw) {
    int n = 0;
    for (Object e : (Object[]) value) {
      n += e.hashCode();
    }
    for (int i : (int[]) o) {
      n += i;
    }
    for (String s : (a)) {
      n += s.length();
    }
    for (String s : ((a))) {
      n += s.length();
    }
    for (Map m : (Map[]) x) {
      n += m.size();
    }
    for (Map<String, Integer> m : (Map<String, Integer>[]) x) {
      for (var e : m.entrySet()) {
        n += e.getValue();
      }
    }
    for (var e : ((Map<String, int[]>) raw).entrySet()) {
      n += e.getValue().length;
    }
    for (var k : (Iterable<String>) ((Map<String, int[]>) raw).keySet()) {
      n += k.length();
    }
    for (int i : ((int[]) o).clone()) {
      n += i;
    }
    for (int[] row : (int[][]) value) {
      n += row.length;
    }
    for (char c : ((String) value).toCharArray()) {
      n += c;
    }
    for (Object e : FLAG ? (Object[]) value : a) {
      n += e.hashCode();
    }
    Object[] copy = ((Object[]) value).clone();
    n += copy.length + ((int[]) o).length + ((Map[]) x).length;
    n += ((Map<?, ?>) ((Object[]) value)[0]).size();
    return n;
  }

  // Arrays of maps and varargs of maps.
  @SafeVarargs
  static int total(Map<String, Integer>... maps) {
    int n = 0;
    for (Map<String, Integer> m : maps) {
      for (Map.Entry<String, Integer> e : m.entrySet()) {
        n += e.getValue();
      }
    }
    for (Map<String, Integer> m : maps.clone()) {
      n += m.size();
    }
    return n + MAP_ARRAY.length;
  }

  // Wildcards: Map<?, ? super X>, entrySet() of wildcard maps.
  static void wildcards(Map<?, ? super Integer> sink, Map<? extends CharSequence, ?> source, Map<?, ?> any) {
    for (Map.Entry<?, ? super Integer> e : sink.entrySet()) {
      System.out.println(e.getKey());
    }
    for (var e : source.entrySet()) {
      System.out.println(e.getKey().length());
    }
    for (Object k : any.keySet()) {
      System.out.println(k);
    }
    any.values().forEach(System.out::println);
  }

  // Records: compact constructors, Map-typed accessors, records implementing interfaces.
  interface HasIndex {
    Map<String, Integer> index();

    default int size() {
      return count(index());
    }

    private static int count(Map<String, Integer> m) {
      return m.size();
    }
  }

  record Indexed(String name, Map<String, Integer> index) implements HasIndex {
    Indexed {
      index = Map.copyOf(index);
      if (name.isBlank()) {
        throw new IllegalArgumentException(name);
      }
    }

    @Override
    public Map<String, Integer> index() {
      return index;
    }
  }

  record Pair<A, B>(A left, B right) {}

  // Sealed interfaces, switch patterns with record patterns and guards, switch expressions with yield.
  sealed interface Shape permits Circle, Square, Group {}

  record Circle(double r) implements Shape {}

  record Square(double side) implements Shape {}

  record Group(Map<String, Shape> members, Shape[] extra) implements Shape {}

  static double area(Shape shape) {
    return switch (shape) {
      case Circle(double r) when r > 10 -> Math.PI * r * r;
      case Circle c -> Math.PI * c.r() * c.r();
      case Square(var side) -> side * side;
      case Group(Map<String, Shape> members, Shape[] extra) -> {
        double sum = 0;
        for (Shape s : members.values()) {
          sum += area(s);
        }
        for (Shape s : (extra)) {
          sum += area(s);
        }
        yield sum;
      }
    };
  }

  @SuppressWarnings("rawtypes")
  static String describe(Object o) {
    if (o instanceof Map<?, ?> m && !m.isEmpty()) {
      return "map of " + m.size();
    }
    if (o instanceof Pair<?, ?>(Map<?, ?> left, int[] right)) {
      return left.size() + "/" + right.length;
    }
    if (!(o instanceof Object[] array)) {
      return String.valueOf(o);
    }
    int kind = switch (array.length) {
      case 0 -> 0;
      case 1, 2 -> {
        int k = array.length * 2;
        yield k;
      }
      default -> {
        yield -1;
      }
    };
    switch (o) {
      case Map[] maps when maps.length > 1 -> System.out.println(maps.length);
      case String[] strings -> System.out.println(strings.length);
      default -> System.out.println(kind);
    }
    return "array";
  }

  // Anonymous classes that extend HashMap, enums with bodies.
  static Map<String, Integer> anonymous() {
    return new HashMap<String, Integer>() {
      {
        put("a", 1);
      }

      @Override
      public Integer get(Object key) {
        return super.getOrDefault(key, 0);
      }
    };
  }

  enum Op {
    ADD {
      @Override
      int apply(Map<String, Integer> m, String k) {
        return m.merge(k, 1, Integer::sum);
      }
    },
    DROP {
      @Override
      int apply(Map<String, Integer> m, String k) {
        Integer old = m.remove(k);
        return old == null ? 0 : old;
      }
    };

    abstract int apply(Map<String, Integer> m, String k);
  }

  // Generic methods with intersection bounds, type-use annotations, var, text blocks.
  static <@Tag K extends Comparable<K> & CharSequence, V extends @Nullable Object> K firstKey(Map<K, V> m) {
    K best = null;
    for (K k : m.keySet()) {
      if (best == null || k.compareTo(best) < 0) {
        best = k;
      }
    }
    return best;
  }

  static <M extends Map<String, Integer> & Cloneable> int cloneable(M map) {
    int n = 0;
    for (String k : map.keySet()) {
      n += k.length();
    }
    return n;
  }

  static String textBlock() {
    var text = """
        {"a": 1,
         "b": [1, 2]}
        """;
    var local = new HashMap<String, List<String>>();
    local.computeIfAbsent(text, t -> new ArrayList<>()).add(text);
    return text.strip();
  }

  // Labeled breaks, try-with-resources, synchronized on odd expressions.
  static int labeled(Map<String, int[]> grid) {
    int found = 0;
    outer:
    for (Map.Entry<String, int[]> row : grid.entrySet()) {
      for (int v : row.getValue()) {
        if (v < 0) {
          break outer;
        }
        if (v == 0) {
          continue outer;
        }
        found += v;
      }
    }
    return found;
  }

  static int resources(Map<String, Integer> m) throws Exception {
    try (var reader = new StringReader("x"); Closeable c = () -> m.clear()) {
      return reader.read();
    }
  }

  static void odd(Object[] locks, Map<String, Integer> m) {
    synchronized ((Object) locks[0]) {
      m.put("a", 1);
    }
    synchronized (FLAG ? m : locks) {
      m.remove("a");
    }
    synchronized (TreeShapes.class) {
      m.clear();
    }
    synchronized (SUPPLIERS[0]) {
      m.putAll(Map.of("b", 2));
    }
  }

  // Nested, local and inner classes, local records, local interfaces.
  class Inner {
    final Map<String, Integer> counts = new HashMap<>();

    int sum() {
      int n = 0;
      for (int v : counts.values()) {
        n += v;
      }
      return n;
    }
  }

  static int locals(List<String> words) {
    record Count(String word, int n) {}
    interface Sink {
      void take(Count c);
    }
    class Collector implements Sink {
      final Map<String, Integer> seen = new TreeMap<>();

      @Override
      public void take(Count c) {
        seen.merge(c.word(), c.n(), Integer::sum);
      }
    }
    Collector collector = new Collector();
    for (String w : words) {
      collector.take(new Count(w, 1));
    }
    Iterator<Map.Entry<String, Integer>> it = collector.seen.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() > 1) {
        it.remove();
      }
    }
    return collector.seen.size();
  }

  static int lambdas(Map<String, Integer> m) {
    Function<Object, Integer> f = o -> switch (o) {
      case Integer i -> i;
      case Map<?, ?> map -> map.size();
      default -> 0;
    };
    m.forEach((k, v) -> System.out.println(k + v));
    m.keySet().forEach(k -> System.out.println(f.apply(k)));
    m.entrySet().removeIf(e -> e.getValue() == null);
    m.replaceAll((k, v) -> v + 1);
    return f.apply(m) + ((Function<Map<String, Integer>, Integer>) Map::size).apply(m);
  }
}
