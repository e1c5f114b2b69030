package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class MapWriteUnderReadLockTest {
  private final CompilationTestHelper helper =
      TestHelpers.compilation(MapWriteUnderReadLock.class, getClass());

  @Test
  void writesAndReadsThatWriteUnderTheReadLock() {
    helper
        .addSourceLines(
            "Lru.java",
            "import java.util.*;",
            "import java.util.concurrent.locks.*;",
            "class Lru {",
            "  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private final Map<String, String> cache = new LinkedHashMap<>(16, 0.75f, true) {",
            "    @Override protected boolean removeEldestEntry(Map.Entry<String, String> e) { return size() > 100; }",
            "  };",
            "  private final Map<String, Integer> hits = new HashMap<>();",
            "  private final Map<Object, String> weak = new WeakHashMap<>();",
            "  private final StampedLock stamped = new StampedLock();",
            "  String get(String k) {",
            "    rw.readLock().lock();",
            "    try {",
            "      // BUG: Diagnostic contains: while only the read lock of rw is held (a get on an access-ordered LinkedHashMap moves the entry)",
            "      String v = cache.get(k);",
            "      // BUG: Diagnostic contains: Map.merge(Object, Object, BiFunction) at line 17 changes hits",
            "      hits.merge(k, 1, Integer::sum);",
            "      // BUG: Diagnostic contains: WeakHashMap expunges",
            "      weak.get(k);",
            "      record(k);",
            "      return v;",
            "    } finally {",
            "      rw.readLock().unlock();",
            "    }",
            "  }",
            "  private void record(String k) {",
            "    // BUG: Diagnostic contains: Map.put(Object, Object)",
            "    hits.put(k + \"!\", 0);",
            "  }",
            "  void stampedRead(String k) {",
            "    long stamp = stamped.readLock();",
            "    try {",
            "      // BUG: Diagnostic contains: Map.remove(Object)",
            "      hits.remove(k);",
            "    } finally {",
            "      stamped.unlockRead(stamp);",
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
            "import java.util.concurrent.locks.*;",
            "class Fine {",
            "  private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();",
            "  private final Map<String, String> insertionOrdered = new LinkedHashMap<>();",
            "  private final Map<String, Integer> hits = new HashMap<>();",
            "  private final Map<String, Integer> concurrent = new ConcurrentHashMap<>();",
            "  String readsUnderTheReadLock(String k) {",
            "    rw.readLock().lock();",
            "    try { hits.get(k); return insertionOrdered.get(k); } finally { rw.readLock().unlock(); }",
            "  }",
            "  void writesUnderTheWriteLock(String k) {",
            "    rw.writeLock().lock();",
            "    try { hits.put(k, 1); record(k); } finally { rw.writeLock().unlock(); }",
            "  }",
            "  private void record(String k) { hits.put(k + \"!\", 0); }",
            "  void concurrentMapUnderTheReadLock(String k) {",
            "    rw.readLock().lock();",
            "    try { concurrent.merge(k, 1, Integer::sum); } finally { rw.readLock().unlock(); }",
            "  }",
            "  void upgradeDoneRight(String k) {",
            "    rw.readLock().lock();",
            "    boolean missing;",
            "    try { missing = !hits.containsKey(k); } finally { rw.readLock().unlock(); }",
            "    if (missing) {",
            "      rw.writeLock().lock();",
            "      try { hits.putIfAbsent(k, 0); } finally { rw.writeLock().unlock(); }",
            "    }",
            "  }",
            "  void localMapUnderTheReadLock(String k) {",
            "    rw.readLock().lock();",
            "    try { Map<String, Integer> mine = new HashMap<>(); mine.put(k, 1); } finally { rw.readLock().unlock(); }",
            "  }",
            "  void afterTheReadLockIsReleased(String k) {",
            "    rw.readLock().lock();",
            "    try { System.out.println(k); } finally { rw.readLock().unlock(); }",
            "    hits.put(k, 2);",
            "  }",
            "}")
        .doTest();
  }

  /** The same text as the SpotBugs plugin's for a map that is its own class. */
  @Test
  void messageOfAMapThatIsItsOwnClass() {
    SharedFixtures.add(TestHelpers.compilation(MapWriteUnderReadLock.class, getClass()),
            Pattern.MAP_WRITE_UNDER_READ_LOCK, "fixtures.readlock.SelfMaps", 38,
            "at line 38 changes this LruCache while only the read lock of rw is held (a get on an access-ordered"
                + " LinkedHashMap moves the entry)")
        .doTest();
  }

  /** The same text as the SpotBugs plugin's for a write run under the read lock of a caller in another class. */
  @Test
  void messageNamesTheCallerWhoseReadLockIsHeld() {
    SharedFixtures.add(TestHelpers.compilation(MapWriteUnderReadLock.class, getClass()),
            Pattern.MAP_WRITE_UNDER_READ_LOCK, "fixtures.readlock.Decorators", 109,
            "Map.get(Object) at line 109 changes order while only the read lock of lock() (held by Locking.get,"
                + " which calls this method at line 58) is held (a get on an access-ordered LinkedHashMap moves"
                + " the entry)")
        .doTest();
  }
}
