package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.catalog.Project;
import edu.umd.cs.findbugs.BugPattern;
import edu.umd.cs.findbugs.DetectorFactory;
import edu.umd.cs.findbugs.DetectorFactoryCollection;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SpotBugs drops a plugin's detectors without a word when it ranks them above its maximum rank (seen with
 * SpotBugs 4.10.4 and a plugin without bugrank.txt): the plugin must load, run and report, with the detectors the
 * catalog has off by default disabled.
 */
@ExtendWith(SpotBugsExtension.class)
class PluginLoadsAndReportsTest {
  @Test
  void theDetectorRunsAndReports(SpotBugsRunner spotbugs) {
    List<BugInstance> bugs = Fixtures.analyze(spotbugs, "fixtures.unlocked.Explicit");
    assertFalse(bugs.isEmpty(), "the mapsafe plugin loaded but reported nothing: check bugrank.txt");
  }

  /** SpotBugs reads which detectors are off by default from findbugs.xml; the catalog decides it. */
  @Test
  void onlyThePatternsOnByDefaultAreEnabledByDefault(SpotBugsRunner spotbugs) {
    Fixtures.analyze(spotbugs, "fixtures.unlocked.Explicit"); // loads the plugin
    int mapsafe = 0;
    for (DetectorFactory factory : DetectorFactoryCollection.instance().getFactories()) {
      for (BugPattern reported : factory.getReportedBugPatterns()) {
        Pattern pattern = Pattern.byBugType(reported.getType()).orElse(null);
        if (pattern != null) {
          mapsafe++;
          assertEquals(pattern.enabledByDefault(), factory.isDefaultEnabled(), factory.getShortName());
        }
      }
    }
    assertEquals(Pattern.values().length, mapsafe);
  }

  /** The link SpotBugs gives each bug type (its SARIF helpUri) is the docs site's pattern index, at the type. */
  @Test
  void spotBugsLinksEveryBugTypeToItsEntryOnTheDocsSite(SpotBugsRunner spotbugs) {
    Fixtures.analyze(spotbugs, "fixtures.unlocked.Explicit"); // loads the plugin
    for (Pattern pattern : Pattern.values()) {
      BugPattern loaded = DetectorFactoryCollection.instance().lookupBugPattern(pattern.bugType());
      assertEquals(Optional.of(URI.create(Project.PATTERN_INDEX + "#" + pattern.bugType())), loaded.getUri(),
          pattern.bugType());
    }
  }

  /** As shipped, a pattern off by default reports nothing; one on by default reports. */
  @Test
  void withTheDefaultsOnlyThePatternsOnByDefaultReport(SpotBugsRunner spotbugs) {
    assertFalse(Fixtures.analyze(spotbugs, false, "fixtures.iteration.Pruner").isEmpty());
    assertEquals(List.of(), Fixtures.analyze(spotbugs, false, "fixtures.unlocked.Explicit"));
  }
}
