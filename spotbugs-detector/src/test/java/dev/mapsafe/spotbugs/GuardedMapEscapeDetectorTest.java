package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class GuardedMapEscapeDetectorTest {
  /** Accessors for tests (@VisibleForTesting) hand nothing to outside code; the same accessor without it does. */
  @Test
  void testOnlyAccessors(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.escape.TestHooks");
  }

  @Test
  void mapsViewsAndIteratorsHandedOutAndCallersMapsStored(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.escape.MemberRegistry");
  }

  /** A getter every caller calls under the map's lock hands the view to code that holds it. */
  /** A holder nested beside the class keeps part of its state: its map, locked by the class, escapes as its own. */
  @Test
  void mapsOfRecordsTheClassKeeps(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.escape.LoaderRecords");
  }

  @Test
  void gettersCalledOnlyUnderTheLock(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.escape.LockedCallers");
  }
  /**
   * A map its builder collects for the object (a HashMap), locked by its own monitor around a write: its view handed
   * out is reported, the constructor that keeps the new map is not; nor a concurrent map, an unknown one, or a map
   * locked by two different locks.
   */
  @Test
  void collectedMapGuardedByItsOwnMonitor(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.escape.CollectedSettings");
  }


  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.escape.EscapeNegatives").stream()
        .noneMatch(marker -> marker.contains("GUARDED_MAP_ESCAPE")));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.escape.EscapeNegatives");
  }

  /** The same text the Error Prone check prints for this return. */
  @Test
  void messageNamesWhatEscapesAndTheGuard(SpotBugsRunner spotbugs) {
    BugInstance ids = Fixtures.analyze(spotbugs, "fixtures.escape.MemberRegistry").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 48)
        .findFirst()
        .orElseThrow();
    assertEquals(
        "ids() returns members.keySet(), a live view of members, while members is guarded by lock (held at"
            + " every write): callers read it without the lock as the class writes it, so they can see"
            + " ConcurrentModificationException or a corrupted map (an unmodifiable wrapper is still a live"
            + " view). Fix: return a copy taken while holding the lock (Collections.unmodifiableSet(new"
            + " LinkedHashSet<>(members.keySet()))), or an immutable snapshot.",
        ids.getMessageWithoutPrefix());
  }
}
