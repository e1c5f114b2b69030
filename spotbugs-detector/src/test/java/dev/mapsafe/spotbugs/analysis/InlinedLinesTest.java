package dev.mapsafe.spotbugs.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SMAP the Kotlin compiler wrote for the Kotlin sample's PriceCache (getOrPut inlined at line 13). */
class InlinedLinesTest {
  private static final String SMAP = "SMAP\nPriceCache.kt\nKotlin\n*S Kotlin\n*F\n+ 1 PriceCache.kt\n"
      + "example/inventory/PriceCache\n+ 2 Maps.kt\nkotlin/collections/MapsKt__MapsKt\n+ 3 MapsJVM.kt\n"
      + "kotlin/collections/MapsKt__MapsJVMKt\n+ 4 fake.kt\nkotlin/jvm/internal/FakeKt\n*L\n1#1,17:1\n384#2,7:18\n"
      + "72#3,2:25\n1#4:27\n*S KotlinDebug\n*F\n+ 1 PriceCache.kt\nexample/inventory/PriceCache\n*L\n13#1:18,7\n"
      + "15#1:25,2\n15#1:27\n*E\n";

  @Test
  void inlinedLinesMapToTheCallAndOwnLinesStay() {
    InlinedLines lines = InlinedLines.parse(SMAP);
    assertEquals(13, lines.callLine(18));
    assertEquals(13, lines.callLine(24));
    assertEquals(15, lines.callLine(25));
    assertEquals(15, lines.callLine(27));
    assertEquals(12, lines.callLine(12)); // the file's own lines (1..17) are not in the KotlinDebug stratum
    assertEquals(28, lines.callLine(28));
    assertEquals("prices.get(sku) at line 13 then prices.put(sku, ..) at line 13, lines 13 and 15",
        lines.inText("prices.get(sku) at line 18 then prices.put(sku, ..) at line 21, lines 18 and 25"));
  }

  @Test
  void noKotlinDebugStratumMapsNothing() {
    assertTrue(InlinedLines.parse("SMAP\nA.kt\nKotlin\n*S Kotlin\n*F\n+ 1 A.kt\nA\n*L\n1#1,5:1\n*E\n").isEmpty());
  }
}
