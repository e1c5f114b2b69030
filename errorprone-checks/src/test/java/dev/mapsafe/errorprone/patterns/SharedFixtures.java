package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.ExpectMarkers;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixtures the SpotBugs plugin's tests compile (one source of cases for both engines), given to Error
 * Prone's test helper with each {@code mapsafe-expect} marker of the checker under test turned into the
 * helper's {@code // BUG: Diagnostic contains: [Check]} line.
 */
final class SharedFixtures {
  private static final Path SOURCES = Paths.get("../spotbugs-detector/src/test/java");

  private SharedFixtures() {}

  /** Adds the fixture ({@code fixtures.guarded.Inventory}) expecting exactly its markers for {@code pattern}. */
  static CompilationTestHelper add(CompilationTestHelper helper, Pattern pattern, String fixture) {
    String relative = fixture.replace('.', '/') + ".java";
    List<String> lines;
    try {
      lines = Files.readAllLines(SOURCES.resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int at = lines.get(i).indexOf("//");
      if (at >= 0 && ExpectMarkers.patternsIn(lines.get(i).substring(at)).contains(pattern)) {
        expected.add(ExpectMarkers.findingLine(lines, i + 1, at + 1));
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (expected.contains(i + 1)) {
        out.add("// BUG: Diagnostic contains: [" + pattern.checkName() + "]");
      }
      out.add(lines.get(i));
    }
    return helper.addSourceLines(relative, out.toArray(String[]::new));
  }
}
