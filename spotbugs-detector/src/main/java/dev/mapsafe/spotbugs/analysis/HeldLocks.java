package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Locks;
import edu.umd.cs.findbugs.ba.BasicBlock;
import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Edge;
import edu.umd.cs.findbugs.ba.EdgeTypes;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.ba.vna.ValueNumberDataflow;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKEDYNAMIC;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.InstructionHandle;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.ReturnInstruction;
import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.util.ClassName;

/**
 * Which exclusive {@code java.util.concurrent.locks} locks are surely held at each instruction of a method: a
 * forward must-analysis over the control flow graph (intersection at merges, exception edges included so
 * that a {@code finally} that unlocks is seen) of {@code lock()}/{@code unlock()} calls ({@code tryLock()} holds the
 * lock on the edge of a branch where its result is true), a
 * {@code ReadWriteLock}'s write lock and {@code StampedLock} write stamps. SpotBugs' own lock dataflow covers
 * monitors only ({@link HeldMonitors}); the Error Prone
 * counterpart of both has this class's name. Locks are named by the field they are loaded from (the write lock of
 * {@code rw} by {@code rw}), so names compare across methods.
 */
public final class HeldLocks {
  private final Map<Integer, Set<String>> heldBefore = new HashMap<>();
  /** The locks (with their mode) held at every return: what a lock-guard helper leaves held for its caller. */
  private Set<String> heldAtReturn = Set.of();
  /** The locks (with their mode) the method releases without having taken them: what a release helper does. */
  private final Set<String> releasedUnheld = new HashSet<>();
  /** Guard helpers being analysed on this thread: a helper that calls itself is not followed. */
  private static final ThreadLocal<Set<MethodDescriptor>> IN_PROGRESS = ThreadLocal.withInitial(HashSet::new);

  /** The regions of a method that takes no lock. */
  public static final HeldLocks NONE = new HeldLocks();

  private HeldLocks() {}

  private static final String EXCLUSIVE = "W:";
  private static final String SHARED = "R:";

  /** The names of the exclusive locks held before the instruction at {@code location}. */
  public Set<String> at(Location location) {
    Set<String> names = new HashSet<>();
    for (String held : heldBefore.getOrDefault(location.getHandle().getPosition(), Set.of())) {
      if (held.startsWith(EXCLUSIVE)) {
        names.add(held.substring(EXCLUSIVE.length()));
      }
    }
    return names;
  }

  /**
   * The names of the locks held in either mode: a read under a read lock and a write under the write lock of
   * the same lock never overlap, which is what race questions need.
   */
  public Set<String> anyModeAt(Location location) {
    Set<String> names = new HashSet<>();
    for (String held : heldBefore.getOrDefault(location.getHandle().getPosition(), Set.of())) {
      names.add(held.substring(2));
    }
    return names;
  }

  /** The lock regions of one method, computed once per class pass (kept in SpotBugs' per-class cache). */
  public static HeldLocks analyze(ClassContext context, Method method, MapValues values, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    MethodDescriptor descriptor = values.method().getMethodDescriptor();
    Object cached = context.getMethodAnalysis(HeldLocks.class, descriptor);
    if (cached instanceof HeldLocks) {
      return (HeldLocks) cached;
    }
    boolean takesLocks = false;
    for (MethodDescriptor callee : values.callees()) {
      takesLocks |= takesOrReleases(callee) || isGuardHelper(context, callee, hierarchy)
          || isLockHelper(context, ownMethod(context, callee), hierarchy);
    }
    HeldLocks result = takesLocks ? compute(context, method, values, hierarchy) : NONE;
    context.putMethodAnalysis(HeldLocks.class, descriptor, result);
    return result;
  }

  private static HeldLocks compute(ClassContext context, Method method, MapValues values, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    HeldLocks result = new HeldLocks();
    Map<String, Map.Entry<String, Boolean>> cachedViews = cachedReadWriteViews(context, hierarchy);
    Map<ValueNumber, Set<String>> guards = new HashMap<>(); // guard objects a helper returned -> the locks they hold
    Map<ValueNumber, String> tries = new HashMap<>(); // results of tryLock() -> the lock held where they are true
    Set<Integer> returns = new HashSet<>();
    CFG cfg = context.getCFG(method);
    ValueNumberDataflow vna = context.getValueNumberDataflow(method);
    ConstantPoolGen cpg = context.getConstantPoolGen();
    Map<Integer, Set<String>> entry = new HashMap<>(); // block label -> locks held at entry; absent = not reached
    entry.put(cfg.getEntry().getLabel(), Set.of());
    Deque<BasicBlock> work = new ArrayDeque<>();
    work.add(cfg.getEntry());
    int steps = 0;
    while (!work.isEmpty() && steps++ < 10_000) {
      BasicBlock block = work.removeFirst();
      Set<String> held = new HashSet<>(entry.get(block.getLabel()));
      for (Iterator<InstructionHandle> it = block.instructionIterator(); it.hasNext(); ) {
        InstructionHandle handle = it.next();
        result.heldBefore.put(handle.getPosition(), Set.copyOf(held));
        if (handle.getInstruction() instanceof ReturnInstruction) {
          returns.add(handle.getPosition());
        }
        Location location = new Location(handle, block);
        if (handle.getInstruction().getOpcode() == Const.LCMP) {
          comparedStamp(location, vna, tries);
        }
        transfer(location, held, vna, cpg, values, cachedViews, guards, tries, result.releasedUnheld, context,
            hierarchy);
      }
      String triedLock = triedLock(block, vna, tries);
      for (Iterator<Edge> edges = cfg.outgoingEdgeIterator(block); edges.hasNext(); ) {
        Edge edge = edges.next();
        BasicBlock target = edge.getTarget();
        Set<String> out = held;
        if (triedLock != null && succeeds(block, edge)) {
          out = new HashSet<>(held);
          out.add(triedLock);
        }
        Set<String> old = entry.get(target.getLabel());
        Set<String> merged = old == null ? Set.copyOf(out) : intersection(old, out);
        if (!merged.equals(old)) {
          entry.put(target.getLabel(), merged);
          work.add(target);
        }
      }
    }
    Set<String> atReturn = null;
    for (int position : returns) {
      Set<String> before = result.heldBefore.getOrDefault(position, Set.of());
      atReturn = atReturn == null ? new HashSet<>(before) : intersection(atReturn, before);
    }
    result.heldAtReturn = atReturn == null ? Set.of() : Set.copyOf(atReturn);
    if (values.callees().stream().anyMatch(c -> Locks.acquiringMethodNames().contains(c.getName()))) {
      // It takes locks itself: its releases pair with its own takes (a lock() inside its try reaches the finally's
      // unlock() on an exception edge without being held), not with a caller's.
      result.releasedUnheld.clear();
    }
    return result;
  }

  /**
   * A method of the class being analysed that returns an {@code AutoCloseable}: it may be a lock guard
   * ({@code try (var l = lockRead()) { .. }}, the lock released by its {@code close()}).
   */
  private static boolean isGuardHelper(ClassContext context, MethodDescriptor callee, TypeHierarchy hierarchy) {
    if (!callee.getSlashedClassName().equals(context.getClassDescriptor().getClassName())) {
      return false;
    }
    String signature = callee.getSignature();
    String returned = signature.substring(signature.indexOf(')') + 1);
    if (!returned.startsWith("L")) {
      return false;
    }
    String type = returned.substring(1, returned.length() - 1).replace('/', '.');
    return type.equals("java.lang.AutoCloseable") || hierarchy.isSubtype(type, "java.lang.AutoCloseable");
  }

  /** The locks a guard helper of the class leaves held when it returns. */
  private static Set<String> heldAfter(ClassContext context, MethodDescriptor callee, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    if (!isGuardHelper(context, callee, hierarchy)) {
      return Set.of();
    }
    HeldLocks helper = regionsOf(context, ownMethod(context, callee), hierarchy);
    return helper == null ? Set.of() : helper.heldAtReturn;
  }

  /**
   * The lock regions of a lock helper of the class ({@code private void acquireRead() { lock().readLock().lock(); }}
   * and its release twin): a method a call runs as itself that takes or releases a lock; null for any other callee.
   */
  private static HeldLocks lockHelper(ClassContext context, MethodDescriptor callee, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    Method method = ownMethod(context, callee);
    return isLockHelper(context, method, hierarchy) ? regionsOf(context, method, hierarchy) : null;
  }

  private static boolean isLockHelper(ClassContext context, Method method, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    if (method == null || !BytecodeApi.runsOnlyItself(XFactory.createXMethod(context.getJavaClass(), method))) {
      return false;
    }
    return MapValues.analyze(context, method, hierarchy).callees().stream().anyMatch(HeldLocks::takesOrReleases);
  }

  /** Whether a call may take or release a lock, by its name: a cheap filter before any dataflow. */
  private static boolean takesOrReleases(MethodDescriptor call) {
    return Locks.acquiringMethodNames().contains(call.getName()) || Locks.releasingMethodNames().contains(call.getName());
  }

  /** The method of the analysed class a call names, or null (another class's, or abstract). */
  private static Method ownMethod(ClassContext context, MethodDescriptor callee) {
    if (!callee.getSlashedClassName().equals(context.getClassDescriptor().getClassName())) {
      return null;
    }
    for (Method m : context.getJavaClass().getMethods()) {
      if (m.getName().equals(callee.getName()) && m.getSignature().equals(callee.getSignature())
          && m.getCode() != null) {
        return m;
      }
    }
    return null;
  }

  /** A helper's regions; null while the helper is being analysed on this thread (it calls itself). */
  private static HeldLocks regionsOf(ClassContext context, Method method, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    if (method == null) {
      return null;
    }
    MapValues values = MapValues.analyze(context, method, hierarchy);
    MethodDescriptor descriptor = values.method().getMethodDescriptor();
    if (!IN_PROGRESS.get().add(descriptor)) {
      return null;
    }
    try {
      return analyze(context, method, values, hierarchy);
    } finally {
      IN_PROGRESS.get().remove(descriptor);
    }
  }

  private static Set<String> intersection(Set<String> a, Set<String> b) {
    Set<String> r = new HashSet<>(a);
    r.retainAll(b);
    return Set.copyOf(r);
  }

  /**
   * The final fields of the class that cache a read or write lock ({@code private final Lock r = rw.readLock();},
   * the {@code ReadWriteLock} javadoc's idiom, also of a read-write lock the constructor makes and keeps only through
   * them), by lock name: the name of the read-write lock, and whether it is its read lock.
   */
  private static Map<String, Map.Entry<String, Boolean>> cachedReadWriteViews(
      ClassContext context, TypeHierarchy hierarchy) throws CFGBuilderException, DataflowAnalysisException {
    Map<String, Map.Entry<String, Boolean>> views = new HashMap<>();
    for (Method m : context.getJavaClass().getMethods()) {
      if (!m.getName().equals("<init>") || m.getCode() == null) {
        continue;
      }
      MapValues init = MapValues.analyze(context, m, hierarchy);
      for (MapValues.FieldStore store : init.stores()) {
        if (store.field.isFinal() && store.value instanceof Origin.MethodResult) {
          Origin.MethodResult call = (Origin.MethodResult) store.value;
          Origin owner = call.receiver() == null ? null : init.originOf(call.receiver());
          Boolean read = Locks.readWriteView(call.method().getClassName(), call.method().getName(), hierarchy);
          String ownerName = storedIn(owner, init);
          if (ownerName == null && owner instanceof Origin.Constructed
              && ((Origin.Constructed) owner).localName() != null) {
            // A read-write lock made in the constructor and kept only through its two views: named by its local.
            ownerName = store.field.getClassName() + "." + ((Origin.Constructed) owner).localName();
          }
          if (read != null && ownerName != null) {
            views.put(store.field.getClassName() + "." + store.field.getName(), Map.entry(ownerName, read));
          }
        }
      }
    }
    return views;
  }

  /**
   * The name of the field an object is loaded from, or (in a constructor, where a load of a field just stored is
   * the stored value) the field it was stored into.
   */
  private static String storedIn(Origin object, MapValues init) {
    if (object instanceof Origin.FieldLoad) {
      return fieldLockName(object);
    }
    for (MapValues.FieldStore store : init.stores()) {
      if (object != null && store.value == object) {
        return store.field.getClassName() + "." + store.field.getName();
      }
    }
    return null;
  }

  /**
   * The lock a block's closing branch tests the {@code tryLock()} result of ({@code if (!lock.tryLock()) return;},
   * {@code if (lock.tryLock()) ..}), or null.
   */
  private static String triedLock(BasicBlock block, ValueNumberDataflow vna, Map<ValueNumber, String> tries)
      throws DataflowAnalysisException {
    InstructionHandle last = block.getLastInstruction();
    if (tries.isEmpty() || last == null
        || (last.getInstruction().getOpcode() != Const.IFEQ && last.getInstruction().getOpcode() != Const.IFNE)) {
      return null;
    }
    ValueNumberFrame frame = vna.getFactAtLocation(new Location(last, block));
    return frame == null || !frame.isValid() || frame.getStackDepth() == 0 ? null : tries.get(frame.getTopValue());
  }

  /**
   * {@code ws != 0L} compiles to {@code lcmp} then {@code ifeq}/{@code ifne}: a comparison of a stamp a try returned
   * (with 0, the only value a failed try returns) is not 0 exactly where the try succeeded.
   */
  private static void comparedStamp(Location location, ValueNumberDataflow vna, Map<ValueNumber, String> tries)
      throws DataflowAnalysisException {
    ValueNumberFrame before = vna.getFactAtLocation(location);
    ValueNumberFrame after = vna.getFactAfterLocation(location);
    if (before == null || after == null || !before.isValid() || !after.isValid() || before.getStackDepth() < 4) {
      return;
    }
    for (int slot = 0; slot < 4; slot++) {
      String lock = tries.get(before.getStackValue(slot));
      if (lock != null) {
        tries.put(after.getTopValue(), lock);
        return;
      }
    }
  }

  /** Whether an edge out of a block ending in {@code ifeq}/{@code ifne} is the one where the tested value is true. */
  private static boolean succeeds(BasicBlock block, Edge edge) {
    boolean jumpsWhenTrue = block.getLastInstruction().getInstruction().getOpcode() == Const.IFNE;
    return edge.getType() == EdgeTypes.IFCMP_EDGE ? jumpsWhenTrue
        : edge.getType() == EdgeTypes.FALL_THROUGH_EDGE && !jumpsWhenTrue;
  }

  private static void transfer(Location location, Set<String> held, ValueNumberDataflow vna, ConstantPoolGen cpg,
      MapValues values, Map<String, Map.Entry<String, Boolean>> cachedViews, Map<ValueNumber, Set<String>> guards,
      Map<ValueNumber, String> tries, Set<String> releasedUnheld, ClassContext context, TypeHierarchy hierarchy)
      throws DataflowAnalysisException, CFGBuilderException {
    if (!(location.getHandle().getInstruction() instanceof InvokeInstruction)
        || location.getHandle().getInstruction() instanceof INVOKEDYNAMIC) {
      return;
    }
    InvokeInstruction invoke = (InvokeInstruction) location.getHandle().getInstruction();
    Optional<ApiMethod> api = BytecodeApi.call(invoke, cpg);
    ValueNumberFrame frame = vna.getFactAtLocation(location);
    if (api.isEmpty() || frame == null || !frame.isValid()) {
      return;
    }
    MethodDescriptor callee = XFactory.createXMethod(invoke, cpg).getMethodDescriptor();
    // A lock guard: a helper of the class returns holding locks, the guard's close() releases them.
    Set<String> guarded = heldAfter(context, callee, hierarchy);
    if (!guarded.isEmpty()) {
      held.addAll(guarded);
      ValueNumberFrame after = vna.getFactAfterLocation(location);
      if (after != null && after.isValid() && after.getStackDepth() > 0) {
        guards.put(after.getTopValue(), guarded);
      }
      return;
    }
    HeldLocks helper = lockHelper(context, callee, hierarchy);
    if (helper != null) { // a lock helper takes and releases for its caller
      held.addAll(helper.heldAtReturn);
      held.removeAll(helper.releasedUnheld);
      releasedUnheld.addAll(helper.releasedUnheld);
      return;
    }
    if (invoke instanceof INVOKESTATIC) {
      return;
    }
    if (api.get().name().equals("close") && guards.containsKey(frame.getInstance(invoke, cpg))) {
      held.removeAll(guards.get(frame.getInstance(invoke, cpg)));
      return;
    }
    Origin receiver = values.originOf(frame.getInstance(invoke, cpg));
    Boolean view = receiver instanceof Origin.MethodResult
        ? Locks.readWriteView(((Origin.MethodResult) receiver).method().getClassName(),
            ((Origin.MethodResult) receiver).method().getName(), hierarchy)
        : null;
    String name = name(receiver, values, hierarchy);
    Map.Entry<String, Boolean> cached = name == null ? null : cachedViews.get(name);
    if (cached != null) {
      name = cached.getKey();
      view = cached.getValue();
    }
    Locks.Action action = Locks.action(api.get().owner(), api.get().name(), view, hierarchy);
    if (name == null) {
      return;
    }
    if (action == Locks.Action.TRY_ACQUIRE) {
      ValueNumberFrame after = vna.getFactAfterLocation(location);
      if (after != null && after.isValid() && after.getStackDepth() > 0) {
        tries.put(after.getTopValue(), EXCLUSIVE + name);
      }
    } else if (action == Locks.Action.ACQUIRE_EXCLUSIVE) {
      held.add(EXCLUSIVE + name);
    } else if (action == Locks.Action.ACQUIRE_SHARED) {
      held.add(SHARED + name);
    }
    for (String mode : List.of(EXCLUSIVE, SHARED)) {
      if (Locks.releases(action, mode.equals(EXCLUSIVE)) && !held.remove(mode + name)) {
        releasedUnheld.add(mode + name);
      }
    }
  }

  /**
   * A lock named by the field it is loaded from ({@code example.Cache.lock}), comparable across the methods and
   * the inner classes of the analysed code; null for a lock of unknown origin.
   */
  public static String fieldLockName(Origin lock) {
    if (lock instanceof Origin.FieldLoad) {
      Origin.FieldLoad load = (Origin.FieldLoad) lock;
      String outer = load.field().getName().startsWith("this$")
          ? edu.umd.cs.findbugs.util.ClassName.fromFieldSignatureToDottedClassName(load.field().getSignature())
          : null;
      // Outer.this in an inner class is the outer instance's monitor, as in the outer class's own methods.
      return outer != null ? thisLockName(outer) : load.field().getClassName() + "." + load.field().getName();
    }
    if (lock instanceof Origin.ClassLiteral) {
      return classLockName(((Origin.ClassLiteral) lock).className());
    }
    return null;
  }

  /**
   * How messages name a lock: {@code example.Cache.lock} reads {@code lock}, {@code example.Cache.this}
   * {@code this}, {@code example.Cache.class} {@code Cache.class}.
   */
  public static String display(String lockName) {
    if (lockName.endsWith(".class")) {
      String type = lockName.substring(0, lockName.length() - ".class".length());
      return type.substring(type.lastIndexOf('.') + 1) + ".class";
    }
    return lockName.substring(lockName.lastIndexOf('.') + 1);
  }

  /**
   * The monitor of {@code this} in a method of {@code className}: named by its topmost analysed superclass, since a
   * subclass's {@code synchronized} methods lock the same object as its base class's.
   */
  public static String thisLockName(String className) {
    return BytecodeApi.baseOfAnalysedFamily(className) + ".this";
  }

  /** The monitor of a class: held by its static synchronized methods and by {@code synchronized (Foo.class)}. */
  public static String classLockName(String className) {
    return className + ".class";
  }

  /** A field lock, and for {@code rw.writeLock()} the name of {@code rw}. */
  private static String name(Origin lock, MapValues values, TypeHierarchy hierarchy) {
    if (lock instanceof Origin.FieldLoad) {
      return fieldLockName(lock);
    }
    if (lock instanceof Origin.MethodResult) {
      Origin.MethodResult view = (Origin.MethodResult) lock;
      ValueNumber owner = view.receiver();
      if (owner != null
          && Locks.readWriteView(view.method().getClassName(), view.method().getName(), hierarchy) != null) {
        return name(values.originOf(owner), values, hierarchy);
      }
      if (view.onThis() && view.method().getSignature().startsWith("()L") && Locks.isLockType(
          ClassName.fromFieldSignatureToDottedClassName(view.method().getSignature().substring(2)), hierarchy)) {
        return view.method().getClassName() + "." + view.method().getName() + "()"; // a getter: lock().readLock()
      }
    }
    return null;
  }
}
