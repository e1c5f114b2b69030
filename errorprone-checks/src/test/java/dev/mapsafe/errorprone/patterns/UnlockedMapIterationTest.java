package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class UnlockedMapIterationTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(UnlockedMapIteration.class, getClass());

  @Test
  void explicitTraversalsOfAWrapperFieldWithoutItsMonitor() {
    helper
        .addSourceLines(
            "Registry.java",
            "import java.util.*;",
            "import java.util.stream.*;",
            "class Registry {",
            "  private final Map<String, Integer> sessions = Collections.synchronizedMap(new HashMap<>());",
            "  int total() {",
            "    int sum = 0;",
            "    // BUG: Diagnostic contains: sessions.values() is traversed by Iterable.iterator() without holding the monitor of sessions",
            "    for (int v : sessions.values()) { sum += v; }",
            "    return sum;",
            "  }",
            "  List<String> names() {",
            "    // BUG: Diagnostic contains: Collection.stream()",
            "    return sessions.keySet().stream().sorted().collect(Collectors.toList());",
            "  }",
            "  void drain() {",
            "    // BUG: Diagnostic contains: Iterable.iterator()",
            "    Iterator<Map.Entry<String, Integer>> it = sessions.entrySet().iterator();",
            "    while (it.hasNext()) { it.next(); }",
            "  }",
            "  Spliterator<String> split() {",
            "    // BUG: Diagnostic contains: Collection.spliterator()",
            "    return sessions.keySet().spliterator();",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void implicitTraversalsThatIterate() {
    helper
        .addSourceLines(
            "Copies.java",
            "import java.util.*;",
            "class Copies {",
            "  private static final Map<String, String> CONFIG = Collections.synchronizedMap(new TreeMap<>());",
            "  Map<String, String> a() {",
            "    // BUG: Diagnostic contains: new HashMap(Map)",
            "    return new HashMap<>(CONFIG);",
            "  }",
            "  void b(Map<String, String> target) {",
            "    // BUG: Diagnostic contains: Map.putAll(Map)",
            "    target.putAll(CONFIG);",
            "  }",
            "  Set<String> c() {",
            "    // BUG: Diagnostic contains: Set.copyOf(Collection)",
            "    return Set.copyOf(CONFIG.keySet());",
            "  }",
            "  String d() {",
            "    // BUG: Diagnostic contains: String.join(CharSequence, Iterable)",
            "    return String.join(\",\", CONFIG.keySet());",
            "  }",
            "  String e() {",
            "    // BUG: Diagnostic contains: Collections.max(Collection)",
            "    return Collections.max(CONFIG.values());",
            "  }",
            "  Set<String> f() {",
            "    // BUG: Diagnostic contains: new HashSet(Collection)",
            "    return new HashSet<>(CONFIG.values());",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void hashtableViewsLocalsViewVariablesAccessorsAndUnmodifiableViews() {
    helper
        .addSourceLines(
            "Table.java",
            "import java.util.*;",
            "class Table {",
            "  private final Hashtable<String, Long> seen = new Hashtable<>();",
            "  private final Map<String, Long> wrapped = Collections.synchronizedMap(new HashMap<>());",
            "  private Map<String, Long> wrapped() { return wrapped; }",
            "  long locked() { synchronized (seen) { return seen.values().stream().mapToLong(v -> v).sum(); } }",
            "  long a() {",
            "    long n = 0;",
            "    // BUG: Diagnostic contains: (a Hashtable)",
            "    for (long v : seen.values()) { n += v; }",
            "    return n;",
            "  }",
            "  void b() {",
            "    Set<String> keys = wrapped.keySet();",
            "    // BUG: Diagnostic contains: keys is traversed by Iterable.iterator() without holding the monitor of wrapped",
            "    for (String k : keys) { System.out.println(k); }",
            "  }",
            "  void c() {",
            "    // BUG: Diagnostic contains: Iterable.iterator()",
            "    for (String k : wrapped().keySet()) { System.out.println(k); }",
            "  }",
            "  void d() {",
            "    // BUG: Diagnostic contains: Iterable.iterator()",
            "    for (String k : Collections.unmodifiableSet(wrapped.keySet())) { System.out.println(k); }",
            "  }",
            "  void e() {",
            "    NavigableMap<String, Long> nav = Collections.synchronizedNavigableMap(new TreeMap<>());",
            "    new Thread(() -> nav.put(\"x\", 1L)).start();",
            "    // BUG: Diagnostic contains: Collections.synchronizedNavigableMap wrapper",
            "    for (String k : nav.headMap(\"m\", false).descendingKeySet()) { System.out.println(k); }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void lambdasAnonymousAndInnerClassesDoNotInheritTheMonitor() {
    helper
        .addSourceLines(
            "Tasks.java",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "class Tasks {",
            "  private final Map<String, String> m = Collections.synchronizedMap(new HashMap<>());",
            "  void a(ExecutorService pool) {",
            "    synchronized (m) {",
            "      pool.submit(() -> {",
            "        // BUG: Diagnostic contains: m.keySet()",
            "        for (String k : m.keySet()) { System.out.println(k); }",
            "      });",
            "    }",
            "  }",
            "  void b() {",
            "    synchronized (m) {",
            "      new Thread(new Runnable() {",
            "        @Override public void run() {",
            "          // BUG: Diagnostic contains: m.values()",
            "          for (String v : m.values()) { System.out.println(v); }",
            "        }",
            "      }).start();",
            "    }",
            "  }",
            "  void inlineLambdaWithoutTheMonitor(List<String> names) {",
            "    names.forEach(n -> {",
            "      // BUG: Diagnostic contains: m.keySet()",
            "      for (String k : m.keySet()) { System.out.println(n + k); }",
            "    });",
            "  }",
            "  class Inner {",
            "    int count() {",
            "      int n = 0;",
            "      // BUG: Diagnostic contains: m.entrySet()",
            "      for (Map.Entry<String, String> e : m.entrySet()) { n++; }",
            "      return n;",
            "    }",
            "  }",
            "  record Snapshot(Map<String, String> data) {",
            "    static final Map<String, String> SHARED = Collections.synchronizedMap(new LinkedHashMap<>());",
            "    List<String> keys() {",
            "      // BUG: Diagnostic contains: SHARED.keySet()",
            "      return SHARED.keySet().stream().toList();",
            "    }",
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
            "  private final Map<String, Integer> sessions = Collections.synchronizedMap(new HashMap<>());",
            "  private final Map<String, Integer> plain = new HashMap<>();",
            "  private final Map<String, Integer> chm = new ConcurrentHashMap<>();",
            "  private final ConcurrentSkipListMap<String, Integer> skip = new ConcurrentSkipListMap<>();",
            "  private final Properties props = new Properties();",
            "  private Map<String, Integer> reassigned = Collections.synchronizedMap(new HashMap<>());",
            "  void setReassigned(Map<String, Integer> m) { reassigned = m; }",
            "  int underMonitor() {",
            "    int n = 0;",
            "    synchronized (sessions) { for (int v : sessions.values()) { n += v; } }",
            "    synchronized (this.sessions) { n += sessions.keySet().stream().mapToInt(String::length).sum(); }",
            "    Map<String, Integer> alias = sessions;",
            "    synchronized (alias) { for (String k : sessions.keySet()) { n++; } }",
            "    synchronized (sessions) { for (String k : alias.keySet()) { n++; } }",
            "    return n;",
            "  }",
            "  void selfSynchronizedCalls() {",
            "    sessions.forEach((k, v) -> {});",
            "    sessions.keySet().forEach(System.out::println);",
            "    sessions.values().removeIf(v -> v > 3);",
            "    sessions.replaceAll((k, v) -> v + 1);",
            "    sessions.computeIfAbsent(\"a\", k -> 1);",
            "    System.out.println(sessions.toString() + sessions.hashCode() + sessions.equals(plain));",
            "    Object[] arr = sessions.keySet().toArray();",
            "    sessions.containsValue(3);",
            "  }",
            "  void copiesThatUseToArray() {",
            "    List<String> a = new ArrayList<>(sessions.keySet());",
            "    List<Integer> b = List.copyOf(sessions.values());",
            "    Map<String, Integer> c = Map.copyOf(sessions);",
            "    List<String> d = new ArrayList<>();",
            "    d.addAll(sessions.keySet());",
            "    Deque<String> e = new ArrayDeque<>(sessions.keySet());",
            "  }",
            "  void notSelfLocked() {",
            "    for (String k : plain.keySet()) {}",
            "    for (String k : chm.keySet()) {}",
            "    skip.headMap(\"m\").keySet().stream().count();",
            "    for (Object k : props.keySet()) {}",
            "    for (String k : reassigned.keySet()) {}",
            "    new HashMap<>(plain);",
            "  }",
            "  int confinedLocal() {",
            "    Map<String, Integer> local = Collections.synchronizedMap(new HashMap<>());",
            "    local.put(\"a\", 1);",
            "    int n = 0;",
            "    for (int v : local.values()) { n += v; }",
            "    return n + new HashMap<>(local).size();",
            "  }",
            "  int confinedLocalThroughAViewVariable() {",
            "    Map<String, Integer> local = Collections.synchronizedMap(new HashMap<>());",
            "    Set<String> keys = local.keySet();",
            "    int n = 0;",
            "    for (String k : keys) { n++; }",
            "    return n;",
            "  }",
            "  Map<String, Integer> fresh() { return Collections.synchronizedMap(new HashMap<>()); }",
            "  void freshPerCall() {",
            "    for (String k : fresh().keySet()) {}",
            "  }",
            "  synchronized void otherMonitorDoesNotCount() {",
            "    Object lock = new Object();",
            "    synchronized (lock) {",
            "      synchronized (sessions) { sessions.keySet().iterator(); }",
            "    }",
            "  }",
            "  void inlineLambdaKeepsTheMonitor(List<String> names) {",
            "    synchronized (sessions) {",
            "      names.forEach(n -> { for (String k : sessions.keySet()) {} });",
            "    }",
            "  }",
            "  // A Hashtable nothing locks is legacy code's everyday map: no evidence it is shared.",
            "  private final Hashtable<String, Integer> legacy = new Hashtable<>();",
            "  int legacyTable() {",
            "    int n = 0;",
            "    for (int v : legacy.values()) { n += v; }",
            "    return n + new HashMap<>(legacy).size();",
            "  }",
            "  @SuppressWarnings(\"UnlockedMapIteration\")",
            "  void suppressed() { for (String k : sessions.keySet()) {} }",
            "}")
        .doTest();
  }

  /** The shape of a finding in ActiveMQ 5.18.6 (MemoryTopicMessageStore.addSubscription). */
  @Test
  void fieldInheritedFromAClassInAnotherFile() {
    helper
        .addSourceLines(
            "MessageStore.java",
            "import java.util.*;",
            "class MessageStore {",
            "  protected final Map<String, String> messageTable;",
            "  MessageStore(Map<String, String> table) { this.messageTable = Collections.synchronizedMap(table); }",
            "  void removeAll() { synchronized (messageTable) { messageTable.clear(); } }",
            "  int count() {",
            "    int n = 0;",
            "    synchronized (messageTable) { for (String k : messageTable.keySet()) { n++; } }",
            "    return n;",
            "  }",
            "}")
        .addSourceLines(
            "TopicStore.java",
            "import java.util.*;",
            "class TopicStore extends MessageStore {",
            "  TopicStore() { super(new HashMap<>()); }",
            "  synchronized void addSubscription(List<String> sub) {",
            "    // BUG: Diagnostic contains: messageTable.entrySet() is traversed",
            "    for (Map.Entry<String, String> e : messageTable.entrySet()) { sub.add(e.getKey()); }",
            "  }",
            "  void replay(List<String> sub) {",
            "    synchronized (messageTable) { for (String v : messageTable.values()) { sub.add(v); } }",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void aWrapperParameterOrAnEscapedLocal() {
    helper
        .addSourceLines(
            "Params.java",
            "import java.util.*;",
            "class Params {",
            "  // A parameter's origin is unknown: not reported.",
            "  void p(Map<String, String> m) { for (String k : m.keySet()) {} }",
            "  void q(Hashtable<String, String> t) { for (String k : t.keySet()) {} }",
            "  private final List<Map<String, String>> all = new ArrayList<>();",
            "  Set<String> escapesThroughAView() {",
            "    Map<String, String> local = Collections.synchronizedMap(new HashMap<>());",
            "    Set<String> keys = local.keySet();",
            "    new Thread(() -> local.put(\"a\", \"b\")).start();",
            "    // BUG: Diagnostic contains: keys is traversed",
            "    for (String k : keys) {}",
            "    return keys;",
            "  }",
            "  void escaped() {",
            "    Map<String, String> local = Collections.synchronizedMap(new HashMap<>());",
            "    all.add(local);",
            "    // BUG: Diagnostic contains: local.keySet()",
            "    for (String k : local.keySet()) {}",
            "  }",
            "}")
        .doTest();
  }

  @Test
  void oddCodeIsSkippedNotCrashedOn() {
    helper
        .addSourceLines(
            "Odd.java",
            "import java.util.*;",
            "@SuppressWarnings({\"rawtypes\", \"unchecked\"})",
            "class Odd {",
            "  private final Map raw = Collections.synchronizedMap(new HashMap());",
            "  private final Map<String, String>[] arr = new Map[] {Collections.synchronizedMap(new HashMap<>())};",
            "  void a() {",
            "    // BUG: Diagnostic contains: raw.keySet()",
            "    for (Object k : raw.keySet()) {}",
            "    for (String k : arr[0].keySet()) {}",
            "    for (int i : new int[] {1, 2}) {}",
            "    Map<String, String> m = true ? Collections.synchronizedMap(new HashMap<>()) : new HashMap<>();",
            "    all(m);",
            "    for (String k : m.keySet()) {}",
            "    // BUG: Diagnostic contains: monitor of raw",
            "    for (String k : ((Map<String, String>) (Object) raw).keySet()) {}",
            "  }",
            "  void all(Map<String, String> m) {}",
            "  Map<String, String> loop() { return loop(); }",
            "  void b() { for (String k : loop().keySet()) {} }",
            "}")
        .doTest();
  }

  @Test
  void fixWrapsTheStatementInSynchronized() {
    TestHelpers.refactoring(UnlockedMapIteration.class, getClass())
        .addInputLines(
            "Fix.java",
            "import java.util.*;",
            "class Fix {",
            "  private final Map<String, Integer> sessions = Collections.synchronizedMap(new HashMap<>());",
            "  int total() {",
            "    int sum = 0;",
            "    for (int v : sessions.values()) { sum += v; }",
            "    return sum;",
            "  }",
            "  Map<String, Integer> copy() {",
            "    return new HashMap<>(sessions);",
            "  }",
            "  Set<String> noFixForDeclarations() {",
            "    Set<String> keys = Set.copyOf(sessions.keySet());",
            "    return keys;",
            "  }",
            "}")
        .addOutputLines(
            "Fix.java",
            "import java.util.*;",
            "class Fix {",
            "  private final Map<String, Integer> sessions = Collections.synchronizedMap(new HashMap<>());",
            "  int total() {",
            "    int sum = 0;",
            "    synchronized (sessions) {",
            "      for (int v : sessions.values()) { sum += v; }",
            "    }",
            "    return sum;",
            "  }",
            "  Map<String, Integer> copy() {",
            "    synchronized (sessions) {",
            "      return new HashMap<>(sessions);",
            "    }",
            "  }",
            "  Set<String> noFixForDeclarations() {",
            "    Set<String> keys = Set.copyOf(sessions.keySet());",
            "    return keys;",
            "  }",
            "}")
        .doTest(BugCheckerRefactoringTestHelper.TestMode.TEXT_MATCH);
  }

  /** The same text as the SpotBugs plugin's for this traversal (its test asserts it too). */
  @Test
  void guardedMessageNamesTheLockAndItsEvidence() {
    SharedFixtures.add(helper, Pattern.UNLOCKED_MAP_ITERATION, "fixtures.guarded.Inventory", 42,
            "Iterable.iterator() of stock.values() at line 42 runs without holding lock, but stock is guarded by lock"
                + " (held at every write): a write under the lock can run during the traversal and throw"
                + " ConcurrentModificationException, skip or repeat entries, or loop on a corrupted table. Fix: hold"
                + " lock for the whole traversal, or copy stock while holding it and traverse the copy.")
        .doTest();
  }
}
