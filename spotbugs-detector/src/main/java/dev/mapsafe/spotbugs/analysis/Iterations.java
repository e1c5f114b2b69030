package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.StructuralChange;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.BasicBlock;
import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.SignatureParser;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.ba.vna.ValueNumberDataflow;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKEDYNAMIC;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InvokeInstruction;

/**
 * Iterations of maps in one method and the structural modifications of the same map while they can still
 * take a step: the Error Prone counterpart has the same name. A for-each loop and an
 * explicit iterator loop are the same bytecode: {@code iterator()} on a map view, then {@code hasNext()} and
 * {@code next()} on it; a write is inside the running loop when it is reachable from a {@code next()} and a
 * {@code hasNext()}/{@code next()} of the same iterator is reachable from it. Also records the lambdas a
 * map's own {@code forEach} runs, for the caller to search for writes.
 */
public final class Iterations {

  /** An iterator over a map view, with the steps taken on it and the values that hold its current element. */
  public static final class Loop {
    public final Origin subject;
    public final SourceLineAnnotation line;
    final ValueNumber iterator;
    final Location created;
    final List<Location> nexts = new ArrayList<>();
    final List<Location> steps = new ArrayList<>();
    final Set<ValueNumber> currentElements = new HashSet<>();

    Loop(Origin subject, SourceLineAnnotation line, ValueNumber iterator, Location created) {
      this.subject = subject;
      this.line = line;
      this.iterator = iterator;
      this.created = created;
    }
  }

  /** A call that changes the structure of a map, as the model says, with its key argument if any. */
  public static final class Write {
    public final Origin subject;
    public final ApiMethod fact;
    public final StructuralChange change;
    public final SourceLineAnnotation line;
    final ValueNumber key;
    final Location location;

    Write(Origin subject, ApiMethod fact, StructuralChange change, SourceLineAnnotation line, ValueNumber key,
        Location location) {
      this.subject = subject;
      this.fact = fact;
      this.change = change;
      this.line = line;
      this.key = key;
      this.location = location;
    }
  }

  /** A map's (or view's) own {@code forEach} given lambdas of this class. */
  public static final class Callback {
    public final Origin subject;
    public final List<MethodDescriptor> bodies;
    public final SourceLineAnnotation line;
    /** Which of the values the lambda captures is the iterated map (its body gets it as a parameter), or -1. */
    public final int capturedMap;

    Callback(Origin subject, List<MethodDescriptor> bodies, SourceLineAnnotation line, int capturedMap) {
      this.subject = subject;
      this.bodies = bodies;
      this.line = line;
      this.capturedMap = capturedMap;
    }
  }

  /** A loop and a write of the same map inside it, after which it can take another step. */
  public static final class Modified {
    public final Loop loop;
    public final Write write;

    Modified(Loop loop, Write write) {
      this.loop = loop;
      this.write = write;
    }
  }

  private final CFG cfg;
  private final List<Loop> loops = new ArrayList<>();
  private final List<Write> writes = new ArrayList<>();
  private final List<Callback> callbacks = new ArrayList<>();

  private Iterations(CFG cfg) {
    this.cfg = cfg;
  }

  /** The structural writes of a method (also those outside loops: a lambda body's writes are needed too). */
  public List<Write> writes() {
    return writes;
  }

  public List<Callback> callbacks() {
    return callbacks;
  }

  public static Iterations analyze(ClassContext context, Method method, MapValues values, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    Iterations result = new Iterations(context.getCFG(method));
    ValueNumberDataflow vna = context.getValueNumberDataflow(method);
    ConstantPoolGen cpg = context.getConstantPoolGen();
    Instructions.inBytecodeOrder(result.cfg, vna,
        (location, before, after) -> result.step(context, method, location, before, after, cpg, values, hierarchy));
    return result;
  }

  private void step(ClassContext context, Method method, Location location, ValueNumberFrame before,
      ValueNumberFrame after, ConstantPoolGen cpg, MapValues values, TypeHierarchy hierarchy)
      throws DataflowAnalysisException {
    Instruction ins = location.getHandle().getInstruction();
    if (ins.getOpcode() == Const.CHECKCAST) {
      for (Loop loop : loops) {
        if (loop.currentElements.contains(before.getTopValue())) {
          loop.currentElements.add(after.getTopValue());
        }
      }
      return;
    }
    if (!(ins instanceof InvokeInstruction) || ins instanceof INVOKEDYNAMIC || ins instanceof INVOKESTATIC) {
      return;
    }
    InvokeInstruction invoke = (InvokeInstruction) ins;
    int argCount = before.getNumArguments(invoke, cpg);
    SignatureParser signature = new SignatureParser(invoke.getSignature(cpg));
    ValueNumber[] args = new ValueNumber[argCount];
    for (int i = 0; i < argCount; i++) {
      args[i] = before.getArgument(invoke, cpg, i, signature);
    }
    ValueNumber receiver = before.getInstance(invoke, cpg);
    ValueNumber result = invoke.produceStack(cpg) == 1 ? after.getTopValue() : null;
    String name = invoke.getMethodName(cpg);
    for (Loop loop : loops) {
      if (receiver.equals(loop.iterator) && (name.equals("hasNext") || name.equals("next"))) {
        loop.steps.add(location);
        if (name.equals("next")) {
          loop.nexts.add(location);
          loop.currentElements.add(result);
        }
      } else if (name.equals("getKey") && argCount == 0 && loop.currentElements.contains(receiver) && result != null) {
        loop.currentElements.add(result);
      }
    }
    Optional<ApiMethod> api = BytecodeApi.call(invoke, cpg);
    Origin subject = values.identityOf(receiver);
    if (api.isEmpty() || subject == null) {
      return;
    }
    SourceLineAnnotation line = SourceLineAnnotation.fromVisitedInstruction(context, method, location);
    for (Effect effect : MapApi.effectsOf(api.get(), hierarchy)) {
      if (effect.kind() != MapEffect.ITERATE || !effect.operand().isReceiver() || !(subject instanceof Origin.View)) {
        continue;
      }
      if (name.equals("iterator") && result != null) {
        loops.add(new Loop(subject, line, result, location));
      }
    }
    if (name.equals("forEach") && argCount == 1 && !values.lambdaBodiesOf(args[0]).isEmpty()
        && (subject instanceof Origin.View || MapTypes.isMap(api.get().owner(), hierarchy))) {
      callbacks.add(new Callback(subject, values.lambdaBodiesOf(args[0]), line,
          values.capturedBy(args[0]).indexOf(subject.root().value())));
    }
    Optional<StructuralChange> change = MapApi.structuralChange(api.get(), hierarchy);
    if (change.isPresent() && change.get() != StructuralChange.NEVER) {
      writes.add(new Write(subject, MapApi.effectsOf(api.get(), hierarchy).get(0).fact(), change.get(), line,
          argCount > 0 ? args[0] : null, location));
    }
  }


  /** The writes of the same map inside a running loop over it, first per loop. */
  public List<Modified> modifiedLoops() {
    List<Modified> result = new ArrayList<>();
    for (Loop loop : loops) {
      for (Write write : writes) {
        if (Origin.sameObject(write.subject, loop.subject)
            && !(write.change == StructuralChange.UNLESS_KEY_PRESENT && loop.currentElements.contains(write.key))
            && loop.nexts.stream().anyMatch(next -> reachable(next, write.location))
            && loop.steps.stream().anyMatch(step -> continuesTo(write.location, step, loop.created))) {
          result.add(new Modified(loop, write));
          break;
        }
      }
    }
    return result;
  }

  /**
   * Whether the same iteration can take a step after the write: a path to the step that does not go through
   * the iterator's creation (an outer loop that starts a new iteration is a new iterator, though value
   * numbering gives it the same number).
   */
  private boolean continuesTo(Location write, Location step, Location created) {
    BasicBlock avoid = created.getBasicBlock();
    return (write.getBasicBlock() == step.getBasicBlock()
            && write.getHandle().getPosition() < step.getHandle().getPosition())
        || ControlFlow.reachableAvoiding(cfg, write.getBasicBlock(), step.getBasicBlock(), avoid);
  }

  /** Whether {@code to} can run after {@code from} (normal control flow only). */
  private boolean reachable(Location from, Location to) {
    return (from.getBasicBlock() == to.getBasicBlock()
            && from.getHandle().getPosition() < to.getHandle().getPosition())
        || ControlFlow.reachable(cfg, from.getBasicBlock(), to.getBasicBlock());
  }
}
