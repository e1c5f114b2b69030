package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.threads.SharedInstances;
import dev.mapsafe.knowledge.threads.SharedMaps;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Evidence of sharing that needs no visible thread, and what keeps a component. */
class SharedMapsTest {
  private final JdkHierarchy jdk = new JdkHierarchy();

  /** A per-type cache of an all-final object is metadata: only its writes on use race, as for static state. */
  @Test
  void typeMetadata() {
    assertTrue(SharedMaps.keyedByType("java.lang.Class"));
    assertTrue(SharedMaps.keyedByType("java.lang.reflect.Method"));
    assertFalse(SharedMaps.keyedByType("java.lang.String"));
    assertEquals(Optional.of(SharedMaps.Evidence.TYPE_METADATA),
        SharedMaps.of(false, List.of("java.util.HashMap"), false, true, false, jdk));
    assertEquals(Optional.empty(), SharedMaps.of(false, List.of("java.util.HashMap"), false, false, false, jdk));
    assertEquals(Optional.of(SharedMaps.Evidence.STATIC),
        SharedMaps.of(true, List.of("java.util.HashMap"), false, true, false, jdk));
    assertTrue(SharedMaps.Evidence.TYPE_METADATA.onlyWritesOnUse());
    assertFalse(SharedMaps.Evidence.WEAK_KEYS.onlyWritesOnUse());
  }

  /** A map or collection class over a WeakHashMap is a data structure its users lock: its own map shows no sharing. */
  @Test
  void dataStructuresOverWeakMaps() {
    assertEquals(Optional.of(SharedMaps.Evidence.WEAK_KEYS),
        SharedMaps.of(false, List.of("java.util.WeakHashMap"), false, false, false, jdk));
    assertEquals(Optional.empty(), SharedMaps.of(false, List.of("java.util.WeakHashMap"), false, false, true, jdk));
    assertEquals(Optional.of(SharedMaps.Evidence.STATIC),
        SharedMaps.of(true, List.of("java.util.HashMap"), false, false, true, jdk));
  }

  /** Keys are read from the declared type's first argument only where the JDK's map classes put them. */
  @Test
  void declaredKeys() {
    assertTrue(SharedMaps.declaresKeysFirst("java.util.Map", jdk));
    assertTrue(SharedMaps.declaresKeysFirst("java.util.HashMap", jdk));
    assertFalse(SharedMaps.declaresKeysFirst("com.example.StrictMap", jdk));
    assertFalse(SharedMaps.declaresKeysFirst("java.util.List", jdk));
  }

  /** {@code Optional.of(new X())} keeps an X for whoever keeps the optional; a thread-local's value is per thread. */
  @Test
  void holders() {
    assertTrue(SharedInstances.holdsArgument("java.util.Optional", "of"));
    assertTrue(SharedInstances.holdsArgument("java.util.Optional", "ofNullable"));
    assertFalse(SharedInstances.holdsArgument("java.lang.ThreadLocal", "withInitial"));
  }
}
