package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class MapWriteUnderReadLockDetectorTest {
  @Test
  void writesAndReadsThatWriteUnderTheReadLock(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.readlock.Lru");
  }

  /** A stamp conversion that can fail holds the write lock only where its stamp is not 0. */
  @Test
  void writesAfterAConversionThatMayFail(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.readlock.FailedConversions");
  }

  /**
   * A method an interface call runs while its caller holds only a read lock (taken through a getter and private
   * helpers): its own writes run under that read lock; not under the write lock, its own monitor, on a concurrent
   * map, or on an object made for the call.
   */
  @Test
  void implementationsCalledUnderAReadLock(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.readlock.Decorators");
    String message = Fixtures.analyze(spotbugs, "fixtures.readlock.Decorators").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 109)
        .findFirst()
        .orElseThrow()
        .getMessageWithoutPrefix();
    assertTrue(message.startsWith("Map.get(Object) at line 109 changes order while only the read lock of lock()"
        + " (held by Locking.get, which calls this method at line 58) is held (a get on an access-ordered"
        + " LinkedHashMap moves the entry)"), message);
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.readlock.ReadLockNegatives").stream()
        .noneMatch(marker -> marker.contains("MAP_WRITE_UNDER_READ_LOCK")));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.readlock.ReadLockNegatives");
  }

  /**
   * A map subclass is its own map: {@code super.get} of one its constructor makes access-ordered, and a write of
   * itself, under the read lock; not an insertion-ordered subclass, nor reads under the write lock.
   */
  @Test
  void mapsThatAreTheirOwnClass(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.readlock.SelfMaps");
    String message = Fixtures.analyze(spotbugs, "fixtures.readlock.SelfMaps").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 38)
        .findFirst()
        .orElseThrow()
        .getMessageWithoutPrefix();
    assertTrue(message.startsWith("Map.get(Object) at line 38 changes this LruCache while only the read lock"
        + " of rw is held (a get on an access-ordered LinkedHashMap moves the entry)"), message);
  }

  @Test
  void messageNamesTheLockAndWhyAReadWrites(SpotBugsRunner spotbugs) {
    BugInstance get =
        Fixtures.analyze(spotbugs, "fixtures.readlock.Lru").stream()
            .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 25)
            .findFirst()
            .orElseThrow();
    String message = get.getMessageWithoutPrefix();
    assertTrue(message.startsWith("Map.get(Object) at line 25 changes cache while only the read lock of rw is held"
        + " (a get on an access-ordered LinkedHashMap moves the entry)"), message);
  }
}
