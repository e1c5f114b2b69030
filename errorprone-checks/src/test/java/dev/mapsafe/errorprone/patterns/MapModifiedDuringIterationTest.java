package dev.mapsafe.errorprone.patterns;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.errorprone.report.Stderr;
import org.junit.jupiter.api.Test;

class MapModifiedDuringIterationTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(MapModifiedDuringIteration.class, getClass());

  @Test
  void modificationsWhileTheLoopContinues() {
    helper
        .addSourceLines(
            "Pruner.java",
            "import java.util.*;",
            "class Pruner {",
            "  private final Map<String, Long> lastSeen = new HashMap<>();",
            "  private final TreeMap<Integer, String> byPriority = new TreeMap<>();",
            "  void expire(long now) {",
            "    for (String id : lastSeen.keySet()) {",
            "      if (lastSeen.get(id) < now) {",
            "        // BUG: Diagnostic contains: lastSeen is structurally modified by Map.remove(Object) at line 9 while the loop over lastSeen.keySet() at line 6 continues",
            "        lastSeen.remove(id);",
            "      }",
            "    }",
            "  }",
            "  void expireEntries(long now) {",
            "    for (Map.Entry<String, Long> e : lastSeen.entrySet()) {",
            "      // BUG: Diagnostic contains: Map.remove(Object)",
            "      if (e.getValue() < now) lastSeen.remove(e.getKey());",
            "    }",
            "  }",
            "  void explicitIterator(long now) {",
            "    Iterator<String> it = lastSeen.keySet().iterator();",
            "    while (it.hasNext()) {",
            "      String id = it.next();",
            "      // BUG: Diagnostic contains: loop over lastSeen.keySet() at line 20",
            "      if (id.isEmpty()) lastSeen.remove(id);",
            "    }",
            "  }",
            "  void addWhileIterating() {",
            "    for (String id : lastSeen.keySet()) {",
            "      // BUG: Diagnostic contains: Map.put(Object, Object)",
            "      lastSeen.put(id + \"-copy\", 0L);",
            "    }",
            "  }",
            "  void throughAView(int limit) {",
            "    for (Integer p : byPriority.headMap(limit).keySet()) {",
            "      // BUG: Diagnostic contains: Collection.remove(Object)",
            "      byPriority.values().remove(\"x\" + p);",
            "    }",
            "  }",
            "  void ownForEach() {",
            "    // BUG: Diagnostic contains: lastSeen.forEach",
            "    lastSeen.forEach((id, t) -> { if (t == 0) lastSeen.remove(id); });",
            "  }",
            "  void clearInside() {",
            "    for (Long t : lastSeen.values()) {",
            "      // BUG: Diagnostic contains: Map.clear()",
            "      if (t < 0) { lastSeen.clear(); }",
            "    }",
            "  }",
            "  void localMap(Map<String, Integer> counts) {",
            "    Map<String, Integer> copy = new LinkedHashMap<>(counts);",
            "    for (String k : copy.keySet()) {",
            "      // BUG: Diagnostic contains: copy is structurally modified",
            "      if (k.isEmpty()) copy.remove(k);",
            "    }",
            "  }",
            "  void parameterOfUnknownClass(Map<String, Integer> counts) {",
            "    for (String k : counts.keySet()) {",
            "      // BUG: Diagnostic contains: counts is structurally modified",
            "      counts.remove(k);",
            "    }",
            "  }",
            "  void inATask(java.util.concurrent.Executor pool) {",
            "    pool.execute(() -> {",
            "      for (String id : lastSeen.keySet()) {",
            "        // BUG: Diagnostic contains: Map.remove(Object)",
            "        lastSeen.remove(id);",
            "      }",
            "    });",
            "  }",
            "  void breakOnlyLeavesTheInnerLoop() {",
            "    for (String id : lastSeen.keySet()) {",
            "      for (int i = 0; i < 3; i++) {",
            "        // BUG: Diagnostic contains: Map.remove(Object)",
            "        lastSeen.remove(id);",
            "        break;",
            "      }",
            "    }",
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
            "  private final Map<String, Long> lastSeen = new HashMap<>();",
            "  private final Map<String, Long> other = new HashMap<>();",
            "  private final Map<String, Long> concurrent = new ConcurrentHashMap<>();",
            "  private final EnumMap<TimeUnit, Long> perUnit = new EnumMap<>(TimeUnit.class);",
            "  void iteratorRemove(long now) {",
            "    for (Iterator<Map.Entry<String, Long>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {",
            "      if (it.next().getValue() < now) it.remove();",
            "    }",
            "  }",
            "  void removeIf(long now) {",
            "    lastSeen.entrySet().removeIf(e -> e.getValue() < now);",
            "    lastSeen.replaceAll((k, v) -> v + 1);",
            "  }",
            "  void setValue() {",
            "    for (Map.Entry<String, Long> e : lastSeen.entrySet()) { e.setValue(0L); }",
            "  }",
            "  void putOfTheCurrentKeyOnlyReplacesItsValue() {",
            "    for (String id : lastSeen.keySet()) { lastSeen.put(id, 0L); }",
            "    for (Map.Entry<String, Long> e : lastSeen.entrySet()) { lastSeen.put(e.getKey(), e.getValue() + 1); }",
            "    for (Map.Entry<String, Long> e : lastSeen.entrySet()) { lastSeen.merge(e.getKey(), 1L, Long::sum); }",
            "    lastSeen.forEach((k, v) -> lastSeen.put(k, v + 1));",
            "  }",
            "  void putOfACopyOfTheCurrentKey() {",
            "    for (Map.Entry<String, Long> e : lastSeen.entrySet()) { String id = e.getKey(); lastSeen.put(id, 1L); }",
            "  }",
            "  void replaceIsNotStructural() {",
            "    for (String id : lastSeen.keySet()) { lastSeen.replace(id, 1L); }",
            "  }",
            "  String exitRightAfter() {",
            "    for (String id : lastSeen.keySet()) {",
            "      if (id.startsWith(\"x\")) { lastSeen.remove(id); break; }",
            "    }",
            "    for (String id : lastSeen.keySet()) {",
            "      if (id.startsWith(\"y\")) { lastSeen.remove(id); return id; }",
            "    }",
            "    for (String id : lastSeen.keySet()) {",
            "      if (id.startsWith(\"z\")) return String.valueOf(lastSeen.remove(id));",
            "    }",
            "    return null;",
            "  }",
            "  void differentMap() {",
            "    for (String id : lastSeen.keySet()) { other.remove(id); }",
            "  }",
            "  void copyFirst() {",
            "    for (String id : new ArrayList<>(lastSeen.keySet())) { lastSeen.remove(id); }",
            "    for (String id : List.copyOf(lastSeen.keySet())) { lastSeen.remove(id); }",
            "  }",
            "  void weaklyConsistentMaps() {",
            "    for (String id : concurrent.keySet()) { concurrent.remove(id); }",
            "    for (TimeUnit u : perUnit.keySet()) { perUnit.remove(u); }",
            "  }",
            "  void collectThenModify(long now) {",
            "    List<String> stale = new ArrayList<>();",
            "    for (String id : lastSeen.keySet()) { if (lastSeen.get(id) < now) stale.add(id); }",
            "    stale.forEach(lastSeen::remove);",
            "    for (String id : stale) { lastSeen.remove(id); }",
            "  }",
            "  void laterOrElsewhere(ExecutorService pool) {",
            "    for (String id : lastSeen.keySet()) { pool.execute(() -> lastSeen.remove(id)); }",
            "  }",
            "  void outerLoopStartsANewIteration(List<String> batches) {",
            "    for (String b : batches) { for (Long t : other.values()) { System.out.println(b + t); } other.clear(); }",
            "  }",
            "  void newMapPerRound(List<String> batches) {",
            "    for (String b : batches) {",
            "      Map<String, Integer> round = new LinkedHashMap<>();",
            "      round.put(b, 1); round.remove(\"x\");",
            "      for (String k : round.keySet()) { System.out.println(k); }",
            "    }",
            "  }",
            "  void listsAreNotThisChecksBusiness(List<String> names) {",
            "    for (String n : names) { lastSeen.remove(n); }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void rewritesTheRemoveMatchingKeysLoopToRemoveIf() {
    TestHelpers.refactoring(MapModifiedDuringIteration.class, getClass())
        .addInputLines(
            "Sessions.java",
            "import java.util.*;",
            "class Sessions {",
            "  private final Map<String, Long> lastSeen = new HashMap<>();",
            "  void expire(long now) {",
            "    for (String id : lastSeen.keySet()) {",
            "      if (lastSeen.get(id) < now) {",
            "        lastSeen.remove(id);",
            "      }",
            "    }",
            "  }",
            "  void expireEntries(long now) {",
            "    for (Map.Entry<String, Long> e : lastSeen.entrySet()) {",
            "      if (e.getValue() < now) lastSeen.remove(e.getKey());",
            "    }",
            "  }",
            "}")
        .addOutputLines("Sessions.java", FIXED_SESSIONS)
        .doTest();
    // The fixed code compiles and is no longer flagged.
    helper.addSourceLines("Sessions.java", FIXED_SESSIONS).expectNoDiagnostics().doTest();
  }

  @Test
  void noRewriteWhenTheConditionCannotMoveIntoALambda() {
    TestHelpers.refactoring(MapModifiedDuringIteration.class, getClass())
        .addInputLines(
            "Counter.java",
            "import java.util.*;",
            "class Counter {",
            "  private final Map<String, Long> lastSeen = new HashMap<>();",
            "  int expire(long now) {",
            "    int removed = 0;",
            "    for (String id : lastSeen.keySet()) {",
            "      if (lastSeen.get(id) < now - removed++) {",
            "        lastSeen.remove(id);",
            "      }",
            "    }",
            "    return removed;",
            "  }",
            "}")
        .expectUnchanged()
        .doTest();
  }

  /** Loops over cast and parenthesised arrays are no map iterations; they used to crash javac. */
  @Test
  void loopsOverCastAndParenthesisedArrays() {
    // Debug on: fails on a failure that MapsafeChecker's safety net hides
    String err = Stderr.of(() -> TestHelpers.compilation(MapModifiedDuringIteration.class, getClass(),
            "-XepOpt:Mapsafe:Debug=true")
        .addSourceLines(
            "Arrays.java",
            "import java.util.*;",
            "class Arrays {",
            "  void cast(Object value, Object o, Object x, String[] a) {",
            "    for (Object e : (Object[]) value) { System.out.println(e); }",
            "    for (int i : (int[]) o) { System.out.println(i); }",
            "    for (String s : (a)) { System.out.println(s); }",
            "    for (Map m : (Map[]) x) { m.clear(); }",
            "    for (int i : ((int[]) o).clone()) { System.out.println(i); }",
            "  }",
            "}")
        .expectNoDiagnostics()
        .doTest());
    assertFalse(err.contains("mapsafe:"), err);
  }

  private static final String[] FIXED_SESSIONS = {
    "import java.util.*;",
    "class Sessions {",
    "  private final Map<String, Long> lastSeen = new HashMap<>();",
    "  void expire(long now) {",
    "    lastSeen.keySet().removeIf(id -> lastSeen.get(id) < now);",
    "  }",
    "  void expireEntries(long now) {",
    "    lastSeen.entrySet().removeIf(e -> e.getValue() < now);",
    "  }",
    "}",
  };

  /** The same words as the SpotBugs plugin's for a map the method makes when it is given none. */
  @Test
  void messageOfAParameterOrNewMap() {
    SharedFixtures.add(helper, dev.mapsafe.knowledge.catalog.Pattern.MAP_MODIFIED_DURING_ITERATION,
            "fixtures.iteration.ParameterMaps", 40,
            "nodes is structurally modified by Map.remove(Object) at line 40 while the loop over nodes.values() at line"
                + " 38 continues")
        .doTest();
  }
}
