package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SpotBugs baseline ({@code excludeBugsFile} of spotbugs-maven-plugin, {@code -excludeBugs} of the command line)
 * matches findings by their instance hash. mapsafe's bug instances must keep that hash when lines move and
 * unrelated methods are added, and a new bug must get a hash of its own.
 */
@ExtendWith(SpotBugsExtension.class)
class StableInstancesTest {
  private static final String V1 = String.join("\n",
      "package shop;",
      "import java.util.*;",
      "import java.util.concurrent.*;",
      "public class Carts {",
      "  private final Map<String, Integer> counts = new ConcurrentHashMap<>();",
      "  private final Map<String, Set<String>> items = new HashMap<>();",
      "  public void add(String cart, String item) { items.computeIfAbsent(cart, c -> new HashSet<>()).add(item); }",
      "  public void count(String cart, int first) {",
      "    if (!counts.containsKey(cart)) {",
      "      counts.put(cart, first);",
      "    }",
      "  }",
      "  public Map<String, Set<String>> export() { return new HashMap<>(items); }",
      "}");

  @Test
  void instanceHashesSurviveLineShiftsAndNewMethods(SpotBugsRunner spotbugs, @TempDir Path temp) throws Exception {
    Set<String> first = hashes(spotbugs, compile(temp.resolve("v1"), V1));
    assertEquals(2, first.size(), first.toString());
    String v2 = V1
        .replace("public class Carts {", "/** Shopping carts. */\n\n\npublic class Carts {\n"
            + "  public int size() { return items.size(); }\n")
        .replace("  public Map<String, Set<String>> export()", "  public Map<String, Set<String>> snapshot() {"
            + " return Map.copyOf(items); }\n  public Map<String, Set<String>> export()");
    Set<String> second = hashes(spotbugs, compile(temp.resolve("v2"), v2));
    Set<String> added = new TreeSet<>(second);
    added.removeAll(first);
    assertEquals(3, second.size(), second.toString());
    assertEquals(1, added.size(), "only the new bug has a new hash: " + added);
    assertEquals(true, second.containsAll(first), "the old bugs keep their hashes");
  }

  private static Set<String> hashes(SpotBugsRunner spotbugs, List<Path> classes) {
    Set<String> hashes = new TreeSet<>();
    for (BugInstance bug : Fixtures.run(spotbugs, classes.toArray(Path[]::new))) {
      if (bug.getType().startsWith("MAPSAFE_")) {
        hashes.add(bug.getInstanceHash());
      }
    }
    return hashes;
  }

  private static List<Path> compile(Path dir, String source) throws Exception {
    Path file = dir.resolve("src/shop/Carts.java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source);
    Path out = dir.resolve("classes");
    Files.createDirectories(out);
    int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-g", "-d", out.toString(),
        file.toString());
    assertEquals(0, status);
    List<Path> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(out)) {
      files.filter(p -> p.toString().endsWith(".class")).sorted().forEach(classes::add);
    }
    return classes;
  }
}
