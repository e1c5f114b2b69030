package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.threads.Locks;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.CallerLocks;
import dev.mapsafe.spotbugs.analysis.HeldLocks;
import dev.mapsafe.spotbugs.analysis.MapGuards;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.Races;
import dev.mapsafe.spotbugs.analysis.ThreadReach;
import edu.umd.cs.findbugs.ba.XField;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.SelfLockedMaps;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.FieldAnnotation;
import edu.umd.cs.findbugs.MethodAnnotation;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.apache.bcel.classfile.Method;

/**
 * UnlockedMapIteration on bytecode: a view of a {@code Collections.synchronized*} wrapper or a
 * {@code Hashtable} traversed from outside without the map's monitor; a traversal of a map field that a lock
 * guards ({@link MapGuards}) without that lock, or whose iterator or stream is used after the lock is released.
 * Facts are collected per class (an outer class, its lambdas and its inner classes are separate class files)
 * and reported once at the end.
 */
public final class UnlockedMapIterationDetector implements Detector {
  private static final Pattern PATTERN = Pattern.UNLOCKED_MAP_ITERATION;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final SelfLockedMaps selfLocked = new SelfLockedMaps(hierarchy);
  private final List<MapValues> methods = new ArrayList<>();
  /** Monitors held where a lambda body is run inline, by body: the body runs with them held. */
  private final Map<MethodDescriptor, List<List<Origin>>> heldAroundInlineLambdas = new HashMap<>();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final Races races = new Races(new ThreadReach(hierarchy), new CallerLocks(hierarchy));
  private final ThreadReach reach = races.reach();

  public UnlockedMapIterationDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    for (Method method : context.getJavaClass().getMethods()) {
      if (method.getCode() == null) {
        continue;
      }
      try {
        MapValues values = MapValues.analyze(context, method, hierarchy);
        selfLocked.add(values);
        implementations.add(values);
        reach.add(values);
        races.add(values, HeldLocks.analyze(context, method, values, hierarchy));
        for (MapValues.InlineLambda lambda : values.inlineLambdas()) {
          heldAroundInlineLambdas.computeIfAbsent(lambda.body, b -> new ArrayList<>()).add(lambda.heldOrigins);
        }
        if (!values.traversals().isEmpty()) {
          methods.add(values);
        }
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    for (MapValues method : methods) {
      for (MapValues.TraversalSite site : method.traversals()) {
        if (!site.effect.isExternalTraversal()
            && !(site.subject instanceof Origin.View && ((Origin.View) site.subject).walksByIterator())) {
          continue; // the map walks itself, under its monitor; not through a view that walks it by iterator
        }
        Optional<SelfLockedMaps.Resolved> map = selfLocked.resolve(site.subject, method);
        // A synchronized wrapper says the map is shared. Legacy code uses Hashtable as its everyday map, so a
        // Hashtable needs evidence: the code locks it elsewhere, so its author knows traversals need the lock.
        if (map.isEmpty()
            || (!map.get().kind.deliberate && !selfLocked.isLockedSomewhere(map.get()))
            || site.rootMonitorHeld
            || isHeldUnderAnotherName(site, map.get())
            || isHeldByInlineCaller(method, map.get())) {
          continue;
        }
        bugs.add(bug(method, site, map.get()));
      }
    }
    bugs.addAll(unlockedTraversalsOfGuardedMaps());
    Findings.report(bugs, reporter);
    methods.clear();
    heldAroundInlineLambdas.clear();
  }

  /** Traversals of lock-guarded map fields without the lock, or whose iterator or stream outlives the lock. */
  private List<BugInstance> unlockedTraversalsOfGuardedMaps() {
    MapGuards guards = new MapGuards(races, implementations, hierarchy);
    List<BugInstance> bugs = new ArrayList<>();
    for (XField field : races.fields()) {
      Optional<MapGuards.Guard> guard = guards.of(field);
      if (guard.isEmpty()) {
        continue;
      }
      for (Races.Site site : races.sitesOf(field)) {
        if (site.kind() != MapEffect.ITERATE || site.contexts.isEmpty() || MapGuards.constructionOnly(site)) {
          continue;
        }
        if (!Races.runsWhileInUse(site) && !races.writtenByTask(field)) {
          continue; // a lifecycle method: the contract orders it with the methods that write under the lock
        }
        String situation = null;
        if (!guard.get().heldAmong(site.protection)) {
          if (isCopyValidatedLater(site)) {
            continue; // an optimistic read: a torn copy is thrown away
          }
          situation = Messages.withoutLock(guard.get().lock);
        } else {
          for (MapValues.ResultUse use : site.access.resultUses) {
            if (!guard.get().heldAmong(races.protectionAt(site.where, use))) {
              situation = Messages.usedAfterUnlock(guard.get().lock, use.line.getStartLine());
              break;
            }
          }
        }
        if (situation != null) {
          String traversal = site.access.effect.fact().display() + " of " + site.access.subject.display() + " at line "
              + site.access.line.getStartLine();
          bugs.add(new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
              .addClass(site.where.method().getClassName())
              .addMethod(MethodAnnotation.fromXMethod(site.where.method()))
              .addString(Messages.unlockedGuardedMapIteration(
                  field.getName(), guard.get().describe(), guard.get().lock, traversal, situation))
              .addField(FieldAnnotation.fromXField(field))
              .addSourceLine(site.access.line));
        }
      }
    }
    return bugs;
  }

  /**
   * A copy ({@code new HashMap<>(map)}, {@code List.copyOf(map.values())}) followed in its method by a
   * {@code StampedLock.validate(..)}: the optimistic-read idiom, which uses the copy only once validated.
   */
  private boolean isCopyValidatedLater(Races.Site site) {
    ApiMethod copy = site.access.effect.fact();
    if (copy.kind() != CallKind.CONSTRUCTOR && !copy.name().equals("copyOf")) {
      return false;
    }
    int at = site.access.location.getHandle().getPosition();
    return site.where.callSites().stream()
        .anyMatch(c -> c.location.getHandle().getPosition() > at
            && Locks.validatesOptimisticRead(c.callee.getClassDescriptor().getDottedClassName(), c.callee.getName(),
                hierarchy));
  }

  private boolean isHeldUnderAnotherName(MapValues.TraversalSite site, SelfLockedMaps.Resolved map) {
    for (Origin held : site.heldOrigins) {
      if (selfLocked.sameObject(held, map)) {
        return true;
      }
    }
    return false;
  }

  /** A lambda body run inline where every call site holds the map's monitor. */
  private boolean isHeldByInlineCaller(MapValues method, SelfLockedMaps.Resolved map) {
    List<List<Origin>> callers = heldAroundInlineLambdas.get(method.method().getMethodDescriptor());
    if (callers == null) {
      return false;
    }
    for (List<Origin> held : callers) {
      if (held.stream().noneMatch(h -> selfLocked.sameObjectFromCaller(h, map))) {
        return false;
      }
    }
    return true;
  }

  private BugInstance bug(MapValues method, MapValues.TraversalSite site, SelfLockedMaps.Resolved map) {
    String message =
        Messages.unlockedMapIteration(
            map.identity.display(), map.kind.description, site.subject.display(), site.effect.fact().display());
    BugInstance bug =
        new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
            .addClass(method.method().getClassName())
            .addMethod(MethodAnnotation.fromXMethod(method.method()))
            .addString(message);
    if (map.field != null) {
      bug.addField(FieldAnnotation.fromXField(map.field));
    }
    return bug.addSourceLine(site.line);
  }
}
