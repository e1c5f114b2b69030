package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** bench/historical.tsv, the real bugs recall is measured on, is well formed: what bench/historical reads. */
class HistoricalBugsTest {
  @Test
  void everyCaseNamesItsJarsClassPatternAndEvidence() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("../bench/historical.tsv"), StandardCharsets.UTF_8);
    assertEquals("id\tgroupId\tartifactId\tbuggy_version\tfixed_version\tclass\tmember\tpattern\tevidence\tfix",
        lines.get(0));
    Set<String> ids = new HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t", -1);
      assertEquals(10, f.length, line);
      assertTrue(ids.add(f[0]), "duplicate case " + f[0]);
      assertTrue(!f[3].equals(f[4]) && !f[3].contains("SNAPSHOT") && !f[4].contains("SNAPSHOT"), line);
      assertTrue(f[5].matches("[a-zA-Z_$][\\w$]*(\\.[\\w$]+)+"), "a binary class name: " + f[5]);
      assertTrue(Pattern.byCheckName(f[7]).isPresent(), "a pattern of the catalog: " + f[7]);
      assertTrue(f[8].contains("https://"), "public evidence: " + line);
    }
    assertTrue(ids.size() >= 20, "at least 20 cases (issue 17)");
  }
}
