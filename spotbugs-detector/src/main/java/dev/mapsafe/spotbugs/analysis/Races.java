package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.SharedMaps;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Races on map fields over all analysed classes: the bytecode counterpart of the Error Prone analysis of the
 * same name, deciding with the same rules ({@link Overlap}) on the contexts of {@link ThreadReach} and the
 * locks of {@link HeldMonitors} and {@link HeldLocks}.
 */
public final class Races {

  /** One access of a field's map, where it is, the locks held and the threads it may run on. */
  public static final class Site {
    public final MapValues where;
    public final MapValues.Access access;
    /** The locks held there that show how the map is guarded ({@link CallerLocks#at}). */
    public final Set<String> locks;
    /** The locks that protect it, {@code locks} and those the module's calls hold ({@link CallerLocks#protectingAt}). */
    public final Set<String> protection;
    public final List<ThreadReach.Context> contexts;

    Site(MapValues where, MapValues.Access access, Set<String> locks, Set<String> protection,
        List<ThreadReach.Context> contexts) {
      this.where = where;
      this.access = access;
      this.locks = locks;
      this.protection = protection;
      this.contexts = contexts;
    }

    public MapEffect kind() {
      return access.effect.kind();
    }
  }

  /** A race; {@code lockedElsewhere} names the lock when the evidence is inconsistent locking. */
  public static final class Race {
    public final Site write;
    public final Site other;
    public final ThreadReach.Context writeContext;
    public final ThreadReach.Context otherContext;
    public final String lockedElsewhere;
    public final Site reportAt;

    Race(Site write, Site other, ThreadReach.Context wc, ThreadReach.Context oc, String lockedElsewhere, Site reportAt) {
      this.write = write;
      this.other = other;
      this.writeContext = wc;
      this.otherContext = oc;
      this.lockedElsewhere = lockedElsewhere;
      this.reportAt = reportAt;
    }

    public boolean threadsSeen() {
      return lockedElsewhere == null;
    }
  }

  private final ThreadReach reach;
  private final Map<XField, List<Site>> sites = new LinkedHashMap<>();
  private final CallerLocks locks;
  private final MapSummaries summaries = new MapSummaries();
  /** Maps passed to methods of the analysed code, applied once every method is known. */
  private final List<Map.Entry<MapValues, MapValues.PassedMap>> passedMaps = new ArrayList<>();

  public Races(ThreadReach reach, CallerLocks locks) {
    this.reach = reach;
    this.locks = locks;
  }

  /** Records the accesses of one method to field maps; {@code locks} are its lock regions. */
  public void add(MapValues method, HeldLocks regions) {
    locks.add(method, regions);
    summaries.add(method, regions);
    for (MapValues.PassedMap passed : method.passedMaps()) {
      passedMaps.add(Map.entry(method, passed));
    }
    for (MapValues.Access access : method.accesses()) {
      if (isCountHint(access.effect)) {
        continue;
      }
      if (access.subject.root() instanceof Origin.FieldLoad) {
        XField field = ((Origin.FieldLoad) access.subject.root()).field();
        sites.computeIfAbsent(field, f -> new ArrayList<>()).add(new Site(method, access, null, null, null));
      }
    }
  }

  /** A size() or isEmpty() racing with a write reads an old or a new count: a hint, no corruption. */
  private static boolean isCountHint(Effect effect) {
    return effect.kind() == MapEffect.READ && MapApi.readsOnlyTheCount(effect.fact().name());
  }

  /** The thread contexts the races are decided on. */
  public ThreadReach reach() {
    return reach;
  }

  public Set<XField> fields() {
    applySummaries();
    return sites.keySet();
  }

  /**
   * Adds, once every method has been seen, the accesses made by the callees maps are passed to
   * ({@link MapSummaries}): {@code copy(map.keySet())} traverses the map where the call is.
   */
  private void applySummaries() {
    for (Map.Entry<MapValues, MapValues.PassedMap> entry : passedMaps) {
      MapValues.PassedMap passed = entry.getValue();
      if (!(passed.subject.root() instanceof Origin.FieldLoad)) {
        continue;
      }
      XField field = ((Origin.FieldLoad) passed.subject.root()).field();
      for (Effect effect : summaries.effectsOnArgument(passed.callee, passed.argument)) {
        if (isCountHint(effect)) {
          continue;
        }
        MapValues.Access access = MapValues.Access.atCall(effect, passed);
        sites.computeIfAbsent(field, f -> new ArrayList<>()).add(new Site(entry.getKey(), access, null, null, null));
      }
    }
    passedMaps.clear();
  }

  /** All accesses of a field's map, with their contexts. */
  public List<Site> sitesOf(XField field) {
    applySummaries();
    List<Site> result = new ArrayList<>();
    for (Site s : sites.getOrDefault(field, List.of())) {
      Set<String> held = locks.at(s.where, s.access.location, s.access.heldOrigins, s.access.thisHeld, true);
      Set<String> protection =
          locks.protectingAt(s.where, s.access.location, s.access.heldOrigins, s.access.thisHeld, true);
      Origin root = s.access.subject.root();
      boolean onThis = root instanceof Origin.FieldLoad && ((Origin.FieldLoad) root).onThis();
      boolean isStatic = root instanceof Origin.FieldLoad && ((Origin.FieldLoad) root).field().isStatic();
      result.add(new Site(s.where, s.access, held, protection,
          ThreadReach.forMap(reach.of(s.where.method().getMethodDescriptor()), onThis || isStatic,
              onThis && !isStatic)));
    }
    // Source order, as the Error Prone engine sees the file.
    result.sort(Comparator.comparingInt((Site s) -> s.access.line.getStartLine())
        .thenComparing(s -> s.where.method().getClassName())
        .thenComparingInt(s -> s.access.location.getHandle().getPosition()));
    return result;
  }

  /** The locks every caller of the method holds when it runs ({@link CallerLocks#heldByEveryCaller}). */
  public Set<String> heldByEveryCaller(MapValues method) {
    return locks.heldByEveryCaller(method);
  }

  /**
   * The locks that protect the place where the iterator or stream of a traversal is used: in either mode, with
   * those its callers hold ({@link CallerLocks#protectingAt}).
   */
  public Set<String> protectionAt(MapValues where, MapValues.ResultUse use) {
    return locks.protectingAt(where, use.location, use.heldOrigins, use.thisHeld, true);
  }

  /**
   * The first race on the field's map.
   *
   * @param shared whether many threads use the map or its class's instances at once, with no thread visible
   * @param onlyWritesOnUse whether two callers race only at a write made as the map is used
   *     ({@link SharedMaps#writesOnUse}), the sharing being that of set-up state
   */
  public Optional<Race> on(XField field, boolean shared, boolean onlyWritesOnUse) {
    List<Site> all = sitesOf(field);
    all.removeIf(s -> isFastPathHint(s, all));
    for (boolean sameSiteToo : new boolean[] {false, true}) {
      for (Site w : all) {
        if (w.kind() != MapEffect.WRITE) {
          continue;
        }
        for (ThreadReach.Context wc : w.contexts) {
          for (Site o : all) {
            if (o == w && !sameSiteToo) {
              continue;
            }
            for (ThreadReach.Context oc : o.contexts) {
              if (onlyWritesOnUse && wc.kind() == Overlap.Kind.CALLER && oc.kind() == Overlap.Kind.CALLER
                  && !writesOnUse(w, all)) {
                continue;
              }
              if (overlap(w, wc, o, oc, shared) && !commonLock(w, o)) {
                // Report where the fix goes: at the access that lacks the lock when only one holds one.
                return Optional.of(new Race(w, o, wc, oc, null, !w.locks.isEmpty() && o.locks.isEmpty() ? o : w));
              }
            }
          }
        }
      }
    }
    return Overlap.inconsistentLocking(
            all,
            s -> !s.locks.isEmpty(),
            s -> s.kind() == MapEffect.WRITE,
            s -> s.kind() == MapEffect.READ,
            Races::runsWhileInUse)
        .filter(found -> !commonLock(found.write, found.other))
        .map(found -> {
          Site locked = found.unlocked == found.write ? found.other : found.write;
          return new Race(found.write, found.other, found.write.contexts.get(0), found.other.contexts.get(0),
              locked.locks.stream().sorted().findFirst().orElseThrow(), found.unlocked);
        });
  }

  /**
   * Whether a write is made as the map is used: it reads its entry, or its method read the map before it, or
   * the method that calls it read the map before the call (a miss that a private helper fills).
   */
  private boolean writesOnUse(Site write, List<Site> all) {
    return SharedMaps.writesOnUse(write.access.effect.fact().name(),
        readBefore(write.where, write.access.location.getHandle().getPosition(), all, new HashSet<>()));
  }

  /** Whether the map is read in {@code method} before {@code position}, or before a call that reaches it there. */
  private boolean readBefore(MapValues method, int position, List<Site> all, Set<MethodDescriptor> seen) {
    if (all.stream().anyMatch(s -> s.where == method && s.kind() != MapEffect.WRITE
        && s.access.location.getHandle().getPosition() < position)) {
      return true;
    }
    MethodDescriptor m = method.method().getMethodDescriptor();
    if (seen.size() > SharedMaps.HELPER_DEPTH || !seen.add(m)) {
      return false;
    }
    return reach.privateCallsOf(m).stream()
        .anyMatch(call -> readBefore(call.getKey(), call.getValue().location.getHandle().getPosition(), all, seen));
  }

  /** Whether some access of the field's map is keyed by the current thread. */
  public boolean keyedByThread(XField field) {
    return sites.getOrDefault(field, List.of()).stream().anyMatch(s -> s.access.keyedByThread);
  }

  /**
   * An unlocked read that the same method follows with an access of the map under a lock: a fast path whose miss
   * falls back to the locked code, which looks again (double-checked). It reads a stale answer at worst.
   */
  private static boolean isFastPathHint(Site read, List<Site> all) {
    return read.kind() == MapEffect.READ && read.locks.isEmpty() && all.stream().anyMatch(
        s -> s.where == read.where && !s.locks.isEmpty()
            && s.access.location.getHandle().getPosition() > read.access.location.getHandle().getPosition());
  }

  /**
   * Whether an access runs while the object is in use: not during construction, and not only in lifecycle methods
   * (a lock there is no evidence of sharing, and its absence no race).
   */
  public static boolean runsWhileInUse(Site s) {
    return !s.contexts.isEmpty() && s.contexts.stream().noneMatch(c -> c.kind() == Overlap.Kind.CONSTRUCTION)
        && s.contexts.stream().anyMatch(c -> c.kind() != Overlap.Kind.LIFECYCLE);
  }

  /** Whether a task (a thread the code launches) writes the field's map: it may run during lifecycle methods too. */
  public boolean writtenByTask(XField field) {
    return sitesOf(field).stream().anyMatch(s -> s.kind() == MapEffect.WRITE
        && s.contexts.stream().anyMatch(c -> c.kind() == Overlap.Kind.TASK));
  }

  /**
   * Whether a write and another access of a map may run at the same time with no lock in common.
   *
   * @param shared whether the class's instances are used by many threads at once
   */
  public boolean mayRace(Site write, Site other, boolean shared) {
    if (commonLock(write, other)) {
      return false;
    }
    for (ThreadReach.Context wc : write.contexts) {
      for (ThreadReach.Context oc : other.contexts) {
        if (overlap(write, wc, other, oc, shared)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean overlap(Site w, ThreadReach.Context wc, Site o, ThreadReach.Context oc, boolean shared) {
    return Overlap.mayOverlap(wc, oc, shared, (task, otherIsWrite) -> {
      Site other = otherIsWrite ? w : o;
      return reach.order((ThreadReach.Context) task, other.where, other.access.location);
    });
  }

  private static boolean commonLock(Site a, Site b) {
    Set<String> common = new HashSet<>(a.protection);
    common.retainAll(b.protection);
    return !common.isEmpty();
  }
}
