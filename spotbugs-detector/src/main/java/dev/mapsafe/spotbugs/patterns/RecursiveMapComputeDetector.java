package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.ReentrantCallbacks;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.Origin;
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
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.classfile.Method;

/**
 * RecursiveMapCompute on bytecode: an atomic update of a map field whose function (a lambda body or a method
 * reference's target) writes the same field's map, directly or through methods of the same class; or an atomic
 * update, of any map, whose function runs a callback that re-enters the updating method ({@link ReentrantCallbacks}),
 * also through methods it calls.
 */
public final class RecursiveMapComputeDetector implements Detector {
  private static final Pattern PATTERN = Pattern.RECURSIVE_MAP_COMPUTE;
  private static final int MAX_METHODS = 64;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final Map<MethodDescriptor, MapValues> methods = new HashMap<>();
  /** Updates whose function runs a callback that re-enters their method ({@link ReentrantCallbacks}). */
  private final List<BugInstance> reentries = new ArrayList<>();

  public RecursiveMapComputeDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    Map<Method, MapValues> analysed = new LinkedHashMap<>();
    for (Method method : context.getJavaClass().getMethods()) {
      if (method.getCode() == null) {
        continue;
      }
      try {
        MapValues values = MapValues.analyze(context, method, hierarchy);
        implementations.add(values);
        methods.put(values.method().getMethodDescriptor(), values);
        analysed.put(method, values);
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
    analysed.forEach((method, values) -> reentries.addAll(reentries(context, method, values)));
  }

  /**
   * An atomic update, of any map, whose function (a lambda body or a method of this class, and the methods of the
   * analysed classes it calls) calls a callback that may run the updating method again on the same object and
   * thread: the map is updated during its own update.
   */
  private List<BugInstance> reentries(ClassContext context, Method method, MapValues values) {
    List<BugInstance> bugs = new ArrayList<>();
    String className = values.method().getClassName();
    for (MapValues.CallSite update : values.callSites()) {
      int function = MapApi.updateFunctionArgument(BytecodeApi.call(update.callee), hierarchy);
      if (function < 0 || function >= update.argumentBodies.size()) {
        continue;
      }
      reentry(className, method, reach(update.argumentBodies.get(function), false)).ifPresent(found -> bugs.add(
          new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
              .addClass(className)
              .addMethod(MethodAnnotation.fromXMethod(values.method()))
              .addString(Messages.reenteringMapCompute(update.callee.getName(), found.callback, found.through,
                  method.getName() + "()", found.why))
              .addSourceLine(SourceLineAnnotation.fromVisitedInstruction(context, method, update.location))));
    }
    return bugs;
  }

  /** A callback call that may re-enter the updating method, and the methods it is reached through. */
  private static final class Reentry {
    final String callback;
    final List<String> through;
    final String why;

    Reentry(String callback, List<String> through, String why) {
      this.callback = callback;
      this.through = through;
      this.why = why;
    }
  }

  private Optional<Reentry> reentry(String className, Method updating, List<Reached> reached) {
    for (Reached entry : reached) {
      MapValues values = methods.get(entry.method);
      for (MapValues.CallSite call : values == null ? List.<MapValues.CallSite>of() : values.callSites()) {
        String owner = call.callee.getClassDescriptor().getDottedClassName();
        Optional<String> why = ReentrantCallbacks.reenters(className, updating.getName(), owner, call.callee.getName(),
            hierarchy);
        if (why.isPresent()) {
          return Optional.of(new Reentry(simple(owner) + "." + call.callee.getName() + "()", entry.through,
              why.get()));
        }
      }
    }
    return Optional.empty();
  }

  /** A class's name as its source spells it ({@code Loaders} for {@code Registry$Loaders}). */
  private static String simple(String className) {
    return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    for (MapValues method : methods.values()) {
      for (MapValues.Update update : method.updates()) {
        if (!(update.receiver.root() instanceof Origin.FieldLoad)) {
          continue;
        }
        XField field = ((Origin.FieldLoad) update.receiver.root()).field();
        Optional<List<String>> classes = implementations.of(field);
        if (classes.isEmpty()
            || !classes.get().stream().allMatch(c -> MapTypes.rejectsRecursiveUpdate(c, hierarchy))) {
          continue;
        }
        findWrite(update, field).ifPresent(found -> bugs.add(bug(method, update, field, found)));
      }
    }
    bugs.addAll(reentries);
    Findings.report(bugs, reporter);
    methods.clear();
    reentries.clear();
  }

  /** A write found in the function's methods: the write, and the methods it was reached through. */
  private static final class Found {
    final MapValues.Access write;
    final List<String> through;

    Found(MapValues.Access write, List<String> through) {
      this.write = write;
      this.through = through;
    }
  }

  /**
   * A write of the field's map in the function's methods: of a static field in any of them; of an instance field only
   * on the object that made the function (another object's field is another map).
   */
  private Optional<Found> findWrite(MapValues.Update update, XField field) {
    for (Reached reached : reach(update.functionBodies, update.functionOnThis)) {
      MapValues values = methods.get(reached.method);
      for (MapValues.Access write : values == null ? List.<MapValues.Access>of() : values.accesses()) {
        Origin root = write.subject.root();
        if (write.effect.kind() == MapEffect.WRITE
            && write.effect.operand().isReceiver()
            && root instanceof Origin.FieldLoad
            && ((Origin.FieldLoad) root).field().equals(field)
            && (field.isStatic() || reached.onSameObject && ((Origin.FieldLoad) root).onThis())) {
          return Optional.of(new Found(write, reached.through));
        }
      }
    }
    return Optional.empty();
  }

  /** A method a function runs, the methods it is reached through, and whether it runs on the function's object. */
  private static final class Reached {
    final MethodDescriptor method;
    final List<String> through;
    final boolean onSameObject;

    Reached(MethodDescriptor method, List<String> through, boolean onSameObject) {
      this.method = method;
      this.through = through;
      this.onSameObject = onSameObject;
    }
  }

  /**
   * A function's methods (lambda bodies, a method reference's target) and the methods of the analysed classes they
   * call, breadth-first and at most {@link #MAX_METHODS}, each with the methods it is reached through and whether it
   * runs on the object that made the function: the bodies do when {@code onThis}, and a method called on
   * {@code this} from one that does.
   */
  private List<Reached> reach(List<MethodDescriptor> bodies, boolean onThis) {
    List<Reached> reached = new ArrayList<>();
    Set<MethodDescriptor> onSame = new HashSet<>();
    Set<MethodDescriptor> onOther = new HashSet<>();
    Deque<Reached> work = new ArrayDeque<>();
    for (MethodDescriptor body : bodies) {
      boolean same = onThis && !body.isStatic();
      if ((same ? onSame : onOther).add(body)) {
        work.add(new Reached(body, body.getName().startsWith("lambda$") ? List.of() : List.of(display(body)), same));
      }
    }
    while (!work.isEmpty()) {
      Reached current = work.removeFirst();
      reached.add(current);
      MapValues values = methods.get(current.method);
      for (MapValues.CallSite call : values == null ? List.<MapValues.CallSite>of() : values.callSites()) {
        boolean same = current.onSameObject && call.onThis && !call.callee.isStatic()
            && !call.callee.getName().startsWith("<");
        if (methods.containsKey(call.callee) && onSame.size() + onOther.size() < MAX_METHODS
            && (same ? onSame : onOther).add(call.callee)) {
          List<String> path = new ArrayList<>(current.through);
          path.add(display(call.callee));
          work.add(new Reached(call.callee, path, same));
        }
      }
    }
    return reached;
  }

  /** A method as the source names a call of it: {@code load()}, {@code new Loader()}. */
  private static String display(MethodDescriptor method) {
    return method.getName().equals("<init>")
        ? "new " + simple(method.getClassDescriptor().getDottedClassName()) + "()"
        : method.getName() + "()";
  }

  private BugInstance bug(MapValues method, MapValues.Update update, XField field, Found found) {
    String message =
        Messages.recursiveMapCompute(
            field.getName(),
            update.effect.fact().display(),
            found.write.effect.fact().display() + " at line " + found.write.line.getStartLine(),
            String.join(" -> ", found.through));
    return new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
        .addClass(method.method().getClassName())
        .addMethod(MethodAnnotation.fromXMethod(method.method()))
        .addString(message)
        .addField(FieldAnnotation.fromXField(field))
        .addSourceLine(update.line);
  }
}
