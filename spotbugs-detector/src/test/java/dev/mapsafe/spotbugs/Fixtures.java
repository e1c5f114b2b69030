package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mapsafe.knowledge.catalog.ExpectMarkers;
import dev.mapsafe.knowledge.catalog.Pattern;
import edu.umd.cs.findbugs.BugCollection;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.DetectorFactory;
import edu.umd.cs.findbugs.DetectorFactoryCollection;
import edu.umd.cs.findbugs.config.UserPreferences;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Runs SpotBugs on one fixture's class files and compares mapsafe's findings with its markers. */
final class Fixtures {
  private static final Path SOURCES = Paths.get("src/test/java");
  /** Where the test classes are compiled: the fixtures, and what they use from a classpath. */
  static final Path CLASSES = Paths.get("target/test-classes");
  private static final String PLUGIN_ID = "dev.mapsafe.spotbugs";

  private Fixtures() {}

  /**
   * The mapsafe bugs of the fixtures analysed together; a fixture is a top-level class name like
   * {@code fixtures.unlocked.Explicit}, and its nested classes come with it.
   */
  static List<BugInstance> analyze(SpotBugsRunner spotbugs, String... fixtures) {
    return analyze(spotbugs, true, fixtures);
  }

  /** The same, with every mapsafe detector on, or only those on by default ({@code allChecks} false). */
  static List<BugInstance> analyze(SpotBugsRunner spotbugs, boolean allChecks, String... fixtures) {
    List<Path> classes = new ArrayList<>();
    for (String fixture : fixtures) {
      Path dir = CLASSES.resolve(fixture.substring(0, fixture.lastIndexOf('.')).replace('.', '/'));
      String simple = fixture.substring(fixture.lastIndexOf('.') + 1);
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(p -> p.getFileName().toString().equals(simple + ".class")
                || p.getFileName().toString().startsWith(simple + "$"))
            .sorted()
            .forEach(classes::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    BugCollection bugs = run(spotbugs, allChecks, classes.toArray(Path[]::new));
    return bugs.getCollection().stream()
        .filter(b -> b.getType().startsWith("MAPSAFE_"))
        .collect(Collectors.toList());
  }

  /** Runs SpotBugs with the detectors a user gets by default, and every mapsafe detector on. */
  static BugCollection run(SpotBugsRunner spotbugs, Path... classes) {
    return run(spotbugs, true, classes);
  }

  /**
   * Runs SpotBugs with the detectors a user gets by default, plus the mapsafe detectors that are off by default
   * when {@code allChecks} (as a user's {@code chooseVisitors}). The harness enables every detector, debug ones
   * included (TestingGround prints each method's stack frames), so the preferences are reset before it runs.
   */
  static BugCollection run(SpotBugsRunner spotbugs, boolean allChecks, Path... classes) {
    return spotbugs.performAnalysis(
        engine -> {
          UserPreferences defaults = UserPreferences.createDefaultUserPreferences();
          defaults.getFilterSettings().clearAllCategories();
          if (allChecks) {
            for (DetectorFactory factory : DetectorFactoryCollection.instance().getFactories()) {
              if (factory.getPlugin().getPluginId().equals(PLUGIN_ID)) {
                defaults.enableDetector(factory, true);
              }
            }
          }
          engine.setUserPreferences(defaults);
        },
        classes);
  }

  /** Asserts that the fixtures' mapsafe findings are exactly their markers: same files, types and lines. */
  static void assertExactlyMarked(SpotBugsRunner spotbugs, String... fixtures) {
    List<String> actual =
        analyze(spotbugs, fixtures).stream()
            .map(b -> b.getPrimarySourceLineAnnotation().getSourceFile() + ": " + b.getType() + " at line "
                + b.getPrimarySourceLineAnnotation().getStartLine())
            .sorted()
            .collect(Collectors.toList());
    List<String> expected = new ArrayList<>();
    for (String fixture : fixtures) {
      expected.addAll(expected(fixture));
    }
    Collections.sort(expected);
    assertEquals(expected, actual, "mapsafe findings of " + String.join(", ", fixtures));
  }

  static List<String> expected(String fixture) {
    Path source = SOURCES.resolve(fixture.replace('.', '/') + ".java");
    try {
      List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        int at = lines.get(i).indexOf("//");
        if (at >= 0) {
          for (Pattern p : ExpectMarkers.patternsIn(lines.get(i).substring(at))) {
            expected.add(source.getFileName() + ": " + p.bugType() + " at line "
                + ExpectMarkers.findingLine(lines, i + 1, at + 1));
          }
        }
      }
      return expected.stream().sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The line of a fixture that holds {@code text} (1-based), for tests that look at one finding's message. */
  static int lineOf(String fixture, String text) {
    try {
      List<String> lines =
          Files.readAllLines(SOURCES.resolve(fixture.replace('.', '/') + ".java"), StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(text)) {
          return i + 1;
        }
      }
      throw new IllegalArgumentException(text + " is not in " + fixture);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
