package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.mapapi.ValueTypes;
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
     * A cache is the only state of an object that is otherwise immutable (every other field final and of a type
     * whose contents do not change): such objects are handed to any thread without a second thought, and the
     * cache turns their reads into writes.
     */
    CACHE_OF_IMMUTABLE("the cache of an object whose other state is final: such objects are shared freely between"
        + " threads, and the cache turns their reads into writes");

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
      return this == STATIC; // a cache's writes in use are all fills (fillsCache) already
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
   * @param cacheOfImmutable whether it is the cache of an otherwise immutable object: outside construction it is
   *     written only by {@link #fillsCache fills}, its values are not changed in place (a map of lists filled by
   *     {@code computeIfAbsent(k, ..).add(v)} is a register), and no other instance field of its class or its
   *     superclasses is {@link #isMutableState mutable state}
   */
  public static Optional<Evidence> of(boolean isStatic, List<String> mapClasses, boolean keyedByThread,
      boolean cacheOfImmutable, TypeHierarchy hierarchy) {
    if (keyedByThread) {
      return Optional.of(Evidence.KEYED_BY_THREAD);
    }
    if (weakKeys(mapClasses, hierarchy)) {
      return Optional.of(Evidence.WEAK_KEYS);
    }
    if (isStatic) {
      return Optional.of(Evidence.STATIC);
    }
    return cacheOfImmutable ? Optional.of(Evidence.CACHE_OF_IMMUTABLE) : Optional.empty();
  }

  /**
   * Whether an instance field makes its object's state change after construction, which keeps a cache beside it
   * from being evidence of sharing ({@link Evidence#CACHE_OF_IMMUTABLE}): the field is not final, or it holds
   * contents that change and are not made for threads (an array, a collection or map of an interface or
   * {@code java.util} type, a builder, a date). A field of a {@code java.util.concurrent} type is state made to be
   * shared.
   *
   * @param type the binary name of the field's declared type; for an array, anything
   * @param array whether the declared type is an array
   */
  public static boolean isMutableState(boolean isFinal, String type, boolean array, TypeHierarchy hierarchy) {
    if (!isFinal || array) {
      return true;
    }
    return !type.startsWith("java.util.concurrent.")
        && ValueTypes.of(type, false, false, hierarchy) == ValueTypes.Mutability.MUTABLE;
  }

  /**
   * Whether the map is a {@code WeakHashMap}. Two of its reads do not race (the JDK removes collected entries
   * under a lock of its own), but a read races a write as a write does.
   */
  private static boolean weakKeys(List<String> mapClasses, TypeHierarchy hierarchy) {
    return !mapClasses.isEmpty() && mapClasses.stream()
        .allMatch(c -> c.equals("java.util.WeakHashMap") || hierarchy.isSubtype(c, "java.util.WeakHashMap"));
  }

  /**
   * Whether a write is made as the map is used, not while it is set up: a write that reads its own entry
   * ({@code computeIfAbsent}, {@code merge}, ...), or one its method makes after reading the same map (a cache
   * filled on a miss, a counter updated). A plain registration ({@code register(k, v)} that only puts) is set-up.
   *
   * @param readBefore whether the write's method reads the same map before the write
   */
  public static boolean writesOnUse(String writeName, boolean readBefore) {
    return readBefore || MapApi.readsWhatItWrites(writeName);
  }

  /**
   * Whether a write fills a cache: it stores what the code computes, not a value its caller gives
   * ({@code register(k, v)} after a check is a registration), and it is made as the map is used
   * ({@link #writesOnUse}) or in a private helper, which the class's own lookups call on a miss.
   *
   * @param inPrivateHelper whether the write's method is private (construction-only helpers are set-up, not use)
   * @param storesParameter whether an argument after the key is a parameter of the write's method
   */
  public static boolean fillsCache(
      String writeName, boolean readBefore, boolean inPrivateHelper, boolean storesParameter) {
    return (writesOnUse(writeName, readBefore) || inPrivateHelper) && !storesParameter;
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
