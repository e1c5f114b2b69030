package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.StructuralChange;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.Iterations;
import dev.mapsafe.spotbugs.analysis.HeldLocks;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.MapSummaries;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.ParameterUses;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.util.ClassName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.bcel.classfile.Method;

/**
 * MapModifiedDuringIteration on bytecode: a structural write of a fail-fast map inside a running iterator
 * loop over one of its views ({@link Iterations}), or in a lambda the map's own {@code forEach} runs. Map
 * classes are decided once every class has been seen.
 */
public final class MapModifiedDuringIterationDetector implements Detector {
  private static final Pattern PATTERN = Pattern.MAP_MODIFIED_DURING_ITERATION;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final Map<MethodDescriptor, MapValues> values = new LinkedHashMap<>();
  private final Map<MethodDescriptor, Iterations> iterations = new LinkedHashMap<>();
  /** What methods do to maps they are given: a local map's forEach lambda may hand it to one that removes. */
  private final MapSummaries summaries = new MapSummaries();

  public MapModifiedDuringIterationDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    for (Method method : context.getJavaClass().getMethods()) {
      if (method.getCode() == null) {
        continue;
      }
      try {
        MapValues methodValues = MapValues.analyze(context, method, hierarchy);
        implementations.add(methodValues);
        if (methodValues.accesses().stream().noneMatch(a -> a.effect.kind() == MapEffect.ITERATE
            || a.effect.kind() == MapEffect.WRITE)
            && methodValues.parameterEffects().isEmpty() && methodValues.parameterPasses().isEmpty()) {
          continue; // nothing is iterated or written here, nor a map it is given
        }
        Iterations found = Iterations.analyze(context, method, methodValues, hierarchy);
        summaries.add(methodValues, HeldLocks.analyze(context, method, methodValues, hierarchy));
        MethodDescriptor descriptor = methodValues.method().getMethodDescriptor();
        values.put(descriptor, methodValues);
        iterations.put(descriptor, found);
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    for (Map.Entry<MethodDescriptor, Iterations> method : iterations.entrySet()) {
      MapValues where = values.get(method.getKey());
      for (Iterations.Modified modified : method.getValue().modifiedLoops()) {
        if (mayFailFast(modified.loop.subject.root())) {
          bugs.add(bug(where, modified.loop.subject, "loop over " + modified.loop.subject.display(), modified.loop.line,
              modified.write.fact, modified.write.line));
        }
      }
      for (Iterations.Callback callback : method.getValue().callbacks()) {
        writeInCallback(callback)
            .filter(write -> mayFailFast(callback.subject.root()))
            .ifPresent(write -> bugs.add(bug(where, callback.subject, callback.subject.display() + ".forEach",
                callback.line, write.fact, write.line)));
        if (!(callback.subject.root() instanceof Origin.FieldLoad) && mayFailFast(callback.subject.root())) {
          writeOfCapturedMap(callback).ifPresent(write -> bugs.add(bug(where, callback.subject,
              callback.subject.display() + ".forEach", callback.line, write.getKey(), write.getValue())));
        }
      }
    }
    Findings.report(bugs, reporter);
    values.clear();
    iterations.clear();
  }

  /** A write that always changes the structure of the iterated field, in a lambda body the forEach runs. */
  private Optional<Iterations.Write> writeInCallback(Iterations.Callback callback) {
    if (!(callback.subject.root() instanceof Origin.FieldLoad)) {
      return Optional.empty();
    }
    Origin.FieldLoad iterated = (Origin.FieldLoad) callback.subject.root();
    for (MethodDescriptor body : callback.bodies) {
      Iterations inBody = iterations.get(body);
      for (Iterations.Write write : inBody == null ? List.<Iterations.Write>of() : inBody.writes()) {
        if (write.change == StructuralChange.ALWAYS
            && write.subject.root() instanceof Origin.FieldLoad
            && ((Origin.FieldLoad) write.subject.root()).sameFieldOfThis(iterated)) {
          return Optional.of(write);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A structural write, in a lambda body the forEach runs, of the map the lambda captured (a local: the body gets it
   * as a parameter), made there or by a method the body passes it to ({@link MapSummaries}); with the line in the
   * body (the write, or the call that hands the map over).
   */
  private Optional<Map.Entry<ApiMethod, SourceLineAnnotation>> writeOfCapturedMap(Iterations.Callback callback) {
    for (MethodDescriptor body : callback.bodies) {
      int parameter = body.isStatic() ? callback.capturedMap : callback.capturedMap - 1; // an instance body's this
      MapValues summary = values.get(body);
      if (parameter < 0 || summary == null) {
        continue;
      }
      for (ParameterUses.ParameterEffect effect : summary.parameterEffects()) {
        if (effect.parameter == parameter && alwaysChangesStructure(effect.effect)) {
          return Optional.of(Map.entry(effect.effect.fact(), effect.line));
        }
      }
      for (ParameterUses.ParameterPass pass : summary.parameterPasses()) {
        Optional<Effect> write = pass.parameter != parameter ? Optional.empty()
            : summaries.effectsOnArgument(pass.callee, pass.argument).stream()
                .filter(this::alwaysChangesStructure)
                .findFirst();
        if (write.isPresent()) {
          return Optional.of(Map.entry(write.get().fact(), pass.line));
        }
      }
    }
    return Optional.empty();
  }

  private boolean alwaysChangesStructure(Effect effect) {
    return effect.operand().isReceiver()
        && MapApi.structuralChange(effect.fact(), hierarchy).orElse(StructuralChange.NEVER) == StructuralChange.ALWAYS;
  }

  /** By the class of the map when it can be known; a map of unknown class counts (most maps are fail-fast). */
  private boolean mayFailFast(Origin root) {
    Optional<MapTypes.Iteration> iteration = Optional.empty();
    if (root instanceof Origin.FieldLoad) {
      String declared = ClassName.fromFieldSignatureToDottedClassName(((Origin.FieldLoad) root).field().getSignature());
      iteration = declared == null ? Optional.empty() : MapTypes.iteration(declared, hierarchy);
      if (iteration.isEmpty()) {
        Optional<List<String>> classes = implementations.of(((Origin.FieldLoad) root).field());
        return classes.isEmpty() || classes.get().stream().allMatch(this::isFailFastClass);
      }
    } else if (root instanceof Origin.Constructed) {
      return isFailFastClass(((Origin.Constructed) root).className());
    } else if (root instanceof Origin.Untracked) {
      iteration = MapTypes.iteration(((Origin.Untracked) root).type(), hierarchy);
    } else if (root instanceof Origin.MethodResult) {
      String returned = ClassName.fromFieldSignatureToDottedClassName(
          new edu.umd.cs.findbugs.ba.SignatureParser(((Origin.MethodResult) root).method().getSignature())
              .getReturnTypeSignature());
      iteration = returned == null ? Optional.empty() : MapTypes.iteration(returned, hierarchy);
    }
    return iteration.orElse(MapTypes.Iteration.FAIL_FAST) == MapTypes.Iteration.FAIL_FAST;
  }

  private boolean isFailFastClass(String className) {
    return MapTypes.iteration(className, hierarchy).orElse(MapTypes.Iteration.FAIL_FAST) == MapTypes.Iteration.FAIL_FAST;
  }

  private BugInstance bug(MapValues method, Origin iterated, String traversal, SourceLineAnnotation traversalLine,
      ApiMethod writeFact, SourceLineAnnotation writeLine) {
    String message =
        Messages.mapModifiedDuringIteration(
            iterated.root().display(),
            traversal + " at line " + traversalLine.getStartLine(),
            writeFact.display() + " at line " + writeLine.getStartLine());
    XField field = iterated.root() instanceof Origin.FieldLoad ? ((Origin.FieldLoad) iterated.root()).field() : null;
    return Findings.at(this, PATTERN, method.method(), message, field, writeLine);
  }
}
