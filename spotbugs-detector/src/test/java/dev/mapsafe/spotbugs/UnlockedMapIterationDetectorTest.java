package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class UnlockedMapIterationDetectorTest {
  @Test
  void explicitTraversals(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.Explicit");
  }

  @Test
  void implicitTraversals(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.Implicit");
  }

  @Test
  void hashtablesViewsLocalsAndAccessors(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.ViewsAndTables");
  }

  @Test
  void lambdasAnonymousInnerClassesAndRecords(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.Tasks");
  }

  @Test
  void localsThatEscape(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.Escapes");
  }

  /** The shape of a finding in ActiveMQ 5.18.6 (MemoryTopicMessageStore.addSubscription). */
  @Test
  void fieldInheritedFromAnotherClassFile(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.MessageStore", "fixtures.unlocked.TopicStore");
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.unlocked.Negatives").isEmpty());
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.Negatives");
  }

  @Test
  void messageNamesMapTraversalAndFix(SpotBugsRunner spotbugs) {
    List<BugInstance> bugs = Fixtures.analyze(spotbugs, "fixtures.unlocked.Explicit");
    BugInstance loop =
        bugs.stream()
            .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 16)
            .findFirst()
            .orElseThrow();
    assertEquals("sessions", loop.getPrimaryField().getFieldName());
    String message = loop.getMessageWithoutPrefix();
    assertTrue(
        message.contains("sessions.values() is traversed by Iterable.iterator() without holding the monitor of sessions"
            + " (a Collections.synchronizedMap wrapper)"),
        message);
    assertTrue(message.contains("Hold synchronized (sessions) around the traversal"), message);
  }
}
