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

  /** Guava's filtered and transformed maps are live views of the map they are made from. */
  @Test
  void guavaLiveViews(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.GuavaViews");
  }

  /**
   * Guava's synchronized multimaps and bimaps guard their views with their own mutex: walks of the views outside it are
   * reported; walks under it, copies by the view's own toArray and a multimap that is not synchronized are not.
   */
  @Test
  void guavaSynchronizedMultimaps(SpotBugsRunner spotbugs) throws Exception {
    // The multimap types' hierarchy comes from Guava's jar, as from a user's dependencies.
    spotbugs.addAuxClasspathEntry(engine -> { }, java.nio.file.Path.of(com.google.common.collect.Multimap.class
        .getProtectionDomain().getCodeSource().getLocation().toURI()));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.GuavaMultimaps");
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

  /** tryLock holds the lock only where it returned true: after a failed try exits, inside a successful one. */
  @Test
  void tryLockHeldWhereItSucceeded(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.TryLockedStats");
  }

  /** A map or view handed to a helper that walks it is walked where the helper is called, under its locks. */
  @Test
  void passedToHelpersThatWalkIt(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.PassedToHelpers");
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

  @Test
  void lockGuardedMapsTraversedWithoutTheirLock(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.guarded.Inventory");
  }

  @Test
  void lockHelpersAndGuards(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.guarded.LockHelpers");
  }

  @Test
  void lockGuardedNegatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.guarded.GuardedNegatives").stream()
        .noneMatch(marker -> marker.contains("UNLOCKED_MAP_ITERATION")));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.guarded.GuardedNegatives");
  }

  /** Traversals in lifecycle methods are ordered with the locked writers, unless a task writes. */
  @Test
  void lifecycleTraversals(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.guarded.LifecycleTraversals");
  }

  /** A lock on a local that listeners capture belongs to one call: no guard of the field. */
  @Test
  void capturedLocalLocksGuardNothing(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.guarded.CapturedLocks").isEmpty());
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.guarded.CapturedLocks");
  }

  @Test
  void guardedMessageNamesTheLockAndItsEvidence(SpotBugsRunner spotbugs) {
    List<String> messages = Fixtures.analyze(spotbugs, "fixtures.guarded.Inventory").stream()
        .filter(b -> b.getType().equals("MAPSAFE_UNLOCKED_MAP_ITERATION"))
        .map(BugInstance::getMessageWithoutPrefix)
        .collect(java.util.stream.Collectors.toList());
    assertTrue(messages.contains(GUARDED_TOTAL), String.join("\n", messages));
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("Iterable.iterator() of items.values() at line 83 runs"
        + " under itemsLock and its result is used at line 87 after the lock is released")), String.join("\n", messages));
  }

  /** The same text the Error Prone check prints for this traversal. */
  static final String GUARDED_TOTAL = "Iterable.iterator() of stock.values() at line 42 runs without holding lock, but"
      + " stock is guarded by lock (held at every write): a write under the lock can run during the traversal and"
      + " throw ConcurrentModificationException, skip or repeat entries, or loop on a corrupted table. Fix: hold"
      + " lock for the whole traversal, or copy stock while holding it and traverse the copy.";

  /** System.getProperties() in code compiled for Java 8: a shared Hashtable, walked under its monitor or copied. */
  @Test
  void systemPropertiesBeforeJdk9(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.jdk8.SystemProperties");
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.unlocked.ModernSystemProperties");
  }
}
