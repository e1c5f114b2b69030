package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Evidence that one map is used by many threads though the code launches none: what real concurrent-map bugs
 * had in common (a library's static cache, a {@code WeakHashMap}, a map keyed by the current thread). With it,
 * the code that touches the map may run on several callers' threads at once, as for a {@link SharedInstances}
 * instance. Weaker hints (volatile fields, atomics or locks elsewhere in the class) are not evidence alone.
 */
public final class SharedMaps {

  /** Why a map is shared, in the words of a finding's message. */
  public enum Evidence {
    /** Keys are the current thread (or its id, name or class loader): each thread that runs the code writes it. */
    KEYED_BY_THREAD("a map keyed by the current thread: every thread that runs this code uses it"),
    /**
     * A WeakHashMap is a cache of objects other code owns, shared by design; its reads remove collected entries
     * too, so a read racing a write corrupts it as a write would.
     */
    WEAK_KEYS("a WeakHashMap: a cache of objects other code owns, whose reads also remove collected entries"),
    /** Static state of a library is shared by every thread that uses the library. */
    STATIC("a static map: every thread that uses the class shares it"),
    /**
     * A cache keyed by classes or their members, in an object whose every instance field is final (one at least
     * besides the cache: state fixed when it is made, which the cache describes) and that other code makes (the analysed code makes no instance of it or of a subclass): metadata that is fixed when it is made
     * but for what it memoizes per type, made once and queried by all its users. A per-call object has state that
     * changes as it works; where the analysed code makes the object, what keeps it tells whether it is shared.
     */
    TYPE_METADATA("a per-type cache of an object whose fields are all final: metadata made once and shared by its"
        + " users");

    private final String reason;

    Evidence(String reason) {
      this.reason = reason;
    }

    /** The reason, for messages. */
    public String reason() {
      return reason;
    }

    /**
     * Whether only writes made as the map is used race on this evidence ({@link #writesOnUse}): a static map
     * (or one of an instance held in a static field) is usually filled while the library is set up, by
     * registrations and initializers that the evidence says nothing about; a cache it fills on use is shared.
     */
    public boolean onlyWritesOnUse() {
      return this == STATIC || this == TYPE_METADATA;
    }
  }

  /** Why a map is used by many threads at once, and whether only writes made on use race on that evidence. */
  public static final class Sharing {
    private final String reason;
    private final boolean onlyWritesOnUse;

    private Sharing(String reason, boolean onlyWritesOnUse) {
      this.reason = reason;
      this.onlyWritesOnUse = onlyWritesOnUse;
    }

    /** The reason, for messages. */
    public String reason() {
      return reason;
    }

    /** Whether two callers race only at a write made as the map is used ({@link #writesOnUse}). */
    public boolean onlyWritesOnUse() {
      return onlyWritesOnUse;
    }

    /** The sharing of an instance held in a static field: set up like static state, so writes on use only. */
    public static Sharing heldStatically(String field) {
      return new Sharing(SharedInstances.reason(SharedInstances.heldStatically(field)), true);
    }

    /**
     * The sharing of an instance a shared object keeps in a field ({@link SharedInstances#keptBy}): its owner sets
     * it up, so, as for one held in a static field, writes on use only.
     */
    public static Sharing keptBy(String field, String ownerSharedBy) {
      return new Sharing(SharedInstances.reason(SharedInstances.keptBy(field, ownerSharedBy)), true);
    }

    /**
     * The sharing of an instance a registry keeps in a map it locks and hands out
     * ({@link SharedInstances#registryValue}): made once per key and then used, so writes on use only.
     */
    public static Sharing registryValue(String field, String lock) {
      return new Sharing(SharedInstances.reason(SharedInstances.registryValue(field, lock)), true);
    }

    /** The sharing of an instance a framework or an annotation declares shared: every write counts. */
    public static Sharing instances(String sharedBy) {
      return new Sharing(SharedInstances.reason(sharedBy), false);
    }

    /** The sharing the map itself shows. */
    public static Sharing of(Evidence evidence) {
      return new Sharing(evidence.reason(), evidence.onlyWritesOnUse());
    }
  }

  /** Calls on a {@code Thread} whose result identifies that thread as well as the thread itself does. */
  private static final Set<String> THREAD_IDENTITIES =
      Set.of("getId", "threadId", "getName", "getContextClassLoader");

  /** Calls that keep the identity of their argument (boxing an id, turning it into a string). */
  private static final List<String> IDENTITY_KEEPERS =
      List.of("java.lang.Long.valueOf", "java.lang.String.valueOf", "java.lang.Objects.toString");

  private SharedMaps() {}

  /**
   * The strongest evidence that a map field is shared.
   *
   * @param isStatic whether the field is static
   * @param mapClasses the classes of the maps stored in it
   * @param keyedByThread whether some write of it is keyed by the current thread
   * @param typeMetadata whether it is an instance field keyed by types ({@link #keyedByType}) in a class whose
   *     instance fields, its own and its superclasses', are all final (one besides this one), and which only other
   *     code makes
   * @param collectionOwner whether the field's class is itself a map or collection ({@link
   *     Guards#viewsAreItsContract}): a data structure over the map, which its users lock as they would lock the
   *     map (xstream's {@code WeakCache} over a {@code WeakHashMap}, used through {@code synchronizedMap}), so what
   *     its own map is says nothing of its sharing
   */
  public static Optional<Evidence> of(boolean isStatic, List<String> mapClasses, boolean keyedByThread,
      boolean typeMetadata, boolean collectionOwner, TypeHierarchy hierarchy) {
    if (keyedByThread) {
      return Optional.of(Evidence.KEYED_BY_THREAD);
    }
    if (collectionOwner && !isStatic) {
      return Optional.empty();
    }
    if (weakKeys(mapClasses, hierarchy)) {
      return Optional.of(Evidence.WEAK_KEYS);
    }
    if (isStatic) {
      return Optional.of(Evidence.STATIC);
    }
    return typeMetadata ? Optional.of(Evidence.TYPE_METADATA) : Optional.empty();
  }

  /** Key classes of per-type metadata: classes and the reflective objects of their members. */
  private static final Set<String> TYPE_KEYS = Set.of(
      "java.lang.Class", "java.lang.reflect.Type", "java.lang.reflect.Method", "java.lang.reflect.Field",
      "java.lang.reflect.Constructor", "java.lang.reflect.Executable", "java.lang.reflect.Member",
      "java.lang.reflect.Parameter", "java.lang.reflect.AnnotatedElement");

  /** Whether a map whose declared key class is this one is keyed by types ({@code Map<Class<?>, V>}). */
  public static boolean keyedByType(String keyClass) {
    return TYPE_KEYS.contains(keyClass);
  }

  /**
   * Whether a map field's declared class puts its keys first among its type arguments, so that its declared key
   * class can be read there: the JDK's maps ({@code Map<K, V>}, {@code HashMap<K, V>}); a project's own map class
   * may bind its keys itself ({@code StrictMap<V> extends HashMap<String, V>}).
   */
  public static boolean declaresKeysFirst(String declaredClass, TypeHierarchy hierarchy) {
    return declaredClass.startsWith("java.util.")
        && (declaredClass.equals("java.util.Map") || hierarchy.isSubtype(declaredClass, "java.util.Map"));
  }

  /**
   * Whether the map is a {@code WeakHashMap}. Two of its reads do not race (the JDK removes collected entries
   * under a lock of its own), but a read races a write as a write does.
   */
  private static boolean weakKeys(List<String> mapClasses, TypeHierarchy hierarchy) {
    return !mapClasses.isEmpty() && mapClasses.stream()
        .allMatch(c -> c.equals("java.util.WeakHashMap") || hierarchy.isSubtype(c, "java.util.WeakHashMap"));
  }

  /** How many private helpers deep a write may be from the read of the miss it fills ({@link #writesOnUse}). */
  public static final int HELPER_DEPTH = 3;

  /**
   * Whether a write is made as the map is used, not while it is set up: a write that reads its own entry
   * ({@code computeIfAbsent}, {@code merge}, ...), or one its method makes after reading the same map (a cache
   * filled on a miss, a counter updated), or that a private helper makes after its caller read the map (the miss
   * is found by one method and filled by the helper it calls; up to {@link #HELPER_DEPTH} helpers deep). A plain
   * registration ({@code register(k, v)} that only puts) is set-up.
   *
   * @param readBefore whether the write's method, or a caller of its private helper, reads the same map first
   */
  public static boolean writesOnUse(String writeName, boolean readBefore) {
    return readBefore || MapApi.readsWhatItWrites(writeName);
  }

  /** Whether a static call returns the current thread ({@code Thread.currentThread()}). */
  public static boolean returnsCurrentThread(String owner, String name) {
    return owner.equals("java.lang.Thread") && name.equals("currentThread");
  }

  /**
   * Whether a call whose receiver (or, for a static call, first argument) identifies the current thread
   * returns a value that identifies it too: its id, name or context class loader, or that value boxed.
   */
  public static boolean keepsThreadIdentity(String owner, String name, boolean isStatic, TypeHierarchy hierarchy) {
    if (isStatic) {
      return IDENTITY_KEEPERS.contains(owner + "." + name);
    }
    return THREAD_IDENTITIES.contains(name)
        && (owner.equals("java.lang.Thread") || hierarchy.isSubtype(owner, "java.lang.Thread"));
  }
}
