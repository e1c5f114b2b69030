package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.CheckThenAct;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.RaceConsequence;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.EntryLocks;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.CallerLocks;
import dev.mapsafe.spotbugs.analysis.CopyOnWriteUpdates;
import dev.mapsafe.spotbugs.analysis.KeyedCalls;
import dev.mapsafe.spotbugs.analysis.MapFillers;
import dev.mapsafe.spotbugs.analysis.HeldLocks;
import dev.mapsafe.spotbugs.analysis.MapDelegates;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.OnceOnlyEffects;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.Races;
import dev.mapsafe.spotbugs.analysis.Refills;
import dev.mapsafe.spotbugs.analysis.SelfLockedMaps;
import dev.mapsafe.spotbugs.analysis.ThreadReach;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.FieldAnnotation;
import edu.umd.cs.findbugs.MethodAnnotation;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.XField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.classfile.Method;

/**
 * NonAtomicMapUpdate on bytecode: two single-key calls on one concurrent or synchronized map and key that must
 * be one atomic call ({@link KeyedCalls} finds them). Which maps are thread-safe per call is decided once every
 * class has been seen (fields are assigned in constructors and other classes).
 */
public final class NonAtomicMapUpdateDetector implements Detector {
  private static final Pattern PATTERN = Pattern.NON_ATOMIC_MAP_UPDATE;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final SelfLockedMaps selfLocked = new SelfLockedMaps(hierarchy);
  private final MapDelegates delegates = new MapDelegates(hierarchy);
  private final CopyOnWriteUpdates copyOnWrite = new CopyOnWriteUpdates();
  private final CallerLocks callerLocks = new CallerLocks(hierarchy);
  private final Races races = new Races(new ThreadReach(hierarchy), callerLocks);
  /** Map fields some analysed code clears: the candidates of a refill ({@link Refills}). */
  private final Set<XField> clearedFields = new LinkedHashSet<>();
  private final Map<MapValues, List<KeyedCalls.Sequence>> found = new LinkedHashMap<>();
  /** Map fields some analysed code removes entries from (by class and name). */
  private final Set<String> fieldsWithRemovals = new HashSet<>();
  /** Stores of values their keys determine ({@link RaceConsequence#storesKeyDeterminedValue}), by site. */
  private final Set<String> keyDeterminedStores = new HashSet<>();
  /** For each map field, where analysed code writes it other than by removals (method and bytecode position). */
  private final Map<String, Set<String>> fieldWrites = new HashMap<>();

  public NonAtomicMapUpdateDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    Map<Method, MapValues> analysed = new LinkedHashMap<>();
    for (Method method : context.getJavaClass().getMethods()) {
      try {
        if (method.getCode() != null) {
          analysed.put(method, MapValues.analyze(context, method, hierarchy));
        }
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
    OnceOnlyEffects helpers = OnceOnlyEffects.ofClass(analysed.values(), hierarchy);
    MapFillers fillers = MapFillers.ofClass(analysed.values(), hierarchy);
    for (Map.Entry<Method, MapValues> entry : analysed.entrySet()) {
      Method method = entry.getKey();
      try {
        MapValues values = entry.getValue();
        implementations.add(values);
        selfLocked.add(values);
        noteRemovals(values);
        copyOnWrite.add(values);
        HeldLocks regions = HeldLocks.analyze(context, method, values, hierarchy);
        races.reach().add(values);
        races.add(values, regions);
        for (MapValues.Access access : values.accesses()) {
          if (MapApi.empties(access.effect.fact().name()) && access.subject.root() instanceof Origin.FieldLoad) {
            clearedFields.add(((Origin.FieldLoad) access.subject.root()).field());
          }
        }
        if (!KeyedCalls.worthAnalyzing(values, delegates, hierarchy)) {
          continue; // the dataflow below is the costly part: most methods make no two single-key calls
        }
        KeyedCalls.Found calls = KeyedCalls.analyze(context, method, values, regions, delegates, helpers, fillers,
            hierarchy);
        if (!calls.sequences.isEmpty()) {
          found.put(values, calls.sequences);
        }
        calls.keyDeterminedStores.forEach(store -> keyDeterminedStores.add(site(values, store)));
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    Set<String> memoizingStores = new HashSet<>(keyDeterminedStores);
    for (Map.Entry<MapValues, List<KeyedCalls.Sequence>> method : found.entrySet()) {
      for (KeyedCalls.Sequence sequence : method.getValue()) {
        if (RaceConsequence.memoizes(sequence.kind, sequence.stored)) {
          memoizingStores.add(site(method.getKey(), sequence.act.location));
        }
      }
    }
    for (Map.Entry<MapValues, List<KeyedCalls.Sequence>> method : found.entrySet()) {
      for (KeyedCalls.Sequence sequence : method.getValue()) {
        Optional<RaceConsequence.Consequence> consequence = sequence.kind == CheckThenAct.STALE_NULL_AFTER_RECHECK
            ? Optional.of(RaceConsequence.ofStaleNull(
                Messages.ownValueUse(sequence.ownValueName, sequence.ownValueUse.getStartLine())))
            : RaceConsequence.of(sequence.kind, sequence.stored, hasRemovals(sequence.act),
                updatedElsewhere(sequence.act, memoizingStores), isCache(sequence.act, memoizingStores));
        Optional<String> kind = kindOf(sequence.act, method.getKey());
        if (consequence.isPresent() && kind.isPresent() && !lockedByCallers(method.getKey(), sequence)) {
          bugs.add(bug(method.getKey(), sequence, kind.get(), consequence.get()));
        }
      }
    }
    for (XField field : clearedFields) {
      for (Refills.Refill refill : Refills.of(field, races)) {
        refillBug(field, refill, memoizingStores).ifPresent(bugs::add);
      }
    }
    for (CopyOnWriteUpdates.Unlocked update : copyOnWrite.unlocked(callerLocks, races.reach())) {
      bugs.add(new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
          .addClass(update.where.method().getClassName())
          .addMethod(MethodAnnotation.fromXMethod(update.where.method()))
          .addString(Messages.unlockedCopyOnWriteUpdate(update.field.getName(), update.lock, update.lockedIn,
              update.line.getStartLine()))
          .addField(FieldAnnotation.fromXField(update.field))
          .addSourceLine(update.line));
    }
    Findings.report(bugs, reporter);
    found.clear();
    clearedFields.clear();
    fieldsWithRemovals.clear();
    fieldWrites.clear();
    keyDeterminedStores.clear();
  }

  /**
   * Whether an exclusive lock is held at both calls, by their method or by every caller of it (or where a helper
   * or an inline callback runs the lambda they are in): the bytecode twin of Error Prone's
   * {@code CallerLocks.exclusiveProtectingAt}.
   */
  private boolean lockedByCallers(MapValues method, KeyedCalls.Sequence sequence) {
    Set<String> common =
        new HashSet<>(callerLocks.protectingAt(method, sequence.check.location, List.of(), false, false));
    common.retainAll(callerLocks.protectingAt(method, sequence.act.location, List.of(), false, false));
    return !common.isEmpty();
  }

  /**
   * Notes the removals and other writes of map fields; a call of a {@link MapDelegates} delegate is its write, made
   * where it is called (the delegate's own write then stands for nothing more, when the jar sees all its callers).
   */
  private void noteRemovals(MapValues values) {
    boolean construction = values.method().getName().equals("<init>") || values.method().getName().equals("<clinit>");
    boolean standsForItsCalls = delegates.of(values.method().getMethodDescriptor()).isPresent()
        && BytecodeApi.callersSeenInJar(values.method()) == EntryLocks.Callers.ALL;
    for (MapValues.Access access : values.accesses()) {
      Origin root = access.subject.root();
      if (root instanceof Origin.FieldLoad && access.effect.kind() == MapEffect.WRITE) {
        noteWrite(mapKey(((Origin.FieldLoad) root).field(), null), access.effect.fact().name(),
            construction || standsForItsCalls ? null : site(values, access.location));
      }
    }
    for (MapValues.CallSite call : values.callSites()) {
      delegates.of(call, values).filter(d -> d.use.writes()).ifPresent(d -> noteWrite(mapKey(d.field, call.receiver),
          d.api.name(), construction ? null : site(values, call.location)));
    }
  }

  /**
   * The name the writes of a map are noted under: its field's; for a call through an accessor on a field of the
   * caller's object ({@code names.put(k, v)} reaching {@code NameCache.map}), that field's and the accessor's, since
   * other objects' accessors reach other maps.
   */
  private static String mapKey(XField field, Origin through) {
    String name = field.getClassName() + "." + field.getName();
    if (through != null && through.root() instanceof Origin.FieldLoad) {
      XField owner = ((Origin.FieldLoad) through.root()).field();
      return owner.getClassName() + "." + owner.getName() + "/" + name;
    }
    return name;
  }

  /** A write of a map by the named call; {@code site} null when it is part of the map's construction. */
  private void noteWrite(String name, String call, String site) {
    if (MapApi.mayRemoveEntries(call)) {
      fieldsWithRemovals.add(name);
    }
    if (site != null && !call.equals("remove") && !call.equals("clear")) {
      fieldWrites.computeIfAbsent(name, f -> new HashSet<>()).add(site);
    }
  }

  /**
   * Whether entries of the act's map can be removed: a field only if some analysed code removes from it (through
   * an accessor of a field of the caller's object, also the accessor's class's own removals).
   */
  private boolean hasRemovals(KeyedCalls.Call act) {
    Origin root = act.map.root();
    if (!(root instanceof Origin.FieldLoad)) {
      return true;
    }
    XField field = ((Origin.FieldLoad) root).field();
    return fieldsWithRemovals.contains(mapKey(field, act.through)) || fieldsWithRemovals.contains(mapKey(field, null));
  }

  /** Whether the act's map field is written anywhere other than by the memoizing stores (and removals). */
  private boolean updatedElsewhere(KeyedCalls.Call act, Set<String> memoizingStores) {
    Origin root = act.map.root();
    return root instanceof Origin.FieldLoad && !memoizingStores.containsAll(
        fieldWrites.getOrDefault(mapKey(((Origin.FieldLoad) root).field(), act.through), Set.of()));
  }

  /** Whether the act's map field is written, and only by memoizing stores (and removals). */
  private boolean isCache(KeyedCalls.Call act, Set<String> memoizingStores) {
    Origin root = act.map.root();
    if (!(root instanceof Origin.FieldLoad)) {
      return false;
    }
    Set<String> writes = fieldWrites.getOrDefault(mapKey(((Origin.FieldLoad) root).field(), act.through), Set.of());
    return !writes.isEmpty() && memoizingStores.containsAll(writes);
  }

  private static String site(MapValues method, edu.umd.cs.findbugs.ba.Location location) {
    return method.method() + "@" + location.getHandle().getPosition();
  }

  /** A thread-safe map field cleared and filled again while other methods read it, unless it is a cache. */
  private Optional<BugInstance> refillBug(XField field, Refills.Refill refill, Set<String> memoizingStores) {
    Optional<String> kind = kindOf(refill.clear.access.subject, refill.clear.access.effect.fact().owner(),
        refill.clear.where);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    boolean cache = races.sitesOf(field).stream().anyMatch(s -> s.where != refill.clear.where
        && s.kind() == MapEffect.WRITE && (MapApi.fillsOnMiss(s.access.effect.fact().name())
            || memoizingStores.contains(site(s.where, s.access.location))));
    Races.Site reader = refill.reader;
    Optional<RaceConsequence.Consequence> consequence = RaceConsequence.ofRefill(
        site(reader) + " in " + reader.where.method().getName() + "()", cache);
    if (consequence.isEmpty()) {
      return Optional.empty();
    }
    String map = refill.clear.access.subject.display();
    return Optional.of(new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
        .addClass(refill.clear.where.method().getClassName())
        .addMethod(MethodAnnotation.fromXMethod(refill.clear.where.method()))
        .addString(Messages.nonAtomicMapUpdate(map, kind.get(), CheckThenAct.CLEAR_THEN_REFILL, consequence.get(),
            site(refill.clear), site(refill.fill)))
        .addField(FieldAnnotation.fromXField(field))
        .addSourceLine(refill.clear.access.line));
  }

  /** {@code Map.putAll(Map) at line 100}. */
  private static String site(Races.Site site) {
    return site.access.effect.fact().display() + " at line " + site.access.line.getStartLine();
  }

  /** What makes the map thread-safe per call, when other threads may see it; else empty. */
  private Optional<String> kindOf(KeyedCalls.Call act, MapValues method) {
    return kindOf(act.map, act.api.owner(), method);
  }

  private Optional<String> kindOf(Origin map, String callOwner, MapValues method) {
    Origin root = map.root();
    if (root instanceof Origin.Constructed) {
      String created = ((Origin.Constructed) root).className();
      return method.escapes((Origin.Constructed) root) && MapTypes.isConcurrentMap(created, hierarchy)
          ? Optional.of(simpleName(created))
          : Optional.empty(); // a local map: no other thread sees it
    }
    if (MapTypes.isConcurrentMap(callOwner, hierarchy)) {
      return Optional.of(simpleName(callOwner));
    }
    if (root instanceof Origin.FieldLoad) {
      Optional<List<String>> classes = implementations.of(((Origin.FieldLoad) root).field());
      if (classes.isPresent() && classes.get().stream().allMatch(c -> MapTypes.isConcurrentMap(c, hierarchy))) {
        return Optional.of(simpleName(classes.get().get(0)));
      }
    }
    Optional<SelfLockedMaps.Resolved> self = selfLocked.resolve(map, method);
    // Legacy code uses Hashtable as its everyday map: it counts as shared only if the code locks it somewhere.
    return self.filter(s -> s.kind.deliberate || selfLocked.isLockedSomewhere(s)).map(s -> s.kind.description);
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private BugInstance bug(
      MapValues method, KeyedCalls.Sequence sequence, String kind, RaceConsequence.Consequence consequence) {
    String map = sequence.act.map.display();
    String act = sequence.kind == CheckThenAct.IGNORED_PUT_IF_ABSENT
        ? Messages.ownValueUse(sequence.ownValueName, sequence.ownValueUse.getStartLine())
        : call(map, sequence.act);
    String message = Messages.nonAtomicMapUpdate(map, kind, sequence.kind, consequence, call(map, sequence.check), act);
    BugInstance bug =
        new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
            .addClass(method.method().getClassName())
            .addMethod(MethodAnnotation.fromXMethod(method.method()))
            .addString(message);
    if (sequence.act.map.root() instanceof Origin.FieldLoad) {
      bug.addField(FieldAnnotation.fromXField(((Origin.FieldLoad) sequence.act.map.root()).field()));
    }
    return bug.addSourceLine(sequence.act.line);
  }

  private static String call(String map, KeyedCalls.Call call) {
    if (call.entryValueRead) {
      return Messages.entryValueRead(map, call.keyName, call.line.getStartLine());
    }
    return Messages.keyedCall(
        map, call.api.name(), call.keyName, call.api.params().size() > 1, call.accessor, call.line.getStartLine());
  }
}
