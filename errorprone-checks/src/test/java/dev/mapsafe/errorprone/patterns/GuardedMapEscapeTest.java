package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class GuardedMapEscapeTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(GuardedMapEscape.class, getClass());

  /** The same text as the SpotBugs plugin's for this return (its test asserts it too). */
  @Test
  void messageNamesWhatEscapesAndTheGuard() {
    SharedFixtures.add(helper, Pattern.GUARDED_MAP_ESCAPE, "fixtures.escape.MemberRegistry", 48,
            "ids() returns members.keySet(), a live view of members, while members is guarded by lock (held at"
                + " every write): callers read it without the lock as the class writes it, so they can see"
                + " ConcurrentModificationException or a corrupted map (an unmodifiable wrapper is still a live"
                + " view). Fix: return a copy taken while holding the lock (Collections.unmodifiableSet(new"
                + " LinkedHashSet<>(members.keySet()))), or an immutable snapshot.")
        .doTest();
  }

  @Test
  void copiesUnderTheLock() {
    TestHelpers.refactoring(GuardedMapEscape.class, getClass())
        .addInputLines(
            "Registry.java",
            "import java.util.*;",
            "class Registry {",
            "  private final Map<String, Integer> counts = new HashMap<>();",
            "  private final Map<String, Integer> named = new TreeMap<>();",
            "  synchronized void add(int n) { counts.put(\"n\" + n, n); named.put(\"k\" + n, n); }",
            "  public synchronized Map<String, Integer> counts() { return counts; }",
            "  public synchronized Set<String> keys() { return counts.keySet(); }",
            "  public synchronized Collection<Integer> values() { return Collections.unmodifiableCollection(counts.values()); }",
            "  public synchronized Map<String, Integer> named() { return Collections.unmodifiableMap(named); }",
            "  public Map<String, Integer> notUnderTheLock() { return counts; }",
            "  public synchronized SortedMap<String, Integer> sortedNoFit() { return (SortedMap<String, Integer>) named; }",
            "}")
        .addOutputLines(
            "Registry.java",
            "import java.util.*;",
            "import java.util.Collections;",
            "import java.util.LinkedHashMap;",
            "class Registry {",
            "  private final Map<String, Integer> counts = new HashMap<>();",
            "  private final Map<String, Integer> named = new TreeMap<>();",
            "  synchronized void add(int n) { counts.put(\"n\" + n, n); named.put(\"k\" + n, n); }",
            "  public synchronized Map<String, Integer> counts() { return Map.copyOf(counts); }",
            "  public synchronized Set<String> keys() { return Set.copyOf(counts.keySet()); }",
            "  public synchronized Collection<Integer> values() { return List.copyOf(counts.values()); }",
            "  public synchronized Map<String, Integer> named() { return Collections.unmodifiableMap(new LinkedHashMap<>(named)); }",
            "  public Map<String, Integer> notUnderTheLock() { return counts; }",
            "  public synchronized SortedMap<String, Integer> sortedNoFit() { return (SortedMap<String, Integer>) named; }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }
}
