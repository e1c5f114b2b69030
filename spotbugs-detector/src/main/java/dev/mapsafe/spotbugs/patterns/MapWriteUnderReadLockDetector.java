package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.CallerLocks;
import dev.mapsafe.spotbugs.analysis.HeldLocks;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.ThreadReach;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.util.ClassName;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.classfile.Method;

/**
 * MapWriteUnderReadLock on bytecode: a write (or a read that writes) of a non-thread-safe map field while only
 * the read lock of a read-write lock is held ({@link CallerLocks}: lock regions, also in private helpers every
 * caller of which holds it and in lambdas a lock helper runs). Map classes are decided once every class has been seen.
 */
public final class MapWriteUnderReadLockDetector implements Detector {
  private static final Pattern PATTERN = Pattern.MAP_WRITE_UNDER_READ_LOCK;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final Map<MethodDescriptor, MapValues> methods = new LinkedHashMap<>();
  private final CallerLocks locks = new CallerLocks(hierarchy);
  private final ThreadReach reach = new ThreadReach(hierarchy);
  /** Map subclasses whose every constructor makes the map access-ordered ({@code super(16, .75f, true)}). */
  private final Map<String, Boolean> accessOrderedClasses = new HashMap<>();

  public MapWriteUnderReadLockDetector(BugReporter reporter) {
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
        implementations.add(values);
        methods.put(values.method().getMethodDescriptor(), values);
        reach.add(values);
        values.superMap().ifPresent(made -> accessOrderedClasses.merge(
            values.method().getClassName(), made.lastBooleanArgumentTrue(), Boolean::logicalAnd));
        locks.add(values, HeldLocks.analyze(context, method, values, hierarchy));
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    for (MapValues method : methods.values()) {
      for (MapValues.Access access : method.accesses()) {
        describe(method, access).ifPresent(bugs::add);
      }
      for (MapValues.Access access : method.selfAccesses()) {
        String self = method.method().getClassName();
        describe(method, access, List.of(self), accessOrderedClasses.getOrDefault(self, false), null)
            .ifPresent(bugs::add);
      }
    }
    Findings.report(bugs, reporter);
    methods.clear();
  }

  private Optional<BugInstance> describe(MapValues method, MapValues.Access access) {
    if (!(access.subject.root() instanceof Origin.FieldLoad)) {
      return Optional.empty();
    }
    Origin.FieldLoad load = (Origin.FieldLoad) access.subject.root();
    XField field = load.field();
    if (!field.isStatic() && load.onThis() && reach.of(method.method().getMethodDescriptor()).stream()
        .allMatch(c -> c.kind() == Overlap.Kind.CONSTRUCTION)) {
      return Optional.empty(); // the map of an object being set up, which no other thread reaches yet
    }
    Optional<List<String>> classes = implementations.of(field);
    return classes.isEmpty()
        ? Optional.empty()
        : describe(method, access, classes.get(), implementations.lastBooleanArgumentTrue(field), field);
  }

  /**
   * The finding at an access of a map of these classes (of a field, or the object itself when {@code field} is
   * null), if it changes the map while only a read lock is held.
   */
  private Optional<BugInstance> describe(MapValues method, MapValues.Access access, List<String> classes,
      boolean accessOrdered, XField field) {
    MapEffect kind = access.effect.kind();
    if ((kind != MapEffect.WRITE && kind != MapEffect.READ)
        || !classes.stream().allMatch(c -> MapTypes.isNotThreadSafe(c, hierarchy))) {
      return Optional.empty();
    }
    String reason = null;
    if (kind == MapEffect.READ) {
      String name = access.effect.fact().name();
      if (classes.stream().noneMatch(c -> MapTypes.readWrites(c, accessOrdered, name, hierarchy))) {
        return Optional.empty();
      }
      reason = Messages.readThatWrites(accessOrdered);
    }
    Set<String> exclusive = locks.at(method, access.location, access.heldOrigins, access.thisHeld, false);
    Set<String> readOnly = new HashSet<>(locks.at(method, access.location, access.heldOrigins, access.thisHeld, true));
    readOnly.removeAll(exclusive);
    String lock;
    if (!readOnly.isEmpty()) {
      lock = HeldLocks.display(readOnly.stream().sorted().findFirst().orElseThrow());
    } else if (locks.protectingAt(method, access.location, access.heldOrigins, access.thisHeld, true).isEmpty()
        && !method.method().getName().startsWith("<")) {
      Optional<CallerLocks.ReadLockedCall> via =
          locks.readLockedCalls(method.method().getMethodDescriptor()).stream().findFirst();
      if (via.isEmpty()) {
        return Optional.empty();
      }
      XMethod caller = via.get().caller.method();
      lock = Messages.readLockOfCaller(HeldLocks.display(via.get().readOnly.get(0)),
          ClassName.extractSimpleName(caller.getClassName()) + "." + caller.getName(),
          SourceLineAnnotation.fromVisitedInstruction(caller.getMethodDescriptor(), via.get().call.location)
              .getStartLine());
    } else {
      return Optional.empty();
    }
    String message =
        Messages.mapWriteUnderReadLock(
            field == null ? access.subject.display() : field.getName(),
            access.effect.fact().display() + " at line " + access.line.getStartLine(),
            lock,
            reason);
    return Optional.of(Findings.at(this, PATTERN, method.method(), message, field, access.line));
  }

}
