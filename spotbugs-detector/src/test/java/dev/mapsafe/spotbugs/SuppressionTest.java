package dev.mapsafe.spotbugs;

import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code @SuppressFBWarnings} works the same for every pattern: on the method of the reported line, on the map
 * field the finding is about, or on the class. The fixtures hold one finding of each pattern, reported, and the
 * same code suppressed in each of the three places.
 */
@ExtendWith(SpotBugsExtension.class)
class SuppressionTest {
  @Test
  void everyPatternIsReportedUnsuppressed(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.suppression.Reported");
  }

  @Test
  void suppressedOnTheMethod(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.suppression.SuppressedOnMethods");
  }

  @Test
  void suppressedOnTheField(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.suppression.SuppressedOnFields");
  }

  @Test
  void suppressedOnTheClass(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.suppression.SuppressedOnClass");
  }
}
