package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.EntryLocks;
import dev.mapsafe.knowledge.threads.Exposure;
import dev.mapsafe.knowledge.threads.InlineCallbacks;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The locks held at a point of the analysed code, by name: the monitors ({@link HeldMonitors}) and lock regions
 * ({@link HeldLocks}) of its method, a {@code @GuardedBy} on the method, and what the method's callers hold when
 * it runs ({@link EntryLocks}): every call of a method whose calls are all in the jar
 * ({@link BytecodeApi#callableOnlyInJar}), or the jar's own calls of a public one that overrides only methods of the
 * jar ({@link BytecodeApi#callersSeenInJar}), through any number of helpers, construction of its own class aside (it
 * needs no lock); and, for a lambda body handed to a helper of the class that calls it ({@code withRead(() -> ..)}),
 * the locks held where the helper calls it. The bytecode counterpart of Error Prone's {@code CallerLocks} (with
 * its {@code HeldLocks} for the point itself).
 */
public final class CallerLocks {
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
  private final Map<MethodDescriptor, HeldLocks> regions = new HashMap<>();
  /** The calls of each method, by the callee's name and signature (an inherited method is called on a subclass). */
  private final Map<String, List<Map.Entry<MapValues, MapValues.CallSite>>> callers = new HashMap<>();
  private final Map<MethodDescriptor, List<HelperRun>> helperRuns = new HashMap<>();
  /**
   * Entry locks by mode (exclusive, any) and by whether the module's calls of public methods count
   * ({@link EntryLocks.Callers#MODULE_USE}); solved on demand once every method has been added.
   */
  private final Map<String, EntryLocks<MethodDescriptor, String>> entries = new HashMap<>();

  public CallerLocks(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** Records one method's facts and lock regions. */
  public void add(MapValues method, HeldLocks locks) {
    MethodDescriptor self = method.method().getMethodDescriptor();
    methods.put(self, method);
    regions.put(self, locks);
    entries.clear();
    for (MapValues.CallSite call : method.callSites()) {
      callers.computeIfAbsent(nameAndSignature(call.callee), c -> new ArrayList<>()).add(Map.entry(method, call));
      for (int i = 0; i < call.argumentBodies.size(); i++) {
        for (MethodDescriptor body : call.argumentBodies.get(i)) {
          helperRuns.computeIfAbsent(body, b -> new ArrayList<>()).add(new HelperRun(call.callee, i, method, call));
        }
      }
    }
  }

  /**
   * The names of the locks held at a point, with those its callers hold where the jar sees every call: what
   * shows how the code guards a map (a lock held somewhere, the lock of every write).
   *
   * @param anyMode whether read locks count (race questions), or exclusive locks only
   */
  public Set<String> at(MapValues method, Location location, List<Origin> heldOrigins, boolean thisHeld,
      boolean anyMode) {
    return at(method, location, heldOrigins, thisHeld, anyMode, false);
  }

  /**
   * The locks that protect a point: those of {@link #at}, and those every call the jar makes of a public method
   * holds ({@link EntryLocks.Callers#MODULE_USE}). They take findings away (the two accesses share a lock, the
   * traversal holds the guard), never add one: that the library calls a method under a lock says how it is
   * meant to be called, not that the map needs one.
   */
  public Set<String> protectingAt(MapValues method, Location location, List<Origin> heldOrigins, boolean thisHeld,
      boolean anyMode) {
    return at(method, location, heldOrigins, thisHeld, anyMode, true);
  }

  private Set<String> at(MapValues method, Location location, List<Origin> heldOrigins, boolean thisHeld,
      boolean anyMode, boolean moduleUse) {
    Set<String> names = own(method, location, heldOrigins, thisHeld, anyMode);
    names.addAll(entry(anyMode, moduleUse).of(method.method().getMethodDescriptor()));
    return names;
  }

  /**
   * The locks every caller holds, in either mode, when the method runs (empty when a caller is not seen), the
   * module's calls of a public method included: for questions that only take findings away.
   */
  public Set<String> heldByEveryCaller(MapValues method) {
    return entry(true, true).of(method.method().getMethodDescriptor());
  }

  private EntryLocks<MethodDescriptor, String> entry(boolean anyMode, boolean moduleUse) {
    return entries.computeIfAbsent(anyMode + "/" + moduleUse,
        k -> new EntryLocks<>(new CallGraph(anyMode, moduleUse)));
  }

  /** The analysed calls, with the locks each caller holds at them in one mode. */
  private final class CallGraph implements EntryLocks.Graph<MethodDescriptor, String> {
    private final boolean anyMode;
    private final boolean moduleUse;

    CallGraph(boolean anyMode, boolean moduleUse) {
      this.anyMode = anyMode;
      this.moduleUse = moduleUse;
    }

    @Override
    public EntryLocks.Callers callers(MethodDescriptor method) {
      MapValues values = methods.get(method);
      EntryLocks.Callers callers =
          values == null ? EntryLocks.Callers.UNKNOWN : BytecodeApi.callersSeenInJar(values.method());
      return callers == EntryLocks.Callers.MODULE_USE && !moduleUse ? EntryLocks.Callers.UNKNOWN : callers;
    }

    @Override
    public List<EntryLocks.Call<MethodDescriptor, String>> callsOf(MethodDescriptor method) {
      List<EntryLocks.Call<MethodDescriptor, String>> runs = new ArrayList<>();
      String owner = method.getClassDescriptor().getDottedClassName();
      boolean moduleUseOnly = callers(method) == EntryLocks.Callers.MODULE_USE;
      for (Map.Entry<MapValues, MapValues.CallSite> caller : callers.getOrDefault(nameAndSignature(method), List.of())) {
        MapValues.CallSite call = caller.getValue();
        if (!mayRun(call.callee, method)) {
          continue;
        }
        XMethod from = caller.getKey().method();
        if ((from.getName().equals("<init>") || from.getName().equals("<clinit>")) && from.getClassName().equals(owner)) {
          runs.add(EntryLocks.Call.duringConstruction()); // the object is not shared yet: no lock needed
        } else if (moduleUseOnly && !Exposure.sameObjectFamily(from.getClassName(), owner, hierarchy)) {
          // Another class's lock is often its own instance's (each caller object its own monitor): no exclusion.
          runs.add(EntryLocks.Call.anywhere());
        } else {
          runs.add(EntryLocks.Call.from(from.getMethodDescriptor(),
              own(caller.getKey(), call.location, call.heldOrigins, call.thisHeld, anyMode)));
        }
      }
      for (HelperRun run : helperRuns.getOrDefault(method, List.of())) {
        Set<String> held = heldWhereHelperRuns(run, anyMode);
        runs.add(held == null ? EntryLocks.Call.anywhere()
            : EntryLocks.Call.from(run.caller.method().getMethodDescriptor(), held));
      }
      return runs;
    }
  }

  /** A call that may run a method, made where its caller holds some locks only in read mode. */
  public static final class ReadLockedCall {
    public final MapValues caller;
    public final MapValues.CallSite call;
    /** The locks held in read mode only, sorted. */
    public final List<String> readOnly;

    ReadLockedCall(MapValues caller, MapValues.CallSite call, List<String> readOnly) {
      this.caller = caller;
      this.call = call;
      this.readOnly = readOnly;
    }
  }

  /**
   * The calls of the analysed code that may run {@code method} (it, an override it inherits, or its implementation
   * of the called interface method) while their caller holds a lock only in read mode: on such a path every reader
   * may be in the method at once. Calls on an object the caller made are left out (no other thread has it), and calls
   * naming a library's method ({@code Map.put} on a concurrent map): those say nothing of which analysed class runs.
   * In the order of the callers' analysis, then of the calls.
   */
  public List<ReadLockedCall> readLockedCalls(MethodDescriptor method) {
    List<ReadLockedCall> found = new ArrayList<>();
    for (Map.Entry<MapValues, MapValues.CallSite> caller : callers.getOrDefault(nameAndSignature(method), List.of())) {
      MapValues.CallSite call = caller.getValue();
      if (call.onNewObject || !mayRun(call.callee, method) || !BytecodeApi.isAnalysed(call.callee.getClassDescriptor())) {
        continue; // a call of a library's method (Map.put) says nothing of which of the jar's classes it runs
      }
      Set<String> read = own(caller.getKey(), call.location, call.heldOrigins, call.thisHeld, true);
      read.removeAll(own(caller.getKey(), call.location, call.heldOrigins, call.thisHeld, false));
      if (!read.isEmpty()) {
        found.add(new ReadLockedCall(caller.getKey(), call, read.stream().sorted().collect(Collectors.toList())));
      }
    }
    return found;
  }

  /**
   * Whether a call naming {@code called} may run {@code method} (same name and signature): the same method, or
   * one of a subclass or superclass, which it may inherit or override.
   */
  private boolean mayRun(MethodDescriptor called, MethodDescriptor method) {
    if (called.equals(method)) {
      return true;
    }
    if (called.isStatic() != method.isStatic() || method.getName().startsWith("<")) {
      return false;
    }
    String a = called.getClassDescriptor().getDottedClassName();
    String b = method.getClassDescriptor().getDottedClassName();
    return hierarchy.isSubtype(a, b) || hierarchy.isSubtype(b, a);
  }

  private static String nameAndSignature(MethodDescriptor method) {
    return method.getName() + method.getSignature();
  }
  /** The locks of the method itself at a point: its regions, its monitors, a {@code @GuardedBy} contract. */
  private Set<String> own(MapValues method, Location location, List<Origin> heldOrigins, boolean thisHeld,
      boolean anyMode) {
    HeldLocks own = regions.getOrDefault(method.method().getMethodDescriptor(), HeldLocks.NONE);
    Set<String> names = new HashSet<>(anyMode ? own.anyModeAt(location) : own.at(location));
    String className = method.method().getClassName();
    if (thisHeld) {
      names.add(HeldLocks.thisLockName(className));
    }
    if (method.method().isStatic() && method.method().isSynchronized()) {
      names.add(HeldLocks.classLockName(className));
    }
    for (Origin held : heldOrigins) {
      String name = HeldLocks.fieldLockName(held);
      if (name != null) {
        names.add(name);
      }
    }
    // A method annotated @GuardedBy runs with the lock it names held by its callers.
    MapGuards.guardedBy(method.method().getAnnotations(), "")
        .ifPresent(lock -> names.add(lock.equals("this") ? HeldLocks.thisLockName(className) : className + "." + lock));
    return names;
  }

  /**
   * The locks held at every call the helper makes on the lambda's parameter, and at the helper's call site; null
   * when the helper may run it anywhere.
   */
  private Set<String> heldWhereHelperRuns(HelperRun run, boolean anyMode) {
    MapValues helper = methods.get(run.helper);
    Set<String> common = null;
    if (InlineCallbacks.runsCallbacksInline(
        run.helper.getClassDescriptor().getDottedClassName(), run.helper.getName(), hierarchy)) {
      common = new HashSet<>(); // forEach, compute*, Optional.map: run at the call, under its locks
    } else if (helper == null) {
      return null;
    }
    for (ParameterUses.ParameterCall call : helper == null ? List.<ParameterUses.ParameterCall>of()
        : helper.parameterCallsRunningOnlyHere()) {
      if (call.parameter == run.index) {
        common = retain(common, own(helper, call.location, call.heldOrigins, call.thisHeld, anyMode));
      }
    }
    if (common == null) {
      return null;
    }
    common.addAll(own(run.caller, run.call.location, run.call.heldOrigins, run.call.thisHeld, anyMode));
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
