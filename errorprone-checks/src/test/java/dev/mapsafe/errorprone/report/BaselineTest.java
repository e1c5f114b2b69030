package dev.mapsafe.errorprone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -XepOpt:Mapsafe:WriteBaseline} and {@code -XepOpt:Mapsafe:Baseline}, and bad option values. */
class BaselineTest {
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

  /** Lines shifted, an unrelated method added, then one new bug: only the new bug is reported. */
  @Test
  void baselineRoundTrip(@TempDir Path temp) throws Exception {
    Path source = temp.resolve("shop/Carts.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, V1);
    Path baseline = temp.resolve("mapsafe-baseline.txt");
    Javac.Run first = Javac.compile(temp.resolve("c1"), List.of(source), "-XepOpt:Mapsafe:WriteBaseline=" + baseline);
    assertEquals(List.of("Carts.java:10: [NonAtomicMapUpdate]", "Carts.java:13: [ShallowMapCopyLeak]"),
        first.findings(), first.output());
    assertEquals(3, Files.readAllLines(baseline).size(), Files.readString(baseline)); // header + 2 findings

    String v2 = V1
        .replace("public class Carts {", "/** Shopping carts. */\n\n\npublic class Carts {\n"
            + "  public int size() { return items.size(); }\n")
        .replace("  public Map<String, Set<String>> export()", "  public Map<String, Set<String>> snapshot() {"
            + " return Map.copyOf(items); }\n  public Map<String, Set<String>> export()");
    Files.writeString(source, v2);
    Path sarif = temp.resolve("new.sarif");
    Javac.Run second = Javac.compile(temp.resolve("c2"), List.of(source),
        "-XepOpt:Mapsafe:Baseline=" + baseline, "-XepOpt:Mapsafe:SarifOutput=" + sarif);
    assertTrue(second.success(), second.output());
    assertEquals(List.of("Carts.java:18: [ShallowMapCopyLeak]"), second.findings(), second.output());
    var results = new ObjectMapper().readTree(sarif.toFile()).at("/runs/0/results");
    assertEquals(1, results.size());
    assertTrue(results.get(0).at("/message/text").asText().startsWith("Map.copyOf(Map) at line 18"));
  }

  @Test
  void aMissingBaselineIsAClearErrorNotACrash(@TempDir Path temp) throws Exception {
    Path source = temp.resolve("shop/Carts.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, V1);
    Javac.Run run = Javac.compile(temp.resolve("c"), List.of(source),
        "-XepOpt:Mapsafe:Baseline=" + temp.resolve("absent.txt"));
    assertFalse(run.success());
    assertTrue(run.output().contains("mapsafe: -XepOpt:Mapsafe:Baseline=" + temp.resolve("absent.txt")
        + ": no such readable file"), run.output());
    assertFalse(run.output().contains("Exception"), run.output());
  }

  @Test
  void aSarifPathInAMissingFolderAndUnknownOptionsAreClearErrors(@TempDir Path temp) throws Exception {
    Path source = temp.resolve("Clean.java");
    Files.writeString(source, "public class Clean {}");
    Javac.Run missingFolder = Javac.compile(temp.resolve("c1"), List.of(source),
        "-XepOpt:Mapsafe:SarifOutput=" + temp.resolve("no/such/folder/out.sarif"));
    assertFalse(missingFolder.success());
    assertTrue(missingFolder.output().contains("mapsafe: -XepOpt:Mapsafe:SarifOutput="), missingFolder.output());
    assertTrue(missingFolder.output().contains("does not exist"), missingFolder.output());
    Javac.Run unknown = Javac.compile(temp.resolve("c2"), List.of(source), "-XepOpt:Mapsafe:Sarif=out.sarif");
    assertFalse(unknown.success());
    assertTrue(unknown.output().contains("unknown option -XepOpt:Mapsafe:Sarif"), unknown.output());
  }
}
