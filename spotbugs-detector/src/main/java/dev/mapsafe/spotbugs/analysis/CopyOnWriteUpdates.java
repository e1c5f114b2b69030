package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.threads.Overlap;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.XField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Copy-on-write updates of {@code volatile} map fields ({@code Map copy = new HashMap<>(map); copy.put(k, v);
 * map = copy;}) and the locks that serialize them. Two updates at once each copy the old map, and the later publish
 * drops the earlier one's change, so every update must hold one lock; an update path that lacks the lock all the
 * others hold loses updates. A private helper's update is followed to each call of it. The Error Prone engine's
 * counterpart has the same name.
 */
public final class CopyOnWriteUpdates {

  /** An update path without the lock the others hold: where it starts, and the lock. */
  public static final class Unlocked {
    public final XField field;
    public final MapValues where;
    public final SourceLineAnnotation line;
    public final String lock;
    /** The methods whose updates hold the lock, for messages. */
    public final Set<String> lockedIn;

    Unlocked(XField field, MapValues where, SourceLineAnnotation line, String lock, Set<String> lockedIn) {
      this.field = field;
      this.where = where;
      this.line = line;
      this.lock = lock;
      this.lockedIn = lockedIn;
    }
  }

  /** One way an update runs: the method where it starts (the update, or a call of its private helper). */
  private static final class Path {
    final MapValues where;
    final Location location;
    final SourceLineAnnotation line;
    final Set<String> locks;

    Path(MapValues where, Location location, SourceLineAnnotation line, Set<String> locks) {
      this.where = where;
      this.location = location;
      this.line = line;
      this.locks = locks;
    }
  }

  private static final int MAX_DEPTH = 3;

  private final Map<XField, List<Map.Entry<MapValues, Publications.PublishedValue>>> updates = new LinkedHashMap<>();

  /** Notes the copy-on-write updates of one method: a copy of a field's map published into the same field. */
  public void add(MapValues method) {
    for (Publications.PublishedValue published : method.publications()) {
      ShallowCopies.Copy copy = published.field == null ? null : method.copyOf(published.value);
      if (copy != null && copy.source.root() instanceof Origin.FieldLoad) {
        Origin.FieldLoad source = (Origin.FieldLoad) copy.source.root();
        if (source.field().equals(published.field) && (source.onThis() || source.field().isStatic())) {
          updates.computeIfAbsent(published.field, f -> new ArrayList<>()).add(Map.entry(method, published));
        }
      }
    }
  }

  /**
   * The update paths, of every field updated copy-on-write in at least three paths, that lack the lock every
   * other path holds (two of them at least), and that may run while the object is in use.
   */
  public List<Unlocked> unlocked(CallerLocks locks, ThreadReach reach) {
    List<Unlocked> found = new ArrayList<>();
    updates.forEach((field, fieldUpdates) -> {
      List<Path> paths = new ArrayList<>();
      for (Map.Entry<MapValues, Publications.PublishedValue> update : fieldUpdates) {
        Publications.PublishedValue published = update.getValue();
        collect(update.getKey(), published.location, published.line, published.heldOrigins, published.thisHeld,
            locks, reach, paths, 0);
      }
      paths.removeIf(p -> !inUse(p.where, reach));
      List<Path> locked = new ArrayList<>();
      Set<String> common = null;
      for (Path p : paths) {
        if (!p.locks.isEmpty()) {
          locked.add(p);
          common = common == null ? new TreeSet<>(p.locks) : common;
          common.retainAll(p.locks);
        }
      }
      if (common == null || common.isEmpty() || locked.size() < 2 || locked.size() == paths.size()) {
        return;
      }
      String lock = common.iterator().next();
      Set<String> lockedIn = new TreeSet<>();
      locked.forEach(p -> lockedIn.add(p.where.method().getName() + "()"));
      for (Path p : paths) {
        if (p.locks.isEmpty()) {
          found.add(new Unlocked(field, p.where, p.line, HeldLocks.display(lock), lockedIn));
        }
      }
    });
    return found;
  }

  /** The paths of an update at {@code location} in {@code method}: itself, or each call of its private method. */
  private static void collect(MapValues method, Location location, SourceLineAnnotation line,
      List<Origin> heldOrigins, boolean thisHeld, CallerLocks locks, ThreadReach reach, List<Path> paths, int depth) {
    Set<String> held = locks.protectingAt(method, location, heldOrigins, thisHeld, false);
    List<Map.Entry<MapValues, MapValues.CallSite>> calls = held.isEmpty() && depth < MAX_DEPTH
        ? reach.privateCallsOf(method.method().getMethodDescriptor())
        : List.of();
    if (calls.isEmpty()) {
      paths.add(new Path(method, location, line, held));
      return;
    }
    for (Map.Entry<MapValues, MapValues.CallSite> call : calls) {
      MapValues.CallSite site = call.getValue();
      collect(call.getKey(), site.location,
          SourceLineAnnotation.fromVisitedInstruction(call.getKey().method().getMethodDescriptor(), site.location),
          site.heldOrigins, site.thisHeld, locks, reach, paths, depth + 1);
    }
  }

  /** Whether the method may run while its object is in use: not in construction, nor only in lifecycle methods. */
  private static boolean inUse(MapValues method, ThreadReach reach) {
    return reach.of(method.method().getMethodDescriptor()).stream()
        .anyMatch(c -> c.kind() != Overlap.Kind.CONSTRUCTION && c.kind() != Overlap.Kind.LIFECYCLE);
  }
}
