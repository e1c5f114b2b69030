package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class MutatedMapSnapshotDetectorTest {
  @Test
  void publishedMapsChangedInPlace(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.snapshot.RouteTable");
  }

  /** Inner maps of a published map of maps, changed directly or through a shallow copy. */
  @Test
  void innerMapsOfAPublishedMapOfMaps(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.snapshot.HostRoutes");
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.snapshot.HostRoutesNegatives");
  }

  /** Maps kept in an InheritableThreadLocal, which the threads a thread starts share, changed in place. */
  @Test
  void inheritedContextMapsChangedInPlace(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.snapshot.InheritedContexts");
    String message = Fixtures.analyze(spotbugs, "fixtures.snapshot.InheritedContexts").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 26)
        .findFirst()
        .orElseThrow()
        .getMessageWithoutPrefix();
    assertEquals(INHERITED_PUT, message);
  }

  /** The message of the inherited context's put, as both engines word it. */
  static final String INHERITED_PUT = "Map.put(Object, Object) at line 26 changes context.get() in place, but context"
      + " is an InheritableThreadLocal: a thread started by this one gets this same map (childValue returns the"
      + " parent's value unless overridden), so the threads race on it (lost entries, ConcurrentModificationException,"
      + " a corrupted table). Fix: copy the map, change the copy and set() it; or override childValue to give each"
      + " child its own copy; or use a plain ThreadLocal.";

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.snapshot.SnapshotNegatives").stream()
        .noneMatch(marker -> marker.contains("MUTATED_MAP_SNAPSHOT")));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.snapshot.SnapshotNegatives");
  }

  /** A volatile field made on first use and changed in place is lazy initialisation, not a snapshot. */
  @Test
  void lazilyMadeMapsAreNoSnapshots(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.snapshot.LazyFields");
  }

  /** The same text the Error Prone check prints for this write. */
  @Test
  void messageNamesThePublicationAndTheWrite(SpotBugsRunner spotbugs) {
    BugInstance afterPublication = Fixtures.analyze(spotbugs, "fixtures.snapshot.RouteTable").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 33)
        .findFirst()
        .orElseThrow();
    assertEquals(RouteTableMessages.AFTER_PUBLICATION, afterPublication.getMessageWithoutPrefix());
  }

  static final class RouteTableMessages {
    static final String AFTER_PUBLICATION =
        "Map.put(Object, Object) at line 33 changes next in place after it was published at line 32, but it is"
            + " published through the volatile field routes: readers use it without a lock and rely on it never"
            + " changing, so they race with this write (lost entries, ConcurrentModificationException, a corrupted"
            + " table) or see a half-built state. Fix: copy, modify the copy, then publish it (or"
            + " ref.updateAndGet(m -> { var n = new HashMap<>(m); ...; return Map.copyOf(n); })).";
  }
}
