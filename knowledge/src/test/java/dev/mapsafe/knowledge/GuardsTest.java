package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.threads.Guards;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which lock guards a map, from the locks held at its writes; and the maps collectors make. */
class GuardsTest {
  private static final Function<Set<String>, Set<String>> HELD = held -> held;

  @Test
  void theLockHeldAtEveryWrite() {
    Optional<Guards.Guard> guard = Guards.of(Optional.empty(), "profiles",
        List.of(Set.of("lock", "profiles"), Set.of("lock")), HELD);
    assertEquals("lock", guard.orElseThrow().lock());
  }

  /** Some writes hold the map's own monitor and none another lock: the monitor is the lock the author means. */
  @Test
  void itsOwnMonitorAtSomeWrites() {
    Optional<Guards.Guard> guard = Guards.of(Optional.empty(), "profiles",
        List.of(Set.of("profiles"), Set.<String>of()), HELD);
    assertEquals("profiles", guard.orElseThrow().lock());
  }

  @Test
  void noGuardWhenAnotherLockIsHeldAtAWrite() {
    assertTrue(Guards.of(Optional.empty(), "profiles", List.of(Set.of("profiles"), Set.of("lock")), HELD).isEmpty());
    assertTrue(Guards.of(Optional.empty(), "profiles", List.of(Set.<String>of(), Set.<String>of()), HELD).isEmpty());
    assertTrue(Guards.of(Optional.empty(), "profiles", List.<Set<String>>of(), HELD).isEmpty());
  }

  @Test
  void mapsCollectorsMake() {
    assertTrue(MapTypes.isEmptyPlaceholder(new ApiMethod(CallKind.STATIC, "java.util.Map", "of", List.of())));
    assertTrue(MapTypes.isEmptyPlaceholder(new ApiMethod(CallKind.STATIC, "java.util.Collections", "emptyMap",
        List.of())));
    assertFalse(MapTypes.isEmptyPlaceholder(new ApiMethod(CallKind.STATIC, "java.util.Map", "of",
        List.of("java.lang.Object", "java.lang.Object")))); // an entry: not empty
    assertFalse(MapTypes.isEmptyPlaceholder(new ApiMethod(CallKind.STATIC, "java.util.Collections", "emptyList",
        List.of())));
    assertEquals(Optional.of("java.util.HashMap"), MapTypes.collectedMapClass("toMap", 2));
    assertEquals(Optional.of("java.util.HashMap"), MapTypes.collectedMapClass("groupingBy", 1));
    assertEquals(Optional.of("java.util.concurrent.ConcurrentHashMap"), MapTypes.collectedMapClass("toConcurrentMap", 3));
    assertTrue(MapTypes.collectedMapClass("toMap", 4).isEmpty()); // the supplier decides
    assertTrue(MapTypes.collectedMapClass("toUnmodifiableMap", 2).isEmpty());
    assertTrue(MapTypes.collectedMapClass("toList", 0).isEmpty());
  }
}
