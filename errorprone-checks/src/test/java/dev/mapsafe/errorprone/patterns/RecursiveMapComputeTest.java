package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class RecursiveMapComputeTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(RecursiveMapCompute.class, getClass());

  @Test
  void recursiveMemoisationAndDirectWrites() {
    helper
        .addSourceLines(
            "Fib.java",
            "import java.math.BigInteger;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Fib {",
            "  private final Map<Integer, BigInteger> cache = new ConcurrentHashMap<>();",
            "  private static final Map<String, List<String>> DEPS = new HashMap<>();",
            "  private final TreeMap<String, Integer> counts = new TreeMap<>();",
            "  BigInteger fib(int n) {",
            "    if (n < 2) return BigInteger.valueOf(n);",
            "    // BUG: Diagnostic contains: updates cache itself (Map.computeIfAbsent(Object, Function) at line 11, through fib())",
            "    return cache.computeIfAbsent(n, k -> fib(k - 1).add(fib(k - 2)));",
            "  }",
            "  List<String> resolve(String module) {",
            "    // BUG: Diagnostic contains: through load() -> resolve()",
            "    return DEPS.computeIfAbsent(module, this::load);",
            "  }",
            "  private List<String> load(String module) {",
            "    List<String> all = new ArrayList<>();",
            "    for (String d : List.of(module + \".a\")) { all.addAll(resolve(d)); }",
            "    return all;",
            "  }",
            "  void count(String k) {",
            "    // BUG: Diagnostic contains: Map.put(Object, Object)",
            "    counts.merge(k, 1, (a, b) -> { counts.put(k + \"!\", 0); return a + b; });",
            "  }",
            "  void viaView(String k) {",
            "    // BUG: Diagnostic contains: Collection.remove(Object)",
            "    cache.compute(1, (key, v) -> { cache.keySet().remove(2); return v; });",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void negatives() {
    helper
        .addSourceLines(
            "Fine.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Fine {",
            "  private final Map<String, Integer> cache = new ConcurrentHashMap<>();",
            "  private final Map<String, Integer> other = new HashMap<>();",
            "  private final ConcurrentSkipListMap<String, Integer> skip = new ConcurrentSkipListMap<>();",
            "  private final Map<String, Integer> unknown;",
            "  Fine(Map<String, Integer> m) { unknown = m; }",
            "  int differentMap(String k) { return cache.computeIfAbsent(k, x -> other.merge(x, 1, Integer::sum)); }",
            "  int readsOnly(String k) { return cache.computeIfAbsent(k, x -> cache.getOrDefault(x + \"!\", 0) + 1); }",
            "  int computedFirst(String k) {",
            "    Integer v = cache.get(k);",
            "    if (v == null) { v = expensive(k); Integer prev = cache.putIfAbsent(k, v); v = prev != null ? prev : v; }",
            "    return v;",
            "  }",
            "  private int expensive(String k) { return k.length(); }",
            "  int skipListAllowsIt(String k) { return skip.computeIfAbsent(k, x -> skip.merge(x + \"!\", 1, Integer::sum)); }",
            "  int implementationUnknown(String k) { return unknown.computeIfAbsent(k, x -> unknown.merge(\"y\", 1, Integer::sum)); }",
            "  int localMap(String k) {",
            "    Map<String, Integer> local = new HashMap<>();",
            "    return local.computeIfAbsent(k, x -> other.size());",
            "  }",
            "  void laterNotInside(String k) {",
            "    cache.computeIfAbsent(k, x -> 1);",
            "    cache.put(k + \"!\", 2);",
            "  }",
            "  @SuppressWarnings(\"RecursiveMapCompute\")",
            "  int suppressed(String k) { return cache.computeIfAbsent(k, x -> cache.merge(\"y\", 1, Integer::sum)); }",
            "}")
        .doTest();
  }

  /** The same text as the SpotBugs plugin's for a scope whose factory re-enters the update. */
  @Test
  void messageOfAScopeWhoseFactoryReentersTheUpdate() {
    SharedFixtures.add(TestHelpers.compilation(RecursiveMapCompute.class, getClass()),
            Pattern.RECURSIVE_MAP_COMPUTE, "fixtures.recursive.ScopeReentry", 43,
            "computeIfAbsent runs ObjectFactory.getObject() in its function, which may run get() again and update the"
                + " same map before this computeIfAbsent returns")
        .doTest();
  }

  /** The same text as the SpotBugs plugin's for a loader whose constructor iterates a ServiceLoader. */
  @Test
  void messageOfAServiceLoaderIteratedInTheUpdate() {
    SharedFixtures.add(TestHelpers.compilation(RecursiveMapCompute.class, getClass()),
            Pattern.RECURSIVE_MAP_COMPUTE, "fixtures.recursive.ServiceRegistries", 40,
            "computeIfAbsent runs ServiceLoader.iterator() in its function (through new Loaders() -> load()), which may"
                + " run services() again")
        .doTest();
  }
}
