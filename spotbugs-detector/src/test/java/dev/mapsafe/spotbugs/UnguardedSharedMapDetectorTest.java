package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class UnguardedSharedMapDetectorTest {
  /** Set-up, tear-down and toString() are ordered with the object's use; tasks are not. */
  /** Listeners a group-communication library calls from its threads while the application calls them too. */
  /** A public method a task of the class calls on its own object runs on the task's thread too. */
  @Test
  void publicMethodsTasksCall(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.ReloadingCatalog");
  }

  /**
   * A map a method makes and its lambdas write while they run on several threads at once (a parallel stream's
   * operations, tasks launched in a loop); not one per task, locked, ordered, sequential or thread-safe.
   */
  @Test
  void capturedLocalMaps(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.CapturedLocals");
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.CapturedLocals").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("sizes, a TreeMap this method makes, is written by")
        && m.contains("in the task passed to pool.submit(..) at line 36, launched in a loop")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("sizes, a HashMap this method makes, is written by")
        && m.contains("in the tasks passed to pool.invokeAll(..) at line 61, several runs")), messages.toString());
  }

  /** A stage that follows an async one runs on the pool's thread; one the method completes or joins does not race. */
  @Test
  void stagesAfterAsyncOnes(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.AsyncStages");
  }

  @Test
  void groupCommunicationListeners(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.GroupListeners");
  }

  @Test
  void lifecycleMethods(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.Lifecycle");
  }

  /** Members that exist for tests, called only by such members, run while a test drives the object. */
  @Test
  void testOnlyWriters(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.TestOnlyWriters");
  }

  /** Unlocked size() and isEmpty() are hints, not races; a plain get on the same kind of map still is. */
  @Test
  void countReadsAreHints(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.CountHints");
  }

  @Test
  void tasksParallelStreamsAndThreads(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.PriceBoard");
  }

  @Test
  void sharedInstancesAndInconsistentLocking(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.SharedInstances");
  }

  /** Static state, WeakHashMaps and maps keyed by the current thread are shared with no thread in sight. */
  @Test
  void mapsSharedWithNoVisibleThread(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.NoVisibleThread");
  }

  /**
   * A class whose supertype's contract shares one instance between requests (the servlet context, a validator, a
   * Spring MVC argument resolver and what the resolver keeps, a TLS session) is shared: its caches are reported, with
   * the contract in the message; a request, locked and concurrent caches, and tables the constructor fills are not.
   */
  @Test
  void instancesSharedByContract(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.ContractInstances");
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.ContractInstances").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("methods (a HashMap)")
        && m.contains("ServletContext, one per web application")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("resolved (a HashMap)")
        && m.contains("Spring MVC argument resolver")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("values (a HashMap)")
        && m.contains("TLS session, used by every connection that resumes it at once")), messages.toString());
  }

  /**
   * An object a builder makes and hands to a shared object's constructor is kept by it, as one it makes itself;
   * not when its keeper is not shared, when only its construction fills the map, or when its uses lock.
   */
  @Test
  void componentsGivenToSharedConstructors(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.BuiltComponents");
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.BuiltComponents").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.contains("OutboundProvider.targets of a Helidon security provider")),
        messages.toString());
  }

  /**
   * A field given its constructor's parameter holds what every caller passes, this(..) included: a concurrent map
   * among them leaves the plain one a static holder keeps (and locks) unreported (freemarker's SoftCacheStorage).
   */
  @Test
  void backingMapsOfEveryConstructorCaller(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.BackedStorages");
  }

  /**
   * A component kept in an {@code Optional} is kept, and a nested object that fills its enclosing provider's cache as
   * it is made does so where it is made; not for keepers nothing shares, nor for a nested object made while its
   * provider is built or filling its own map.
   */
  @Test
  void componentsKeptInOptionalsAndNestedMakers(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.KeptComponents");
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.KeptComponents").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.contains("EntityConverter.invokers of a component kept in field "
        + "MappingContext.converter")), messages.toString());
  }

  /**
   * A per-type cache of an object whose fields are all final is metadata, made once and queried by all its users;
   * not a walker with changing state, a cache of names, a table filled while the object is made, or a subclass of
   * a class with mutable state.
   */
  @Test
  void perTypeCachesOfMetadata(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.TypeMetadata");
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.TypeMetadata").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.contains("a per-type cache of an object whose fields are all final")),
        messages.toString());
  }

  /**
   * A miss found by one method and filled by the private helper it calls is a write made on use, as in one
   * method; a helper of registrations, one that fills before any read, or one called under the lock is not.
   */
  @Test
  void cachesFilledByPrivateHelpers(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.HelperFills");
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.HelperFills").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("resolved (a HashMap)")
        && m.contains("GroupValidator.orders of a Bean Validation Validator")), messages.toString());
  }

  /**
   * The values of a registry that locks its map and hands them out are shared, as is what they keep; an unlocked
   * registry, values used only under its lock, set-up writes and values that lock their own cache are not reported.
   */
  @Test
  void valuesOfLockedRegistries(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.RegistryValues");
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.RegistryValues").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("cache (a HashMap)")
        && m.contains("ClassInfo.methods of a value of map Introspector.infos, guarded by infos")), messages.toString());
  }

  /** The same maps filled during class initialization, locked, thread-safe, local, or keyed by names. */
  @Test
  void mapsWithNoVisibleThreadThatAreSafe(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.shared.NoVisibleThreadNegatives").isEmpty());
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.NoVisibleThreadNegatives");
  }

  /**
   * Helpers every caller runs under a lock (chains of helpers, recursion, nested classes' package-private
   * methods, helpers only construction calls) hold it; one caller without it anywhere loses it.
   */
  @Test
  void locksCallersHold(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.CallerHeldLocks");
  }

  /**
   * A subclass's {@code synchronized} methods and {@code synchronized (this)} hold its base class's monitor (one
   * object): a map of the base class written under either is guarded; a write with neither races.
   */
  @Test
  void monitorOfTheBaseClass(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.InheritedMonitors");
  }

  /**
   * Private acquire and release helpers hold the lock between their calls; a helper that takes and releases the
   * lock itself leaves its caller's hold as it was.
   */
  @Test
  void lockHelpersOfTheClass(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.LockHelpers");
  }

  /**
   * Tasks of one single-thread executor run one at a time (in a loop too); a caller, another executor, a pool, or an
   * executor field that may hold a pool still overlap them.
   */
  @Test
  void tasksOfOneSingleThreadExecutor(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.SerialWorkers");
  }

  /**
   * Public methods the module calls only with a lock held run under it (code outside may call them, but the
   * module's calls are their contract); one unlocked module call, calls in construction only, or a JDK interface
   * that anything may call them through, lose it.
   */
  @Test
  void locksTheModulesCallersHold(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.ModuleCallerLocks");
  }

  @Test
  void reassignmentLosesTheConcurrentMap(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.Routes");
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.shared.SharedNegatives").stream()
        .noneMatch(marker -> marker.contains("UNGUARDED_SHARED_MAP")));
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.SharedNegatives");
  }

  @Test
  void messageSaysWhatSharesTheMap(SpotBugsRunner spotbugs) {
    java.util.List<String> messages = Fixtures.analyze(spotbugs, "fixtures.shared.NoVisibleThread").stream()
        .map(BugInstance::getMessageWithoutPrefix)
        .toList();
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("PATTERNS (a HashMap)")
        && m.contains("(a static map: every thread that uses the class shares it)")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("resolved (a WeakHashMap) is written by Map.put")
        && m.contains("(a WeakHashMap: a cache of objects other code owns")), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("byThread (a HashMap)")
        && m.contains("(a map keyed by the current thread")), messages.toString());
  }

  @Test
  void messageNamesBothSitesTheirThreadsAndTheLocks(SpotBugsRunner spotbugs) {
    BugInstance refresh =
        Fixtures.analyze(spotbugs, "fixtures.shared.PriceBoard").stream()
            .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 27)
            .findFirst()
            .orElseThrow();
    String message = refresh.getMessageWithoutPrefix();
    assertTrue(message.startsWith("prices (a HashMap) is written by Map.put(Object, Object) at line 27 in the task"
        + " passed to pool.execute(..) at line 27 and accessed by Map.get(Object) at line 75 in callers of latest(),"
        + " with no lock held at either"), message);
    assertEquals(Priorities.HIGH_PRIORITY, refresh.getPriority());
  }

  /** Code compiled for Java 8: a nested task reads its outer class's map through a synthetic accessor. */
  @Test
  void nestedTasksThroughSyntheticAccessors(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.jdk8.NestedTasks");
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.jdk8.SuiteRegistry");
  }

  /**
   * Tasks that reach their maker through fields pointing back to it (a stream's connection, a retry task's
   * registry), launched directly or through a method that passes its task on to the pool.
   */
  @Test
  void tasksReachingTheirMakerThroughBackReferences(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.BackReferences");
  }

  /** A field holding Map.of() until a mutable map replaces it is that map; a concurrent or locked one is not raced. */
  @Test
  void placeholdersReplacedByMutableMaps(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.Placeholders");
  }

  /**
   * Fork-join tasks that fork their own kind run their computations at once: the map of the object that made them,
   * written by each, is raced; each task's own map, a locked one and a task forking nothing of its kind are not.
   */
  @Test
  void forkJoinTasksForkingTheirOwnKind(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.ForkJoinTasks");
  }

  /**
   * A publisher calls its subscribers back on its threads, one call at a time: a map the callbacks fill and the
   * subscriber's other methods read is raced (named, self-subscribing and anonymous subscribers, a consumer lambda);
   * a map only the callbacks use, a reader that first waits for completion, a locked one and a consumer waited for
   * are not.
   */
  @Test
  void subscribersCalledBackByTheirPublisher(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.Subscribers");
  }

  /**
   * A field given one of two maps by a choice holds either: a weak or identity map beside a concurrent one is
   * reported, a choice of thread-safety itself is not; a static cache races on whatever branch made it.
   */
  @Test
  void mapsChosenByACondition(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.ChosenMaps");
  }

  /** A map factory's result ({@code Maps.newHashMap()}) is a map of its class, as {@code new} is. */
  @Test
  void mapsMadeByFactories(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.shared.FactoryMaps");
  }

  /**
   * A library's timer known by its signature launches; a method of the same shape with a predicate first does not.
   * The timer is on the classpath, not among the analysed classes.
   */
  @Test
  void libraryTimersKnownBySignature(SpotBugsRunner spotbugs) {
    spotbugs.addAuxClasspathEntry(engine -> { }, Fixtures.CLASSES);
    Fixtures.assertExactlyMarked(spotbugs, "dev.mapsafe.spotbugs.testlib.Leases");
  }
}
