package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class MapModifiedDuringIterationDetectorTest {
  @Test
  void modificationsWhileTheLoopContinues(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.iteration.Pruner");
  }

  /**
   * A local map walked by its own forEach whose lambda hands it to a helper that removes from it; not a helper that
   * reads it, one given another map, a concurrent map, nor removals after the walk.
   */
  @Test
  void capturedMapsRemovedFromByHelpers(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.iteration.CapturedMaps");
  }

  /**
   * Maps the method is given, or makes when given none (a merge of two values): the walk and the removal are
   * on the same value, whatever its source.
   */
  @Test
  void parameterMapsPrunedWhileWalked(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.iteration.ParameterMaps");
    String message = Fixtures.analyze(spotbugs, "fixtures.iteration.ParameterMaps").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 40)
        .findFirst()
        .orElseThrow()
        .getMessageWithoutPrefix();
    assertTrue(message.startsWith("nodes is structurally modified by Map.remove(Object) at line 40 while the loop over"
        + " nodes.values() at line 38 continues"), message);
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.iteration.IterationNegatives").stream()
        .noneMatch(marker -> marker.contains("MAP_MODIFIED_DURING_ITERATION")));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.iteration.IterationNegatives");
  }

  @Test
  void messageNamesTheMapTheLoopAndTheWrite(SpotBugsRunner spotbugs) {
    BugInstance expire =
        Fixtures.analyze(spotbugs, "fixtures.iteration.Pruner").stream()
            .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 17)
            .filter(b -> b.getType().equals("MAPSAFE_MAP_MODIFIED_DURING_ITERATION"))
            .findFirst()
            .orElseThrow();
    String message = expire.getMessageWithoutPrefix();
    assertTrue(message.startsWith("lastSeen is structurally modified by Map.remove(Object) at line 17 while the"
        + " loop over lastSeen.keySet() at line 14 continues"), message);
  }
}
