package dev.mapsafe.errorprone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fixes applied as users apply them, by javac with {@code -XepPatchChecks ... -XepPatchLocation:IN_PLACE}, read back
 * as text: the new lines are indented like the code around them, imports only the replaced code used are gone, and
 * the fix applied is the one that keeps the code's behaviour (a copy of the values that stay mutable).
 */
class FixFormattingTest {
  private static Path patched(Path temp, String name, String source, String checks) throws Exception {
    Path file = Files.writeString(temp.resolve(name), source);
    Javac.compileWith(temp.resolve("classes"), List.of(file),
        "-XepDisableAllChecks -Xep:" + checks.replace(",", ":WARN -Xep:") + ":WARN -XepPatchChecks:" + checks
            + " -XepPatchLocation:IN_PLACE");
    return file;
  }

  @Test
  void aTraversalWrappedInTheMapsMonitorKeepsItsIndentation(@TempDir Path temp) throws Exception {
    Path file = patched(temp, "Tally.java", String.join("\n",
        "import java.util.Collections;",
        "import java.util.HashMap;",
        "import java.util.Map;",
        "",
        "class Tally {",
        "  private final Map<String, Integer> counts = Collections.synchronizedMap(new HashMap<>());",
        "",
        "  int total() {",
        "    int sum = 0;",
        "    for (int v : counts.values()) {",
        "      sum += v;",
        "    }",
        "    return sum;",
        "  }",
        "}",
        ""), "UnlockedMapIteration");
    assertEquals(String.join("\n",
        "import java.util.Collections;",
        "import java.util.HashMap;",
        "import java.util.Map;",
        "",
        "class Tally {",
        "  private final Map<String, Integer> counts = Collections.synchronizedMap(new HashMap<>());",
        "",
        "  int total() {",
        "    int sum = 0;",
        "    synchronized (counts) {",
        "      for (int v : counts.values()) {",
        "        sum += v;",
        "      }",
        "    }",
        "    return sum;",
        "  }",
        "}",
        ""), Files.readString(file));
  }

  @Test
  void aDeepCopyKeepsTheValuesMutableAndNulls(@TempDir Path temp) throws Exception {
    Path file = patched(temp, "Roles.java", String.join("\n",
        "import java.util.HashMap;",
        "import java.util.HashSet;",
        "import java.util.Map;",
        "import java.util.Set;",
        "",
        "class Roles {",
        "  private final Map<String, Set<String>> byRole = new HashMap<>();",
        "",
        "  void grant(String r, String p) {",
        "    byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p);",
        "  }",
        "",
        "  public Map<String, Set<String>> export() {",
        "    return new HashMap<>(byRole);",
        "  }",
        "}",
        ""), "ShallowMapCopyLeak");
    assertEquals(String.join("\n",
        "import java.util.HashMap;",
        "import java.util.HashSet;",
        "import java.util.LinkedHashSet;",
        "import java.util.Map;",
        "import java.util.Set;",
        "",
        "class Roles {",
        "  private final Map<String, Set<String>> byRole = new HashMap<>();",
        "",
        "  void grant(String r, String p) {",
        "    byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p);",
        "  }",
        "",
        "  public Map<String, Set<String>> export() {",
        "    Map<String, Set<String>> copy = new HashMap<>(byRole);",
        "    copy.replaceAll((k, v) -> v == null ? null : new LinkedHashSet<>(v));",
        "    return copy;",
        "  }",
        "}",
        ""), Files.readString(file));
  }

  @Test
  void anImportOnlyTheReplacedCodeUsedIsRemoved(@TempDir Path temp) throws Exception {
    Path file = patched(temp, "Stock.java", String.join("\n",
        "import java.util.HashMap;",
        "import java.util.Map;",
        "import java.util.concurrent.ExecutorService;",
        "",
        "class Stock {",
        "  private final Map<String, Integer> counts = new HashMap<>();",
        "  private final ExecutorService pool;",
        "",
        "  Stock(ExecutorService pool) {",
        "    this.pool = pool;",
        "  }",
        "",
        "  void restock(String item) {",
        "    pool.submit(() -> counts.put(item, 10));",
        "  }",
        "",
        "  int inStock(String item) {",
        "    return counts.getOrDefault(item, 0);",
        "  }",
        "}",
        ""), "UnguardedSharedMap");
    assertEquals(String.join("\n",
        "import java.util.Map;",
        "import java.util.concurrent.ConcurrentHashMap;",
        "import java.util.concurrent.ExecutorService;",
        "",
        "class Stock {",
        "  private final Map<String, Integer> counts = new ConcurrentHashMap<>();",
        "  private final ExecutorService pool;",
        "",
        "  Stock(ExecutorService pool) {",
        "    this.pool = pool;",
        "  }",
        "",
        "  void restock(String item) {",
        "    pool.submit(() -> counts.put(item, 10));",
        "  }",
        "",
        "  int inStock(String item) {",
        "    return counts.getOrDefault(item, 0);",
        "  }",
        "}",
        ""), Files.readString(file));
  }
}
