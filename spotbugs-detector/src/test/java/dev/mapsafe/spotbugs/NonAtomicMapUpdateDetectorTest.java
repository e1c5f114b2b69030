package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class NonAtomicMapUpdateDetectorTest {
  @Test
  void checkThenActAndReadModifyWrite(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.Limiter");
  }

  /** A creation whose helper allocates a number that names what it makes: two threads both make one. */
  @Test
  void onceOnlyEffectsOfHelpers(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.GeneratedWrappers");
    String message = messagesByLine(spotbugs, "fixtures.atomic.GeneratedWrappers").get(26);
    assertTrue(message.contains("duplicate creation: two threads can both create the value, and what creating it does"
        + " (a number allocated by AtomicLong.getAndIncrement() in generate()) happens twice"), message);
  }

  /** A re-check that finds the entry, after which the code goes on with the null its first read returned. */
  @Test
  void staleNullAfterARecheck(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.RecheckedCaches");
    String message = messagesByLine(spotbugs, "fixtures.atomic.RecheckedCaches").get(29);
    assertTrue(message.startsWith("factories.get(loader) at line 26 then factories.containsKey(loader) at line 29 on"
        + " factories (a ConcurrentHashMap) is not atomic (get, then a re-check that finds the entry, and the null"
        + " from get used), null result: another thread can put the entry between the two calls: the re-check then"
        + " finds it and skips the creation, and the code goes on with the null the first call returned (the use of"
        + " found at line 36)."), message);
  }

  /** containsKey, then a get whose result is returned where a missing key would have been created. */
  @Test
  void presenceCheckThenReturnedLookup(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.PresenceCheckedCaches");
    String message = messagesByLine(spotbugs, "fixtures.atomic.PresenceCheckedCaches").get(32);
    assertTrue(message.startsWith("converters.containsKey(type) at line 31 then converters.get(type) at line 32 on"
        + " converters (a ConcurrentHashMap) is not atomic (containsKey then get, the result used as non-null), entry"
        + " removed in between"), message);
  }

  /**
   * A walk of a concurrent map's entries that reads an entry's value and then stores its key checks and acts on that
   * key; the atomic calls, a sweep by value, a store an earlier step's test does not decide, another map's entries and
   * a walk under every writer's lock are not reported.
   */
  @Test
  void checksMadeOnIteratedEntries(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.IteratedEntries");
    String message = messagesByLine(spotbugs, "fixtures.atomic.IteratedEntries").get(71);
    assertTrue(message.startsWith("prices.entrySet()'s e.getValue() at line 70 then prices.put("), message);
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.atomic.AtomicNegatives").isEmpty());
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.AtomicNegatives");
  }

  /** A concurrent map cleared and filled again while others read it; not a cache, a locked or a construction refill. */
  /** A check and an act made through accessors that only pass on to one map of their object. */
  @Test
  void callsThroughDelegatingAccessors(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.DelegatedCalls");
    String message = messagesByLine(spotbugs, "fixtures.atomic.DelegatedCalls")
        .get(Fixtures.lineOf("fixtures.atomic.DelegatedCalls", "pages.addPage(uri, page)"));
    assertTrue(message.contains("byUri.get(uri) in page() at line")
        && message.contains("byUri.put(uri, ..) in addPage() at line"), message);
  }

  /**
   * A presence test, then a look through an inherited method over the subclass's lookup whose wrapper is null for
   * null; not when the wrapper never is, the lookup is not a plain get, or nothing removes entries.
   */
  @Test
  void lookupsThroughInheritedAdaptingMethods(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.AdaptedLookups");
    String message = messagesByLine(spotbugs, "fixtures.atomic.AdaptedLookups")
        .get(Fixtures.lineOf("fixtures.atomic.AdaptedLookups", "return find(key).value(); // mapsafe-expect"));
    assertTrue(message.contains("store.get(key) in find() at line"), message);
  }

  /** Copy-on-write updates that lack the lock every other update holds; not when all hold it or none does. */
  @Test
  void copyOnWriteUpdatesWithoutTheWritersLock(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.CopyOnWriteMaps");
    String message = messagesByLine(spotbugs, "fixtures.atomic.CopyOnWriteMaps")
        .get(Fixtures.lineOf("fixtures.atomic.CopyOnWriteMaps", "putInternal(key, value); // mapsafe-expect"));
    assertTrue(message.startsWith("entries is updated copy-on-write (copied, changed, then published) under"
        + " synchronized (this) in put(), putAll(), putIfAbsent(), removeInternal()"), message);
  }

  @Test
  void refills(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.Refills");
  }

  /** Memoization from the key alone is not reported; the same shape with a visible consequence is. */
  @Test
  void judgedByConsequence(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.Memoization");
  }

  /** A cache whose found value the code goes on with is memoization, whatever the computation reads. */
  @Test
  void cachedLookups(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.CachedLookups");
  }

  /**
   * putIfAbsent with its result ignored while the code goes on with its own value: reported when the two objects
   * differ in what matters (state without equals, a container filled after, a lock).
   */
  @Test
  void ignoredPutIfAbsent(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.IgnoredPutIfAbsent");
    java.util.Map<Integer, String> messages = messagesByLine(spotbugs, "fixtures.atomic.IgnoredPutIfAbsent");
    String topic = messages.get(Fixtures.lineOf("fixtures.atomic.IgnoredPutIfAbsent", "TOPICS.putIfAbsent(name, t)"));
    assertTrue(topic.contains("then the use of t at line")
        && topic.contains("two identities: two threads can each go on with their own instance")
        && topic.contains("a new Topic has state and no equals"), messages.toString());
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.IgnoredPutIfAbsent", "subscribers.putIfAbsent(topic, list)"))
        .contains("lost adds"), messages.toString());
  }

  /** A get, a put of the same entry, and the value found read after the put as the one the put replaced. */
  @Test
  void foundValueTakenAsReplaced(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.ReplacedValues");
    java.util.Map<Integer, String> messages = messagesByLine(spotbugs, "fixtures.atomic.ReplacedValues");
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.ReplacedValues", "channels.put(name, channel)"))
        .contains("(get, then put, the value found taken as the one replaced), stale old value:"), messages.toString());
  }

  /** A fresh key (UUID.randomUUID(), a counter's next value) is owned by its thread: no race on it. */
  @Test
  void uniqueKeys(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.atomic.OwnedKeys");
  }

  /** The message names the consequence found, never calling a null check a read-modify-write. */
  @Test
  void messageNamesTheConsequence(SpotBugsRunner spotbugs) {
    java.util.Map<Integer, String> messages = messagesByLine(spotbugs, "fixtures.atomic.Memoization");
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.Memoization", "handlers.put(name, handler)"))
        .contains("(containsKey then put), lost update:"), messages.toString());
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.Memoization", "members.put(group, list)"))
        .contains("lost adds: two threads can each put their own new ArrayList"), messages.toString());
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.Memoization", "workers.put(name, w)"))
        .contains("duplicate creation:"), messages.toString());
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.Memoization", "ids.put(name, id)"))
        .contains("AtomicInteger.incrementAndGet()"), messages.toString());
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.Memoization", "locks.put(key, lock)"))
        .contains("two identities:"), messages.toString());
    assertTrue(messages.get(Fixtures.lineOf("fixtures.atomic.Memoization", "interned.put(value, value)"))
        .contains("the key itself is stored"), messages.toString());
  }

  @Test
  void messageNamesBothCallsTheirLinesAndTheFix(SpotBugsRunner spotbugs) {
    BugInstance register =
        Fixtures.analyze(spotbugs, "fixtures.atomic.Limiter").stream()
            .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 24)
            .findFirst()
            .orElseThrow();
    String message = register.getMessageWithoutPrefix();
    assertTrue(message.startsWith("buckets.containsKey(user) at line 23 then buckets.put(user, ..) at line 24 on"
        + " buckets (a ConcurrentHashMap) is not atomic (containsKey then put)"), message);
    assertTrue(message.contains("putIfAbsent(k, v)"), message);
  }

  private static java.util.Map<Integer, String> messagesByLine(SpotBugsRunner spotbugs, String fixture) {
    java.util.Map<Integer, String> messages = new java.util.TreeMap<>();
    Fixtures.analyze(spotbugs, fixture)
        .forEach(b -> messages.put(b.getPrimarySourceLineAnnotation().getStartLine(), b.getMessageWithoutPrefix()));
    return messages;
  }
}
