package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.KeyedCalls;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.bcel.classfile.Method;

/**
 * NonAtomicMapUpdate on bytecode: two single-key calls on one concurrent or synchronized map and key that must
 * be one atomic call ({@link KeyedCalls} finds them). Which maps are thread-safe per call is decided once every
 * class has been seen (fields are assigned in constructors and other classes).
 */
public final class NonAtomicMapUpdateDetector implements Detector {
  private static final Pattern PATTERN = Pattern.NON_ATOMIC_MAP_UPDATE;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final SelfLockedMaps selfLocked = new SelfLockedMaps(hierarchy);
  private final Map<MapValues, List<KeyedCalls.Sequence>> found = new LinkedHashMap<>();

  public NonAtomicMapUpdateDetector(BugReporter reporter) {
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
        selfLocked.add(values);
        if (!KeyedCalls.worthAnalyzing(values, hierarchy)) {
          continue; // the dataflow below is the costly part: most methods make no two single-key calls
        }
        List<KeyedCalls.Sequence> sequences = KeyedCalls.sequences(context, method, values, hierarchy);
        if (!sequences.isEmpty()) {
          found.put(values, sequences);
        }
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    for (Map.Entry<MapValues, List<KeyedCalls.Sequence>> method : found.entrySet()) {
      for (KeyedCalls.Sequence sequence : method.getValue()) {
        kindOf(sequence.act, method.getKey()).ifPresent(kind -> bugs.add(bug(method.getKey(), sequence, kind)));
      }
    }
    Findings.report(bugs, reporter);
    found.clear();
  }

  /** What makes the map thread-safe per call, when other threads may see it; else empty. */
  private Optional<String> kindOf(KeyedCalls.Call act, MapValues method) {
    Origin root = act.map.root();
    if (root instanceof Origin.Constructed) {
      String created = ((Origin.Constructed) root).className();
      return method.escapes((Origin.Constructed) root) && MapTypes.isConcurrentMap(created, hierarchy)
          ? Optional.of(simpleName(created))
          : Optional.empty(); // a local map: no other thread sees it
    }
    if (MapTypes.isConcurrentMap(act.api.owner(), hierarchy)) {
      return Optional.of(simpleName(act.api.owner()));
    }
    if (root instanceof Origin.FieldLoad) {
      Optional<List<String>> classes = implementations.of(((Origin.FieldLoad) root).field());
      if (classes.isPresent() && classes.get().stream().allMatch(c -> MapTypes.isConcurrentMap(c, hierarchy))) {
        return Optional.of(simpleName(classes.get().get(0)));
      }
    }
    Optional<SelfLockedMaps.Resolved> self = selfLocked.resolve(act.map, method);
    // Legacy code uses Hashtable as its everyday map: it counts as shared only if the code locks it somewhere.
    return self.filter(s -> s.kind.deliberate || selfLocked.isLockedSomewhere(s)).map(s -> s.kind.description);
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  private BugInstance bug(MapValues method, KeyedCalls.Sequence sequence, String kind) {
    String map = sequence.act.map.display();
    String message =
        Messages.nonAtomicMapUpdate(map, kind, sequence.kind, call(map, sequence.check), call(map, sequence.act));
    BugInstance bug =
        new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
            .addClass(method.method().getClassName())
            .addMethod(MethodAnnotation.fromXMethod(method.method()))
            .addString(message);
    if (sequence.act.map.root() instanceof Origin.FieldLoad) {
      bug.addField(FieldAnnotation.fromXField(((Origin.FieldLoad) sequence.act.map.root()).field()));
    }
    return bug.addSourceLine(sequence.act.line);
  }

  private static String call(String map, KeyedCalls.Call call) {
    return Messages.keyedCall(
        map, call.api.name(), call.keyName, call.api.params().size() > 1, call.line.getStartLine());
  }
}
