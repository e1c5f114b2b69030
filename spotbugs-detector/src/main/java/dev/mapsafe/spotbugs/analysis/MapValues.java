package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.SignatureParser;
import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.bcel.BCELUtil;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import dev.mapsafe.knowledge.threads.InlineCallbacks;
import dev.mapsafe.knowledge.threads.SharedInstances;
import dev.mapsafe.knowledge.threads.SharedMaps;
import edu.umd.cs.findbugs.ba.vna.ValueNumberDataflow;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.LocalVariable;
import org.apache.bcel.classfile.LocalVariableTable;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ArrayInstruction;
import org.apache.bcel.generic.ALOAD;
import org.apache.bcel.generic.ASTORE;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.FieldInstruction;
import org.apache.bcel.generic.INVOKEDYNAMIC;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.LDC;
import org.apache.bcel.generic.ObjectType;
import org.apache.bcel.generic.ReferenceType;
import org.apache.bcel.generic.Type;

/**
 * What each instruction of one method does to which map: the {@link Origin} of its reference values (field
 * loads, maps created here, method results, views), the traversals the map API model knows, the values
 * stored into fields and returned, and which created maps escape the method. Knows nothing of patterns.
 */
public final class MapValues {

  /** A call that walks an operand (from outside or inside, see the effect), where the operand's origin is known. */
  public static final class TraversalSite {
    public final Effect effect;
    public final Origin subject;
    public final SourceLineAnnotation line;
    /** Whether the monitor of the subject's root value is held here (SpotBugs' lock dataflow). */
    public final boolean rootMonitorHeld;
    /** The origins of the other values whose monitors are held here (to match re-loads and accessors). */
    public final List<Origin> heldOrigins;

    TraversalSite(Effect effect, Origin subject, SourceLineAnnotation line, boolean held, List<Origin> heldOrigins) {
      this.effect = effect;
      this.subject = subject;
      this.line = line;
      this.rootMonitorHeld = held;
      this.heldOrigins = heldOrigins;
    }
  }

  /** A lambda body that a call running its callbacks inline was given, and the monitors held at that call. */
  public static final class InlineLambda {
    public final MethodDescriptor body;
    public final List<Origin> heldOrigins;

    InlineLambda(MethodDescriptor body, List<Origin> heldOrigins) {
      this.body = body;
      this.heldOrigins = heldOrigins;
    }
  }

  /**
   * An atomic update ({@code computeIfAbsent}, {@code merge}, ...) of a receiver whose origin is known, with
   * the methods its function argument runs (a lambda body, or a method reference's target in any class).
   */
  public static final class Update {
    public final Effect effect;
    public final Origin receiver;
    public final List<MethodDescriptor> functionBodies;
    /**
     * Whether the function runs on this method's {@code this}: a lambda that captures it, {@code this::m}; not
     * {@code parent::m} (another object) nor a lambda that captures no {@code this}.
     */
    public final boolean functionOnThis;
    public final SourceLineAnnotation line;

    Update(Effect effect, Origin receiver, List<MethodDescriptor> functionBodies, boolean functionOnThis,
        SourceLineAnnotation line) {
      this.effect = effect;
      this.receiver = receiver;
      this.functionBodies = functionBodies;
      this.functionOnThis = functionOnThis;
      this.line = line;
    }
  }

  /** Any read, write or traversal of an operand whose origin is known, with the monitors held there. */
  public static final class Access {
    public final Effect effect;
    public final Origin subject;
    public final SourceLineAnnotation line;
    public final Location location;
    /** The origins of the objects whose monitors are held, and whether {@code this}'s is. */
    public final List<Origin> heldOrigins;
    public final boolean thisHeld;
    /** Whether a null constant is passed to the call (a write that stores null). */
    public final boolean passesNull;
    /** Whether the key (first argument) identifies the current thread ({@link SharedMaps}). */
    public final boolean keyedByThread;
    /**
     * For a traversal that returns an iterator, spliterator or stream: the later calls on it (or on the streams
     * made from it), which walk the map when they run.
     */
    public final List<ResultUse> resultUses = new ArrayList<>();

    Access(Effect effect, Origin subject, SourceLineAnnotation line, Location location, List<Origin> heldOrigins,
        boolean thisHeld, boolean passesNull, boolean keyedByThread) {
      this.effect = effect;
      this.subject = subject;
      this.line = line;
      this.location = location;
      this.heldOrigins = heldOrigins;
      this.thisHeld = thisHeld;
      this.passesNull = passesNull;
      this.keyedByThread = keyedByThread;
    }

    /** The access a call makes by giving the map to a method that has the effect on it ({@link MapSummaries}). */
    static Access atCall(Effect effect, PassedMap passed) {
      return new Access(effect, passed.subject, passed.line, passed.location, passed.heldOrigins, passed.thisHeld,
          false, false);
    }
  }

  /** A call on the iterator or stream a traversal returned, with the monitors held there. */
  public static final class ResultUse {
    public final Location location;
    public final SourceLineAnnotation line;
    public final List<Origin> heldOrigins;
    public final boolean thisHeld;

    ResultUse(Location location, SourceLineAnnotation line, List<Origin> heldOrigins, boolean thisHeld) {
      this.location = location;
      this.line = line;
      this.heldOrigins = heldOrigins;
      this.thisHeld = thisHeld;
    }
  }

  /** A call of a method (not through invokedynamic), with the monitors held there. */
  public static final class CallSite {
    public final MethodDescriptor callee;
    public final Location location;
    public final List<Origin> heldOrigins;
    public final boolean thisHeld;
    /** For each argument, the methods of this class a function object passed there runs (lambda bodies). */
    public final List<List<MethodDescriptor>> argumentBodies;
    /** Whether the receiver is an object this method constructed ({@link Origin.Constructed}), not its own {@code this}. */
    public final boolean onNewObject;
    /** For each argument, the class of the object this method constructed and passes there, or null. */
    public final List<String> constructedArguments;
    /** Where the receiver comes from, or null (a static call, or an origin the analysis does not know). */
    public final Origin receiver;
    /** Whether the receiver is this method's own {@code this} (in a lambda body, the object that made the lambda). */
    public final boolean onThis;
    /** The arguments that are this method's own {@code this} ({@code new Stream(id, this)}), by index. */
    public final List<Integer> thisArguments;
    /** The arguments that are the constant null, by index. */
    public final List<Integer> nullArguments;
    /** The call's source line, or -1. */
    public final int line;
    /** The index of the method's parameter the call is made on ({@code registry.unsubscribe(..)}), or -1. */
    public final int receiverParameter;
    /** For each argument, the field of {@code this} it was loaded from ({@code doRetry(url, this.registry)}), or null. */
    public final List<XField> argumentFields;

    CallSite(MethodDescriptor callee, Location location, List<Origin> heldOrigins, boolean thisHeld,
        List<List<MethodDescriptor>> argumentBodies, boolean onNewObject, List<String> constructedArguments,
        Origin receiver, boolean onThis, List<Integer> thisArguments, List<Integer> nullArguments, int line,
        int receiverParameter, List<XField> argumentFields) {
      this.nullArguments = nullArguments;
      this.receiverParameter = receiverParameter;
      this.argumentFields = argumentFields;
      this.thisArguments = thisArguments;
      this.line = line;
      this.callee = callee;
      this.location = location;
      this.heldOrigins = heldOrigins;
      this.thisHeld = thisHeld;
      this.argumentBodies = argumentBodies;
      this.onNewObject = onNewObject;
      this.constructedArguments = constructedArguments;
      this.receiver = receiver;
      this.onThis = onThis;
    }
  }

  /**
   * A map of known origin (or a view of one) passed as argument {@code argument} of a call of a method of the
   * analysed code, which no map API model covers: {@link MapSummaries} tells what the callee does to it.
   */
  public static final class PassedMap {
    public final MethodDescriptor callee;
    public final int argument;
    public final Origin subject;
    public final SourceLineAnnotation line;
    public final Location location;
    public final List<Origin> heldOrigins;
    public final boolean thisHeld;

    PassedMap(MethodDescriptor callee, int argument, Origin subject, SourceLineAnnotation line, Location location,
        List<Origin> heldOrigins, boolean thisHeld) {
      this.callee = callee;
      this.argument = argument;
      this.subject = subject;
      this.line = line;
      this.location = location;
      this.heldOrigins = heldOrigins;
      this.thisHeld = thisHeld;
    }
  }

  /** A value stored into a field; {@code value} is null when its origin is unknown. */
  public static final class FieldStore {
    public final XField field;
    public final Origin value;
    public final SourceLineAnnotation line;
    /** The name of the method's parameter stored, when the value is one (a caller's object), else null. */
    public final String parameter;
    /** The index of that parameter, or -1. */
    public final int parameterIndex;
    /** Whether the value stored is the constant null. */
    public final boolean storesNull;
    /**
     * The class of the object this method constructed that the value stored holds ({@code Optional.of(new X())}:
     * {@link SharedInstances#holdsArgument}), or null.
     */
    public final String heldClass;
    /** Whether the value stored is an immutable empty map ({@link MapTypes#isEmptyPlaceholder}). */
    public final boolean storesPlaceholder;
    /**
     * Where the instruction that stores stands, when the value is one branch of a choice made there
     * ({@code f = c ? new A() : new B()}: one store per branch), else null.
     */
    public final Location choiceAt;

    FieldStore(XField field, Origin value, SourceLineAnnotation line, String parameter, int parameterIndex,
        boolean storesNull, String heldClass, boolean storesPlaceholder, Location choiceAt) {
      this.choiceAt = choiceAt;
      this.heldClass = heldClass;
      this.storesPlaceholder = storesPlaceholder;
      this.field = field;
      this.value = value;
      this.line = line;
      this.parameter = parameter;
      this.parameterIndex = parameterIndex;
      this.storesNull = storesNull;
    }
  }

  /**
   * A {@code return} of a value whose origin is known: a map or a view, or an iterator or stream made by the
   * {@code traversal} call ({@code iterator}, {@code stream}) on {@code returned}.
   */
  public static final class ReturnSite {
    public final Origin returned;
    public final String traversal;
    public final SourceLineAnnotation line;
    public final Location location;

    ReturnSite(Origin returned, String traversal, SourceLineAnnotation line, Location location) {
      this.returned = returned;
      this.traversal = traversal;
      this.line = line;
      this.location = location;
    }
  }

  private final XMethod method;
  /** Which object each value is. */
  private final MapIdentity identity;
  private final List<TraversalSite> traversals = new ArrayList<>();
  private final List<FieldStore> stores = new ArrayList<>();
  private final List<Origin> returns = new ArrayList<>();
  private final List<ReturnSite> returnSites = new ArrayList<>();
  /** What the method does with the values it receives as parameters. */
  private final ParameterUses parameterUses = new ParameterUses();
  private final List<PassedMap> passedMaps = new ArrayList<>();
  /** Shallow copies, hand-offs, and which map fields' values the method shows to be mutable. */
  private final ValueFacts valueFacts;
  /** {@code new AtomicReference<>(value)}: the initial value, by the reference's value number. */
  private final Publications publications = new Publications();
  /** The values each function object made by invokedynamic captures, in order. */
  private final Set<ValueNumber> escaped = new HashSet<>();
  private final FunctionObjects functions = new FunctionObjects();
  private final List<InlineLambda> inlineLambdas = new ArrayList<>();
  private final List<Origin> monitored = new ArrayList<>();
  private final List<Update> updates = new ArrayList<>();
  private final List<MethodDescriptor> callees = new ArrayList<>();
  private final List<Access> accesses = new ArrayList<>();
  /** Reads and writes of the object itself, when its class is a map ({@link Origin.This}). */
  private final List<Access> selfAccesses = new ArrayList<>();
  /** In a constructor of a map subclass, the map its {@code super(..)} call makes. */
  private Origin.Constructed superMap;
  private boolean selfIsMap;
  private final List<CallSite> callSites = new ArrayList<>();
  private final ThreadIdentity threadIdentity = new ThreadIdentity();
  private final TaskLaunches tasks = new TaskLaunches();
  /** Iterations and streams made by a traversal, with the traversal's access. */
  private final Map<ValueNumber, Access> lazyResults = new HashMap<>();
  /** The method's control flow and values while it is scanned; not kept after (its facts live for the whole run). */
  private CFG cfg;
  private ValueNumberDataflow vna;
  private final ValueNumber thisValue;
  private final int classVersion;

  private MapValues(XMethod method, ValueNumber thisValue, int classVersion) {
    this.method = method;
    this.thisValue = thisValue;
    this.classVersion = classVersion;
    this.identity = new MapIdentity(thisValue);
    this.valueFacts = new ValueFacts(identity.origins());
  }

  public XMethod method() {
    return method;
  }

  /** The class file major version of the method's class: the JDK the code is compiled for. */
  public int classVersion() {
    return classVersion;
  }

  public List<TraversalSite> traversals() {
    return traversals;
  }

  public List<FieldStore> stores() {
    return stores;
  }

  /** The lambda bodies of this method that calls run inline, with the monitors held there. */
  public List<InlineLambda> inlineLambdas() {
    return inlineLambdas;
  }

  public List<Update> updates() {
    return updates;
  }

  /** The methods this method invokes (not through invokedynamic). */
  public List<MethodDescriptor> callees() {
    return callees;
  }

  /** The origins of the objects this method enters the monitor of ({@code synchronized (x)}). */
  public List<Origin> monitored() {
    return monitored;
  }

  /** The calls on parameters whose function objects run only there (not passed on, stored or captured). */
  public List<ParameterUses.ParameterCall> parameterCallsRunningOnlyHere() {
    return parameterUses.callsRunningOnlyHere();
  }

  /** The shallow copy an origin is (or is an unmodifiable view of), or null. */
  public ShallowCopies.Copy copyOf(Origin origin) {
    return valueFacts.copyOf(origin);
  }

  public List<ValueFacts.HandedOff> handOffs() {
    return valueFacts.handOffs();
  }

  /** Map fields whose values the method shows to be mutable: it puts a new mutable collection, or changes one. */
  public Set<XField> valuesShownMutable() {
    return valueFacts.valuesShownMutable();
  }

  public List<Publications.PublishedValue> publications() {
    return publications.published();
  }

  public List<Publications.UpdateFunction> updateFunctions() {
    return publications.updateFunctions();
  }

  /** What the method does to the maps it receives, and to which calls it passes them on. */
  public List<ParameterUses.ParameterEffect> parameterEffects() {
    return parameterUses.effects();
  }

  public List<ParameterUses.ParameterPass> parameterPasses() {
    return parameterUses.passes();
  }

  /** The maps of known origin the method passes to methods of the analysed code. */
  public List<PassedMap> passedMaps() {
    return passedMaps;
  }

  public List<ReturnSite> returnSites() {
    return returnSites;
  }

  /** Origins of the values the method returns; null entries for values of unknown origin. */
  public List<Origin> returns() {
    return returns;
  }

  /** Whether a map created in this method leaves it (stored, returned, captured, passed on). */
  public boolean escapes(Origin.Created created) {
    return escaped.contains(created.value());
  }

  /** Whether an object constructed in this method leaves it. */
  public boolean escapes(Origin.Constructed constructed) {
    return escaped.contains(constructed.value());
  }

  /** The methods of this class that a function object made by invokedynamic runs (lambda bodies, method refs). */
  public List<MethodDescriptor> lambdaBodiesOf(ValueNumber functionObject) {
    return functions.bodiesOf(functionObject);
  }

  /** The values a function object made by invokedynamic captures, in order (a lambda body's first parameters). */
  public List<ValueNumber> capturedBy(ValueNumber functionObject) {
    return functions.capturedBy(functionObject);
  }

  /** The calls this method makes, with the monitors held at each. */
  public List<CallSite> callSites() {
    return callSites;
  }

  /** Every read, write and traversal of an operand of known origin. */
  public List<Access> accesses() {
    return accesses;
  }

  /**
   * Every read and write of the object itself, in a class that is a map: only MapWriteUnderReadLock asks, the
   * other patterns reason about map fields.
   */
  public List<Access> selfAccesses() {
    return selfAccesses;
  }

  /** In a constructor of a map subclass, the map its {@code super(..)} call makes ({@code super(16, .75f, true)}). */
  public Optional<Origin.Constructed> superMap() {
    return Optional.ofNullable(superMap);
  }

  /** The calls that run function objects on other threads, and parallel stream operations. */
  public List<TaskLaunches.Launch> launches() {
    return tasks.launches();
  }

  /** Bytecode positions of calls that wait for launched work (get, join, awaitTermination, ...). */
  public List<Integer> waits() {
    return tasks.waits();
  }

  /** The lambda bodies and method references this method creates (invokedynamic). */
  public List<MethodDescriptor> createdLambdas() {
    return functions.madeBodies();
  }

  /** The origin of a value of this method, or null when unknown. */
  public Origin originOf(ValueNumber value) {
    return identity.originOf(value);
  }

  /**
   * Which map a value of this method is: its origin, or else, for a map (or a view of one) whose source is not
   * tracked, an {@link Origin.Untracked} that only tells it apart from the method's other maps.
   */
  public Origin identityOf(ValueNumber value) {
    return identity.identityOf(value);
  }

  /**
   * The facts of one method, computed once per class pass: every mapsafe detector asks for them, so they are
   * kept in SpotBugs' per-class analysis cache.
   */
  public static MapValues analyze(ClassContext context, Method method, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    MethodDescriptor descriptor = BCELUtil.getMethodDescriptor(context.getJavaClass(), method);
    Object cached = context.getMethodAnalysis(MapValues.class, descriptor);
    if (cached instanceof MapValues) {
      return (MapValues) cached;
    }
    MapValues result = compute(context, method, hierarchy);
    context.putMethodAnalysis(MapValues.class, descriptor, result);
    return result;
  }

  private static MapValues compute(ClassContext context, Method method, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    CFG cfg = context.getCFG(method);
    ValueNumberDataflow vna = context.getValueNumberDataflow(method);
    MapValues result =
        new MapValues(
            XFactory.createXMethod(context.getJavaClass(), method),
            method.isStatic() ? null : vna.getAnalysis().getThisValue(),
            context.getJavaClass().getMajor());
    HeldMonitors monitors = new HeldMonitors(context, method);
    result.selfIsMap = !method.isStatic() && hierarchy.isSubtype(result.method.getClassName(), "java.util.Map");
    int parameterCount = new SignatureParser(method.getSignature()).getNumParameters();
    for (int i = 0; i < parameterCount; i++) {
      ValueNumber entry = vna.getAnalysis().getEntryValueForParameter(i);
      if (entry != null) {
        result.parameterUses.declare(entry, i, localName(method, parameterSlot(method, i), 0).orElse("arg" + i));
      }
    }
    ConstantPoolGen cpg = context.getConstantPoolGen();
    result.cfg = cfg;
    result.vna = vna;
    Instructions.inBytecodeOrder(cfg, vna,
        (location, before, after) -> result.step(context, method, location, before, after, cpg, monitors, hierarchy));
    result.tasks.finish(cfg);
    result.cfg = null;
    result.vna = null;
    return result;
  }

  private void step(
      ClassContext context,
      Method m,
      Location location,
      ValueNumberFrame before,
      ValueNumberFrame after,
      ConstantPoolGen cpg,
      HeldMonitors monitors,
      TypeHierarchy hierarchy)
      throws DataflowAnalysisException {
    Instruction ins = location.getHandle().getInstruction();
    short op = ins.getOpcode();
    if (op == Const.GETFIELD || op == Const.GETSTATIC) {
      FieldInstruction fi = (FieldInstruction) ins;
      if (fi.getType(cpg) instanceof ReferenceType) {
        ValueNumber base = op == Const.GETFIELD ? before.getTopValue() : null;
        identity.fieldLoaded(XFactory.createXField(fi, cpg), base, after.getTopValue());
      }
    } else if (ins instanceof ArrayInstruction && ins.consumeStack(cpg) >= 3
        && before.getStackDepth() >= ins.consumeStack(cpg)) {
      valueFacts.changedInPlace(identity.originOf(before.getStackValue(ins.consumeStack(cpg) - 1))); // field.get(k)[i] = v
    } else if (op == Const.PUTFIELD || op == Const.PUTSTATIC) {
      FieldInstruction fi = (FieldInstruction) ins;
      if (fi.getType(cpg) instanceof ReferenceType) {
        ValueNumber value = before.getTopValue();
        parameterUses.escaped(value);
        XField storedField = XFactory.createXField(fi, cpg);
        publications.stored(storedField, value, identity.originOf(value), location,
            SourceLineAnnotation.fromVisitedInstruction(context, m, location), heldOrigins(monitors, location),
            thisHeld(monitors, location));
        List<ValueNumber> branches = identity.originOf(value) != null ? List.of() : choice(value, location);
        for (ValueNumber stored : branches.isEmpty() ? List.of(value) : branches) {
          stores.add(new FieldStore(storedField, identity.originOf(stored),
              SourceLineAnnotation.fromVisitedInstruction(context, m, location), parameterUses.nameOf(stored),
              parameterUses.indexOf(stored), identity.isNull(stored), identity.heldNewOf(stored),
              identity.isPlaceholder(stored),
              branches.isEmpty() ? null : location));
          escape(stored);
        }
        escape(value);
      }
    } else if (op == Const.ARETURN) {
      ValueNumber value = before.getTopValue();
      returns.add(identity.originOf(value));
      Access iterated = lazyResults.get(value);
      Origin returned = iterated != null ? iterated.subject : identity.originOf(value);
      if (returned != null) {
        returnSites.add(new ReturnSite(returned, iterated == null ? null : iterated.effect.fact().name(),
            SourceLineAnnotation.fromVisitedInstruction(context, m, location), location));
      }
      escape(value);
    } else if (op == Const.MONITORENTER) {
      Origin locked = identity.originOf(before.getTopValue());
      if (locked != null) {
        monitored.add(locked);
      }
    } else if (ins instanceof LDC && ((LDC) ins).getValue(cpg) instanceof ObjectType) {
      identity.classLiteral(((ObjectType) ((LDC) ins).getValue(cpg)).getClassName(), after.getTopValue());
    } else if (op == Const.ACONST_NULL) {
      identity.nullLoaded(after.getTopValue());
    } else if (op == Const.ICONST_1) {
      identity.trueLoaded(after.getTopValue());
    } else if (op == Const.AASTORE) {
      escape(before.getTopValue());
    } else if (ins instanceof ALOAD) {
      identity.localLoaded(after.getTopValue(), location);
    } else if (ins instanceof ASTORE) {
      Origin origin = identity.originOf(before.getTopValue());
      if (origin != null && location.getHandle().getNext() != null) {
        Optional<String> local =
            localName(m, ((ASTORE) ins).getIndex(), location.getHandle().getNext().getPosition());
        if (origin instanceof Origin.Created) {
          local.ifPresent(((Origin.Created) origin)::nameIfUnnamed);
        } else if (origin instanceof Origin.Constructed) {
          local.ifPresent(((Origin.Constructed) origin)::nameIfUnnamed);
        }
      }
    } else if (ins instanceof InvokeInstruction) {
      invoke(context, m, location, (InvokeInstruction) ins, before, after, cpg, monitors, hierarchy);
    }
  }

  /**
   * The values a stored value chooses between, when it merges branches that each bring a value of known source
   * ({@code c ? new WeakHashMap<>() : new ConcurrentHashMap<>()}, {@code c ? null : new HashMap<>()}, a local
   * assigned in both branches of an {@code if}): the field then holds either, as if each branch stored its own.
   * Empty otherwise.
   */
  private List<ValueNumber> choice(ValueNumber value, Location location) throws DataflowAnalysisException {
    List<ValueNumber> branches = ControlFlow.mergedValues(cfg, vna, location.getBasicBlock(), value);
    boolean known = branches.stream().allMatch(
        b -> identity.originOf(b) != null || identity.isNull(b) || identity.isPlaceholder(b)
            || parameterUses.indexOf(b) >= 0);
    return known ? branches.stream().distinct().collect(Collectors.toList()) : List.of();
  }

  private void invoke(
      ClassContext context,
      Method m,
      Location location,
      InvokeInstruction invoke,
      ValueNumberFrame before,
      ValueNumberFrame after,
      ConstantPoolGen cpg,
      HeldMonitors monitors,
      TypeHierarchy hierarchy)
      throws DataflowAnalysisException {
    int argCount = before.getNumArguments(invoke, cpg);
    SignatureParser signature = new SignatureParser(invoke.getSignature(cpg));
    ValueNumber[] args = new ValueNumber[argCount];
    for (int i = 0; i < argCount; i++) {
      args[i] = before.getArgument(invoke, cpg, i, signature);
    }
    if (invoke instanceof INVOKEDYNAMIC) {
      for (ValueNumber captured : args) {
        escape(captured); // captured by a lambda: it may run anywhere, any time
        parameterUses.escaped(captured);
      }
      if (invoke.getReturnType(cpg) instanceof ReferenceType) {
        functions.made(context, (INVOKEDYNAMIC) invoke, cpg, after.getTopValue(), args);
        valueFacts.functionObject(after.getTopValue(), (INVOKEDYNAMIC) invoke);
      }
      return;
    }
    MethodDescriptor callee = XFactory.createXMethod(invoke, cpg).getMethodDescriptor();
    List<List<MethodDescriptor>> argumentBodies = new ArrayList<>();
    List<String> constructedArguments = new ArrayList<>();
    List<Integer> thisArguments = new ArrayList<>();
    List<Integer> nullArguments = new ArrayList<>();
    List<XField> argumentFields = new ArrayList<>();
    for (ValueNumber arg : args) {
      if (arg != null && arg.equals(thisValue)) {
        thisArguments.add(argumentBodies.size());
      }
      if (identity.isNull(arg)) {
        nullArguments.add(argumentBodies.size());
      }
      Origin loaded = identity.originOf(arg);
      argumentFields.add(loaded instanceof Origin.FieldLoad && ((Origin.FieldLoad) loaded).onThis()
          && !((Origin.FieldLoad) loaded).field().isStatic() ? ((Origin.FieldLoad) loaded).field() : null);
      argumentBodies.add(functions.bodiesOf(arg));
      Origin argument = identity.originOf(arg);
      constructedArguments.add(
          argument instanceof Origin.Constructed ? ((Origin.Constructed) argument).className() : null);
    }
    boolean thisHeldHere = thisValue != null && monitors.at(location).contains(thisValue);
    ValueNumber receiver = invoke instanceof INVOKESTATIC ? null : before.getInstance(invoke, cpg);
    if (!SyntheticAccessors.isAccessor(method)) { // SpotBugs resolves a call of an accessor to what it calls
      callees.add(callee);
      callSites.add(new CallSite(callee, location, heldOrigins(monitors, location), thisHeldHere, argumentBodies,
          !callee.getName().startsWith("<") && receiver != null && !receiver.equals(thisValue)
              && identity.originOf(receiver) instanceof Origin.Constructed, constructedArguments,
          receiver == null ? null : identity.originOf(receiver), receiver != null && receiver.equals(thisValue),
          thisArguments, nullArguments, SourceLineAnnotation.fromVisitedInstruction(context, m, location).getStartLine(),
          parameterUses.indexOf(receiver), argumentFields));
    }
    if (parameterUses.isParameter(receiver)) {
      parameterUses.called(receiver, location, heldOrigins(monitors, location), thisHeldHere);
    }
    for (int i = 0; i < argCount; i++) {
      if (parameterUses.isParameter(args[i])) { // passed on: it may run anywhere
        parameterUses.passed(args[i], callee, i, SourceLineAnnotation.fromVisitedInstruction(context, m, location),
            location, !monitors.at(location).isEmpty());
      }
    }
    ValueNumber result =
        invoke.getReturnType(cpg) instanceof ReferenceType ? after.getTopValue() : null;
    threadIdentity.note(invoke, cpg, receiver, args, after, hierarchy);
    Optional<ApiMethod> api = BytecodeApi.call(invoke, cpg);
    if (api.isPresent() && InlineCallbacks.runsCallbacksInline(api.get().owner(), api.get().name(), hierarchy)) {
      for (ValueNumber arg : args) {
        for (MethodDescriptor body : functions.bodiesOf(arg)) {
          if (body.getName().startsWith("lambda$")) { // a method reference's target runs with no monitor of ours
            inlineLambdas.add(new InlineLambda(body, heldOrigins(monitors, location)));
          }
        }
      }
    }
    if (api.isPresent()) {
      tasks.note(context, m, location, cfg, api.get(), receiver, result, args, functions, identity.origins(),
          thisValue, hierarchy);
    }
    Access lazySource = receiver == null ? null : lazyResults.get(receiver);
    if (lazySource != null) {
      lazySource.resultUses.add(new ResultUse(location, SourceLineAnnotation.fromVisitedInstruction(context, m, location),
          heldOrigins(monitors, location), thisValue != null && monitors.at(location).contains(thisValue)));
      if (result != null && isLazyTraversal(invoke.getReturnType(cpg), hierarchy)) {
        lazyResults.put(result, lazySource);
      }
    }
    if (api.isPresent()) {
      valueFacts.called(context, api.get(), receiver, result, args,
          SourceLineAnnotation.fromVisitedInstruction(context, m, location), hierarchy);
    }
    if (api.isPresent() && receiver != null) {
      publications.called(api.get(), receiver, args, identity.origins(), functions, location,
          SourceLineAnnotation.fromVisitedInstruction(context, m, location), heldOrigins(monitors, location),
          thisHeldHere, hierarchy);
    }
    List<Effect> effects = api.map(a -> MapApi.effectsOf(a, hierarchy)).orElse(List.of());
    boolean[] argumentOnlyIterated = new boolean[argCount];
    boolean[] modelled = new boolean[argCount];
    for (Effect effect : effects) {
      ValueNumber operand = effect.operand().isReceiver() ? receiver : argOrNull(args, effect.operand().argIndex());
      Origin subject = operand == null ? null : identity.originOf(operand);
      if (effect.kind() != MapEffect.VIEW && parameterUses.isParameter(operand)) {
        parameterUses.affected(operand, effect, SourceLineAnnotation.fromVisitedInstruction(context, m, location),
            location, !monitors.at(location).isEmpty());
      }
      if (!effect.operand().isReceiver() && operand != null) {
        modelled[effect.operand().argIndex()] = true;
        argumentOnlyIterated[effect.operand().argIndex()] |= effect.kind() == MapEffect.ITERATE;
      }
      if (operand != null && effect.operand().isReceiver() && !operand.equals(thisValue)
          && (identity.isUntrackedView(operand) || subject == null && MapTypes.isMap(api.get().owner(), hierarchy))) {
        identity.untrackedMapCalled(m, operand, api.get(), effect, result, hierarchy);
      }
      if (subject == null && selfIsMap && effect.kind() != MapEffect.VIEW && operand != null
          && operand.equals(thisValue)) {
        selfAccesses.add(new Access(effect, new Origin.This(method.getClassName(), operand),
            SourceLineAnnotation.fromVisitedInstruction(context, m, location), location, heldOrigins(monitors, location),
            thisHeld(monitors, location), false, false));
      }
      if (subject == null) {
        continue;
      }
      if (effect.kind() != MapEffect.VIEW) {
        boolean passesNull = false;
        for (ValueNumber arg : args) {
          passesNull |= identity.isNull(arg);
        }
        Collection<ValueNumber> held = monitors.at(location);
        boolean keyedByThread =
            effect.operand().isReceiver() && argCount > 0 && threadIdentity.identifiesCurrentThread(args[0]);
        Access access =
            new Access(effect, subject, SourceLineAnnotation.fromVisitedInstruction(context, m, location), location,
                heldOrigins(monitors, location), thisValue != null && held.contains(thisValue), passesNull,
                keyedByThread);
        accesses.add(access);
        if (effect.isExternalTraversal() && result != null && isLazyTraversal(invoke.getReturnType(cpg), hierarchy)) {
          lazyResults.put(result, access);
        }
      }
      if (effect.kind() == MapEffect.WRITE) {
        int function = MapApi.updateFunctionArgument(api.get(), hierarchy);
        if (effect.operand().isReceiver() && function >= 0 && function < argCount) {
          updates.add(
              new Update(effect, subject, functions.targetsOf(args[function]),
                  functions.capturedBy(args[function]).stream().findFirst().filter(identity::isThis).isPresent(),
                  SourceLineAnnotation.fromVisitedInstruction(context, m, location)));
        }
      }
      if (effect.kind() == MapEffect.VIEW && result != null) {
        identity.viewMade(result, subject, api.get(), effect, invoke, cpg, hierarchy);
      } else if (effect.kind() == MapEffect.ITERATE) {
        traversals.add(
            new TraversalSite(
                effect,
                subject,
                SourceLineAnnotation.fromVisitedInstruction(context, m, location),
                monitors.holds(location, subject.root().value()),
                heldOrigins(monitors, location)));
      }
    }
    for (int i = 0; i < argCount; i++) {
      if (!argumentOnlyIterated[i]) {
        escape(args[i]);
      }
      Origin passed = modelled[i] ? null : identity.originOf(args[i]);
      if (passed != null && passed.root() instanceof Origin.FieldLoad) {
        passedMaps.add(new PassedMap(callee, i, passed, SourceLineAnnotation.fromVisitedInstruction(context, m, location),
            location, heldOrigins(monitors, location), thisHeldHere));
      }
    }
    identity.called(invoke, cpg, callee, api.orElse(null), receiver, args, result, location, hierarchy);
    if (selfIsMap && api.isPresent() && api.get().kind() == CallKind.CONSTRUCTOR && identity.isThis(receiver)
        && identity.originOf(receiver) instanceof Origin.Constructed) {
      superMap = (Origin.Constructed) identity.originOf(receiver);
    }
  }

  private static boolean isLazyTraversal(Type type, TypeHierarchy hierarchy) {
    return type instanceof ObjectType && MapTypes.isLazyTraversal(((ObjectType) type).getClassName(), hierarchy);
  }

  private static ValueNumber argOrNull(ValueNumber[] args, int index) {
    return index < args.length ? args[index] : null;
  }

  private boolean thisHeld(HeldMonitors monitors, Location location) throws DataflowAnalysisException {
    return thisValue != null && monitors.at(location).contains(thisValue);
  }

  private List<Origin> heldOrigins(HeldMonitors monitors, Location location) throws DataflowAnalysisException {
    Collection<ValueNumber> held = monitors.at(location);
    List<Origin> result = new ArrayList<>();
    for (ValueNumber v : held) {
      Origin o = identity.originOf(v);
      if (o != null) {
        result.add(o);
      }
    }
    return result;
  }

  private void escape(ValueNumber value) {
    Origin origin = value == null ? null : identity.originOf(value);
    if (origin != null && (origin.root() instanceof Origin.Created || origin.root() instanceof Origin.Constructed)) {
      escaped.add(origin.root().value());
    }
  }

  /** The local variable slot of parameter {@code index} (after {@code this}; longs and doubles take two). */
  private static int parameterSlot(Method method, int index) {
    SignatureParser signature = new SignatureParser(method.getSignature());
    int slot = method.isStatic() ? 0 : 1;
    int i = 0;
    for (java.util.Iterator<String> it = signature.parameterSignatureIterator(); it.hasNext() && i < index; i++) {
      String p = it.next();
      slot += p.equals("J") || p.equals("D") ? 2 : 1;
    }
    return slot;
  }

  /** The name of local variable slot {@code index} at {@code pc}, from the LocalVariableTable if present. */
  static Optional<String> localName(Method m, int index, int pc) {
    LocalVariableTable table = m.getLocalVariableTable();
    LocalVariable variable = table == null ? null : table.getLocalVariable(index, pc);
    return variable == null ? Optional.empty() : Optional.of(variable.getName());
  }
}
