package dev.mapsafe.knowledge.mapapi;

import static dev.mapsafe.knowledge.mapapi.CallKind.CONSTRUCTOR;
import static dev.mapsafe.knowledge.mapapi.CallKind.INSTANCE;
import static dev.mapsafe.knowledge.mapapi.CallKind.STATIC;
import static dev.mapsafe.knowledge.mapapi.MapEffect.ITERATE;
import static dev.mapsafe.knowledge.mapapi.MapEffect.READ;
import static dev.mapsafe.knowledge.mapapi.MapEffect.VIEW;
import static dev.mapsafe.knowledge.mapapi.MapEffect.WRITE;
import static dev.mapsafe.knowledge.mapapi.Traversal.EXTERNAL;
import static dev.mapsafe.knowledge.mapapi.Traversal.INTERNAL;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The map API model: what each JDK call does to the maps, map views and collections it is given. Both
 * engines translate a call site into an {@link ApiMethod} and ask {@link #effectsOf}; neither keeps a list
 * of its own. Each traversal's {@link Traversal} kind was read off the JDK 17 and 25 sources.
 *
 * <p>A call that is not in the model has no known effect, and no check reports on it (precision first).
 */
public final class MapApi {
  private static final String OBJECT = "java.lang.Object";
  private static final String MAP = "java.util.Map";
  private static final String SORTED_MAP = "java.util.SortedMap";
  private static final String NAVIGABLE_MAP = "java.util.NavigableMap";
  private static final String SEQUENCED_MAP = "java.util.SequencedMap";
  private static final String ITERABLE = "java.lang.Iterable";
  private static final String COLLECTION = "java.util.Collection";
  private static final String SORTED_SET = "java.util.SortedSet";
  private static final String NAVIGABLE_SET = "java.util.NavigableSet";
  private static final String COLLECTIONS = "java.util.Collections";
  private static final String BOOLEAN = "boolean";
  private static final String FUNCTION = "java.util.function.Function";
  private static final String BI_FUNCTION = "java.util.function.BiFunction";

  /** Map types whose copy constructor iterates the argument's entry set. */
  private static final List<String> MAP_COPY_CONSTRUCTORS =
      List.of(
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.TreeMap",
          "java.util.Hashtable",
          "java.util.IdentityHashMap",
          "java.util.WeakHashMap",
          "java.util.EnumMap",
          "java.util.concurrent.ConcurrentHashMap",
          "java.util.concurrent.ConcurrentSkipListMap");

  private static final Map<ApiMethod, List<Effect>> FACTS = new LinkedHashMap<>();
  /** Instance facts by method name: every call site of the analysed code asks, so lookups must be cheap. */
  private static final Map<String, List<ApiMethod>> INSTANCE_FACTS_BY_NAME = new HashMap<>();
  private static final Set<String> NAMES = new HashSet<>();
  private static final Map<ApiMethod, Integer> UPDATE_FUNCTIONS = new HashMap<>();
  private static final Map<ApiMethod, KeyUse> KEY_USES = new HashMap<>();
  private static final Map<ApiMethod, StructuralChange> STRUCTURAL_CHANGES = new HashMap<>();
  /** Views whose own bulk operations walk the viewed map with its iterator ({@link #viewWalksByIterator}). */
  private static final Set<ApiMethod> ITERATING_VIEWS = new HashSet<>();

  static {
    // Map: reads, writes, views, and the bulk operations the map performs inside its own call.
    for (String m : List.of("size()", "isEmpty()", "containsKey(O)", "get(O)", "getOrDefault(O,O)")) {
      fact(INSTANCE, MAP, m, on(READ));
    }
    for (String m : List.of("containsValue(O)", "equals(O)", "hashCode()")) {
      fact(INSTANCE, MAP, m, iterates(INTERNAL));
    }
    fact(INSTANCE, MAP, "forEach(java.util.function.BiConsumer)", iterates(INTERNAL));
    for (String m :
        List.of(
            "put(O,O)", "remove(O)", "remove(O,O)", "clear()", "putIfAbsent(O,O)", "replace(O,O)",
            "replace(O,O,O)", "computeIfAbsent(O," + FUNCTION + ")", "computeIfPresent(O," + BI_FUNCTION + ")",
            "compute(O," + BI_FUNCTION + ")", "merge(O,O," + BI_FUNCTION + ")")) {
      fact(INSTANCE, MAP, m, on(WRITE));
    }
    fact(INSTANCE, MAP, "replaceAll(" + BI_FUNCTION + ")", on(WRITE), iterates(INTERNAL));
    updateFunction("computeIfAbsent(O," + FUNCTION + ")", 1);
    updateFunction("computeIfPresent(O," + BI_FUNCTION + ")", 1);
    updateFunction("compute(O," + BI_FUNCTION + ")", 1);
    updateFunction("merge(O,O," + BI_FUNCTION + ")", 2);
    keyUse("containsKey(O)", KeyUse.PRESENCE_TEST);
    keyUse("get(O)", KeyUse.LOOKUP);
    keyUse("getOrDefault(O,O)", KeyUse.LOOKUP);
    keyUse("put(O,O)", KeyUse.STORE);
    keyUse("remove(O)", KeyUse.REMOVAL);
    keyUse("putIfAbsent(O,O)", KeyUse.STORE_IF_ABSENT);
    for (String m :
        List.of(
            "put(O,O)", "putIfAbsent(O,O)", "computeIfAbsent(O," + FUNCTION + ")",
            "computeIfPresent(O," + BI_FUNCTION + ")", "compute(O," + BI_FUNCTION + ")",
            "merge(O,O," + BI_FUNCTION + ")")) {
      structural(m, StructuralChange.UNLESS_KEY_PRESENT);
    }
    for (String m : List.of("replace(O,O)", "replace(O,O,O)", "replaceAll(" + BI_FUNCTION + ")")) {
      structural(m, StructuralChange.NEVER);
    }
    // Every JDK map's putAll walks argument.entrySet() with an iterator (HashMap.putMapEntries,
    // AbstractMap.putAll, TreeMap.putAll, ConcurrentHashMap.putAll, Hashtable.putAll).
    fact(INSTANCE, MAP, "putAll(java.util.Map)", on(WRITE), iterates(EXTERNAL, 0));
    for (String m : List.of("keySet()", "values()", "entrySet()")) {
      fact(INSTANCE, MAP, m, on(VIEW));
    }
    for (String m : List.of("headMap(O)", "tailMap(O)", "subMap(O,O)")) {
      fact(INSTANCE, SORTED_MAP, m, on(VIEW));
    }
    for (String m : List.of("firstKey()", "lastKey()")) {
      fact(INSTANCE, SORTED_MAP, m, on(READ));
    }
    for (String m :
        List.of(
            "navigableKeySet()", "descendingKeySet()", "descendingMap()", "headMap(O,boolean)",
            "tailMap(O,boolean)", "subMap(O,boolean,O,boolean)")) {
      fact(INSTANCE, NAVIGABLE_MAP, m, on(VIEW));
    }
    for (String m :
        List.of(
            "firstEntry()", "lastEntry()", "lowerEntry(O)", "lowerKey(O)", "floorEntry(O)", "floorKey(O)",
            "ceilingEntry(O)", "ceilingKey(O)", "higherEntry(O)", "higherKey(O)")) {
      fact(INSTANCE, NAVIGABLE_MAP, m, on(READ));
    }
    // Listed for NavigableMap too: on JDK 17 NavigableMap has no SequencedMap supertype.
    for (String owner : List.of(NAVIGABLE_MAP, SEQUENCED_MAP)) {
      fact(INSTANCE, owner, "pollFirstEntry()", on(WRITE));
      fact(INSTANCE, owner, "pollLastEntry()", on(WRITE));
    }
    for (String m : List.of("reversed()", "sequencedKeySet()", "sequencedValues()", "sequencedEntrySet()")) {
      fact(INSTANCE, SEQUENCED_MAP, m, on(VIEW));
    }
    for (String m : List.of("putFirst(O,O)", "putLast(O,O)")) {
      fact(INSTANCE, SEQUENCED_MAP, m, on(WRITE));
    }
    fact(INSTANCE, "java.util.Hashtable", "contains(O)", iterates(INTERNAL));
    for (String m : List.of("keys()", "elements()")) {
      fact(INSTANCE, "java.util.Hashtable", m, iterates(EXTERNAL));
    }

    // Collections, in particular map views: what walks them from outside and what walks them inside.
    fact(INSTANCE, ITERABLE, "iterator()", iterates(EXTERNAL));
    fact(INSTANCE, ITERABLE, "spliterator()", iterates(EXTERNAL));
    fact(INSTANCE, ITERABLE, "forEach(java.util.function.Consumer)", iterates(INTERNAL));
    fact(INSTANCE, COLLECTION, "stream()", iterates(EXTERNAL));
    fact(INSTANCE, COLLECTION, "parallelStream()", iterates(EXTERNAL));
    fact(INSTANCE, COLLECTION, "spliterator()", iterates(EXTERNAL));
    for (String m :
        List.of(
            "toArray()", "toArray(java.lang.Object[])", "toArray(java.util.function.IntFunction)",
            "containsAll(java.util.Collection)", "equals(O)", "hashCode()")) {
      fact(INSTANCE, COLLECTION, m, iterates(INTERNAL));
    }
    for (String m :
        List.of(
            "removeIf(java.util.function.Predicate)", "removeAll(java.util.Collection)",
            "retainAll(java.util.Collection)")) {
      fact(INSTANCE, COLLECTION, m, on(WRITE), iterates(INTERNAL));
    }
    for (String m : List.of("size()", "isEmpty()", "contains(O)")) {
      fact(INSTANCE, COLLECTION, m, on(READ));
    }
    for (String m : List.of("add(O)", "remove(O)", "clear()")) {
      fact(INSTANCE, COLLECTION, m, on(WRITE));
    }
    // Any collection reads all of its argument; how (an iterator or toArray) depends on the receiver's class, given
    // below where the call names it. Taken as internal when it does not (a synchronized wrapper's toArray is locked).
    fact(INSTANCE, COLLECTION, "addAll(java.util.Collection)", on(WRITE), iterates(INTERNAL, 0));
    for (String m : List.of("headSet(O)", "tailSet(O)", "subSet(O,O)")) {
      fact(INSTANCE, SORTED_SET, m, on(VIEW));
    }
    for (String m : List.of("first()", "last()")) {
      fact(INSTANCE, SORTED_SET, m, on(READ));
    }
    fact(INSTANCE, NAVIGABLE_SET, "descendingIterator()", iterates(EXTERNAL));
    for (String m :
        List.of("descendingSet()", "headSet(O,boolean)", "tailSet(O,boolean)", "subSet(O,boolean,O,boolean)")) {
      fact(INSTANCE, NAVIGABLE_SET, m, on(VIEW));
    }
    for (String m : List.of("pollFirst()", "pollLast()")) {
      fact(INSTANCE, NAVIGABLE_SET, m, on(WRITE));
    }

    // Receiver-specific addAll/containsAll: how the receiver reads its argument.
    fact(INSTANCE, "java.util.AbstractCollection", "addAll(java.util.Collection)", on(WRITE), iterates(EXTERNAL, 0));
    fact(INSTANCE, "java.util.AbstractCollection", "containsAll(java.util.Collection)",
        iterates(INTERNAL), iterates(EXTERNAL, 0));
    for (String owner : List.of("java.util.ArrayList", "java.util.LinkedList", "java.util.Vector")) {
      // c.toArray()
      fact(INSTANCE, owner, "addAll(java.util.Collection)", on(WRITE), iterates(INTERNAL, 0));
    }
    // copyElements(c) is c.forEach(this::addLast)
    fact(INSTANCE, "java.util.ArrayDeque", "addAll(java.util.Collection)", on(WRITE), iterates(INTERNAL, 0));

    // Copy constructors.
    for (String type : MAP_COPY_CONSTRUCTORS) {
      fact(CONSTRUCTOR, type, "<init>(java.util.Map)", iterates(EXTERNAL, 0));
    }
    fact(CONSTRUCTOR, "java.util.TreeMap", "<init>(java.util.SortedMap)", iterates(EXTERNAL, 0));
    fact(CONSTRUCTOR, "java.util.concurrent.ConcurrentSkipListMap", "<init>(java.util.SortedMap)",
        iterates(EXTERNAL, 0));
    for (String type : List.of("java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet")) {
      // addAll(c), which is AbstractCollection.addAll: for (E e : c)
      fact(CONSTRUCTOR, type, "<init>(java.util.Collection)", iterates(EXTERNAL, 0));
    }
    fact(CONSTRUCTOR, "java.util.TreeSet", "<init>(java.util.SortedSet)", iterates(EXTERNAL, 0));
    for (String type :
        List.of("java.util.ArrayList", "java.util.LinkedList", "java.util.Vector",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.ArrayDeque")) {
      // c.toArray(), or c.forEach(..) for ArrayDeque
      fact(CONSTRUCTOR, type, "<init>(java.util.Collection)", iterates(INTERNAL, 0));
    }

    // Static consumers.
    // Map.copyOf: map.entrySet().toArray(..); List.copyOf: coll.toArray(); Set.copyOf: new HashSet<>(coll).
    fact(STATIC, MAP, "copyOf(java.util.Map)", iterates(INTERNAL, 0));
    fact(STATIC, "java.util.List", "copyOf(java.util.Collection)", iterates(INTERNAL, 0));
    fact(STATIC, "java.util.Set", "copyOf(java.util.Collection)", iterates(EXTERNAL, 0));
    fact(STATIC, "java.lang.String", "join(java.lang.CharSequence,java.lang.Iterable)", iterates(EXTERNAL, 1));
    // An Enumeration over the collection's iterator, made now and walked when it is used.
    fact(STATIC, COLLECTIONS, "enumeration(java.util.Collection)", iterates(EXTERNAL, 0));
    for (String m :
        List.of(
            "max(java.util.Collection)", "max(java.util.Collection,java.util.Comparator)",
            "min(java.util.Collection)", "min(java.util.Collection,java.util.Comparator)",
            "frequency(java.util.Collection,O)")) {
      fact(STATIC, COLLECTIONS, m, iterates(EXTERNAL, 0));
    }
    for (String m :
        List.of(
            "unmodifiableMap(java.util.Map)", "unmodifiableSortedMap(java.util.SortedMap)",
            "unmodifiableNavigableMap(java.util.NavigableMap)", "unmodifiableSequencedMap(java.util.SequencedMap)",
            "unmodifiableCollection(java.util.Collection)", "unmodifiableSet(java.util.Set)",
            "unmodifiableSortedSet(java.util.SortedSet)", "unmodifiableNavigableSet(java.util.NavigableSet)",
            "unmodifiableSequencedSet(java.util.SequencedSet)",
            "unmodifiableSequencedCollection(java.util.SequencedCollection)")) {
      fact(STATIC, COLLECTIONS, m, new Effect(Operand.arg(0), VIEW, null));
    }
    // Guava's live views: every read of one reads the map, and walking one walks it. Their bulk operations
    // (toArray, size of a filtered view, ...) walk the map with its iterator, not inside one of its own methods.
    String guavaMaps = "com.google.common.collect.Maps";
    String biMap = "com.google.common.collect.BiMap";
    for (String filter : List.of("filterKeys", "filterValues", "filterEntries")) {
      for (String viewed : List.of(MAP, SORTED_MAP, NAVIGABLE_MAP, biMap)) {
        iteratingView(guavaMaps, filter + "(" + viewed + ",com.google.common.base.Predicate)");
      }
    }
    for (String viewed : List.of(MAP, SORTED_MAP, NAVIGABLE_MAP)) {
      iteratingView(guavaMaps, "transformValues(" + viewed + ",com.google.common.base.Function)");
      iteratingView(guavaMaps, "transformEntries(" + viewed + ",com.google.common.collect.Maps$EntryTransformer)");
    }
    fact(STATIC, guavaMaps, "unmodifiableNavigableMap(" + NAVIGABLE_MAP + ")", new Effect(Operand.arg(0), VIEW, null));
    fact(STATIC, guavaMaps, "unmodifiableBiMap(" + biMap + ")", new Effect(Operand.arg(0), VIEW, null));
    // Guava's multimaps: their collections of keys, values and entries and their map of collections are live
    // views, which a synchronized multimap guards with its own mutex; a walk of one walks the multimap.
    for (String m : List.of("keySet()", "values()", "entries()", "asMap()")) {
      fact(INSTANCE, "com.google.common.collect.Multimap", m, on(VIEW));
    }
    // Multimaps' filtered and transformed views walk the multimap by iterator (as Maps' do); its unmodifiable
    // views pass each call on.
    String multimaps = "com.google.common.collect.Multimaps";
    String multimap = "com.google.common.collect.Multimap";
    String setMultimap = "com.google.common.collect.SetMultimap";
    String listMultimap = "com.google.common.collect.ListMultimap";
    String predicate = ",com.google.common.base.Predicate)";
    for (String viewed : List.of(multimap, setMultimap, listMultimap)) {
      iteratingView(multimaps, "filterKeys(" + viewed + predicate);
    }
    for (String filter : List.of("filterValues", "filterEntries")) {
      for (String viewed : List.of(multimap, setMultimap)) {
        iteratingView(multimaps, filter + "(" + viewed + predicate);
      }
    }
    for (String viewed : List.of(multimap, listMultimap)) {
      iteratingView(multimaps, "transformValues(" + viewed + ",com.google.common.base.Function)");
      iteratingView(multimaps, "transformEntries(" + viewed + ",com.google.common.collect.Maps$EntryTransformer)");
    }
    for (String viewed : List.of(multimap, setMultimap, listMultimap, "com.google.common.collect.SortedSetMultimap")) {
      String simple = viewed.substring(viewed.lastIndexOf('.') + 1);
      fact(STATIC, multimaps, "unmodifiable" + simple + "(" + viewed + ")", new Effect(Operand.arg(0), VIEW, null));
    }
  }

  private MapApi() {}

  /**
   * The effects of a call, or an empty list when the model does not know it. Instance facts apply to
   * calls on the fact's owner and its subtypes; when several apply, the one of the most specific owner
   * wins ({@code ArrayList.addAll} reads its argument with {@code toArray}, other collections iterate it).
   */
  public static List<Effect> effectsOf(ApiMethod call, TypeHierarchy hierarchy) {
    ApiMethod fact = factFor(call, hierarchy);
    return fact == null ? List.of() : FACTS.get(fact);
  }

  /**
   * The argument index of the function an atomic update call runs while it updates the map
   * ({@code computeIfAbsent}, {@code computeIfPresent}, {@code compute}: 1; {@code merge}: 2), or -1.
   */
  public static int updateFunctionArgument(ApiMethod call, TypeHierarchy hierarchy) {
    ApiMethod fact = factFor(call, hierarchy);
    Integer index = fact == null ? null : UPDATE_FUNCTIONS.get(fact);
    return index == null ? -1 : index;
  }

  /**
   * Whether the view a call makes walks the viewed map with its iterator in its own bulk operations (Guava's
   * {@code Maps.filterValues}, {@code transformValues}): a traversal the view performs inside one of its methods
   * ({@code new ArrayList<>(view.keySet())}) is then, for the viewed map, a walk from outside, which a synchronized
   * map's monitor does not cover. The JDK's wrappers ({@code Collections.unmodifiableMap}) delegate instead.
   */
  public static boolean viewWalksByIterator(ApiMethod call) {
    return ITERATING_VIEWS.contains(call);
  }

  /** The entries a walk of {@code entrySet()} holds: their value read is a lookup of their key ({@link #readsEntryValue}). */
  public static final String MAP_ENTRY = "java.util.Map$Entry";

  /**
   * Whether the call reads the value of an entry ({@code e.getValue()}): of an entry of a map's {@code entrySet()},
   * a read of the map at that entry's key, as {@code get(e.getKey())} would be, so a write of that key decided by it
   * is a check-then-act.
   */
  public static boolean readsEntryValue(ApiMethod call, TypeHierarchy hierarchy) {
    return entryAccessor(call, "getValue", hierarchy);
  }

  /** Whether the call reads the key of an entry ({@code e.getKey()}). */
  public static boolean readsEntryKey(ApiMethod call, TypeHierarchy hierarchy) {
    return entryAccessor(call, "getKey", hierarchy);
  }

  private static boolean entryAccessor(ApiMethod call, String name, TypeHierarchy hierarchy) {
    return call.kind() == INSTANCE && call.name().equals(name) && call.params().isEmpty()
        && isSubtype(call.owner(), MAP_ENTRY, hierarchy);
  }

  /** Whether the call makes a map's live view of its entries ({@code m.entrySet()}). */
  public static boolean makesEntryView(ApiMethod call, TypeHierarchy hierarchy) {
    return call.name().equals("entrySet") && call.params().isEmpty()
        && effectsOf(call, hierarchy).stream().anyMatch(e -> e.kind() == VIEW && e.operand().isReceiver());
  }

  /** What a single-key Map call does with its key (argument 0), or empty. */
  public static Optional<KeyUse> keyUse(ApiMethod call, TypeHierarchy hierarchy) {
    ApiMethod fact = factFor(call, hierarchy);
    return Optional.ofNullable(fact == null ? null : KEY_USES.get(fact));
  }

  /**
   * Whether a call that writes its receiver changes the receiver's structure; empty for calls that do not
   * write their receiver.
   */
  public static Optional<StructuralChange> structuralChange(ApiMethod call, TypeHierarchy hierarchy) {
    ApiMethod fact = factFor(call, hierarchy);
    if (fact == null
        || FACTS.get(fact).stream().noneMatch(e -> e.kind() == WRITE && e.operand().isReceiver())) {
      return Optional.empty();
    }
    return Optional.of(STRUCTURAL_CHANGES.getOrDefault(fact, StructuralChange.ALWAYS));
  }

  private static ApiMethod factFor(ApiMethod call, TypeHierarchy hierarchy) {
    if (call.kind() != INSTANCE) {
      return FACTS.containsKey(call) ? call : null;
    }
    ApiMethod best = null;
    for (ApiMethod fact : INSTANCE_FACTS_BY_NAME.getOrDefault(call.name(), List.of())) {
      if (fact.params().equals(call.params())
          && isSubtype(call.owner(), fact.owner(), hierarchy)
          && (best == null || isSubtype(fact.owner(), best.owner(), hierarchy))) {
        best = fact;
      }
    }
    return best;
  }

  /**
   * Whether a write of this name can take entries out of the map or view it is called on ({@code remove},
   * {@code clear}, {@code removeIf}, a {@code compute} whose function returns null, ...): what makes an entry
   * seen by one call absent at the next.
   */
  public static boolean mayRemoveEntries(String name) {
    return REMOVING_NAMES.contains(name);
  }

  /**
   * Whether a read of this name only reads the map's entry count ({@code size}, {@code isEmpty}): racing with a
   * write it sees an old or a new count, never a torn entry, so it is a hint, not a race that corrupts anything.
   */
  public static boolean readsOnlyTheCount(String name) {
    return name.equals("size") || name.equals("isEmpty");
  }

  /**
   * Whether a write of this name reads the entry it writes in the same call ({@code computeIfAbsent},
   * {@code merge}, {@code putIfAbsent}, ...): a map written this way is filled or updated as it is used.
   */
  public static boolean readsWhatItWrites(String name) {
    return READING_WRITES.contains(name);
  }

  /** Whether a call of this name empties the map ({@code clear}): what starts a refill of it. */
  public static boolean empties(String name) {
    return name.equals("clear");
  }

  /** Whether a write of this name puts the whole contents of another map ({@code putAll}): contents prepared whole. */
  public static boolean putsAllOf(String name) {
    return name.equals("putAll");
  }

  /**
   * Whether a write of this name computes an entry only when it is missing ({@code computeIfAbsent}): a map written
   * so is a cache its readers fill, and one that finds an entry missing only computes it again.
   */
  public static boolean fillsOnMiss(String name) {
    return name.equals("computeIfAbsent");
  }

  private static final List<String> READING_WRITES =
      List.of("computeIfAbsent", "computeIfPresent", "compute", "merge", "putIfAbsent", "replace");

  private static final List<String> REMOVING_NAMES =
      List.of("remove", "clear", "removeIf", "removeAll", "retainAll", "compute", "computeIfPresent", "merge",
          "pollFirstEntry", "pollLastEntry", "poll", "pollFirst", "pollLast");

  /**
   * Whether any fact has this method name ({@code <init>} for constructors): a cheap test engines make before
   * building an {@link ApiMethod} for each of the many calls that cannot matter.
   */
  public static boolean mentions(String name) {
    return NAMES.contains(name);
  }

  /** The whole table, in declaration order, for the docs page. */
  public static Map<ApiMethod, List<Effect>> facts() {
    return Collections.unmodifiableMap(FACTS);
  }

  static boolean isSubtype(String type, String supertype, TypeHierarchy hierarchy) {
    return type.equals(supertype) || hierarchy.isSubtype(type, supertype);
  }

  private static Effect on(MapEffect kind) {
    return new Effect(Operand.RECEIVER, kind, null);
  }

  private static Effect iterates(Traversal traversal) {
    return new Effect(Operand.RECEIVER, ITERATE, traversal);
  }

  private static Effect iterates(Traversal traversal, int argument) {
    return new Effect(Operand.arg(argument), ITERATE, traversal);
  }

  /** Marks a Map fact (already entered) as an update that runs the function at {@code argument}. */
  private static void updateFunction(String signature, int argument) {
    UPDATE_FUNCTIONS.put(existing(method(INSTANCE, MAP, signature)), argument);
  }

  private static void keyUse(String signature, KeyUse use) {
    KEY_USES.put(existing(method(INSTANCE, MAP, signature)), use);
  }

  private static void structural(String signature, StructuralChange change) {
    STRUCTURAL_CHANGES.put(existing(method(INSTANCE, MAP, signature)), change);
  }

  private static ApiMethod existing(ApiMethod method) {
    if (!FACTS.containsKey(method)) {
      throw new IllegalStateException("no fact " + method);
    }
    return method;
  }

  /** {@code signature} is {@code name(T1,T2)}; {@code O} abbreviates {@code java.lang.Object}. */
  private static ApiMethod method(CallKind kind, String owner, String signature) {
    int open = signature.indexOf('(');
    String name = signature.substring(0, open);
    String inside = signature.substring(open + 1, signature.length() - 1);
    List<String> params = new ArrayList<>();
    for (String p : inside.isEmpty() ? new String[0] : inside.split(",")) {
      params.add(p.equals("O") ? OBJECT : p);
    }
    return new ApiMethod(kind, owner, name, params);
  }

  private static void iteratingView(String owner, String signature) {
    fact(STATIC, owner, signature, new Effect(Operand.arg(0), VIEW, null));
    ITERATING_VIEWS.add(method(STATIC, owner, signature));
  }

  private static void fact(CallKind kind, String owner, String signature, Effect... effects) {
    ApiMethod method = method(kind, owner, signature);
    String name = method.name();
    List<Effect> owned = new ArrayList<>();
    for (Effect e : effects) {
      owned.add(e.of(method));
    }
    if (FACTS.put(method, List.copyOf(owned)) != null) {
      throw new IllegalStateException("duplicate map API fact: " + method);
    }
    NAMES.add(name);
    if (kind == INSTANCE) {
      INSTANCE_FACTS_BY_NAME.computeIfAbsent(name, n -> new ArrayList<>()).add(method);
    }
  }
}
