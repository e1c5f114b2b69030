package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.MapCopies;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Guards;
import dev.mapsafe.knowledge.threads.SharedInstances;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.CallerLocks;
import dev.mapsafe.spotbugs.analysis.HeldLocks;
import dev.mapsafe.spotbugs.analysis.MapGuards;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.Races;
import dev.mapsafe.spotbugs.analysis.ThreadReach;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.FieldAnnotation;
import edu.umd.cs.findbugs.MethodAnnotation;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.classfile.analysis.AnnotationValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.classfile.Method;

/**
 * GuardedMapEscape on bytecode: a non-private method of a class that guards a map field ({@link MapGuards}, or a
 * {@code @ThreadSafe} class) returns the map, a live view or an iterator of it, or stores a caller's map (a
 * parameter) into the field. Decided once every class has been seen.
 */
public final class GuardedMapEscapeDetector implements Detector {
  private static final Pattern PATTERN = Pattern.GUARDED_MAP_ESCAPE;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final Races races = new Races(new ThreadReach(hierarchy), new CallerLocks(hierarchy));
  private final List<MapValues> methods = new ArrayList<>();
  private final Map<String, List<String>> classAnnotations = new HashMap<>();

  public GuardedMapEscapeDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    List<String> annotations = new ArrayList<>();
    for (AnnotationValue a : context.getXClass().getAnnotations()) {
      annotations.add(a.getAnnotationClass().getDottedClassName());
    }
    classAnnotations.put(context.getClassDescriptor().getDottedClassName(), annotations);
    for (Method method : context.getJavaClass().getMethods()) {
      if (method.getCode() == null) {
        continue;
      }
      try {
        MapValues values = MapValues.analyze(context, method, hierarchy);
        implementations.add(values);
        races.reach().add(values);
        races.add(values, HeldLocks.analyze(context, method, values, hierarchy));
        methods.add(values);
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    MapGuards guards = new MapGuards(races, implementations, hierarchy);
    List<BugInstance> bugs = new ArrayList<>();
    Set<MethodDescriptor> called = new HashSet<>();
    methods.forEach(method -> method.callSites().forEach(call -> called.add(call.callee)));
    for (MapValues method : methods) {
      XMethod m = method.method();
      if (!BytecodeApi.calledFromOutside(m, called) || m.isSynthetic() || m.getName().startsWith("lambda$")) {
        continue;
      }
      boolean viewsAreContract = Guards.viewsAreItsContract(m.getClassName(), hierarchy);
      for (MapValues.ReturnSite site : viewsAreContract ? List.<MapValues.ReturnSite>of() : method.returnSites()) {
        XField field = ownField(site.returned.root(), m);
        Optional<String> guard = field == null || handedOnlyToLockHolders(method, field, guards)
            ? Optional.empty() : guardOf(field, guards);
        if (guard.isPresent()) {
          bugs.add(bug(method, field, site.line, returned(site, field, m, guard.get())));
        }
      }
      for (MapValues.FieldStore store : method.stores()) {
        // A constructor whose every caller passes a map it has just made keeps that map, not a shared one.
        Optional<String> guard = store.parameter == null || !store.field.getClassName().equals(m.getClassName())
            || m.getName().equals("<init>") && implementations.givenNewMaps(m.getMethodDescriptor(), store.parameterIndex)
            ? Optional.empty()
            : guardOf(store.field, guards);
        if (guard.isPresent()) {
          String name = m.getName().equals("<init>") ? simpleName(m.getClassName()) : m.getName();
          bugs.add(bug(method, store.field, store.line,
              Messages.guardedMapStored(name + "(..)", store.parameter, store.field.getName(), guard.get())));
        }
      }
    }
    Findings.report(bugs, reporter);
    methods.clear();
  }

  /**
   * Whether every caller of the method (all of them in the jar) holds the lock that guards the field when it calls
   * it: what it returns goes to code that holds the lock.
   */
  private boolean handedOnlyToLockHolders(MapValues method, XField field, MapGuards guards) {
    Optional<MapGuards.Guard> guard = guards.of(field);
    return guard.isPresent() && guard.get().heldAmong(races.heldByEveryCaller(method));
  }

  /**
   * A map field of the method's own class, read from {@code this} or static; or of a holder nested beside it whose
   * map only the method's class uses ({@link Guards#keptForItsUser}): the class keeps part of its state there.
   */
  private XField ownField(Origin root, XMethod method) {
    if (!(root instanceof Origin.FieldLoad)) {
      return null;
    }
    Origin.FieldLoad load = (Origin.FieldLoad) root;
    XField field = load.field();
    if (field.getClassName().equals(method.getClassName())) {
      return field.isStatic() || load.onThis() ? field : null;
    }
    List<String> users = races.sitesOf(field).stream().map(s -> s.where.method().getClassName()).distinct()
        .collect(java.util.stream.Collectors.toList());
    return Guards.keptForItsUser(field.getClassName(), field.isStatic(), method.getClassName(), users) ? field : null;
  }

  /** Why the class must keep the map in, as the Error Prone engine says it; empty when it need not. */
  private Optional<String> guardOf(XField field, MapGuards guards) {
    List<String> annotations = classAnnotations.getOrDefault(field.getClassName(), List.of());
    if (Guards.declaresNotThreadSafe(annotations)) {
      return Optional.empty();
    }
    Optional<MapGuards.Guard> guard = guards.of(field);
    if (guard.isPresent()) {
      return Optional.of(guard.get().describe());
    }
    return SharedInstances.declaresThreadSafe(annotations) && !field.isVolatile() && guards.needsLock(field)
            && !guards.writesWhileInUse(field).isEmpty()
        ? Optional.of("its @ThreadSafe class")
        : Optional.empty();
  }

  private static String returned(MapValues.ReturnSite site, XField field, XMethod method, String guard) {
    String map = field.getName();
    String description;
    MapCopies.Part part;
    String source;
    if (site.traversal != null) {
      description = site.returned.display() + "." + site.traversal + "(), an iterator over " + map;
      part = MapCopies.Part.OTHER;
      source = map;
    } else if (site.returned instanceof Origin.FieldLoad) {
      description = map + " itself";
      part = MapCopies.Part.MAP;
      source = map;
    } else {
      description = site.returned.display() + ", a live view of " + map;
      Origin.View outermost = outermostReceiverView(site.returned);
      part = outermost == null ? MapCopies.Part.MAP : MapCopies.Part.ofView(outermost.call());
      source = outermost == null ? map : outermost.display();
    }
    return Messages.guardedMapReturned(method.getName() + "()", description, map, guard,
        MapCopies.copyOf(part, source, map, false).expression());
  }

  /** The outermost view made by a call on the map or a view of it (not an unmodifiable wrapper), or null. */
  private static Origin.View outermostReceiverView(Origin origin) {
    for (Origin o = origin; o instanceof Origin.View; o = ((Origin.View) o).of()) {
      if (((Origin.View) o).onReceiver()) {
        return (Origin.View) o;
      }
    }
    return null;
  }

  private static String simpleName(String className) {
    return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
  }

  private BugInstance bug(MapValues method, XField field, SourceLineAnnotation line, String message) {
    return new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
        .addClass(method.method().getClassName())
        .addMethod(MethodAnnotation.fromXMethod(method.method()))
        .addString(message)
        .addField(FieldAnnotation.fromXField(field))
        .addSourceLine(line);
  }
}
