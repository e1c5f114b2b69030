package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.MapCopies;
import dev.mapsafe.knowledge.threads.HandOffs;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The copy forms and hand-offs of ShallowMapCopyLeak, checked against the real JDK types. */
class CopiesAndHandOffsTest {
  private final JdkHierarchy jdk = new JdkHierarchy();

  @Test
  void aNewMapFilledByPutAllIsACopyButACopyConstructorIsNotAnEmptyMap() {
    assertTrue(MapCopies.copiesInto(
        new ApiMethod(CallKind.INSTANCE, "java.util.Map", "putAll", List.of("java.util.Map")), jdk));
    assertTrue(MapCopies.copiesInto(
        new ApiMethod(CallKind.INSTANCE, "java.util.TreeMap", "putAll", List.of("java.util.Map")), jdk));
    assertFalse(MapCopies.copiesInto(
        new ApiMethod(CallKind.INSTANCE, "java.util.Collection", "addAll", List.of("java.util.Collection")), jdk));
    assertTrue(MapCopies.createsEmptyMap(new ApiMethod(CallKind.CONSTRUCTOR, "java.util.HashMap", "<init>",
        List.of("int")), jdk));
    assertFalse(MapCopies.createsEmptyMap(new ApiMethod(CallKind.CONSTRUCTOR, "java.util.HashMap", "<init>",
        List.of("java.util.Map")), jdk));
    assertFalse(MapCopies.createsEmptyMap(new ApiMethod(CallKind.CONSTRUCTOR, "java.util.ArrayList", "<init>",
        List.of()), jdk));
  }

  @Test
  void entryValuesAndMapCollectors() {
    assertTrue(MapCopies.readsEntryValue("java.util.Map$Entry", "getValue", jdk));
    assertTrue(MapCopies.readsEntryValue("java.util.AbstractMap$SimpleEntry", "getValue", jdk));
    assertFalse(MapCopies.readsEntryValue("java.util.Map$Entry", "getKey", jdk));
    assertEquals(1, MapCopies.mapCollectorValueArgument("java.util.stream.Collectors", "toMap"));
    assertEquals(2, MapCopies.mapCollectorValueArgument(
        "com.google.common.collect.ImmutableSortedMap", "toImmutableSortedMap"));
    assertEquals(-1, MapCopies.mapCollectorValueArgument("java.util.stream.Collectors", "groupingBy"));
    assertTrue(MapCopies.keepsStreamElements("java.util.stream.Stream", "filter"));
    assertTrue(MapCopies.keepsStreamElements("java.util.Set", "stream"));
    assertFalse(MapCopies.keepsStreamElements("java.util.stream.Stream", "map"));
  }

  @Test
  void handOffsToThreadsAndCallbacks() {
    assertEquals(Optional.of("handed to another thread through LinkedBlockingQueue.put(..)"),
        HandOffs.of("java.util.concurrent.LinkedBlockingQueue", "put", jdk));
    assertEquals(Optional.of("handed to another thread through CompletableFuture.complete(..)"),
        HandOffs.of("java.util.concurrent.CompletableFuture", "complete", jdk));
    assertEquals(Optional.of("passed to the callback ChangeListener.onChange(..)"),
        HandOffs.of("com.example.Roles$ChangeListener", "onChange", jdk));
    assertEquals(Optional.empty(), HandOffs.of("java.util.ArrayList", "add", jdk));
    assertEquals(Optional.empty(), HandOffs.of("java.util.concurrent.LinkedBlockingQueue", "take", jdk));
  }
}
