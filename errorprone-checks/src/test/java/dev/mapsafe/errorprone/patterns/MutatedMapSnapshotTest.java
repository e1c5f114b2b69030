package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class MutatedMapSnapshotTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(MutatedMapSnapshot.class, getClass());

  /** The same text as the SpotBugs plugin's for this write (its test asserts it too). */
  @Test
  void messageNamesThePublicationAndTheWrite() {
    SharedFixtures.add(helper, Pattern.MUTATED_MAP_SNAPSHOT, "fixtures.snapshot.RouteTable", 33,
            "Map.put(Object, Object) at line 33 changes next in place after it was published at line 32, but it is"
                + " published through the volatile field routes: readers use it without a lock and rely on it"
                + " never changing, so they race with this write (lost entries, ConcurrentModificationException, a"
                + " corrupted table) or see a half-built state.")
        .doTest();
  }

  /** The same text as the SpotBugs plugin's for an inherited context map changed in place. */
  @Test
  void messageOfAnInheritedMapChangedInPlace() {
    SharedFixtures.add(helper, Pattern.MUTATED_MAP_SNAPSHOT, "fixtures.snapshot.InheritedContexts", 26,
            "Map.put(Object, Object) at line 26 changes context.get() in place, but context is an"
                + " InheritableThreadLocal: a thread started by this one gets this same map")
        .doTest();
  }

  /**
   * Single put/remove on {@code ref.get()} becomes copy, modify, publish with {@code updateAndGet}; not when an
   * argument has side effects (the function may run twice), when the reference holds TreeMaps (the copy would lose
   * the comparator), or when the result is used.
   */
  @Test
  void rewritesSinglePutAndRemoveToUpdateAndGet() {
    TestHelpers.refactoring(MutatedMapSnapshot.class, getClass())
        .addInputLines(
            "Routes.java",
            "import java.util.*;",
            "import java.util.concurrent.atomic.AtomicReference;",
            "class Routes {",
            "  private final AtomicReference<Map<String, String>> routes = new AtomicReference<>(new HashMap<>());",
            "  private final AtomicReference<Map<String, String>> sorted = new AtomicReference<>(new TreeMap<>());",
            "  private int counter;",
            "  void add(String path, String target) { routes.get().put(path, target); }",
            "  void drop(String path) { String next = path; routes.get().remove(next); }",
            "  void count(String path) { routes.get().put(path, String.valueOf(counter++)); }",
            "  String swap(String path, String t) { return routes.get().put(path, t); }",
            "  void addSorted(String path, String target) { sorted.get().put(path, target); }",
            "}")
        .addOutputLines(
            "Routes.java",
            "import java.util.*;",
            "import java.util.HashMap;",
            "import java.util.concurrent.atomic.AtomicReference;",
            "class Routes {",
            "  private final AtomicReference<Map<String, String>> routes = new AtomicReference<>(new HashMap<>());",
            "  private final AtomicReference<Map<String, String>> sorted = new AtomicReference<>(new TreeMap<>());",
            "  private int counter;",
            "  void add(String path, String target) { routes.updateAndGet(current -> { var next ="
                + " new HashMap<>(current); next.put(path, target); return next; }); }",
            "  void drop(String path) { String next = path; routes.updateAndGet(current -> { var next2 ="
                + " new HashMap<>(current); next2.remove(next); return next2; }); }",
            "  void count(String path) { routes.get().put(path, String.valueOf(counter++)); }",
            "  String swap(String path, String t) { return routes.get().put(path, t); }",
            "  void addSorted(String path, String target) { sorted.get().put(path, target); }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }
}
