package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.StructuralChange;
import java.util.Optional;
import dev.mapsafe.knowledge.mapapi.Operand;
import dev.mapsafe.knowledge.mapapi.Traversal;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MapApiTest {
  private final JdkHierarchy jdk = new JdkHierarchy();

  private List<Effect> effects(CallKind kind, String owner, String name, String... params) {
    return MapApi.effectsOf(new ApiMethod(kind, owner, name, List.of(params)), jdk);
  }

  private Traversal traversalOf(List<Effect> effects, Operand operand) {
    return effects.stream()
        .filter(e -> e.kind() == MapEffect.ITERATE && e.operand().equals(operand))
        .map(Effect::traversal)
        .findFirst()
        .orElse(null);
  }

  @Test
  void viewIteratorsAreExternalAndBulkOperationsInternal() {
    // A Set view called through its own interface still matches the Iterable/Collection facts.
    assertEquals(Traversal.EXTERNAL, traversalOf(effects(CallKind.INSTANCE, "java.util.Set", "iterator"), Operand.RECEIVER));
    assertEquals(Traversal.EXTERNAL, traversalOf(effects(CallKind.INSTANCE, "java.util.Set", "stream"), Operand.RECEIVER));
    assertEquals(Traversal.EXTERNAL, traversalOf(effects(CallKind.INSTANCE, "java.util.Set", "spliterator"), Operand.RECEIVER));
    assertEquals(Traversal.INTERNAL,
        traversalOf(effects(CallKind.INSTANCE, "java.util.Set", "forEach", "java.util.function.Consumer"), Operand.RECEIVER));
    assertEquals(Traversal.INTERNAL, traversalOf(effects(CallKind.INSTANCE, "java.util.Collection", "toArray"), Operand.RECEIVER));
  }

  @Test
  void mostSpecificOwnerDecidesHowAddAllReadsItsArgument() {
    Operand arg = Operand.arg(0);
    assertEquals(Traversal.INTERNAL,
        traversalOf(effects(CallKind.INSTANCE, "java.util.ArrayList", "addAll", "java.util.Collection"), arg));
    assertEquals(Traversal.EXTERNAL,
        traversalOf(effects(CallKind.INSTANCE, "java.util.HashSet", "addAll", "java.util.Collection"), arg));
    // The receiver's implementation is unknown: the argument is read whole, taken as inside its own method (which
    // a synchronized wrapper locks), the weaker claim.
    assertEquals(Traversal.INTERNAL,
        traversalOf(effects(CallKind.INSTANCE, "java.util.Set", "addAll", "java.util.Collection"), arg));
  }

  @Test
  void copyOperationsFollowTheJdkSource() {
    Operand arg = Operand.arg(0);
    assertEquals(Traversal.EXTERNAL, traversalOf(effects(CallKind.CONSTRUCTOR, "java.util.HashMap", "<init>", "java.util.Map"), arg));
    assertEquals(Traversal.EXTERNAL, traversalOf(effects(CallKind.CONSTRUCTOR, "java.util.HashSet", "<init>", "java.util.Collection"), arg));
    assertEquals(Traversal.INTERNAL, traversalOf(effects(CallKind.CONSTRUCTOR, "java.util.ArrayList", "<init>", "java.util.Collection"), arg));
    assertEquals(Traversal.INTERNAL, traversalOf(effects(CallKind.STATIC, "java.util.Map", "copyOf", "java.util.Map"), arg));
    assertEquals(Traversal.INTERNAL, traversalOf(effects(CallKind.STATIC, "java.util.List", "copyOf", "java.util.Collection"), arg));
    assertEquals(Traversal.EXTERNAL, traversalOf(effects(CallKind.STATIC, "java.util.Set", "copyOf", "java.util.Collection"), arg));
    assertEquals(Traversal.EXTERNAL,
        traversalOf(effects(CallKind.STATIC, "java.lang.String", "join", "java.lang.CharSequence", "java.lang.Iterable"), Operand.arg(1)));
    // A capacity constructor is not a copy.
    assertTrue(effects(CallKind.CONSTRUCTOR, "java.util.HashMap", "<init>", "int").isEmpty());
    // Constructors are not inherited: a user subclass's constructor is unknown.
    assertTrue(effects(CallKind.CONSTRUCTOR, "java.util.Properties", "<init>", "java.util.Map").isEmpty());
  }

  @Test
  void viewsOfMapsAndUnmodifiableWrappers() {
    assertEquals(MapEffect.VIEW, effects(CallKind.INSTANCE, "java.util.TreeMap", "headMap", "java.lang.Object").get(0).kind());
    assertEquals(MapEffect.VIEW, effects(CallKind.INSTANCE, "java.util.HashMap", "keySet").get(0).kind());
    Effect unmodifiable =
        effects(CallKind.STATIC, "java.util.Collections", "unmodifiableMap", "java.util.Map").get(0);
    assertEquals(MapEffect.VIEW, unmodifiable.kind());
    assertEquals(Operand.arg(0), unmodifiable.operand());
  }

  @Test
  void selfLockedTypes() {
    assertTrue(MapTypes.isSelfLockedMapType("java.util.Hashtable", jdk));
    assertFalse(MapTypes.isSelfLockedMapType("java.util.Properties", jdk));
    assertFalse(MapTypes.isSelfLockedMapType("java.util.HashMap", jdk));
    assertTrue(MapTypes.createsSynchronizedWrapper(
        new ApiMethod(CallKind.STATIC, "java.util.Collections", "synchronizedMap", List.of("java.util.Map"))));
    assertFalse(MapTypes.createsSynchronizedWrapper(
        new ApiMethod(CallKind.STATIC, "java.util.Collections", "unmodifiableMap", List.of("java.util.Map"))));
    assertTrue(MapTypes.createsSynchronizedWrapper(new ApiMethod(CallKind.STATIC, "com.google.common.collect.Multimaps",
        "synchronizedListMultimap", List.of("com.google.common.collect.ListMultimap"))));
    assertFalse(MapTypes.createsSynchronizedWrapper(new ApiMethod(CallKind.STATIC, "com.google.common.collect.Multimaps",
        "unmodifiableListMultimap", List.of("com.google.common.collect.ListMultimap"))));
  }

  /** Each map factory is a real static method whose every overload returns a type the named class is. */
  @Test
  void mapFactoriesReturnTheirClass() throws Exception {
    for (Map.Entry<String, String> factory : MapTypes.mapFactories().entrySet()) {
      String[] ownerAndName = factory.getKey().split("#");
      Class<?> made = Class.forName(factory.getValue());
      List<Method> overloads = java.util.Arrays.stream(Class.forName(ownerAndName[0]).getMethods())
          .filter(m -> m.getName().equals(ownerAndName[1]))
          .collect(java.util.stream.Collectors.toList());
      assertFalse(overloads.isEmpty(), factory.getKey());
      for (Method m : overloads) {
        assertTrue(Modifier.isStatic(m.getModifiers()), m.toString());
        assertTrue(m.getReturnType().isAssignableFrom(made), m + " returns " + m.getReturnType());
      }
    }
    assertEquals(Optional.of("java.util.HashMap"), MapTypes.factoryMapClass(
        new ApiMethod(CallKind.STATIC, "com.google.common.collect.Maps", "newHashMap", List.of())));
    assertEquals(Optional.empty(), MapTypes.factoryMapClass(
        new ApiMethod(CallKind.STATIC, "com.google.common.collect.Maps", "filterKeys", List.of())));
  }

  /** A choice between a concurrent map and HashMap or TreeMap is about thread-safety; one of a WeakHashMap is not. */
  @Test
  void concurrentCounterparts() {
    assertTrue(MapTypes.hasConcurrentCounterpart("java.util.HashMap", jdk));
    assertTrue(MapTypes.hasConcurrentCounterpart("java.util.LinkedHashMap", jdk));
    assertTrue(MapTypes.hasConcurrentCounterpart("java.util.TreeMap", jdk));
    assertFalse(MapTypes.hasConcurrentCounterpart("java.util.WeakHashMap", jdk));
    assertFalse(MapTypes.hasConcurrentCounterpart("java.util.IdentityHashMap", jdk));
    assertFalse(MapTypes.hasConcurrentCounterpart("java.util.EnumMap", jdk));
  }

  @Test
  void cheapFilters() {
    assertTrue(MapApi.mentions("keySet"));
    assertTrue(MapApi.mentions("<init>"));
    assertFalse(MapApi.mentions("getName"));
    assertTrue(MapTypes.mayHoldMapOrView("java.util.Set", jdk));
    assertTrue(MapTypes.mayHoldMapOrView("java.util.Collection", jdk));
    assertTrue(MapTypes.mayHoldMapOrView("java.util.Hashtable", jdk));
    assertTrue(MapTypes.mayHoldMapOrView("java.util.Map", jdk));
    assertFalse(MapTypes.mayHoldMapOrView("java.util.List", jdk));
    assertFalse(MapTypes.mayHoldMapOrView("java.util.HashSet", jdk));
    assertFalse(MapTypes.mayHoldMapOrView("java.lang.String", jdk));
  }

  /** Guava's filtered and transformed views walk their map by iterator; the JDK's unmodifiable wrappers delegate. */
  @Test
  void viewsThatWalkTheirMapByIterator() {
    assertTrue(MapApi.viewWalksByIterator(new ApiMethod(CallKind.STATIC, "com.google.common.collect.Maps",
        "filterValues", List.of("java.util.Map", "com.google.common.base.Predicate"))));
    assertTrue(MapApi.viewWalksByIterator(new ApiMethod(CallKind.STATIC, "com.google.common.collect.Maps",
        "transformEntries", List.of("java.util.NavigableMap", "com.google.common.collect.Maps$EntryTransformer"))));
    assertFalse(MapApi.viewWalksByIterator(new ApiMethod(CallKind.STATIC, "java.util.Collections",
        "unmodifiableMap", List.of("java.util.Map"))));
  }

  /**
   * Every fact must name a method or constructor that exists in the running JDK (or in Guava, on the test classpath),
   * with those parameters.
   */
  @Test
  void everyFactNamesARealJdkMember() throws Exception {
    List<ApiMethod> named = new java.util.ArrayList<>(MapApi.facts().keySet());
    named.addAll(MapTypes.synchronizedWrapperFactories());
    for (ApiMethod m : named) {
      Class<?> owner;
      Class<?>[] params = new Class<?>[m.params().size()];
      try {
        owner = Class.forName(m.owner());
        for (int i = 0; i < params.length; i++) {
          params[i] = JdkHierarchy.classOf(m.params().get(i));
        }
      } catch (ClassNotFoundException e) {
        // SequencedMap & co. exist only from JDK 21; the model lists them for code compiled against 21+.
        assertTrue(Runtime.version().feature() < 21, "missing type in " + m.display());
        continue;
      }
      if (m.kind() == CallKind.CONSTRUCTOR) {
        owner.getConstructor(params);
      } else {
        Method method = findMethod(owner, m.name(), params);
        assertEquals(m.kind() == CallKind.STATIC, Modifier.isStatic(method.getModifiers()), m.display());
      }
    }
  }

  private static Method findMethod(Class<?> owner, String name, Class<?>[] params) throws NoSuchMethodException {
    try {
      return owner.getMethod(name, params);
    } catch (NoSuchMethodException e) {
      return owner.getDeclaredMethod(name, params);
    }
  }

  private ApiMethod call(String owner, String name, String... params) {
    return new ApiMethod(CallKind.INSTANCE, owner, name, List.of(params));
  }

  @Test
  void singleKeyCallsNameWhatTheyDoWithTheKey() {
    String o = "java.lang.Object";
    assertEquals(Optional.of(KeyUse.PRESENCE_TEST),
        MapApi.keyUse(call("java.util.concurrent.ConcurrentHashMap", "containsKey", o), jdk));
    assertEquals(Optional.of(KeyUse.LOOKUP), MapApi.keyUse(call("java.util.Map", "getOrDefault", o, o), jdk));
    assertEquals(Optional.of(KeyUse.STORE), MapApi.keyUse(call("java.util.Hashtable", "put", o, o), jdk));
    assertEquals(Optional.of(KeyUse.REMOVAL), MapApi.keyUse(call("java.util.Map", "remove", o), jdk));
    assertEquals(Optional.of(KeyUse.STORE_IF_ABSENT), MapApi.keyUse(call("java.util.Map", "putIfAbsent", o, o), jdk));
    // Already atomic, or not about one key: no key use.
    assertEquals(Optional.empty(), MapApi.keyUse(call("java.util.Map", "remove", o, o), jdk));
    assertEquals(Optional.empty(), MapApi.keyUse(call("java.util.Set", "remove", o), jdk));
  }

  @Test
  void structuralChangesFollowTheJdkImplementations() {
    String o = "java.lang.Object";
    assertEquals(Optional.of(StructuralChange.ALWAYS), MapApi.structuralChange(call("java.util.HashMap", "remove", o), jdk));
    assertEquals(Optional.of(StructuralChange.ALWAYS), MapApi.structuralChange(call("java.util.Set", "remove", o), jdk));
    assertEquals(Optional.of(StructuralChange.ALWAYS), MapApi.structuralChange(call("java.util.Map", "clear"), jdk));
    assertEquals(Optional.of(StructuralChange.UNLESS_KEY_PRESENT),
        MapApi.structuralChange(call("java.util.TreeMap", "put", o, o), jdk));
    assertEquals(Optional.of(StructuralChange.NEVER), MapApi.structuralChange(call("java.util.Map", "replace", o, o), jdk));
    assertEquals(Optional.empty(), MapApi.structuralChange(call("java.util.Map", "get", o), jdk));
  }

  @Test
  void iterationBehaviourComesFromTheMostSpecificKnownType() {
    assertEquals(Optional.of(MapTypes.Iteration.FAIL_FAST), MapTypes.iteration("java.util.LinkedHashMap", jdk));
    assertEquals(Optional.of(MapTypes.Iteration.WEAKLY_CONSISTENT), MapTypes.iteration("java.util.Properties", jdk));
    assertEquals(Optional.of(MapTypes.Iteration.WEAKLY_CONSISTENT), MapTypes.iteration("java.util.EnumMap", jdk));
    assertEquals(Optional.of(MapTypes.Iteration.WEAKLY_CONSISTENT),
        MapTypes.iteration("java.util.concurrent.ConcurrentMap", jdk));
    assertEquals(Optional.empty(), MapTypes.iteration("java.util.Map", jdk));
    assertTrue(MapTypes.isConcurrentMap("java.util.concurrent.ConcurrentSkipListMap", jdk));
    assertFalse(MapTypes.isConcurrentMap("java.util.Hashtable", jdk));
  }
}
