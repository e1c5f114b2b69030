package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class UnguardedSharedMapTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(UnguardedSharedMap.class, getClass());

  /** The message says what shares a map no visible thread uses: static state, weak keys, thread keys. */
  @Test
  void messageSaysWhatSharesTheMap() {
    helper
        .addSourceLines(
            "Caches.java",
            "import java.util.*;",
            "class Caches {",
            "  private static final Map<String, String> PATTERNS = new HashMap<>();",
            "  private final Map<Object, String> names = new WeakHashMap<>();",
            "  private final Map<Long, Integer> depth = new HashMap<>();",
            "  static String pattern(String locale) {",
            "    // BUG: Diagnostic contains: in callers of pattern() (a static map: every thread that uses the class shares it)",
            "    return PATTERNS.computeIfAbsent(locale, l -> l + \":yyyy\");",
            "  }",
            "  String name(Object key) {",
            "    // BUG: Diagnostic contains: names (a WeakHashMap) is written by Map.put(Object, Object) at line 12 in callers of name() and accessed by Map.put(Object, Object) at line 12 in callers of name() (a WeakHashMap: a cache of objects other code owns",
            "    return names.put(key, \"\");",
            "  }",
            "  void enter() {",
            "    // BUG: Diagnostic contains: (a map keyed by the current thread: every thread that runs this code uses it)",
            "    depth.merge(Thread.currentThread().getId(), 1, Integer::sum);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void tasksWritingWhatCallersRead() {
    helper
        .addSourceLines(
            "PriceBoard.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class PriceBoard {",
            "  private final Map<String, Double> prices = new HashMap<>();",
            "  private final Map<String, Long> updatedAt = new TreeMap<>();",
            "  private final Map<String, Integer> hits = new LinkedHashMap<>();",
            "  private final Map<String, String> sources = new HashMap<>();",
            "  private final Map<String, Integer> errors = new HashMap<>();",
            "  private final Map<String, Boolean> seen = new HashMap<>();",
            "  private final ExecutorService pool = Executors.newFixedThreadPool(4);",
            "  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();",
            "  void refresh(String sym) {",
            "    // BUG: Diagnostic contains: prices (a HashMap) is written by Map.put(Object, Object) at line 14 in the task passed to pool.execute(..) at line 14 and accessed by Map.get(Object) at line 43 in callers of latest(), with no lock held at either",
            "    pool.execute(() -> prices.put(sym, fetch(sym)));",
            "  }",
            "  void stamp(String sym) {",
            "    CompletableFuture.runAsync(() -> touch(sym));",
            "  }",
            "  private void touch(String sym) {",
            "    // BUG: Diagnostic contains: ConcurrentSkipListMap",
            "    updatedAt.put(sym, System.nanoTime());",
            "  }",
            "  void count(String sym) {",
            "    // BUG: Diagnostic contains: ConcurrentHashMap would lose the insertion or access order",
            "    Thread.ofVirtual().start(() -> hits.merge(sym, 1, Integer::sum));",
            "  }",
            "  void source(String sym, String from) {",
            "    // BUG: Diagnostic contains: the task passed to new Thread(..)",
            "    new Thread(() -> sources.put(sym, from)).start();",
            "  }",
            "  class Poller extends Thread {",
            "    // BUG: Diagnostic contains: in the thread's run()",
            "    @Override public void run() { seen.remove(\"stale\"); }",
            "  }",
            "  void watch() {",
            "    timer.scheduleAtFixedRate(new Runnable() {",
            "      public void run() {",
            "        // BUG: Diagnostic contains: timer.scheduleAtFixedRate",
            "        errors.clear();",
            "      }",
            "    }, 1, 1, TimeUnit.MINUTES);",
            "  }",
            "  Double latest(String sym) { return prices.get(sym); }",
            "  Long when(String sym) { return updatedAt.get(sym); }",
            "  int hitCount(String sym) { return hits.getOrDefault(sym, 0); }",
            "  String from(String sym) { return sources.get(sym); }",
            "  void error(String sym) { errors.merge(sym, 1, Integer::sum); }",
            "  boolean wasSeen(String sym) { return seen.containsKey(sym); }",
            "  void markLater(String sym) { pool.execute(() -> seen.put(sym, true)); }",
            "  private double fetch(String sym) { return 1.0; }",
            "}")
        .doTest();
  }

  @Test
  void tasksOverlappingThemselves() {
    helper
        .addSourceLines(
            "Batch.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Batch {",
            "  private final Map<String, Integer> totals = new HashMap<>();",
            "  private final Map<String, Integer> counts = new HashMap<>();",
            "  void run(List<String> items, ExecutorService pool) throws Exception {",
            "    for (String item : items) {",
            "      // BUG: Diagnostic contains: the task passed to pool.submit(..) at line 9",
            "      pool.submit(() -> totals.merge(item, 1, Integer::sum));",
            "    }",
            "    pool.shutdown();",
            "    pool.awaitTermination(1, TimeUnit.MINUTES);",
            "  }",
            "  void tally(List<String> items) {",
            "    // BUG: Diagnostic contains: Collectors.toConcurrentMap",
            "    items.parallelStream().filter(s -> !s.isEmpty()).forEach(s -> counts.merge(s, 1, Integer::sum));",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void sharedInstancesAndInconsistentLocking() {
    helper
        .addSourceLines(
            "Service.java",
            "package org.springframework.stereotype;",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.RUNTIME) @Target(ElementType.TYPE) public @interface Service {}")
        .addSourceLines(
            "Sessions.java",
            "import java.util.*;",
            "@org.springframework.stereotype.Service",
            "class Sessions {",
            "  private final Map<String, String> byToken = new HashMap<>();",
            "  // BUG: Diagnostic contains: callers of login() and accessed by Map.get(Object)",
            "  void login(String token, String user) { byToken.put(token, user); }",
            "  String user(String token) { return byToken.get(token); }",
            "}")
        .addSourceLines(
            "Registry.java",
            "import java.util.*;",
            "@com.google.errorprone.annotations.ThreadSafe",
            "final class Registry {",
            "  private final Map<String, Integer> ids = new HashMap<>();",
            "  // BUG: Diagnostic contains: @ThreadSafe",
            "  void add(String name) { ids.put(name, ids.size()); }",
            "}")
        .addSourceLines(
            "Cache.java",
            "import java.util.*;",
            "class Cache {",
            "  private final Map<String, String> entries = new HashMap<>();",
            "  private final Map<String, String> other = new HashMap<>();",
            "  synchronized void put(String k, String v) { entries.put(k, v); }",
            "  // BUG: Diagnostic contains: synchronized (this) held at line 5 only",
            "  void evict(String k) { entries.remove(k); }",
            "  synchronized void store(String k, String v) { other.put(k, v); }",
            "  // BUG: Diagnostic contains: guard every access with synchronized",
            "  String load(String k) { return other.get(k); }",
            "}")
        .doTest();
  }

  @Test
  void reassignmentLosesTheConcurrentMap() {
    helper
        .addSourceLines(
            "Routes.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Routes {",
            "  private Map<String, String> routes = new ConcurrentHashMap<>();",
            "  private Map<String, String> aliases = new ConcurrentHashMap<>();",
            "  void reset() {",
            "    // BUG: Diagnostic contains: routes is given a ConcurrentHashMap at line 4 but a HashMap at line 8",
            "    routes = new HashMap<>();",
            "    aliases = new ConcurrentHashMap<>(aliases);",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void negatives() {
    helper
        .addSourceLines(
            "Scope.java",
            "package org.springframework.context.annotation;",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.RUNTIME) public @interface Scope { String value() default \"\"; }")
        .addSourceLines(
            "Component.java",
            "package org.springframework.stereotype;",
            "import java.lang.annotation.*;",
            "@Retention(RetentionPolicy.RUNTIME) public @interface Component {}")
        .addSourceLines(
            "Fine.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Fine {",
            "  private final Map<String, Integer> config = new HashMap<>();",
            "  private final Map<String, Integer> results = new HashMap<>();",
            "  private final Map<String, Integer> guarded = new HashMap<>();",
            "  private final Map<String, Integer> concurrent = new ConcurrentHashMap<>();",
            "  private final Map<String, Integer> wrapped = Collections.synchronizedMap(new HashMap<>());",
            "  private volatile Map<String, Integer> snapshot = new HashMap<>();",
            "  private final ThreadLocal<Map<String, Integer>> perThread = ThreadLocal.withInitial(HashMap::new);",
            "  private final Map<String, Integer> plain = new HashMap<>();",
            "  private final Map<String, Integer> fixed;",
            "  private final Object lock = new Object();",
            "  Fine(Map<String, Integer> initial) { fixed = new HashMap<>(initial); fixed.put(\"x\", 1); }",
            "  void filledBeforeTheTaskStarts(ExecutorService pool) {",
            "    config.put(\"limit\", 3);",
            "    pool.execute(() -> System.out.println(config.get(\"limit\")));",
            "  }",
            "  int readAfterGet(ExecutorService pool) throws Exception {",
            "    Future<?> f = pool.submit(() -> results.put(\"a\", 1));",
            "    f.get();",
            "    return results.get(\"a\");",
            "  }",
            "  void readAfterJoin() throws Exception {",
            "    Thread t = new Thread(() -> results.put(\"b\", 2));",
            "    t.start();",
            "    t.join();",
            "    System.out.println(results.get(\"b\"));",
            "  }",
            "  void latch(ExecutorService pool) throws Exception {",
            "    CountDownLatch done = new CountDownLatch(1);",
            "    pool.execute(() -> { results.put(\"c\", 3); done.countDown(); });",
            "    done.await();",
            "    System.out.println(results.get(\"c\"));",
            "  }",
            "  void everyAccessLocked(ExecutorService pool) {",
            "    pool.execute(() -> { synchronized (lock) { guarded.put(\"x\", 1); } });",
            "  }",
            "  Integer guardedRead() { synchronized (lock) { return guarded.get(\"x\"); } }",
            "  void threadSafeMaps(ExecutorService pool) {",
            "    pool.execute(() -> { concurrent.put(\"x\", 1); wrapped.put(\"x\", 1); snapshot.put(\"x\", 1); });",
            "  }",
            "  int readThreadSafeMaps() { return concurrent.size() + wrapped.size() + snapshot.size(); }",
            "  void ownMapPerTask(ExecutorService pool) {",
            "    for (int i = 0; i < 4; i++) {",
            "      pool.execute(() -> { Map<String, Integer> mine = new HashMap<>(); mine.put(\"x\", 1); });",
            "    }",
            "  }",
            "  void threadLocal(ExecutorService pool) { pool.execute(() -> perThread.get().put(\"x\", 1)); }",
            "  void singleThreadedClass(String k) { plain.put(k, 1); }",
            "  int readSingleThreaded(String k) { return plain.getOrDefault(k, 0); }",
            "  void inlineLambda(List<String> keys) { keys.forEach(k -> plain.put(k, 2)); }",
            "  void sequentialStream(List<String> keys) { keys.stream().forEach(k -> plain.put(k, 3)); }",
            "  int fixedOnlyRead(ExecutorService pool) { pool.execute(() -> System.out.println(fixed.get(\"x\"))); return fixed.size(); }",
            "}")
        .addSourceLines(
            "Waiting.java",
            "import java.util.*;",
            "class Waiting {",
            "  private final Map<String, Runnable> waiting = new LinkedHashMap<>();",
            "  private final Map<String, Integer> cache = new WeakHashMap<>();",
            "  class Timeouts extends Thread {",
            "    @Override public void run() { synchronized (waiting) { waiting.remove(\"x\"); } }",
            "  }",
            "  void send(String id, Runnable r) { synchronized (waiting) { waiting.put(id, r); } }",
            "  Integer lookup(String k) { synchronized (cache) { Integer v = cache.get(k); if (v == null) { fill(k); } return cache.get(k); } }",
            "  private void fill(String k) { cache.put(k, k.length()); }",
            "}")
        .addSourceLines(
            "ReadWrite.java",
            "import java.util.*;",
            "import java.util.concurrent.locks.*;",
            "@com.google.errorprone.annotations.ThreadSafe",
            "final class ReadWrite {",
            "  private final Map<Integer, String> names = new HashMap<>();",
            "  private final ReadWriteLock rw = new ReentrantReadWriteLock();",
            "  void add(int id, String name) {",
            "    rw.writeLock().lock();",
            "    try { names.put(id, name); } finally { rw.writeLock().unlock(); }",
            "  }",
            "  String name(int id) {",
            "    rw.readLock().lock();",
            "    try { return names.get(id); } finally { rw.readLock().unlock(); }",
            "  }",
            "}")
        .addSourceLines(
            "PerRequest.java",
            "import java.util.*;",
            "@org.springframework.stereotype.Component",
            "@org.springframework.context.annotation.Scope(\"prototype\")",
            "class PerRequest {",
            "  private final Map<String, String> attributes = new HashMap<>();",
            "  void set(String k, String v) { attributes.put(k, v); }",
            "  String get(String k) { return attributes.get(k); }",
            "}")
        .doTest();
  }

  @Test
  void offersConcurrentHashMapWhenNoNullIsStored() {
    TestHelpers.refactoring(UnguardedSharedMap.class, getClass())
        .addInputLines(
            "Board.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Board {",
            "  private final Map<String, Double> prices = new HashMap<>(64);",
            "  void refresh(ExecutorService pool, String sym) { pool.execute(() -> prices.put(sym, 1.0)); }",
            "  Double latest(String sym) { return prices.get(sym); }",
            "}")
        .addOutputLines("Board.java", FIXED_BOARD)
        .doTest();
    helper.addSourceLines("Board.java", FIXED_BOARD).expectNoDiagnostics().doTest();
  }

  @Test
  void noConcurrentHashMapWhenANullIsStored() {
    helper
        .addSourceLines(
            "Nulls.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Nulls {",
            "  private final Map<String, Double> prices = new HashMap<>();",
            "  void clearPrice(ExecutorService pool, String sym) {",
            "    // BUG: Diagnostic contains: ConcurrentHashMap rejects the null stored at line 7",
            "    pool.execute(() -> prices.put(sym, null));",
            "  }",
            "  Double latest(String sym) { return prices.get(sym); }",
            "}")
        .doTest();
  }

  /** A registry's values are shared by the lock it guards them with; the message names the registry. */
  @Test
  void valuesOfLockedRegistries() {
    SharedFixtures.add(TestHelpers.compilation(UnguardedSharedMap.class, getClass()), Pattern.UNGUARDED_SHARED_MAP,
            "fixtures.shared.RegistryValues", 91,
            "ClassInfo.methods of a value of map Introspector.infos, guarded by infos")
        .doTest();
  }

  /** A map the method makes, written by its parallel stream's operations: the message says what runs the write. */
  @Test
  void capturedLocalMaps() {
    SharedFixtures.add(TestHelpers.compilation(UnguardedSharedMap.class, getClass()), Pattern.UNGUARDED_SHARED_MAP,
            "fixtures.shared.CapturedLocals", 28,
            "lengths, a HashMap this method makes, is written by Map.put(Object, Object) at line 28 in the parallel"
                + " stream's forEach(..) at line 28, several runs of which go on at once")
        .doTest();
    SharedFixtures.add(TestHelpers.compilation(UnguardedSharedMap.class, getClass()), Pattern.UNGUARDED_SHARED_MAP,
            "fixtures.shared.CapturedLocals", 36,
            "sizes, a TreeMap this method makes, is written by Map.put(Object, Object) at line 36 in the task passed"
                + " to pool.submit(..) at line 36, launched in a loop")
        .doTest();
    SharedFixtures.add(TestHelpers.compilation(UnguardedSharedMap.class, getClass()), Pattern.UNGUARDED_SHARED_MAP,
            "fixtures.shared.CapturedLocals", 59,
            "sizes, a HashMap this method makes, is written by Map.put(Object, Object) at line 59 in the tasks passed"
                + " to pool.invokeAll(..) at line 61, several runs")
        .doTest();
  }

  private static final String[] FIXED_BOARD = {
    "import java.util.*;",
    "import java.util.concurrent.*;",
    "import java.util.concurrent.ConcurrentHashMap;",
    "class Board {",
    "  private final Map<String, Double> prices = new ConcurrentHashMap<>(64);",
    "  void refresh(ExecutorService pool, String sym) { pool.execute(() -> prices.put(sym, 1.0)); }",
    "  Double latest(String sym) { return prices.get(sym); }",
    "}",
  };

  /**
   * A library's timer known by its signature (a task, then longs, ending in (long, TimeUnit)) launches; a method of
   * the same shape whose first parameter is a predicate does not, nor an event loop's thread scheduling on itself.
   */
  @Test
  void libraryTimersKnownBySignature() {
    helper
        .addSourceLines(
            "Leases.java",
            "import dev.mapsafe.errorprone.testlib.WheelTimer;",
            "import java.util.*;",
            "import java.util.concurrent.TimeUnit;",
            "class Leases {",
            "  private final WheelTimer timer = new WheelTimer();",
            "  private final Map<String, Long> leases = new HashMap<>();",
            "  private final Map<String, Long> held = new HashMap<>();",
            "  void grant(String id) {",
            "    leases.put(id, System.nanoTime());",
            "    // BUG: Diagnostic contains: in the task passed to timer.newTimeout(..)",
            "    timer.newTimeout(t -> leases.remove(id), 30, TimeUnit.SECONDS);",
            "  }",
            "  boolean hold(String id) {",
            "    held.put(id, System.nanoTime());",
            "    return timer.awaitCondition(t -> held.remove(id) != null, 30, TimeUnit.SECONDS);",
            "  }",
            "  Long lease(String id) {",
            "    return leases.get(id);",
            "  }",
            "  Long heldSince(String id) {",
            "    return held.get(id);",
            "  }",
            "  private final WheelTimer.Loop loop = new WheelTimer.Loop();",
            "  private final Map<String, Long> pings = new HashMap<>();",
            "  void ping(String id) {",
            "    pings.put(id, System.nanoTime());",
            "    loop.executeAfter(() -> pings.remove(id), 5, TimeUnit.SECONDS);",
            "  }",
            "  Long pingedAt(String id) {",
            "    return pings.get(id);",
            "  }",
            "}")
        .doTest();
  }
}
