package dev.mapsafe.errorprone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which checks run when the user names none: only the patterns on by default ({@link Pattern#enabledByDefault}).
 * The others run when named ({@code -Xep:Name:WARN}), with {@code -XepAllDisabledChecksAsWarnings}, or with
 * {@code -XepOpt:Mapsafe:AllChecks=true}.
 */
class DefaultChecksTest {
  /** One bug of a pattern on by default (a map changed in its own loop), one of a pattern off by default. */
  static final String SOURCE = String.join("\n",
      "package com.acme;",
      "import java.util.*;",
      "import java.util.concurrent.*;",
      "public class Stock {",
      "  private final Map<String, Integer> counts = new HashMap<>();",
      "  private final ExecutorService pool = Executors.newSingleThreadExecutor();",
      "  public void dropEmpty() {",
      "    for (String item : counts.keySet()) {",
      "      if (counts.get(item) == 0) {",
      "        counts.remove(item);",
      "      }",
      "    }",
      "  }",
      "  public void restock(String item) {",
      "    pool.submit(() -> counts.put(item, 10));",
      "  }",
      "}");
  static final String ON = "[MapModifiedDuringIteration]";
  static final String OFF = "[UnguardedSharedMap]";

  @Test
  void theCatalogSaysWhichPatternsAreOn() {
    assertTrue(Pattern.MAP_MODIFIED_DURING_ITERATION.enabledByDefault());
    assertFalse(Pattern.UNGUARDED_SHARED_MAP.enabledByDefault());
  }

  @Test
  void onlyThePatternsOnByDefaultRunUnlessTurnedOn(@TempDir Path temp) throws Exception {
    Path dir = Files.createDirectories(temp.resolve("com/acme"));
    List<Path> sources = List.of(Files.writeString(dir.resolve("Stock.java"), SOURCE));

    assertEquals(List.of(ON), checks(Javac.compileWith(temp.resolve("c0"), sources, "")));
    assertEquals(List.of(ON, OFF),
        checks(Javac.compileWith(temp.resolve("c1"), sources, "-XepOpt:Mapsafe:AllChecks=true")));
    assertEquals(List.of(ON, OFF),
        checks(Javac.compileWith(temp.resolve("c2"), sources, "-Xep:UnguardedSharedMap:WARN")));
    assertEquals(List.of(ON, OFF),
        checks(Javac.compileWith(temp.resolve("c3"), sources, "-XepAllDisabledChecksAsWarnings")));
    assertEquals(List.of(OFF), checks(Javac.compileWith(temp.resolve("c4"), sources,
        "-XepDisableAllChecks -Xep:UnguardedSharedMap:WARN")), "mapsafe only, one check named");
  }

  /**
   * The documented "mapsafe only" flags (docs/install-maven.md): mapsafe's checks run, as with its defaults or with
   * all of them, and none of Error Prone's, so Error Prone's own errors cannot fail the build.
   */
  @Test
  void mapsafeOnlyRunsNoErrorProneCheck(@TempDir Path temp) throws Exception {
    Path dir = Files.createDirectories(temp.resolve("com/acme"));
    String errorProneError = "class Audit { void log() { new IllegalStateException(\"lost\"); } }"; // DeadException
    List<Path> sources = List.of(Files.writeString(dir.resolve("Stock.java"), SOURCE),
        Files.writeString(dir.resolve("Audit.java"), "package com.acme;\n" + errorProneError));
    Javac.Run errorProneDefaults = Javac.compileWith(temp.resolve("c0"), sources, "");
    assertFalse(errorProneDefaults.success(), "Error Prone's defaults fail this build: " + errorProneDefaults.output());

    Javac.Run defaults = Javac.compileWith(temp.resolve("c1"), sources, Pattern.errorProneFlagsForMapsafeOnly(false));
    assertTrue(defaults.success(), defaults.output());
    assertEquals(List.of(ON), checks(defaults));
    Javac.Run all = Javac.compileWith(temp.resolve("c2"), sources, Pattern.errorProneFlagsForMapsafeOnly(true));
    assertTrue(all.success(), all.output());
    assertEquals(List.of(ON, OFF), checks(all));
  }

  @Test
  void aBadValueIsACompileErrorNamingTheOption(@TempDir Path temp) throws Exception {
    Path dir = Files.createDirectories(temp.resolve("com/acme"));
    List<Path> sources = List.of(Files.writeString(dir.resolve("Stock.java"), SOURCE));
    Javac.Run run = Javac.compileWith(temp.resolve("c"), sources, "-XepOpt:Mapsafe:AllChecks=yes");
    assertTrue(run.output().contains("mapsafe: -XepOpt:Mapsafe:AllChecks=yes: the value is true or false"),
        run.output());
  }

  /** The mapsafe checks that reported, in the order of their lines. */
  private static List<String> checks(Javac.Run run) {
    return run.findings().stream().map(f -> f.substring(f.indexOf('['))).distinct()
        .filter(c -> Pattern.byCheckName(c.substring(1, c.length() - 1)).isPresent()).toList();
  }
}
