package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SpotBugs drops a plugin's detectors without a word when it ranks them above its maximum rank (seen with
 * SpotBugs 4.10.4 and a plugin without bugrank.txt): the plugin must load, run and report.
 */
@ExtendWith(SpotBugsExtension.class)
class PluginLoadsAndReportsTest {
  @Test
  void theDetectorRunsAndReports(SpotBugsRunner spotbugs) {
    List<BugInstance> bugs = Fixtures.analyze(spotbugs, "fixtures.unlocked.Explicit");
    assertFalse(bugs.isEmpty(), "the mapsafe plugin loaded but reported nothing: check bugrank.txt");
  }
}
