package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class ShallowMapCopyLeakDetectorTest {
  @Test
  void shallowCopiesOfMutableValuesThatEscape(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.copies.PermissionRegistry");
  }

  /** putAll, copy loops, collected entries; copies handed to a queue, a listener, a future, an AtomicReference. */
  @Test
  void otherCopyFormsAndEscapes(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.copies.RoleExports");
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.copies.CopyNegatives").stream()
        .noneMatch(marker -> marker.contains("SHALLOW_MAP_COPY_LEAK")));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.copies.CopyNegatives");
  }

  /** Values no code changes in place (hand-outs, immutable in practice) are no leak (issue 15, shape 8). */
  @Test
  void valuesNobodyChangesInPlace(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.copies.HandOuts");
  }

  /** The same text the Error Prone check prints for this copy. */
  @Test
  void messageNamesTheValueTypeAndTheDeepCopy(SpotBugsRunner spotbugs) {
    BugInstance export = Fixtures.analyze(spotbugs, "fixtures.copies.PermissionRegistry").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 61)
        .findFirst()
        .orElseThrow();
    assertEquals(EXPORT, export.getMessageWithoutPrefix());
  }

  static final String EXPORT =
      "new HashMap(Map) at line 61 copies permissionsByRole shallowly and the copy is returned by export(), but its"
          + " values (Set) are mutable objects still shared with permissionsByRole: whoever receives the \"copy\""
          + " can change the owner's state, or sees it change under them (without the owner's lock). Fix: copy the"
          + " values too (Set.copyOf(v) per value), or make the value type immutable.";
}
