package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import org.junit.jupiter.api.Test;

class NonAtomicMapUpdateTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(NonAtomicMapUpdate.class, getClass());

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
            "      // BUG: Diagnostic contains: containsKey then get, dereferenced",
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
            "  void claim(String resource, String owner) {",
            "    if (owners.containsKey(resource)) { return; }",
            "    // BUG: Diagnostic contains: containsKey then put",
            "    owners.put(resource, owner);",
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
    BugCheckerRefactoringTestHelper.newInstance(NonAtomicMapUpdate.class, getClass())
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
    BugCheckerRefactoringTestHelper.newInstance(NonAtomicMapUpdate.class, getClass())
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
}
