package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.CheckThenAct;
import dev.mapsafe.knowledge.mapapi.EntryTest;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.RaceConsequence;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.BasicBlock;
import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Edge;
import edu.umd.cs.findbugs.ba.EdgeTypes;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.PostDominatorsAnalysis;
import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.SignatureParser;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.ba.vna.ValueNumberDataflow;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
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
import org.apache.bcel.generic.FieldInstruction;
import org.apache.bcel.generic.IfInstruction;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InstructionHandle;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.INVOKEDYNAMIC;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.LoadInstruction;
import org.apache.bcel.generic.StackInstruction;
import org.apache.bcel.generic.StoreInstruction;

/**
 * Single-key map calls of one method ({@code containsKey}, {@code get}, {@code put}, {@code remove}: the
 * model's {@link KeyUse}) and the two-call sequences on one map and key that must be atomic: a call that runs
 * only because of a branch on what an earlier call saw (control dependence: it does not post-dominate the
 * branch), or a store of a value computed from an earlier lookup (data dependence, followed through every
 * instruction and through the merges of the control flow). The bytecode counterpart of the Error Prone
 * analysis of the same name.
 */
public final class KeyedCalls {

  /** A single-key call whose receiver's origin is known. */
  public static final class Call {
    public final KeyUse use;
    public final ApiMethod api;
    public final Origin map;
    public final SourceLineAnnotation line;
    /** The key's local variable name, or null. */
    public final String keyName;
    /** The accessor the call is made through ({@link MapDelegates}), or null. */
    public final String accessor;
    /** For a call through an accessor, where the accessor's receiver comes from (null when unknown). */
    public final Origin through;
    final ValueNumber key;
    final ValueNumber stored;
    final ValueNumber result;
    public final Location location;
    final Collection<ValueNumber> heldMonitors;
    final Set<String> heldLocks;
    boolean dereferenced;
    /** For a lookup: its result (itself, or after a cast) is returned. */
    boolean returned;
    /** For a lookup: its result is used beyond a null test (returned, called, passed on). */
    boolean foundValueUsed;
    /**
     * Whether this is the read of an entry's value in a walk of the map's {@code entrySet()} ({@code e.getValue()}:
     * a lookup of the entry's key; its key is the entry).
     */
    public boolean entryValueRead;
    /** For an entry's value read, the block of the walk's step ({@code next()}) that gave the entry. */
    BasicBlock entryStep;

    Call(KeyUse use, ApiMethod api, Origin map, SourceLineAnnotation line, String keyName, String accessor,
        Origin through, ValueNumber key, ValueNumber stored, ValueNumber result, Location location,
        Collection<ValueNumber> heldMonitors, Set<String> heldLocks) {
      this.use = use;
      this.api = api;
      this.map = map;
      this.line = line;
      this.keyName = keyName;
      this.accessor = accessor;
      this.through = through;
      this.key = key;
      this.stored = stored;
      this.result = result;
      this.location = location;
      this.heldMonitors = heldMonitors;
      this.heldLocks = heldLocks;
    }
  }

  /** Two calls on one map and key that another thread can interleave, and no monitor held across both. */
  public static final class Sequence {
    public final CheckThenAct kind;
    public final Call check;
    public final Call act;
    /** What the code does with the value the act stores, for {@link RaceConsequence#of}. */
    public RaceConsequence.StoredValue stored;
    /**
     * Where the code goes on with a value it should not, and the value's name: its own after an ignored putIfAbsent
     * ({@link CheckThenAct#IGNORED_PUT_IF_ABSENT}), the lookup's null after a re-check found the entry
     * ({@link CheckThenAct#STALE_NULL_AFTER_RECHECK}).
     */
    public SourceLineAnnotation ownValueUse;
    public String ownValueName;

    Sequence(CheckThenAct kind, Call check, Call act) {
      this.kind = kind;
      this.check = check;
      this.act = act;
    }
  }

  /** What one method holds: its non-atomic sequences, and its stores of values its keys determine. */
  public static final class Found {
    public final List<Sequence> sequences;
    /** Stores, guarded or not, of a value computed only from what their key is computed from. */
    public final List<Location> keyDeterminedStores;

    Found(List<Sequence> sequences, List<Location> keyDeterminedStores) {
      this.sequences = sequences;
      this.keyDeterminedStores = keyDeterminedStores;
    }
  }

  /** A conditional branch on values derived from checks, and how it tests each. */
  private static final class Branch {
    final BasicBlock block;
    final Map<Call, EntryTest> tests = new HashMap<>();

    Branch(BasicBlock block) {
      this.block = block;
    }
  }

  /**
   * A branch on exactly the result of a call: a lookup's null test ({@code found} is its non-null side) or a
   * presence test ({@code found} is the side where the entry is present).
   */
  private static final class Outcomes {
    final Call call;
    final Location test;
    final BasicBlock found;
    final BasicBlock missing;

    Outcomes(Call call, Location test, BasicBlock found, BasicBlock missing) {
      this.call = call;
      this.test = test;
      this.found = found;
      this.missing = missing;
    }
  }

  /** What a read of a walked entry's value is named as ({@link Call#entryValueRead}). */
  private static final ApiMethod ENTRY_VALUE =
      new ApiMethod(CallKind.INSTANCE, MapApi.MAP_ENTRY, "getValue", List.of());

  private static final Set<String> BOXES =
      Set.of("java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Character",
          "java.lang.Boolean");

  private final List<Call> calls = new ArrayList<>();
  private final List<Branch> branches = new ArrayList<>();
  /** Branches on exactly a call's result, with the block each outcome goes to ({@link #staleNulls}). */
  private final List<Outcomes> outcomes = new ArrayList<>();
  /** For each value, where it is returned or dereferenced. */
  private final Map<ValueNumber, List<Location>> dereferences = new HashMap<>();
  /** For each value, the check calls it is computed from. */
  private final Map<ValueNumber, Set<Call>> derived = new HashMap<>();
  /** For each value, the lookups whose result it is (itself, or after a cast). */
  private final Map<ValueNumber, Set<Call>> exactly = new HashMap<>();
  /**
   * Values merged at a join from a lookup's result and other values ({@code v = m.get(k); if (v == null) v = ..}):
   * storing one stores what the lookup found or a new value, not a value computed from the one found (the Error
   * Prone engine's twin: a local given several values is not followed).
   */
  private final Map<ValueNumber, Set<Call>> mergedLookups = new HashMap<>();
  /** For each value, the instructions that read it other than to move it ({@link #movesOnly}), null tests too. */
  private final Map<ValueNumber, List<Location>> uses = new HashMap<>();
  /** For each value, the values a merge of the control flow makes of it (a local given it on one path). */
  private final Map<ValueNumber, Set<ValueNumber>> mergedInto = new HashMap<>();
  private final Map<ValueNumber, ValueNumber> unboxedKeys = new HashMap<>();
  /**
   * A walk of a map's entries: its {@code entrySet()} views, their iterators and the entries they return, each with
   * the map walked; and the keys read from those entries ({@code e.getKey()}), with their entry.
   */
  private final Map<ValueNumber, Origin> entryViews = new HashMap<>();
  private final Map<ValueNumber, Origin> entryIterators = new HashMap<>();
  private final Map<ValueNumber, Origin> entries = new HashMap<>();
  private final Map<ValueNumber, BasicBlock> entrySteps = new HashMap<>();
  private final Map<ValueNumber, ValueNumber> entryKeys = new HashMap<>();
  private final Map<ValueNumber, String> localNames = new HashMap<>();
  private final CFG cfg;
  private final PostDominatorsAnalysis postDominators;
  private final TypeHierarchy hierarchy;
  private HeldLocks locks;
  private MapDelegates delegates;
  /** What the method's values are made from: what a store writes. */
  private StoredValues stored;
  /** The methods of the class that put entries into its map fields. */
  private MapFillers fillers;
  private MapValues values;
  /** The method's {@code this}, null in a static method. */
  private ValueNumber thisValue;
  private ClassContext classContext;
  private Method method;

  private KeyedCalls(CFG cfg, PostDominatorsAnalysis postDominators, TypeHierarchy hierarchy) {
    this.cfg = cfg;
    this.postDominators = postDominators;
    this.hierarchy = hierarchy;
  }

  /**
   * Whether the method makes at least two single-key calls on maps of known origin, directly or through
   * {@link MapDelegates}, a walk of a map's entries counting as one (its entries' values are read): else no sequence
   * exists.
   */
  public static boolean worthAnalyzing(MapValues values, MapDelegates delegates, TypeHierarchy hierarchy) {
    int keyed = 0;
    for (MapValues.Access access : values.accesses()) {
      if (access.effect.operand().isReceiver() && (MapApi.keyUse(access.effect.fact(), hierarchy).isPresent()
          || access.effect.kind() == MapEffect.ITERATE && isEntryView(access.subject))) {
        keyed++;
      }
    }
    for (MapValues.CallSite call : values.callSites()) {
      if (keyed < 2 && delegates.of(call, values).isPresent()) {
        keyed++;
      }
    }
    return keyed >= 2 || keyed == 1 && ignoresPutIfAbsent(values, hierarchy);
  }

  /** Whether the origin is a map's {@code entrySet()}, made by a call on the map. */
  private static boolean isEntryView(Origin subject) {
    return subject instanceof Origin.View && ((Origin.View) subject).isEntryView();
  }

  private static boolean ignoresPutIfAbsent(MapValues values, TypeHierarchy hierarchy) {
    return values.accesses().stream().anyMatch(a -> a.effect.operand().isReceiver()
        && MapApi.keyUse(a.effect.fact(), hierarchy).orElse(null) == KeyUse.STORE_IF_ABSENT);
  }

  /**
   * The non-atomic sequences of one method; {@code values} and {@code regions} are that method's {@link MapValues}
   * and {@link HeldLocks}.
   */
  public static Found analyze(ClassContext context, Method method, MapValues values, HeldLocks regions,
      MapDelegates delegates, OnceOnlyEffects helpers, MapFillers fillers, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    CFG cfg = context.getCFG(method);
    KeyedCalls analysis = new KeyedCalls(cfg, context.getNonExceptionPostDominatorsAnalysis(method), hierarchy);
    analysis.delegates = delegates;
    analysis.stored = new StoredValues(helpers, hierarchy);
    analysis.fillers = fillers;
    analysis.values = values;
    analysis.locks = regions;
    analysis.classContext = context;
    analysis.method = method;
    analysis.scan(context, method, values, hierarchy);
    List<Location> keyDetermined = new ArrayList<>();
    for (Call call : analysis.calls) {
      if (call.use == KeyUse.STORE && call.stored != null && !analysis.stored.isReadFromMap(call.stored)
          && RaceConsequence.storesKeyDeterminedValue(analysis.stored.of(call, call))) {
        keyDetermined.add(call.location);
      }
    }
    List<Sequence> sequences = analysis.sequences();
    sequences.addAll(analysis.staleNulls());
    return new Found(sequences, keyDetermined);
  }

  private void scan(ClassContext context, Method method, MapValues values, TypeHierarchy hierarchy)
      throws CFGBuilderException, DataflowAnalysisException {
    ValueNumberDataflow vna = context.getValueNumberDataflow(method);
    HeldMonitors monitors = new HeldMonitors(context, method);
    ConstantPoolGen cpg = context.getConstantPoolGen();
    seedParameters(method, vna.getStartFact(cfg.getEntry()));
    Instructions.inBytecodeOrder(cfg, vna, (location, before, after) -> {
      if (location.getBasicBlock().getFirstInstruction() == location.getHandle()) {
        mergeAtBlockEntry(location.getBasicBlock(), before, vna);
      }
      step(context, method, location, before, after, cpg, values, monitors, hierarchy);
    });
  }

  private void step(ClassContext context, Method method, Location location, ValueNumberFrame before,
      ValueNumberFrame after, ConstantPoolGen cpg, MapValues values, HeldMonitors monitors, TypeHierarchy hierarchy)
      throws DataflowAnalysisException {
    Instruction ins = location.getHandle().getInstruction();
    int consumed = ins.consumeStack(cpg);
    int produced = ins.produceStack(cpg);
    if (consumed == Const.UNPREDICTABLE || produced == Const.UNPREDICTABLE
        || consumed > before.getStackDepth() || produced > after.getStackDepth()) {
      return;
    }
    Set<Call> sources = new HashSet<>();
    for (int i = 0; i < consumed; i++) {
      sources.addAll(derived.getOrDefault(before.getStackValue(i), Set.of()));
    }
    for (int i = 0; i < produced && !sources.isEmpty(); i++) {
      derived.computeIfAbsent(after.getStackValue(i), v -> new HashSet<>()).addAll(sources);
    }
    stored.step(ins, before, after, consumed, produced, cpg);
    if (ins instanceof LoadInstruction && produced == 1) {
      ValueNumber loaded = after.getTopValue();
      MapValues.localName(method, ((LoadInstruction) ins).getIndex(), location.getHandle().getPosition())
          .ifPresent(name -> localNames.putIfAbsent(loaded, name));
    }
    if (ins.getOpcode() == Const.CHECKCAST && entries.containsKey(before.getTopValue())) {
      entries.put(after.getTopValue(), entries.get(before.getTopValue()));
      entrySteps.put(after.getTopValue(), entrySteps.get(before.getTopValue()));
    }
    if (ins.getOpcode() == Const.CHECKCAST && entryKeys.containsKey(before.getTopValue())) {
      entryKeys.put(after.getTopValue(), entryKeys.get(before.getTopValue()));
    }
    if (ins.getOpcode() == Const.CHECKCAST && exactly.containsKey(before.getTopValue())) {
      exactly.computeIfAbsent(after.getTopValue(), v -> new HashSet<>()).addAll(exactly.get(before.getTopValue()));
    }
    if (ins instanceof IfInstruction && !sources.isEmpty()) {
      Branch branch = new Branch(location.getBasicBlock());
      boolean nullTest = ins.getOpcode() == Const.IFNULL || ins.getOpcode() == Const.IFNONNULL;
      for (Call check : sources) {
        EntryTest test =
            check.use == KeyUse.PRESENCE_TEST
                ? EntryTest.PRESENCE
                : nullTest && foundBy(before.getTopValue()).contains(check) // or a local null or found
                    ? EntryTest.NULL
                    : EntryTest.VALUE;
        branch.tests.put(check, test);
      }
      branches.add(branch);
      outcomesOf(location, (IfInstruction) ins, before.getTopValue()).ifPresent(outcomes::add);
    }
    if (ins.getOpcode() == Const.ARETURN || ins.getOpcode() == Const.GETFIELD) {
      dereferences.computeIfAbsent(before.getTopValue(), v -> new ArrayList<>()).add(location);
    }
    if (ins.getOpcode() == Const.ARETURN) {
      exactly.getOrDefault(before.getTopValue(), Set.of()).forEach(c -> c.returned = true);
    }
    if (ins instanceof FieldInstruction && ins.getOpcode() == Const.GETFIELD) {
      exactly.getOrDefault(before.getTopValue(), Set.of()).forEach(c -> c.dereferenced = true);
    }
    int callsBefore = calls.size();
    if (ins instanceof InvokeInstruction && !(ins instanceof INVOKEDYNAMIC)) {
      invoke(context, method, location, (InvokeInstruction) ins, before, after, cpg, values, monitors, hierarchy);
    }
    Call mapCall = calls.size() > callsBefore ? calls.get(calls.size() - 1) : null;
    if (!movesOnly(ins)) {
      for (int i = 0; i < consumed; i++) {
        uses.computeIfAbsent(before.getStackValue(i), v -> new ArrayList<>()).add(location);
      }
    }
    if (goesOnWith(ins)) {
      for (int i = 0; i < consumed; i++) {
        for (Call lookup : foundBy(before.getStackValue(i))) {
          lookup.foundValueUsed |= mapCall == null || !Origin.sameObject(mapCall.map, lookup.map);
        }
      }
    }
  }

  /** The lookups whose result a value is, itself or merged with other values at a join. */
  private Set<Call> foundBy(ValueNumber value) {
    Set<Call> lookups = new HashSet<>(exactly.getOrDefault(value, Set.of()));
    lookups.addAll(mergedLookups.getOrDefault(value, Set.of()));
    return lookups;
  }

  /**
   * Whether an instruction goes on with the values it takes: not when it only tests one for null, moves it (into a
   * local, a cast, a copy on the stack) or drops it (the Error Prone engine's twin is in its KeyedCalls).
   */
  private static boolean goesOnWith(Instruction ins) {
    return !isNullTest(ins) && !movesOnly(ins);
  }

  private static boolean isNullTest(Instruction ins) {
    return ins.getOpcode() == Const.IFNULL || ins.getOpcode() == Const.IFNONNULL;
  }

  /** Whether an instruction only moves the values it takes: into a local, a cast, a copy on the stack. */
  private static boolean movesOnly(Instruction ins) {
    return ins.getOpcode() == Const.CHECKCAST || ins instanceof StoreInstruction || ins instanceof StackInstruction;
  }

  private void invoke(ClassContext context, Method method, Location location, InvokeInstruction invoke,
      ValueNumberFrame before, ValueNumberFrame after, ConstantPoolGen cpg, MapValues values, HeldMonitors monitors,
      TypeHierarchy hierarchy) throws DataflowAnalysisException {
    int argCount = before.getNumArguments(invoke, cpg);
    SignatureParser signature = new SignatureParser(invoke.getSignature(cpg));
    ValueNumber[] args = new ValueNumber[argCount];
    for (int i = 0; i < argCount; i++) {
      args[i] = before.getArgument(invoke, cpg, i, signature);
    }
    stored.invoked(invoke, location, args, before, after, cpg);
    if (invoke instanceof INVOKESTATIC) {
      if (argCount == 1 && invoke.getMethodName(cpg).equals("valueOf") && BOXES.contains(invoke.getClassName(cpg))) {
        unboxedKeys.put(after.getTopValue(), args[0]);
      }
      return;
    }
    ValueNumber receiver = before.getInstance(invoke, cpg);
    exactly.getOrDefault(receiver, Set.of()).forEach(c -> c.dereferenced = true);
    dereferences.computeIfAbsent(receiver, v -> new ArrayList<>()).add(location);
    Optional<ApiMethod> api = BytecodeApi.call(invoke, cpg);
    Optional<KeyUse> use = api.flatMap(a -> MapApi.keyUse(a, hierarchy));
    Origin map = values.originOf(receiver);
    if (api.isPresent() && invoke.produceStack(cpg) == 1
        && followEntryWalk(api.get(), receiver, map, after.getTopValue(), location, hierarchy)) {
      entryValueRead(context, method, location, receiver, after.getTopValue(), monitors);
      return;
    }
    if (map != null && invoke.produceStack(cpg) == 1 && api.isPresent()
        && !MapApi.effectsOf(api.get(), hierarchy).isEmpty()) {
      stored.readFromMap(after.getTopValue()); // a call the map model knows, on a map
    }
    Optional<MapDelegates.Delegate> delegate = use.isPresent() || receiver == null
        ? Optional.empty()
        : delegates.of(XFactory.createXMethod(invoke, cpg).getMethodDescriptor(), invoke.getClassName(cpg));
    if (delegate.isPresent()) { // the map call it stands for, on the receiver's field
      MapDelegates.Delegate d = delegate.get();
      api = Optional.of(d.api);
      use = Optional.of(d.use);
      map = new Origin.FieldLoad(d.field, receiver, receiver.equals(thisValue), null);
      args = d.argumentsOf(args);
      argCount = args.length;
      if (d.returnsResult && invoke.produceStack(cpg) == 1) {
        stored.readFromMap(after.getTopValue());
      }
    }
    if (use.isEmpty() || map == null || argCount == 0) {
      return;
    }
    ValueNumber key = entryKeys.getOrDefault(args[0], unboxedKeys.getOrDefault(args[0], args[0]));
    ValueNumber result = invoke.produceStack(cpg) == 1 && delegate.map(d -> d.returnsResult).orElse(true)
        ? after.getTopValue()
        : null;
    Call call =
        new Call(use.get(), api.get(), map, SourceLineAnnotation.fromVisitedInstruction(context, method, location),
            localNames.get(key), delegate.map(d -> d.name).orElse(null),
            delegate.isPresent() ? values.originOf(receiver) : null, key, argCount > 1 ? args[1] : null, result, location, monitors.at(location), locks.at(location));
    calls.add(call);
    if (result != null && (use.get() == KeyUse.PRESENCE_TEST || use.get() == KeyUse.LOOKUP)) {
      derived.computeIfAbsent(result, v -> new HashSet<>()).add(call);
      if (use.get() == KeyUse.LOOKUP) {
        exactly.computeIfAbsent(result, v -> new HashSet<>()).add(call);
      }
    }
  }

  /**
   * Follows a walk of a map's entries one call further: {@code m.entrySet()}, its {@code iterator()}, the iterator's
   * {@code next()}, an entry's {@code getKey()}. Whether the call is instead {@code getValue()} of a walked entry.
   */
  private boolean followEntryWalk(ApiMethod api, ValueNumber receiver, Origin map, ValueNumber result, Location location,
      TypeHierarchy hierarchy) {
    String name = api.name();
    if (map != null && MapApi.makesEntryView(api, hierarchy)) {
      entryViews.put(result, map);
    } else if (entryViews.containsKey(receiver) && name.equals("iterator") && api.params().isEmpty()) {
      entryIterators.put(result, entryViews.get(receiver));
    } else if (entryIterators.containsKey(receiver) && name.equals("next") && api.params().isEmpty()) {
      entries.put(result, entryIterators.get(receiver));
      entrySteps.put(result, location.getBasicBlock());
    } else if (entries.containsKey(receiver) && MapApi.readsEntryKey(api, hierarchy)) {
      entryKeys.put(result, receiver);
    } else {
      return entries.containsKey(receiver) && MapApi.readsEntryValue(api, hierarchy);
    }
    return false;
  }

  /** {@code e.getValue()} of a walked entry: a lookup, on the map walked, of the entry's key (the entry stands for it). */
  private void entryValueRead(ClassContext context, Method method, Location location, ValueNumber entry,
      ValueNumber result, HeldMonitors monitors) throws DataflowAnalysisException {
    Call read = new Call(KeyUse.LOOKUP, ENTRY_VALUE, entries.get(entry),
        SourceLineAnnotation.fromVisitedInstruction(context, method, location), localNames.get(entry), null, null,
        entry, null, result, location, monitors.at(location), locks.at(location));
    read.entryValueRead = true;
    read.entryStep = entrySteps.get(entry);
    calls.add(read);
    stored.readFromMap(result);
    derived.computeIfAbsent(result, v -> new HashSet<>()).add(read);
    exactly.computeIfAbsent(result, v -> new HashSet<>()).add(read);
  }

  /**
   * A value merged from several paths (a phi) is computed from whatever any incoming value is computed from.
   * The merge may happen in empty blocks before this one, so those are looked through.
   */
  private void mergeAtBlockEntry(BasicBlock block, ValueNumberFrame entry, ValueNumberDataflow vna) {
    for (ValueNumberFrame incoming : ControlFlow.incomingFrames(cfg, vna, block, entry)) {
      for (int slot = 0; slot < entry.getNumSlots(); slot++) {
        if (incoming.getValue(slot).equals(entry.getValue(slot))) {
          continue;
        }
        mergedInto.computeIfAbsent(incoming.getValue(slot), v -> new HashSet<>()).add(entry.getValue(slot));
        Set<Call> from = derived.get(incoming.getValue(slot));
        if (from != null) {
          derived.computeIfAbsent(entry.getValue(slot), v -> new HashSet<>()).addAll(from);
        }
        Set<Call> found = foundBy(incoming.getValue(slot));
        if (!found.isEmpty()) {
          mergedLookups.computeIfAbsent(entry.getValue(slot), v -> new HashSet<>()).addAll(found);
        }
        stored.merged(incoming.getValue(slot), entry.getValue(slot));
      }
    }
  }

  /**
   * For each act, the first sequence it ends, unless one of its checks shares a monitor with it (double-checked
   * code: the checks under the lock make the act safe, as long as every writer takes the lock).
   */
  private List<Sequence> sequences() {
    List<Sequence> result = new ArrayList<>();
    for (Call act : calls) {
      if (act.use == KeyUse.PRESENCE_TEST || act.entryValueRead || (act.use == KeyUse.STORE && resultUsed(act))) {
        continue; // a put whose replaced value is used: the code handles what another thread stored
      }
      if (stored.isUnique(act.key)) {
        continue; // a fresh key (UUID.randomUUID(), a counter's next value): no other thread uses it
      }
      if (act.use == KeyUse.STORE_IF_ABSENT) {
        ownValueUse(act).ifPresent(result::add);
        continue;
      }
      List<Sequence> candidates = new ArrayList<>();
      if (act.use == KeyUse.STORE && act.stored != null
          && (!mergedLookups.containsKey(act.stored) || stored.isChangedInPlace(act.stored))) {
        for (Call check : derived.getOrDefault(act.stored, Set.of())) {
          if (check.use == KeyUse.LOOKUP && sameMapAndKey(check, act) && before(check, act)) {
            candidates.add(new Sequence(CheckThenAct.READ_MODIFY_WRITE, check, act));
          }
        }
      }
      for (Branch branch : branches) {
        for (Map.Entry<Call, EntryTest> test : branch.tests.entrySet()) {
          Call check = test.getKey();
          if (check.entryValueRead && !entryDecides(check, act)) {
            continue;
          }
          CheckThenAct kind = CheckThenAct.guarded(act.use, test.getValue(), reliedOn(act, check, test.getValue()));
          if (kind != null && check != act && before(check, act) && sameMapAndKey(check, act)
              && decides(branch.block, act)) {
            candidates.add(new Sequence(kind, check, act));
          }
        }
      }
      if (candidates.isEmpty() && act.use == KeyUse.STORE) {
        foundValueTakenAsReplaced(act).ifPresent(candidates::add);
      }
      if (!candidates.isEmpty()
          && candidates.stream().noneMatch(c -> lockedAcrossBoth(c.check, act) || recheckedUnderLock(c.check, act))) {
        // Deterministic choice: a computed value first, then the nearest check before the act.
        candidates.sort(Comparator.comparing((Sequence c) -> c.kind != CheckThenAct.READ_MODIFY_WRITE)
            .thenComparing(c -> -c.check.location.getHandle().getPosition()));
        Sequence chosen = candidates.get(0);
        chosen.stored = stored.of(chosen.check, act);
        result.add(chosen);
      }
    }
    return result;
  }

  /**
   * Whether a test of a walked entry's value may decide an act: a store of that entry's key in the same step of the
   * walk (not a step after it, whose entry is another). A removal it decides is a sweep by value: on real code the
   * entries are written once per key (put if absent, unique keys), so the removal takes the entry it tested or one
   * re-added in the instant between.
   */
  private boolean entryDecides(Call check, Call act) {
    return act.use == KeyUse.STORE && check.entryStep != null
        && ControlFlow.reachableAvoiding(cfg, check.location.getBasicBlock(), act.location.getBasicBlock(), check.entryStep);
  }

  /**
   * Whether a lookup's result is used as if it could not be null: dereferenced, or returned from the side where a
   * presence test found the key while the other side puts a new entry into the map (a get-or-create: a null returned
   * for a key that was there stands where a value would have been created).
   */
  private boolean reliedOn(Call lookup, Call check, EntryTest test) {
    if (lookup.use != KeyUse.LOOKUP || nullChecked(lookup)) {
      return false;
    }
    return lookup.dereferenced || lookup.returned && test == EntryTest.PRESENCE && fillsWhenMissing(check, lookup);
  }

  /**
   * Whether the lookup runs only where the presence test found the key and the side where it is missing puts an
   * entry into the same map: there, or through a method of the class that fills that map field ({@link MapFillers}).
   */
  private boolean fillsWhenMissing(Call test, Call lookup) {
    for (Outcomes outcome : outcomes) {
      if (outcome.call != test || !onlyFrom(outcome.found, outcome.missing, lookup.location.getBasicBlock())) {
        continue;
      }
      for (Call call : calls) {
        if ((call.use == KeyUse.STORE || call.use == KeyUse.STORE_IF_ABSENT) && Origin.sameObject(call.map, test.map)
            && onlyFrom(outcome.missing, outcome.found, call.location.getBasicBlock())) {
          return true;
        }
      }
      if (test.map.root() instanceof Origin.FieldLoad) {
        XField field = ((Origin.FieldLoad) test.map.root()).field();
        for (MapValues.CallSite site : values.callSites()) {
          if (fillers.fills(site.callee, field)
              && onlyFrom(outcome.missing, outcome.found, site.location.getBasicBlock())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The block each outcome of a branch on exactly one call's result goes to: {@code ifnull}/{@code ifnonnull} on a
   * lookup's result, {@code ifeq}/{@code ifne} on a presence test's.
   */
  private Optional<Outcomes> outcomesOf(Location location, IfInstruction branch, ValueNumber tested) {
    int op = branch.getOpcode();
    boolean nullTest = op == Const.IFNULL || op == Const.IFNONNULL;
    boolean booleanTest = op == Const.IFEQ || op == Const.IFNE;
    Call call = null;
    for (Call c : calls) {
      if (tested.equals(c.result) || nullTest && c.use == KeyUse.LOOKUP && exactly.getOrDefault(tested, Set.of())
          .contains(c)) {
        call = c;
      }
    }
    if (call == null || (nullTest ? call.use != KeyUse.LOOKUP : !booleanTest || call.use != KeyUse.PRESENCE_TEST)) {
      return Optional.empty();
    }
    BasicBlock taken = null;
    BasicBlock fallThrough = null;
    for (Iterator<Edge> edges = cfg.outgoingEdgeIterator(location.getBasicBlock()); edges.hasNext(); ) {
      Edge edge = edges.next();
      if (edge.getType() == EdgeTypes.IFCMP_EDGE) {
        taken = edge.getTarget();
      } else if (edge.getType() == EdgeTypes.FALL_THROUGH_EDGE) {
        fallThrough = edge.getTarget();
      }
    }
    if (taken == null || fallThrough == null) {
      return Optional.empty();
    }
    // ifnonnull and ifne jump when the entry is there; ifnull and ifeq when it is not
    boolean takenWhenFound = op == Const.IFNONNULL || op == Const.IFNE;
    return Optional.of(new Outcomes(call, location, takenWhenFound ? taken : fallThrough,
        takenWhenFound ? fallThrough : taken));
  }

  /**
   * A lookup that returned null, a re-check of the same entry on that path that finds it (another thread put it in
   * between), and from there a return or dereference of the null the lookup returned: the code skips the creation
   * and goes on with null ({@link CheckThenAct#STALE_NULL_AFTER_RECHECK}).
   */
  private List<Sequence> staleNulls() {
    List<Sequence> result = new ArrayList<>();
    for (Outcomes lookup : outcomes) {
      for (Outcomes recheck : outcomes) {
        if (lookup.call.use != KeyUse.LOOKUP || recheck.call.use != KeyUse.PRESENCE_TEST
            || !before(lookup.call, recheck.call) || !sameMapAndKey(lookup.call, recheck.call)
            || !onlyFrom(lookup.missing, lookup.found, recheck.test.getBasicBlock())) {
          continue;
        }
        staleUse(lookup, recheck).ifPresent(use -> {
          Sequence sequence = new Sequence(CheckThenAct.STALE_NULL_AFTER_RECHECK, lookup.call, recheck.call);
          sequence.stored = RaceConsequence.StoredValue.none();
          sequence.ownValueUse = SourceLineAnnotation.fromVisitedInstruction(classContext, method, use.getValue());
          sequence.ownValueName = localNames.get(use.getKey());
          result.add(sequence);
        });
      }
    }
    return result;
  }

  /** Whether {@code block} is reachable from {@code from} and not from {@code other}. */
  private boolean onlyFrom(BasicBlock from, BasicBlock other, BasicBlock block) {
    return (from == block || ControlFlow.reachable(cfg, from, block))
        && other != block && !ControlFlow.reachable(cfg, other, block);
  }

  /**
   * The first return or dereference of the lookup's result (itself or after a cast) that the re-check's found side
   * reaches, with no other null test of it after the re-check; with the value.
   */
  private Optional<Map.Entry<ValueNumber, Location>> staleUse(Outcomes lookup, Outcomes recheck) {
    int from = recheck.test.getHandle().getPosition();
    for (Map.Entry<ValueNumber, Set<Call>> value : exactly.entrySet()) {
      if (!value.getValue().contains(lookup.call)) {
        continue;
      }
      boolean testedAgain = outcomes.stream().anyMatch(o -> o != lookup && o.call == lookup.call
          && o.test.getHandle().getPosition() > from);
      Optional<Location> use = dereferences.getOrDefault(value.getKey(), List.of()).stream()
          .filter(l -> l.getHandle().getPosition() > from)
          .filter(l -> recheck.found == l.getBasicBlock()
              || ControlFlow.reachable(cfg, recheck.found, l.getBasicBlock()))
          .min(Comparator.comparingInt(l -> l.getHandle().getPosition()));
      if (use.isPresent() && !testedAgain) {
        return Optional.of(Map.entry(value.getKey(), use.get()));
      }
    }
    return Optional.empty();
  }

  /**
   * A putIfAbsent whose result is dropped while the code goes on with the value it passed: when another thread's
   * value won, this thread holds another object than the map's. Not when a lock is held at the call: creators that
   * take one lock (double-checked code) serialize, as long as every writer takes it.
   */
  private Optional<Sequence> ownValueUse(Call act) {
    if (resultUsed(act) || act.stored == null || !act.heldMonitors.isEmpty() || !act.heldLocks.isEmpty()) {
      return Optional.empty();
    }
    Optional<Location> use = firstUseAfter(act.stored, act.location.getHandle().getPosition(), false, new HashSet<>());
    if (use.isEmpty()) {
      return Optional.empty();
    }
    Sequence sequence = new Sequence(CheckThenAct.IGNORED_PUT_IF_ABSENT, act, act);
    sequence.stored = stored.of(act, act);
    sequence.ownValueUse = SourceLineAnnotation.fromVisitedInstruction(classContext, method, use.get());
    sequence.ownValueName = localNames.get(act.stored);
    return Optional.of(sequence);
  }

  /**
   * A put whose result is dropped after a get of the same entry whose result the code reads after the put: it takes
   * what it found as the value its put replaced ({@code old = m.get(k); m.put(k, v); if (old != null) old.close();}),
   * while another thread's put in between makes them differ.
   */
  private Optional<Sequence> foundValueTakenAsReplaced(Call act) {
    int at = act.location.getHandle().getPosition();
    for (Call lookup : calls) {
      if (lookup.use != KeyUse.LOOKUP || !before(lookup, act) || !sameMapAndKey(lookup, act)) {
        continue;
      }
      for (Map.Entry<ValueNumber, Set<Call>> found : exactly.entrySet()) {
        if (found.getValue().contains(lookup) && firstUseAfter(found.getKey(), at, true, new HashSet<>()).isPresent()) {
          return Optional.of(new Sequence(CheckThenAct.FOUND_VALUE_TAKEN_AS_REPLACED, lookup, act));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The first instruction after {@code position} that reads the value (null tests only if asked), or a merge that
   * may hold it.
   */
  private Optional<Location> firstUseAfter(
      ValueNumber value, int position, boolean nullTests, Set<ValueNumber> seen) {
    if (!seen.add(value) || seen.size() > 16) {
      return Optional.empty();
    }
    Optional<Location> first = uses.getOrDefault(value, List.of()).stream()
        .filter(l -> l.getHandle().getPosition() > position)
        .filter(l -> nullTests || !isNullTest(l.getHandle().getInstruction()))
        .min(Comparator.comparingInt(l -> l.getHandle().getPosition()));
    for (ValueNumber merged : mergedInto.getOrDefault(value, Set.of())) {
      Optional<Location> later = firstUseAfter(merged, position, nullTests, seen);
      if (later.isPresent() && (first.isEmpty()
          || later.get().getHandle().getPosition() < first.get().getHandle().getPosition())) {
        first = later;
      }
    }
    return first;
  }

  /** The method's {@code this}, and its parameters as inputs of what it stores. */
  private void seedParameters(Method method, ValueNumberFrame entry) {
    if (entry == null || !entry.isValid()) {
      return;
    }
    thisValue = method.isStatic() || entry.getNumLocals() == 0 ? null : entry.getValue(0);
    stored.seedParameters(method, entry);
  }

  private static boolean resultUsed(Call call) {
    InstructionHandle next = call.location.getHandle().getNext();
    return call.result != null && (next == null || next.getInstruction().getOpcode() != Const.POP);
  }

  /** Whether the call's own result is tested for null (then its dereference is guarded). */
  private boolean nullChecked(Call lookup) {
    return branches.stream().anyMatch(b -> b.tests.get(lookup) == EntryTest.NULL);
  }

  /** In bytecode order, as the source reads it (a check in a later loop iteration does not decide an act). */
  private static boolean before(Call check, Call act) {
    return check.location.getHandle().getPosition() < act.location.getHandle().getPosition();
  }

  private static boolean sameMapAndKey(Call a, Call b) {
    if (!a.key.equals(b.key)) {
      return false;
    }
    return Origin.sameObject(a.map, b.map);
  }

  /**
   * Whether the same entry is checked again under a lock between the check and the act (double-checked code,
   * or a protocol of its own that serializes the act): the bytecode twin of the Error Prone analysis's rule.
   */
  private boolean recheckedUnderLock(Call check, Call act) {
    int from = check.location.getHandle().getPosition();
    int to = act.location.getHandle().getPosition();
    for (Call c : calls) {
      int at = c.location.getHandle().getPosition();
      if (at > from && at < to
          && (c.use == KeyUse.PRESENCE_TEST || c.use == KeyUse.LOOKUP)
          && sameMapAndKey(c, act)
          && (!c.heldMonitors.isEmpty() || !c.heldLocks.isEmpty())) {
        return true;
      }
    }
    return false;
  }

  private static boolean lockedAcrossBoth(Call check, Call act) {
    for (String held : check.heldLocks) {
      if (act.heldLocks.contains(held)) {
        return true;
      }
    }
    for (ValueNumber held : check.heldMonitors) {
      if (act.heldMonitors.contains(held)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the branch decides if the act runs: the act is reachable from it and does not post-dominate it. */
  private boolean decides(BasicBlock branch, Call act) {
    BasicBlock target = act.location.getBasicBlock();
    // An act in a catch handler of code the branch leads to runs only on that side too (Error Prone: an early exit).
    if (!ControlFlow.reachableWithHandlers(cfg, branch, target)) {
      return false;
    }
    if (!postDominators.getAllDominatorsOf(branch).get(target.getLabel())) {
      return true;
    }
    // if (found) throw ..; act: the post-dominators leave exceptions out, so the act seems to follow either way
    for (Iterator<Edge> edges = cfg.outgoingEdgeIterator(branch); edges.hasNext(); ) {
      Edge edge = edges.next();
      if (!edge.isExceptionEdge() && edge.getTarget() != target
          && !ControlFlow.reachable(cfg, edge.getTarget(), target)) {
        return true;
      }
    }
    return false;
  }


}
