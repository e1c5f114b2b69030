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
 * helper's {@code // BUG: Diagnostic contains: [Check]} comment.
 */
final class SharedFixtures {
  private static final Path SOURCES = Paths.get("../spotbugs-detector/src/test/java");

  private SharedFixtures() {}

  /** Adds every fixture of a package ({@code fixtures.guarded}), expecting exactly their markers for {@code pattern}. */
  static CompilationTestHelper addPackage(CompilationTestHelper helper, Pattern pattern, String fixturePackage) {
    try (java.util.stream.Stream<Path> files = Files.list(SOURCES.resolve(fixturePackage.replace('.', '/')))) {
      for (Path file : files.sorted().collect(java.util.stream.Collectors.toList())) {
        String name = file.getFileName().toString();
        helper = add(helper, pattern, fixturePackage + "." + name.substring(0, name.length() - ".java".length()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return helper;
  }

  /** Adds the fixture ({@code fixtures.guarded.Inventory}) expecting exactly its markers for {@code pattern}. */
  static CompilationTestHelper add(CompilationTestHelper helper, Pattern pattern, String fixture) {
    return add(helper, pattern, fixture, 0, null);
  }

  /** As {@link #add(CompilationTestHelper, Pattern, String)}, and the finding at {@code line} has {@code message}. */
  static CompilationTestHelper add(
      CompilationTestHelper helper, Pattern pattern, String fixture, int messageLine, String message) {
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
    if (message != null && !expected.contains(messageLine)) {
      throw new IllegalArgumentException(fixture + " has no " + pattern.checkName() + " marker at line " + messageLine);
    }
    // The helper expects a finding on the line after its comment: append the comment to the previous line, so
    // that line numbers (which messages name) stay those of the file.
    List<String> out = new ArrayList<>(lines);
    for (int line : expected) {
      out.set(line - 2, out.get(line - 2) + " // BUG: Diagnostic contains: "
          + (line == messageLine ? message : "[" + pattern.checkName() + "]"));
    }
    return helper.addSourceLines(relative, out.toArray(String[]::new));
  }
}
