package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.CreatedValues;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.RaceConsequence;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.mapapi.ValueTypes;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.SignatureParser;
import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKEINTERFACE;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.NEW;

/**
 * What the values of one method are made from, for what a keyed store writes ({@link KeyedCalls.Call}): the
 * parameters each is computed from (a value computed from its key's alone is memoized), whether it was read from a
 * map, the class of a new object, fresh keys, values changed in place, and the calls that must not run twice. Fed
 * instruction by instruction by {@link KeyedCalls}' walk; the facts {@link RaceConsequence} decides a race's
 * consequence on. The bytecode counterpart of Error Prone's {@code StoredValues}.
 */
final class StoredValues {
  private static final BitSet NO_INPUTS = new BitSet();

  /** For each value, the parameters (by local slot) it is computed from. */
  private final Map<ValueNumber, BitSet> inputs = new HashMap<>();
  /** Values computed from what a call on a map returned ({@code m.remove(k)}, {@code m.get(k)}). */
  private final Set<ValueNumber> readFromMaps = new HashSet<>();
  /** Values made by {@code new C(..)} or by a factory of new containers, and their class. */
  private final Map<ValueNumber, String> created = new HashMap<>();
  /** Values no other call returned ({@link CreatedValues#makesUniqueKey}), and their {@code toString()}. */
  private final Set<ValueNumber> uniqueValues = new HashSet<>();
  /** Values changed in place by a call on them ({@code set.add(x)}): storing one back stores an updated value. */
  private final Set<ValueNumber> changedInPlace = new HashSet<>();
  /** Calls that must not run twice, by bytecode position, in a message's words. */
  private final Map<Integer, String> onceOnlyEffects = new HashMap<>();
  /** The methods of the class that make a call which must not run twice. */
  private final OnceOnlyEffects helpers;
  private final TypeHierarchy hierarchy;

  StoredValues(OnceOnlyEffects helpers, TypeHierarchy hierarchy) {
    this.helpers = helpers;
    this.hierarchy = hierarchy;
  }

  /** Each parameter's value at the method's entry stands for itself ({@code this} is not an input). */
  void seedParameters(Method method, ValueNumberFrame entry) {
    int slot = method.isStatic() ? 0 : 1;
    for (String parameter : new SignatureParser(method.getSignature()).parameterSignatures()) {
      if (slot < entry.getNumLocals()) {
        BitSet self = new BitSet();
        self.set(slot);
        inputs.put(entry.getValue(slot), self);
      }
      slot += parameter.equals("J") || parameter.equals("D") ? 2 : 1;
    }
  }

  /** One instruction: what it produces is made from what it consumes; a new object and its casts keep their class. */
  void step(Instruction ins, ValueNumberFrame before, ValueNumberFrame after, int consumed, int produced,
      ConstantPoolGen cpg) throws DataflowAnalysisException {
    BitSet from = new BitSet();
    boolean fromMap = false;
    for (int i = 0; i < consumed; i++) {
      from.or(inputs.getOrDefault(before.getStackValue(i), NO_INPUTS));
      fromMap |= readFromMaps.contains(before.getStackValue(i));
    }
    for (int i = 0; i < produced; i++) {
      if (!from.isEmpty()) {
        inputs.computeIfAbsent(after.getStackValue(i), v -> new BitSet()).or(from);
      }
      if (fromMap) {
        readFromMaps.add(after.getStackValue(i));
      }
    }
    if (ins instanceof NEW) {
      created.put(after.getTopValue(), ((NEW) ins).getLoadClassType(cpg).getClassName());
    }
    if (ins.getOpcode() == Const.CHECKCAST && created.containsKey(before.getTopValue())) {
      created.put(after.getTopValue(), created.get(before.getTopValue()));
    }
  }

  /** A call: fresh keys, calls that must not run twice, objects made from the constructor's arguments. */
  void invoked(InvokeInstruction invoke, Location location, ValueNumber[] args, ValueNumberFrame before,
      ValueNumberFrame after, ConstantPoolGen cpg) throws DataflowAnalysisException {
    String owner = invoke.getClassName(cpg);
    String name = invoke.getMethodName(cpg);
    int results = invoke.produceStack(cpg);
    boolean instance = !(invoke instanceof INVOKESTATIC);
    if (results > 0 && (CreatedValues.makesUniqueKey(owner, name) || (args.length == 0 && name.equals("toString")
        && instance && uniqueValues.contains(before.getInstance(invoke, cpg))))) {
      for (int i = 0; i < results; i++) { // a long takes two stack slots
        uniqueValues.add(after.getStackValue(i));
      }
    }
    Optional<String> onceOnly = OnceOnlyEffects.direct(owner, name, OnceOnlyEffects.resultUsed(location, results > 0),
        hierarchy);
    if (onceOnly.isEmpty() && !(invoke instanceof INVOKEINTERFACE)) { // a helper of the class that does it
      onceOnly = helpers.of(XFactory.createXMethod(invoke, cpg).getMethodDescriptor())
          .map(effect -> effect + " in " + name + "()");
    }
    onceOnly.ifPresent(effect -> onceOnlyEffects.put(location.getHandle().getPosition(), effect));
    if (name.equals("<init>")) { // the new object is made from the constructor's arguments
      BitSet from = new BitSet();
      for (ValueNumber arg : args) {
        from.or(inputs.getOrDefault(arg, NO_INPUTS));
      }
      inputs.computeIfAbsent(before.getInstance(invoke, cpg), v -> new BitSet()).or(from);
    }
    if (!instance && CreatedValues.isContainerFactory(owner, name) && results == 1) {
      created.put(after.getTopValue(), invoke.getReturnType(cpg).toString());
    }
    if (instance && ValueTypes.mutatesInPlace(name)) {
      changedInPlace.add(before.getInstance(invoke, cpg));
    }
  }

  /** The value is what a call on a map returned. */
  void readFromMap(ValueNumber value) {
    readFromMaps.add(value);
  }

  /** A value merged at a join is made from whatever the incoming one is made from. */
  void merged(ValueNumber incoming, ValueNumber merged) {
    if (readFromMaps.contains(incoming)) {
      readFromMaps.add(merged);
    }
    BitSet parameters = inputs.get(incoming);
    if (parameters != null) {
      inputs.computeIfAbsent(merged, v -> new BitSet()).or(parameters);
    }
  }

  boolean isReadFromMap(ValueNumber value) {
    return readFromMaps.contains(value);
  }

  /** Whether no other call returned the value ({@code UUID.randomUUID()}, a counter's next value): a fresh key. */
  boolean isUnique(ValueNumber value) {
    return uniqueValues.contains(value);
  }

  boolean isChangedInPlace(ValueNumber value) {
    return changedInPlace.contains(value);
  }

  /** What the code does with the value {@code act} stores after {@code check}. */
  RaceConsequence.StoredValue of(KeyedCalls.Call check, KeyedCalls.Call act) {
    if (act.stored == null) {
      return RaceConsequence.StoredValue.none();
    }
    BitSet notFromKey = (BitSet) inputs.getOrDefault(act.stored, NO_INPUTS).clone();
    notFromKey.andNot(inputs.getOrDefault(act.key, NO_INPUTS));
    String type = created.get(act.stored);
    String simple = type == null ? null : type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1);
    String container = type != null && CreatedValues.isMutableContainer(type, hierarchy) ? simple : null;
    String identity =
        act.stored.equals(act.key) ? "the key itself is stored, and each thread goes on with its own key object"
            : type != null && CreatedValues.isIdentityType(type, hierarchy) ? "a new " + simple + " is used for its identity"
            : null;
    int from = check.location.getHandle().getPosition();
    int to = act.location.getHandle().getPosition();
    String effect = onceOnlyEffects.entrySet().stream()
        .filter(e -> e.getKey() > from && e.getKey() < to)
        .min(Map.Entry.comparingByKey())
        .map(Map.Entry::getValue)
        .orElse(null);
    String distinct = type != null && BytecodeApi.isDistinctObject(type, hierarchy) ? simple : null;
    return new RaceConsequence.StoredValue(notFromKey.isEmpty(), container, identity, effect,
        check.use == KeyUse.LOOKUP && check.foundValueUsed, distinct);
  }
}
