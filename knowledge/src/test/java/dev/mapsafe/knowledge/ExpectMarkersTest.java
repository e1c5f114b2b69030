package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mapsafe.knowledge.catalog.ExpectMarkers;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpectMarkersTest {
  @Test
  void parsesCheckNames() {
    assertEquals(
        List.of(Pattern.UNLOCKED_MAP_ITERATION, Pattern.UNGUARDED_SHARED_MAP),
        ExpectMarkers.patternsIn(" mapsafe-expect: UnlockedMapIteration, UnguardedSharedMap"));
    assertEquals(List.of(), ExpectMarkers.patternsIn(" an ordinary comment"));
    assertThrows(IllegalArgumentException.class, () -> ExpectMarkers.patternsIn("mapsafe-expect: UnlockedIteration"));
  }

  @Test
  void trailingMarkerMeansItsLineAndOwnLineMarkerTheNextCode() {
    List<String> lines =
        List.of(
            "  for (String k : keys) { // mapsafe-expect: UnlockedMapIteration",
            "  // mapsafe-expect: UnlockedMapIteration",
            "",
            "  // another comment",
            "  return new HashMap<>(m);");
    assertEquals(1, ExpectMarkers.findingLine(lines, 1, 27));
    assertEquals(5, ExpectMarkers.findingLine(lines, 2, 3));
  }
}
