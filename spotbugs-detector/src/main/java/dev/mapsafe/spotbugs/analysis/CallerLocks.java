package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.InlineCallbacks;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The locks held at a point of the analysed code, by name: the monitors ({@link HeldMonitors}) and lock regions
 * ({@link LockRegions}) of its method, a {@code @GuardedBy} on the method, and what the method's callers hold when
 * it runs: every caller of a private helper (a few callers deep; constructors aside, which need no lock), and,
 * for a lambda body handed to a helper of the class that calls it ({@code withRead(() -> ..)}), the locks held
 * where the helper calls it. The bytecode counterpart of Error Prone's {@code HeldLocks}.
 */
public final class CallerLocks {
  private static final int MAX_DEPTH = 3;

  /** A lambda body given as argument {@code index} of a call of {@code helper} made in {@code caller}. */
  private static final class HelperRun {
    final MethodDescriptor helper;
    final int index;
    final MapValues caller;
    final MapValues.CallSite call;

    HelperRun(MethodDescriptor helper, int index, MapValues caller, MapValues.CallSite call) {
      this.helper = helper;
      this.index = index;
      this.caller = caller;
      this.call = call;
    }
  }

  private final TypeHierarchy hierarchy;
  private final Map<MethodDescriptor, MapValues> methods = new HashMap<>();
  private final Map<MethodDescriptor, LockRegions> regions = new HashMap<>();
  private final Map<MethodDescriptor, List<Map.Entry<MapValues, MapValues.CallSite>>> callers = new HashMap<>();
  private final Map<MethodDescriptor, List<HelperRun>> helperRuns = new HashMap<>();

  public CallerLocks(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** Records one method's facts and lock regions. */
  public void add(MapValues method, LockRegions locks) {
    MethodDescriptor self = method.method().getMethodDescriptor();
    methods.put(self, method);
    regions.put(self, locks);
    for (MapValues.CallSite call : method.callSites()) {
      callers.computeIfAbsent(call.callee, c -> new ArrayList<>()).add(Map.entry(method, call));
      for (int i = 0; i < call.argumentBodies.size(); i++) {
        for (MethodDescriptor body : call.argumentBodies.get(i)) {
          helperRuns.computeIfAbsent(body, b -> new ArrayList<>()).add(new HelperRun(call.callee, i, method, call));
        }
      }
    }
  }

  /**
   * The names of the locks held at a point, with those its callers hold.
   *
   * @param anyMode whether read locks count (race questions), or exclusive locks only
   */
  public Set<String> at(MapValues method, Location location, List<Origin> heldOrigins, boolean thisHeld,
      boolean anyMode) {
    Set<String> names = own(method, location, heldOrigins, thisHeld, anyMode);
    names.addAll(heldWhenRunning(method, anyMode, 0));
    return names;
  }

  /** The locks of the method itself at a point: its regions, its monitors, a {@code @GuardedBy} contract. */
  private Set<String> own(MapValues method, Location location, List<Origin> heldOrigins, boolean thisHeld,
      boolean anyMode) {
    LockRegions own = regions.getOrDefault(method.method().getMethodDescriptor(), LockRegions.NONE);
    Set<String> names = new HashSet<>(anyMode ? own.anyModeAt(location) : own.at(location));
    String className = method.method().getClassName();
    if (thisHeld) {
      names.add(LockRegions.thisLockName(className));
    }
    if (method.method().isStatic() && method.method().isSynchronized()) {
      names.add(LockRegions.classLockName(className));
    }
    for (Origin held : heldOrigins) {
      String name = LockRegions.fieldLockName(held);
      if (name != null) {
        names.add(name);
      }
    }
    // A method annotated @GuardedBy runs with the lock it names held by its callers.
    MapGuards.guardedBy(method.method().getAnnotations(), "")
        .ifPresent(lock -> names.add(lock.equals("this") ? LockRegions.thisLockName(className) : className + "." + lock));
    return names;
  }

  /** The locks held wherever a private method or a helper-run lambda body is run; empty when unknown. */
  private Set<String> heldWhenRunning(MapValues method, boolean anyMode, int depth) {
    if (!method.method().isPrivate() || depth > MAX_DEPTH) {
      return Set.of();
    }
    Set<String> common = null;
    for (Map.Entry<MapValues, MapValues.CallSite> caller : callers.getOrDefault(
        method.method().getMethodDescriptor(), List.of())) {
      String name = caller.getKey().method().getName();
      if (name.equals("<init>") || name.equals("<clinit>")) {
        continue; // construction runs before the object is shared: it needs no lock
      }
      MapValues.CallSite call = caller.getValue();
      Set<String> held = own(caller.getKey(), call.location, call.heldOrigins, call.thisHeld, anyMode);
      if (caller.getKey() != method) {
        held.addAll(heldWhenRunning(caller.getKey(), anyMode, depth + 1));
      }
      common = retain(common, held);
    }
    for (HelperRun run : helperRuns.getOrDefault(method.method().getMethodDescriptor(), List.of())) {
      Set<String> held = heldWhereHelperRuns(run, anyMode, depth);
      if (held == null) {
        return common == null ? Set.of() : common; // handed to code that may run it anywhere
      }
      common = retain(common, held);
    }
    return common == null ? Set.of() : common;
  }

  /** The locks held at every call the helper makes on the lambda's parameter, and at the helper's call site. */
  private Set<String> heldWhereHelperRuns(HelperRun run, boolean anyMode, int depth) {
    MapValues helper = methods.get(run.helper);
    Set<String> common = null;
    if (InlineCallbacks.runsCallbacksInline(
        run.helper.getClassDescriptor().getDottedClassName(), run.helper.getName(), hierarchy)) {
      common = new HashSet<>(); // forEach, compute*, Optional.map: run at the call, under its locks
    } else if (helper == null) {
      return null;
    }
    for (MapValues.ParameterCall call : helper == null ? List.<MapValues.ParameterCall>of()
        : helper.parameterCallsRunningOnlyHere()) {
      if (call.parameter == run.index) {
        common = retain(common, own(helper, call.location, call.heldOrigins, call.thisHeld, anyMode));
      }
    }
    if (common == null) {
      return null;
    }
    common.addAll(own(run.caller, run.call.location, run.call.heldOrigins, run.call.thisHeld, anyMode));
    common.addAll(heldWhenRunning(run.caller, anyMode, depth + 1));
    return common;
  }

  private static Set<String> retain(Set<String> common, Set<String> held) {
    if (common == null) {
      return new HashSet<>(held);
    }
    common.retainAll(held);
    return common;
  }
}
