package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CatalogTest {
  @Test
  void idsFollowTheNamingRulesOfBothEngines() {
    assertEquals("UnlockedMapIteration", Pattern.UNLOCKED_MAP_ITERATION.checkName());
    assertEquals("MAPSAFE_UNLOCKED_MAP_ITERATION", Pattern.UNLOCKED_MAP_ITERATION.bugType());
    assertEquals("docs/patterns/UnlockedMapIteration.md", Pattern.UNLOCKED_MAP_ITERATION.docsPage());
    assertEquals(Pattern.MAP_WRITE_UNDER_READ_LOCK, Pattern.byCheckName("MapWriteUnderReadLock").orElseThrow());
    assertEquals(Pattern.RECURSIVE_MAP_COMPUTE, Pattern.byBugType("MAPSAFE_RECURSIVE_MAP_COMPUTE").orElseThrow());
  }

  /** The nine patterns of shared/patterns.md, in its order. */
  @Test
  void catalogHasTheNinePatterns() {
    List<String> names = Arrays.stream(Pattern.values()).map(Pattern::checkName).collect(Collectors.toList());
    assertEquals(
        List.of(
            "UnguardedSharedMap", "UnlockedMapIteration", "MapWriteUnderReadLock", "MapModifiedDuringIteration",
            "ShallowMapCopyLeak", "GuardedMapEscape", "NonAtomicMapUpdate", "RecursiveMapCompute",
            "MutatedMapSnapshot"),
        names);
  }
}
