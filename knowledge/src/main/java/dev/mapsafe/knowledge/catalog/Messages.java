package dev.mapsafe.knowledge.catalog;

import dev.mapsafe.knowledge.mapapi.CheckThenAct;
import dev.mapsafe.knowledge.mapapi.RaceConsequence;
import java.util.List;

/**
 * The finding messages, shared by both engines so a finding reads the same in the compiler output, the
 * SpotBugs report and SARIF. Arguments are the evidence each engine found.
 */
public final class Messages {
  private Messages() {}

  /**
   * @param map how the code names the map ({@code sessions}, {@code Registry.ACTIVE}, {@code snapshot()})
   * @param mapKind what makes it self-locked ({@code Collections.synchronizedMap wrapper}, {@code Hashtable})
   * @param traversed the traversed collection ({@code sessions.keySet()})
   * @param traversal the call that walks it ({@code Iterable.iterator()}, {@code new HashSet(Collection)})
   */
  public static String unlockedMapIteration(String map, String mapKind, String traversed, String traversal) {
    return String.format(
        "%s is traversed by %s without holding the monitor of %s (a %s): a concurrent write can throw"
            + " ConcurrentModificationException or corrupt the traversal. Hold synchronized (%s) around the"
            + " traversal, or traverse a copy taken by a call the map synchronizes itself"
            + " (new ArrayList<>(...), List.copyOf(...), Map.copyOf(...) use its toArray).",
        traversed, traversal, map, mapKind, map);
  }

  /**
   * @param map how the code names the map ({@code cache})
   * @param update the update call ({@code Map.computeIfAbsent(Object, Function)})
   * @param write the write its function makes to the same map, with its line ({@code Map.put(Object, Object) at
   *     line 21})
   * @param via the methods the write is reached through, or an empty string when it is in the function itself
   */
  public static String recursiveMapCompute(String map, String update, String write, String via) {
    return String.format(
        "the function passed to %s on %s updates %s itself (%s%s): HashMap and TreeMap throw"
            + " ConcurrentModificationException, ConcurrentHashMap throws IllegalStateException: Recursive update"
            + " (or hangs on JDK 8). Compute the value first and then putIfAbsent it, or memoise with a structure"
            + " that allows recursion.",
        update, map, map, write, via.isEmpty() ? "" : ", through " + via);
  }

  /**
   * An atomic update whose function runs a callback that may run the updating method again, so the map is
   * updated during its own update ({@code ReentrantCallbacks}).
   *
   * @param update the update, e.g. {@code computeIfAbsent}
   * @param callback the callback's call, e.g. {@code ObjectFactory.getObject()}
   * @param through the methods of the function's class the callback is reached through (empty in the function)
   * @param method the updating method, e.g. {@code get()}
   * @param why why the callback may run that method again
   */
  public static String reenteringMapCompute(String update, String callback, List<String> through, String method,
      String why) {
    return String.format(
        "%s runs %s in its function%s, which may run %s again and update the same map before this %s returns (%s):"
            + " HashMap and TreeMap throw ConcurrentModificationException, ConcurrentHashMap throws"
            + " IllegalStateException: Recursive update (or hangs on JDK 8). Look the value up first and, when it is"
            + " absent, run %s outside the update and putIfAbsent its result.",
        update, callback, through.isEmpty() ? "" : " (through " + String.join(" -> ", through) + ")", method, update,
        why, callback);
  }

  /**
   * A single-key call as messages name it: {@code counts.put(user, ..) at line 14}.
   *
   * @param key the key's variable name, or null when it is not a plain variable
   */
  public static String keyedCall(String map, String method, String key, boolean moreArguments, long line) {
    return keyedCall(map, method, key, moreArguments, null, line);
  }

  /**
   * The read of an iterated entry's value, as messages name it: {@code counts.entrySet()'s e.getValue() at line 14}
   * (the map first, as in {@link #keyedCall}).
   *
   * @param entry the entry's variable name, or null
   */
  public static String entryValueRead(String map, String entry, long line) {
    return map + ".entrySet()'s " + (entry == null ? "entry" : entry) + ".getValue() at line " + line;
  }

  /**
   * A keyed call made by an accessor that only passes on to the map ({@code byUri.get(uri) in page() at line 12}).
   *
   * @param accessor the accessor's name, or null for a call made directly
   */
  public static String keyedCall(String map, String method, String key, boolean moreArguments, String accessor,
      long line) {
    return map + "." + method + "(" + (key == null ? ".." : key) + (moreArguments ? ", .." : "") + ")"
        + (accessor == null ? "" : " in " + accessor + "()") + " at line " + line;
  }

  /**
   * @param map how the code names the map ({@code counts})
   * @param mapKind what makes its single calls thread-safe ({@code ConcurrentHashMap},
   *     {@code Collections.synchronizedMap wrapper})
   * @param sequence what was found
   * @param consequence what the interleaving does ({@link RaceConsequence#of})
   * @param check the first call and its line ({@code containsKey(key) at line 12})
   * @param act the second call and its line ({@code put(key, ...) at line 13})
   */
  public static String nonAtomicMapUpdate(
      String map, String mapKind, CheckThenAct sequence, RaceConsequence.Consequence consequence, String check,
      String act) {
    return String.format(
        "%s then %s on %s (a %s) is not atomic (%s), %s: %s. Fix: %s.",
        check, act, map, mapKind, sequence.sequence(), consequence.kind().displayName(), consequence.explanation(),
        sequence.advice());
  }

  /**
   * A copy-on-write update of a map field made without the lock every other update holds.
   *
   * @param map the field ({@code delegate})
   * @param lock the lock the other updates hold ({@code this})
   * @param lockedIn the methods where they start ({@code put(), putAll()})
   * @param line the line of this update (or of the call of the helper that makes it)
   */
  public static String unlockedCopyOnWriteUpdate(String map, String lock, java.util.Collection<String> lockedIn,
      long line) {
    return String.format(
        "%s is updated copy-on-write (copied, changed, then published) under synchronized (%s) in %s, but the"
            + " update at line %d holds no lock: two updates at once each copy the old map, and the later publish"
            + " drops the other's change (lost update). Fix: hold synchronized (%s) here too, as the other updates do.",
        map, lock, String.join(", ", lockedIn), line, lock);
  }

  /** Where code goes on with the value it gave putIfAbsent: {@code the use of key at line 16}. */
  public static String ownValueUse(String value, long line) {
    return String.format("the use of %s at line %d", value == null ? "its own value" : value, line);
  }

  /**
   * @param map how the code names the map ({@code sessions})
   * @param traversal the iteration and its line ({@code for-each over sessions.keySet() at line 12})
   * @param write the modifying call and its line ({@code Map.remove(Object) at line 14})
   */
  public static String mapModifiedDuringIteration(String map, String traversal, String write) {
    return String.format(
        "%s is structurally modified by %s while the %s continues: its fail-fast iterator throws"
            + " ConcurrentModificationException on the next step. Fix: remove through the iterator"
            + " (iterator.remove()), use %s.keySet().removeIf(..) / entrySet().removeIf(..) or replaceAll, or"
            + " collect the keys and modify %s after the loop.",
        map, write, traversal, map, map);
  }

  /**
   * @param map how the code names the map ({@code prices})
   * @param mapClass its class ({@code HashMap})
   * @param write where and on which thread it is written ({@code put(..) in the task passed to
   *     pool.execute(..) at line 27})
   * @param other the conflicting access ({@code get(..) by callers of latest() at line 40})
   * @param locks the lock situation ({@code no lock held at either}, {@code synchronized (this) at line 40 only})
   * @param fix the advice of {@link #sharedMapFix}
   */
  public static String unguardedSharedMap(
      String map, String mapClass, String write, String other, String locks, String fix) {
    return String.format(
        "%s (a %s) is written by %s and accessed by %s, with %s: a %s used by several threads at once loses"
            + " entries, returns stale or torn values and can corrupt its table. Fix: %s.",
        map, mapClass, write, other, locks, mapClass, fix);
  }

  /**
   * How messages name the callbacks a launcher makes on an object it was given, from its launch's description:
   * "the task passed to feed.subscribe(..) at line 12" becomes "the callbacks of the object passed to
   * feed.subscribe(..) at line 12".
   */
  public static String callbacksOf(String taskDescription) {
    return taskDescription.replaceFirst("^the task passed to", "the callbacks of the object passed to");
  }

  /**
   * A map a method makes and gives to code that runs on several threads at once, which writes it.
   *
   * @param local the local variable holding the map, or null when unknown (bytecode without variable names)
   * @param mapClass its class ({@code HashMap})
   * @param write the write and its line ({@code Map.put(Object, Object) at line 9})
   * @param runs what runs it ({@code the parallel stream's forEach(..) at line 9}, {@code the task passed to
   *     pool.submit(..) at line 15})
   * @param launchedInLoop whether its runs overlap because one launch call runs in a loop
   * @param fix the advice of {@link #sharedMapFix}
   */
  public static String capturedMapWritten(
      String local, String mapClass, String write, String runs, boolean launchedInLoop, String fix) {
    return String.format(
        "%s, a %s this method makes, is written by %s in %s%s, several runs of which go on at once, with no lock"
            + " held: a %s used by several threads at once loses entries, returns stale or torn values and can"
            + " corrupt its table. Fix: %s.",
        local == null ? "the map" : local, mapClass, write, runs, launchedInLoop ? ", launched in a loop" : "",
        mapClass, fix);
  }

  /**
   * The fix that fits the map and the code around it.
   *
   * @param mapClass the map's class, simple name
   * @param nullStoredAt the line of a visible {@code put} of a null key or value, or 0
   * @param knownLock a lock the code already holds at some access of the map, or null
   * @param parallelStream whether the writer is an operation of a parallel stream
   */
  public static String sharedMapFix(String mapClass, long nullStoredAt, String knownLock, boolean parallelStream) {
    if (parallelStream) {
      return "collect with Collectors.toConcurrentMap or groupingByConcurrent instead of writing the map from the"
          + " stream's operations, or make the stream sequential";
    }
    String guard = knownLock != null
        ? "guard every access with synchronized (" + knownLock + "), the lock already used for it"
        : "guard every access with one lock";
    switch (mapClass) {
      case "TreeMap":
        return "use ConcurrentSkipListMap (sorted and thread-safe), or " + guard;
      case "LinkedHashMap":
        return guard + " (ConcurrentHashMap would lose the insertion or access order)";
      case "HashMap":
        return nullStoredAt > 0
            ? guard + " (ConcurrentHashMap rejects the null stored at line " + nullStoredAt + ")"
            : "use ConcurrentHashMap (with putIfAbsent, merge or compute for check-then-act), or " + guard;
      default:
        return guard;
    }
  }

  /**
   * A map field given a concurrent map in one assignment and a non-thread-safe one in another.
   *
   * @param map the field
   * @param unsafeClass the non-thread-safe class ({@code HashMap}) and {@code unsafeLine} where it is assigned
   * @param concurrentClass the concurrent class ({@code ConcurrentHashMap}) and {@code concurrentLine} where; the same
   *     line as the other for the two branches of one choice ({@code weak ? new WeakHashMap<>() : new
   *     ConcurrentHashMap<>()})
   */
  public static String mapLosesConcurrency(
      String map, String unsafeClass, long unsafeLine, String concurrentClass, long concurrentLine) {
    if (unsafeLine == concurrentLine) {
      return String.format(
          "%s is given a %s or a %s at line %d: the choice is not one of thread-safety (the JDK has no concurrent %s),"
              + " so the threads the %s is made for share a map that is not thread-safe when the other branch is"
              + " taken. Fix: make that branch thread-safe too (Collections.synchronizedMap(new %s<>()) and"
              + " synchronized (map) around its iterations, or a concurrent map with what the %s is chosen for).",
          map, concurrentClass, unsafeClass, unsafeLine, unsafeClass, concurrentClass, unsafeClass, unsafeClass);
    }
    return String.format(
        "%s is given a %s at line %d but a %s at line %d: after this assignment the threads it was made"
            + " concurrent for share a map that is not thread-safe. Fix: assign a %s here too (or a copy of one).",
        map, concurrentClass, concurrentLine, unsafeClass, unsafeLine, concurrentClass);
  }

  /** Why a read changes the map, for {@link #mapWriteUnderReadLock}: access order, or a WeakHashMap's expunging. */
  public static String readThatWrites(boolean accessOrdered) {
    return accessOrdered
        ? "a get on an access-ordered LinkedHashMap moves the entry"
        : "every call on a WeakHashMap expunges collected entries";
  }

  /**
   * The lock argument of {@link #mapWriteUnderReadLock} for a write that runs under a caller's read lock:
   * {@code lock() (held by Locking.get, which calls this method at line 59)}.
   */
  public static String readLockOfCaller(String lock, String caller, int line) {
    return String.format("%s (held by %s, which calls this method at line %d)", lock, caller, line);
  }

  /**
   * @param map the map field
   * @param call the call and its line ({@code Map.put(Object, Object) at line 31})
   * @param lock the read-write lock whose read lock alone is held
   * @param readThatWrites why a read changes the map, or null for a plain write
   */
  public static String mapWriteUnderReadLock(String map, String call, String lock, String readThatWrites) {
    return String.format(
        "%s changes %s while only the read lock of %s is held%s: other readers hold it at the same time, so the"
            + " map is changed under them and can be corrupted. Fix: take the write lock for this path (and"
            + " check the condition again after taking it), or use ConcurrentHashMap%s.",
        call, map, lock,
        readThatWrites == null ? "" : " (" + readThatWrites + ")",
        readThatWrites == null ? "" : "; an access-ordered LinkedHashMap needs the write lock even for get");
  }

  /**
   * A traversal of a map that a lock guards, run without that lock.
   *
   * @param map the map field
   * @param guard the lock and why it guards the map ({@code lock (@GuardedBy)}, {@code this (held at every
   *     write)})
   * @param lock the lock's simple name, for the fix
   * @param traversal the traversal and its line ({@code for-each over sessions.values() at line 40})
   * @param situation where the lock is missing ({@code without the lock}, {@code after the lock taken at line 12
   *     is released})
   */
  public static String unlockedGuardedMapIteration(
      String map, String guard, String lock, String traversal, String situation) {
    return String.format(
        "%s runs %s, but %s is guarded by %s: a write under the lock can run during the traversal and throw"
            + " ConcurrentModificationException, skip or repeat entries, or loop on a corrupted table. Fix: hold"
            + " %s for the whole traversal, or copy %s while holding it and traverse the copy.",
        traversal, situation, map, guard, lock, map);
  }

  /** The situation of {@link #unlockedGuardedMapIteration} for a traversal in code that does not hold the lock. */
  public static String withoutLock(String lock) {
    return "without holding " + lock;
  }

  /** The situation for an iterator, spliterator or stream made under the lock and used after it is released. */
  public static String usedAfterUnlock(String lock, long useLine) {
    return "under " + lock + " and its result is used at line " + useLine + " after the lock is released";
  }

  /**
   * A guarded map, or a live view of it, returned to callers.
   *
   * @param method the returning method ({@code members()})
   * @param returned what it returns ({@code members.keySet(), a live view of members})
   * @param map the map field
   * @param guard the lock and why it guards the map
   * @param copy the copy that fits the returned type ({@code Set.copyOf(members.keySet())})
   */
  public static String guardedMapReturned(String method, String returned, String map, String guard, String copy) {
    return String.format(
        "%s returns %s, while %s is guarded by %s: callers read it without the lock as the class writes it, so"
            + " they can see ConcurrentModificationException or a corrupted map (an unmodifiable wrapper is still"
            + " a live view). Fix: return a copy taken while holding the lock (%s), or an immutable snapshot.",
        method, returned, map, guard, copy);
  }

  /**
   * A caller's map stored into a guarded field without a copy.
   *
   * @param method where ({@code Registry(Map)}, {@code replaceAll(Map)})
   * @param parameter the caller's map
   * @param map the field
   * @param guard the lock and why it guards the map
   */
  public static String guardedMapStored(String method, String parameter, String map, String guard) {
    return String.format(
        "%s stores the caller's map %s into %s, which is guarded by %s: the caller keeps a reference and can"
            + " read or change the map without the lock. Fix: store a copy (new HashMap<>(%s), or new TreeMap<>"
            + " or LinkedHashMap<> to keep an order).",
        method, parameter, map, guard, parameter);
  }

  /**
   * A copy-on-write map changed in place.
   *
   * @param map how the code names the published map ({@code snapshot}, {@code routes.get()})
   * @param publication how it is published ({@code the volatile field snapshot}, {@code the AtomicReference routes})
   * @param write the change and its line ({@code Map.remove(Object) at line 31})
   * @param when when it happens ({@code after it was published at line 28}, or an empty string for a change of
   *     the published map itself)
   */
  public static String mutatedMapSnapshot(String map, String publication, String write, String when) {
    return String.format(
        "%s changes %s in place%s, but it is published through %s: readers use it without a lock and rely on it"
            + " never changing, so they race with this write (lost entries, ConcurrentModificationException, a"
            + " corrupted table) or see a half-built state. Fix: copy, modify the copy, then publish it (or"
            + " ref.updateAndGet(m -> { var n = new HashMap<>(m); ...; return Map.copyOf(n); })).",
        write, map, when, publication);
  }

  /**
   * A map kept in an {@code InheritableThreadLocal} changed in place: the threads this one starts share it.
   *
   * @param map how the code names the map ({@code context.get()})
   * @param threadLocal the thread local's field
   * @param write the change and its line ({@code Map.put(Object, Object) at line 31})
   */
  public static String mutatedInheritedMap(String map, String threadLocal, String write) {
    return String.format(
        "%s changes %s in place, but %s is an InheritableThreadLocal: a thread started by this one gets this same"
            + " map (childValue returns the parent's value unless overridden), so the threads race on it (lost"
            + " entries, ConcurrentModificationException, a corrupted table). Fix: copy the map, change the copy and"
            + " set() it; or override childValue to give each child its own copy; or use a plain ThreadLocal.",
        write, map, threadLocal);
  }

  /**
   * A shallow copy of a map with mutable values that escapes.
   *
   * @param copy the copying call and its line ({@code new HashMap(Map) at line 30})
   * @param map the copied map ({@code permissions})
   * @param valueType the values' type, simple name ({@code Set<Permission>}, {@code Date})
   * @param escape how the copy escapes ({@code returned by grantsOf()})
   * @param advice the deep copy advised ({@code Set.copyOf(v) per value})
   */
  public static String shallowMapCopyLeak(String copy, String map, String valueType, String escape, String advice) {
    return String.format(
        "%s copies %s shallowly and the copy is %s, but its values (%s) are mutable objects still shared with"
            + " %s: whoever receives the \"copy\" can change the owner's state, or sees it change under them"
            + " (without the owner's lock). Fix: copy the values too (%s), or make the value type immutable.",
        copy, map, escape, valueType, map, advice);
  }
}
