package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class NonAtomicMapUpdateTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(NonAtomicMapUpdate.class, getClass());

  @Test
  void checkThenActOnConcurrentMaps() {
    helper
        .addSourceLines(
            "Limiter.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.concurrent.atomic.AtomicInteger;",
            "class Limiter {",
            "  private final ConcurrentHashMap<String, AtomicInteger> buckets = new ConcurrentHashMap<>();",
            "  private final Map<String, Integer> counts = new ConcurrentHashMap<>();",
            "  private final ConcurrentMap<String, String> owners = new ConcurrentSkipListMap<>();",
            "  void register(String user) {",
            "    // BUG: Diagnostic contains: buckets.containsKey(user) at line 10 then buckets.put(user, ..) at line 10",
            "    if (!buckets.containsKey(user)) buckets.put(user, new AtomicInteger());",
            "  }",
            "  AtomicInteger bucket(String user) {",
            "    AtomicInteger b = buckets.get(user);",
            "    if (b == null) {",
            "      b = new AtomicInteger();",
            "      // BUG: Diagnostic contains: get, null check, then put",
            "      buckets.put(user, b);",
            "    }",
            "    return b;",
            "  }",
            "  void hit(String user) {",
            "    // BUG: Diagnostic contains: get then put of a value computed from it",
            "    counts.put(user, counts.getOrDefault(user, 0) + 1);",
            "  }",
            "  void hitTwice(String user) {",
            "    Integer c = counts.get(user);",
            "    // BUG: Diagnostic contains: merge(k, delta, Integer::sum)",
            "    counts.put(user, c == null ? 2 : c + 2);",
            "  }",
            "  int used(String user) {",
            "    if (buckets.containsKey(user)) {",
            "      // BUG: Diagnostic contains: containsKey then get, the result used as non-null",
            "      return buckets.get(user).get();",
            "    }",
            "    return 0;",
            "  }",
            "  int usedEarlyExit(String user) {",
            "    if (!buckets.containsKey(user)) return 0;",
            "    // BUG: Diagnostic contains: containsKey then get",
            "    return buckets.get(user).get();",
            "  }",
            "  void release(String resource, String owner) {",
            "    // BUG: Diagnostic contains: remove(k, expected)",
            "    if (owner.equals(owners.get(resource))) owners.remove(resource);",
            "  }",
            "  void transfer(String resource, String from, String to) {",
            "    // BUG: Diagnostic contains: replace(k, expected, next)",
            "    if (owners.get(resource) == from) { owners.put(resource, to); }",
            "  }",
            "  void registerLater(Executor pool, String user) {",
            "    pool.execute(() -> {",
            "      // BUG: Diagnostic contains: containsKey then put",
            "      if (!buckets.containsKey(user)) buckets.put(user, new AtomicInteger());",
            "    });",
            "  }",
            "  private final java.util.concurrent.locks.ReentrantReadWriteLock rw = new java.util.concurrent.locks.ReentrantReadWriteLock();",
            "  private final java.util.concurrent.locks.Lock lock = new java.util.concurrent.locks.ReentrantLock();",
            "  void underTheReadLockOnly(String user) {",
            "    rw.readLock().lock();",
            "    try {",
            "      // BUG: Diagnostic contains: containsKey then put",
            "      if (!buckets.containsKey(user)) buckets.put(user, new AtomicInteger());",
            "    } finally { rw.readLock().unlock(); }",
            "  }",
            "  void afterTheUnlock(String user) {",
            "    lock.lock();",
            "    try { System.out.println(user); } finally { lock.unlock(); }",
            "    // BUG: Diagnostic contains: containsKey then put",
            "    if (!buckets.containsKey(user)) buckets.put(user, new AtomicInteger());",
            "  }",
            "  void claim(String resource, String owner) {",
            "    if (owners.containsKey(resource)) { return; }",
            "    // BUG: Diagnostic contains: containsKey then put",
            "    owners.put(resource, owner);",
            "  }",
            "  void reset(String user) {",
            "    buckets.remove(user);",
            "  }",
            "}")
        .doTest();
  }

  /** The message names the consequence; memoization of a value from the key alone is not reported. */
  @Test
  void consequences() {
    helper
        .addSourceLines(
            "Caches.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.concurrent.atomic.AtomicLong;",
            "class Caches {",
            "  private final Map<String, String> names = new ConcurrentHashMap<>();",
            "  private final Map<String, Set<String>> tags = new ConcurrentHashMap<>();",
            "  private final Map<String, Long> serials = new ConcurrentHashMap<>();",
            "  private final Map<String, Object> locks = new ConcurrentHashMap<>();",
            "  private final Map<String, String> memo = new ConcurrentHashMap<>();",
            "  private final AtomicLong next = new AtomicLong();",
            "  void name(String id, String name) {",
            "    // BUG: Diagnostic contains: (containsKey then put), lost update: another thread",
            "    if (!names.containsKey(id)) names.put(id, name);",
            "  }",
            "  void tag(String id, String tag) {",
            "    Set<String> set = tags.get(id);",
            "    if (set == null) {",
            "      set = new HashSet<>();",
            "      // BUG: Diagnostic contains: lost adds: two threads can each put their own new HashSet",
            "      tags.put(id, set);",
            "    }",
            "    set.add(tag);",
            "  }",
            "  long serial(String id) {",
            "    Long s = serials.get(id);",
            "    if (s == null) {",
            "      s = next.getAndIncrement();",
            "      // BUG: Diagnostic contains: duplicate creation: two threads can both create the value, and what"
                + " creating it does (a number allocated by AtomicLong.getAndIncrement()) happens twice",
            "      serials.put(id, s);",
            "    }",
            "    return s;",
            "  }",
            "  Object lockFor(String id) {",
            "    Object lock = locks.get(id);",
            "    if (lock == null) {",
            "      lock = new Object();",
            "      // BUG: Diagnostic contains: two identities: two threads can each go on with their own instance",
            "      locks.put(id, lock);",
            "    }",
            "    return lock;",
            "  }",
            "  String upper(String id) {",
            "    String u = memo.get(id);",
            "    if (u == null) {",
            "      u = id.toUpperCase(Locale.ROOT);",
            "      memo.put(id, u);",
            "    }",
            "    return u;",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void synchronizedWrappersAndLockedHashtablesOutsideTheirMonitor() {
    helper
        .addSourceLines(
            "Registry.java",
            "import java.util.*;",
            "class Registry {",
            "  private final Map<String, List<String>> byRoom = Collections.synchronizedMap(new HashMap<>());",
            "  private final Hashtable<String, Integer> table = new Hashtable<>();",
            "  void join(String room, String user) {",
            "    List<String> users = byRoom.get(room);",
            "    if (users == null) {",
            "      users = new ArrayList<>();",
            "      // BUG: Diagnostic contains: (a Collections.synchronizedMap wrapper)",
            "      byRoom.put(room, users);",
            "    }",
            "    users.add(user);",
            "  }",
            "  void bump(String k) {",
            "    // BUG: Diagnostic contains: (a Hashtable)",
            "    if (!table.containsKey(k)) table.put(k, 1);",
            "  }",
            "  void increment(String k) {",
            "    table.merge(k, 1, Integer::sum);",
            "  }",
            "  int total() {",
            "    synchronized (table) { return table.size(); }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void negatives() {
    helper
        .addSourceLines(
            "Fine.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Fine {",
            "  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();",
            "  private final ConcurrentHashMap<String, Integer> other = new ConcurrentHashMap<>();",
            "  private final Map<String, Integer> plain = new HashMap<>();",
            "  private final Map<String, Integer> sync = Collections.synchronizedMap(new HashMap<>());",
            "  private final Hashtable<String, Integer> legacy = new Hashtable<>();",
            "  private final Object lock = new Object();",
            "  void atomic(String k) {",
            "    counts.putIfAbsent(k, 0);",
            "    counts.merge(k, 1, Integer::sum);",
            "    counts.computeIfAbsent(k, key -> 0);",
            "  }",
            "  void differentMap(String k) {",
            "    if (!counts.containsKey(k)) other.put(k, 1);",
            "    other.put(k, counts.getOrDefault(k, 0) + 1);",
            "  }",
            "  void differentKey(String k, String j) {",
            "    if (!counts.containsKey(k)) counts.put(j, 1);",
            "    counts.put(j, counts.get(k) + 1);",
            "  }",
            "  void keyReassigned(String k) {",
            "    String key = k;",
            "    if (!counts.containsKey(key)) { key = key + \"!\"; counts.put(key, 1); }",
            "  }",
            "  void plainHashMapIsUnguardedSharedMapsBusiness(String k) {",
            "    if (!plain.containsKey(k)) plain.put(k, 1);",
            "  }",
            "  void insideTheWrappersMonitor(String k) {",
            "    synchronized (sync) {",
            "      if (!sync.containsKey(k)) sync.put(k, 1);",
            "      sync.put(k, sync.get(k) + 1);",
            "    }",
            "  }",
            "  void underOneLock(String k) {",
            "    synchronized (lock) {",
            "      if (!counts.containsKey(k)) counts.put(k, 1);",
            "    }",
            "  }",
            "  synchronized void synchronizedMethodOnWrapperIsNotItsMonitorButLocksBoth(String k) {",
            "    if (!counts.containsKey(k)) counts.put(k, 1);",
            "  }",
            "  void unconditionalPutAfterGet(String k) {",
            "    Integer old = counts.get(k);",
            "    if (old != null) System.out.println(old);",
            "    counts.put(k, 7);",
            "  }",
            "  void removeIfPresentIsHarmless(String k) {",
            "    if (counts.containsKey(k)) counts.remove(k);",
            "  }",
            "  Integer getAfterCheckNotDereferenced(String k) {",
            "    return counts.containsKey(k) ? counts.get(k) : null;",
            "  }",
            "  void localMap(String k) {",
            "    Map<String, Integer> local = new ConcurrentHashMap<>();",
            "    if (!local.containsKey(k)) local.put(k, 1);",
            "    local.put(k, local.get(k) + 1);",
            "  }",
            "  void hashtableNobodyLocks(String k) {",
            "    if (!legacy.containsKey(k)) legacy.put(k, 1);",
            "  }",
            "  void lambdaRunsLater(String k) {",
            "    if (!counts.containsKey(k)) {",
            "      Runnable r = () -> counts.put(k, 1);",
            "      r.run();",
            "    }",
            "  }",
            "  void checkAfterAct(String k) {",
            "    counts.put(k, 1);",
            "    if (counts.containsKey(k)) System.out.println(k);",
            "  }",
            "  Integer doubleCheckedUnderTheLock(String k) {",
            "    Integer v = counts.get(k);",
            "    if (v == null) {",
            "      synchronized (lock) {",
            "        v = counts.get(k);",
            "        if (v == null) { v = 1; counts.put(k, v); }",
            "      }",
            "    }",
            "    return v;",
            "  }",
            "  private final java.util.concurrent.locks.ReentrantReadWriteLock rw = new java.util.concurrent.locks.ReentrantReadWriteLock();",
            "  private final java.util.concurrent.locks.Lock plainLock = new java.util.concurrent.locks.ReentrantLock();",
            "  private final java.util.concurrent.locks.StampedLock stamped = new java.util.concurrent.locks.StampedLock();",
            "  void underTheWriteLock(String k) {",
            "    rw.writeLock().lock();",
            "    try {",
            "      Integer v = counts.get(k);",
            "      if (v == null) { counts.put(k, 1); }",
            "    } finally {",
            "      rw.writeLock().unlock();",
            "    }",
            "  }",
            "  void underALock(String k) {",
            "    plainLock.lock();",
            "    try { if (!counts.containsKey(k)) counts.put(k, 1); } finally { plainLock.unlock(); }",
            "    if (plainLock.tryLock()) {",
            "      try { counts.put(k, counts.get(k) + 1); } finally { plainLock.unlock(); }",
            "    }",
            "  }",
            "  void underAWriteStamp(String k) {",
            "    long stamp = stamped.writeLock();",
            "    try { if (!counts.containsKey(k)) counts.put(k, 1); } finally { stamped.unlockWrite(stamp); }",
            "  }",
            "  private final Map<String, String> gate = new HashMap<>();",
            "  Integer throughAGate(String k) throws InterruptedException {",
            "    Integer answer = counts.get(k);",
            "    if (answer != null) return answer;",
            "    synchronized (gate) {",
            "      answer = counts.get(k);",
            "      if (answer != null) return answer;",
            "      while (gate.containsKey(k)) gate.wait();",
            "      gate.put(k, k);",
            "    }",
            "    try { answer = 42; counts.put(k, answer); }",
            "    finally { synchronized (gate) { gate.remove(k); gate.notifyAll(); } }",
            "    return answer;",
            "  }",
            "  Integer handlesWhatAnotherThreadStored(String k) {",
            "    Integer prev = counts.get(k);",
            "    if (prev != null && prev == 3) return null;",
            "    Integer replaced = counts.put(k, 3);",
            "    return replaced;",
            "  }",
            "  void putValueNotFromLookup(String k) {",
            "    Integer n = counts.get(k);",
            "    n = 5;",
            "    counts.put(k, n);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void rewritesToOneAtomicCall() {
    TestHelpers.refactoring(NonAtomicMapUpdate.class, getClass())
        .addInputLines(
            "Cache.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Cache {",
            "  private final ConcurrentHashMap<String, List<String>> groups = new ConcurrentHashMap<>();",
            "  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();",
            "  private final ConcurrentHashMap<String, Long> bytes = new ConcurrentHashMap<>();",
            "  void seed(String k, List<String> initial) {",
            "    if (!groups.containsKey(k)) groups.put(k, initial);",
            "  }",
            "  void create(String k) {",
            "    if (groups.get(k) == null) {",
            "      groups.put(k, new ArrayList<>());",
            "    }",
            "  }",
            "  List<String> group(String k) {",
            "    List<String> g = groups.get(k);",
            "    if (g == null) {",
            "      g = new ArrayList<>();",
            "      groups.put(k, g);",
            "    }",
            "    return g;",
            "  }",
            "  void count(String k, int n) {",
            "    counts.put(k, counts.getOrDefault(k, 0) + n);",
            "  }",
            "  void add(String k, long n) {",
            "    bytes.put(k, n + bytes.getOrDefault(k, 0L));",
            "  }",
            "  void release(String k, Integer expected) {",
            "    if (expected.equals(counts.get(k))) {",
            "      counts.remove(k);",
            "    }",
            "  }",
            "  void swap(String k, Integer expected, Integer next) {",
            "    if (expected.equals(counts.get(k))) counts.put(k, next);",
            "  }",
            "}")
        .addOutputLines("Cache.java", FIXED_CACHE)
        .doTest();
    // The fixed code compiles and is no longer flagged.
    helper.addSourceLines("Cache.java", FIXED_CACHE).expectNoDiagnostics().doTest();
  }

  @Test
  void noRewriteWhenTheValueHasSideEffects() {
    TestHelpers.refactoring(NonAtomicMapUpdate.class, getClass())
        .addInputLines(
            "Loader.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Loader {",
            "  private final ConcurrentHashMap<String, List<String>> groups = new ConcurrentHashMap<>();",
            "  List<String> group(String k) {",
            "    if (!groups.containsKey(k)) groups.put(k, load(k));",
            "    return groups.get(k);",
            "  }",
            "  private List<String> load(String k) { return List.of(k); }",
            "}")
        .expectUnchanged()
        .doTest();
  }

  /** An ignored putIfAbsent result: the fix keeps the winner; a captured or final local gets no fix. */
  @Test
  void keepsTheValuePutIfAbsentReturns() {
    TestHelpers.refactoring(NonAtomicMapUpdate.class, getClass())
        .addInputLines(
            "Registry.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Registry {",
            "  private final ConcurrentMap<String, List<String>> groups = new ConcurrentHashMap<>();",
            "  List<String> join(String k, String member) {",
            "    List<String> g = new ArrayList<>();",
            "    groups.putIfAbsent(k, g);",
            "    g.add(member);",
            "    return g;",
            "  }",
            "  Runnable later(String k) {",
            "    List<String> g = new ArrayList<>();",
            "    groups.putIfAbsent(k, g);",
            "    return () -> g.add(k);",
            "  }",
            "}")
        .addOutputLines(
            "Registry.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Registry {",
            "  private final ConcurrentMap<String, List<String>> groups = new ConcurrentHashMap<>();",
            "  List<String> join(String k, String member) {",
            "    List<String> g = new ArrayList<>();",
            "    List<String> existing = groups.putIfAbsent(k, g);",
            "    if (existing != null) {",
            "      g = existing;",
            "    }",
            "    g.add(member);",
            "    return g;",
            "  }",
            "  Runnable later(String k) {",
            "    List<String> g = new ArrayList<>();",
            "    groups.putIfAbsent(k, g);",
            "    return () -> g.add(k);",
            "  }",
            "}")
        .doTest();
    helper
        .addSourceLines(
            "Registry.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Registry {",
            "  private final ConcurrentMap<String, List<String>> groups = new ConcurrentHashMap<>();",
            "  List<String> join(String k, String member) {",
            "    List<String> g = new ArrayList<>();",
            "    // BUG: Diagnostic contains: then the use of g at line 9 on groups (a ConcurrentMap)",
            "    groups.putIfAbsent(k, g);",
            "    g.add(member);",
            "    return g;",
            "  }",
            "}")
        .doTest();
  }

  private static final String[] FIXED_CACHE = {
    "import java.util.*;",
    "import java.util.concurrent.*;",
    "class Cache {",
    "  private final ConcurrentHashMap<String, List<String>> groups = new ConcurrentHashMap<>();",
    "  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();",
    "  private final ConcurrentHashMap<String, Long> bytes = new ConcurrentHashMap<>();",
    "  void seed(String k, List<String> initial) {",
    "    groups.putIfAbsent(k, initial);",
    "  }",
    "  void create(String k) {",
    "    groups.computeIfAbsent(k, key -> new ArrayList<>());",
    "  }",
    "  List<String> group(String k) {",
    "    List<String> g = groups.computeIfAbsent(k, key -> new ArrayList<>());",
    "    return g;",
    "  }",
    "  void count(String k, int n) {",
    "    counts.merge(k, n, Integer::sum);",
    "  }",
    "  void add(String k, long n) {",
    "    bytes.merge(k, n, Long::sum);",
    "  }",
    "  void release(String k, Integer expected) {",
    "    counts.remove(k, expected);",
    "  }",
    "  void swap(String k, Integer expected, Integer next) {",
    "    counts.replace(k, expected, next);",
    "  }",
    "}"
  };

  /** The same texts as the SpotBugs plugin's (its test asserts them too). */
  @Test
  void messagesOfAccessorsAndCopyOnWriteUpdates() {
    SharedFixtures.add(TestHelpers.compilation(NonAtomicMapUpdate.class, getClass()), Pattern.NON_ATOMIC_MAP_UPDATE,
            "fixtures.atomic.DelegatedCalls", 69,
            "byUri.get(uri) in page() at line 65 then byUri.put(uri, ..) in addPage() at line 69")
        .doTest();
    SharedFixtures.add(TestHelpers.compilation(NonAtomicMapUpdate.class, getClass()), Pattern.NON_ATOMIC_MAP_UPDATE,
            "fixtures.atomic.CopyOnWriteMaps", 29,
            "entries is updated copy-on-write (copied, changed, then published) under synchronized (this) in put(),"
                + " putAll(), putIfAbsent(), removeInternal(), but the update at line 29 holds no lock")
        .doTest();
  }

  /** The same text as the SpotBugs plugin's for a containsKey whose get's result is returned as found. */
  @Test
  void messageOfAReturnedLookupAfterContainsKey() {
    SharedFixtures.add(TestHelpers.compilation(NonAtomicMapUpdate.class, getClass()),
            Pattern.NON_ATOMIC_MAP_UPDATE, "fixtures.atomic.PresenceCheckedCaches", 32,
            "converters.containsKey(type) at line 31 then converters.get(type) at line 32 on converters (a"
                + " ConcurrentHashMap) is not atomic (containsKey then get, the result used as non-null), entry removed"
                + " in between: another thread can remove the entry between the two calls (this map has removals), so"
                + " the second call returns null. Fix: call get(k) once and test the result for null: the entry can be"
                + " removed between the two calls.")
        .doTest();
  }

  /** The same text as the SpotBugs plugin's for a re-check after which the code goes on with a stale null. */
  @Test
  void messageOfAStaleNullAfterARecheck() {
    SharedFixtures.add(TestHelpers.compilation(NonAtomicMapUpdate.class, getClass()),
            Pattern.NON_ATOMIC_MAP_UPDATE, "fixtures.atomic.RecheckedCaches", 29,
            "factories.get(loader) at line 26 then factories.containsKey(loader) at line 29 on factories (a"
                + " ConcurrentHashMap) is not atomic (get, then a re-check that finds the entry, and the null from get"
                + " used), null result: another thread can put the entry between the two calls: the re-check then"
                + " finds it and skips the creation, and the code goes on with the null the first call returned (the"
                + " use of found at line 36).")
        .doTest();
  }

  /** The same words as the SpotBugs plugin's for a helper that allocates a number while the value is created. */
  @Test
  void messageOfAOnceOnlyEffectInAHelper() {
    SharedFixtures.add(TestHelpers.compilation(NonAtomicMapUpdate.class, getClass()),
            Pattern.NON_ATOMIC_MAP_UPDATE, "fixtures.atomic.GeneratedWrappers", 26,
            "duplicate creation: two threads can both create the value, and what creating it does (a number allocated"
                + " by AtomicLong.getAndIncrement() in generate()) happens twice")
        .doTest();
  }
}
