package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class NonAtomicMapUpdateDetectorTest {
  @Test
  void checkThenActAndReadModifyWrite(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.Limiter");
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.atomic.AtomicNegatives").isEmpty());
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.AtomicNegatives");
  }

  @Test
  void messageNamesBothCallsTheirLinesAndTheFix(SpotBugsRunner spotbugs) {
    BugInstance register =
        Fixtures.analyze(spotbugs, "fixtures.atomic.Limiter").stream()
            .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 24)
            .findFirst()
            .orElseThrow();
    String message = register.getMessageWithoutPrefix();
    assertTrue(message.startsWith("buckets.containsKey(user) at line 23 then buckets.put(user, ..) at line 24 on"
        + " buckets (a ConcurrentHashMap) is not atomic (containsKey then put)"), message);
    assertTrue(message.contains("putIfAbsent(k, v)"), message);
  }
}
