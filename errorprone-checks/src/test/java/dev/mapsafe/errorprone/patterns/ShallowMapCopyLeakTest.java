package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.BugCheckerRefactoringTestHelper.FixChoosers;
import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class ShallowMapCopyLeakTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(ShallowMapCopyLeak.class, getClass());

  /** The same text as the SpotBugs plugin's for this copy (its test asserts it too). */
  @Test
  void messageNamesTheValueTypeAndTheDeepCopy() {
    SharedFixtures.add(helper, Pattern.SHALLOW_MAP_COPY_LEAK, "fixtures.copies.PermissionRegistry", 61,
            "new HashMap(Map) at line 61 copies permissionsByRole shallowly and the copy is returned by export(),"
                + " but its values (Set) are mutable objects still shared with permissionsByRole")
        .doTest();
  }

  /** A copy handed to a queue names the hand-off, as the SpotBugs plugin does. */
  @Test
  void messageNamesTheHandOff() {
    SharedFixtures.add(helper, Pattern.SHALLOW_MAP_COPY_LEAK, "fixtures.copies.RoleExports", 66,
            "new HashMap(Map) at line 66 copies members shallowly and the copy is handed to another thread through"
                + " BlockingQueue.put(..) at line 67, but its values (Set) are mutable objects")
        .doTest();
  }

  /** The first fix changes nothing but the sharing: same map class, values still mutable, nulls kept. */
  @Test
  void copiesTheValuesKeepingWhatTheCodeDoes() {
    TestHelpers.refactoring(ShallowMapCopyLeak.class, getClass())
        .addInputLines(
            "Roles.java",
            "import java.util.*;",
            "class Roles {",
            "  private final Map<String, Set<String>> byRole = new HashMap<>();",
            "  private final Map<String, int[]> limits = new HashMap<>();",
            "  void grant(String r, String p) { byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p); }",
            "  void limit(String r, int[] l) { limits.put(r, l); }",
            "  void use(String r) { limits.get(r)[0] -= 1; }",
            "  public Map<String, Set<String>> export() { return new HashMap<>(byRole); }",
            "  public Map<String, int[]> limits() { String v = \"taken\"; return new HashMap<>(limits); }",
            "}")
        .addOutputLines(
            "Roles.java",
            "import java.util.*;",
            "import java.util.LinkedHashSet;",
            "class Roles {",
            "  private final Map<String, Set<String>> byRole = new HashMap<>();",
            "  private final Map<String, int[]> limits = new HashMap<>();",
            "  void grant(String r, String p) { byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p); }",
            "  void limit(String r, int[] l) { limits.put(r, l); }",
            "  void use(String r) { limits.get(r)[0] -= 1; }",
            "  public Map<String, Set<String>> export() {",
            "    Map<String, Set<String>> copy = new HashMap<>(byRole);",
            "    copy.replaceAll((k, v) -> v == null ? null : new LinkedHashSet<>(v));",
            "    return copy;",
            "  }",
            "  public Map<String, int[]> limits() {",
            "    String v = \"taken\";",
            "    Map<String, int[]> copy = new HashMap<>(limits);",
            "    copy.replaceAll((k, v2) -> v2 == null ? null : v2.clone());",
            "    return copy;",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /** The shorter copy with immutable values changes behaviour (nulls, mutability): it is the second fix. */
  @Test
  void offersImmutableValueCopiesSecond() {
    TestHelpers.refactoring(ShallowMapCopyLeak.class, getClass())
        .setFixChooser(FixChoosers.SECOND)
        .addInputLines(
            "Roles.java",
            "import java.util.*;",
            "class Roles {",
            "  private final Map<String, Set<String>> byRole = new HashMap<>();",
            "  private final Map<String, int[]> limits = new HashMap<>();",
            "  void grant(String r, String p) { byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p); }",
            "  void limit(String r, int[] l) { limits.put(r, l); }",
            "  void use(String r) { limits.get(r)[0] -= 1; }",
            "  public Map<String, Set<String>> export() { return new HashMap<>(byRole); }",
            "  public Map<String, int[]> limits() { return new HashMap<>(limits); }",
            "  public HashMap<String, Set<String>> exportNoFit() { return new HashMap<>(byRole); }",
            "}")
        .addOutputLines(
            "Roles.java",
            "import java.util.*;",
            "import java.util.Map;",
            "import java.util.stream.Collectors;",
            "class Roles {",
            "  private final Map<String, Set<String>> byRole = new HashMap<>();",
            "  private final Map<String, int[]> limits = new HashMap<>();",
            "  void grant(String r, String p) { byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p); }",
            "  void limit(String r, int[] l) { limits.put(r, l); }",
            "  void use(String r) { limits.get(r)[0] -= 1; }",
            "  public Map<String, Set<String>> export() { return byRole.entrySet().stream()"
                + ".collect(Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue()))); }",
            "  public Map<String, int[]> limits() { return limits.entrySet().stream()"
                + ".collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().clone())); }",
            "  public HashMap<String, Set<String>> exportNoFit() { return new HashMap<>(byRole); }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }
}
