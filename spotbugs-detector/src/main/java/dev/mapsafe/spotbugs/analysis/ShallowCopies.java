package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.MapCopies;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.SignatureParser;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.util.BootstrapMethodsUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.Constant;
import org.apache.bcel.classfile.ConstantInvokeDynamic;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ALOAD;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKEDYNAMIC;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InstructionList;
import org.apache.bcel.generic.InvokeInstruction;

/**
 * The shallow copies of maps one method makes ({@link MapCopies}): a copy constructor or factory, a new empty map
 * filled by {@code putAll} or by a loop over another map's entries, entries collected with their values. Fed by
 * {@link MapValues} call by call, with the origins it has found so far. The Error Prone counterpart has the same name.
 */
public final class ShallowCopies {
  /**
   * A shallow copy of a map ({@code new HashMap<>(m)}, {@code Map.copyOf(m)}, a new map filled by {@code putAll(m)}
   * or a loop over {@code m.entrySet()}, entries collected with {@code Map.Entry::getValue}) and the map it copies.
   */
  public static final class Copy {
    public final Origin source;
    /** How messages name the copy ({@code new HashMap(Map)}, {@link MapCopies#PUT_ALL_COPY}). */
    public final String display;
    public final SourceLineAnnotation line;

    Copy(Origin source, String display, SourceLineAnnotation line) {
      this.source = source;
      this.display = display;
      this.line = line;
    }
  }

  private final Map<ValueNumber, Origin> origins;
  /** Shallow copies, by the value number of the copy. */
  private final Map<ValueNumber, Copy> copies = new HashMap<>();
  /** Maps constructed empty in this method: a copy when filled with another map's entries. */
  private final Set<ValueNumber> emptyMaps = new HashSet<>();
  /** Function objects made by invokedynamic, with the instruction that made them (looked into only when needed). */
  private final Map<ValueNumber, INVOKEDYNAMIC> functionObjects = new HashMap<>();
  /** Collectors of map entries into maps whose values are the entries' values ({@code toMap(.., Entry::getValue)}). */
  private final Set<ValueNumber> entryValueCollectors = new HashSet<>();

  ShallowCopies(Map<ValueNumber, Origin> origins) {
    this.origins = origins;
  }

  /** The shallow copy an origin is (or is an unmodifiable view of), or null. */
  Copy of(Origin origin) {
    return origin == null ? null : copies.get(origin.root().value());
  }

  /** Notes a function object the method makes: a collector may be given it. */
  void functionObject(ValueNumber value, INVOKEDYNAMIC invoke) {
    functionObjects.put(value, invoke);
  }

  /** Notes what a call of the map API does toward a copy. */
  void note(ClassContext context, ApiMethod call, ValueNumber receiver, ValueNumber result, ValueNumber[] args,
      SourceLineAnnotation line, TypeHierarchy hierarchy) {
    if (MapCopies.isShallowCopy(call, hierarchy)) {
      boolean clone = call.name().equals("clone");
      ValueNumber source = clone ? receiver : args.length > 0 ? args[0] : null;
      ValueNumber copy = call.kind() == CallKind.CONSTRUCTOR ? receiver : result;
      if (source != null && copy != null && origins.get(source) != null) {
        copies.put(copy, new Copy(origins.get(source), call.display(), line));
      }
    } else if (MapCopies.createsEmptyMap(call, hierarchy) && receiver != null) {
      emptyMaps.add(receiver);
    }
    if (receiver != null && emptyMaps.contains(receiver) && MapCopies.copiesInto(call, hierarchy)
        && origins.get(args[0]) != null) {
      copies.putIfAbsent(receiver, new Copy(origins.get(args[0]), MapCopies.PUT_ALL_COPY, line));
    }
    if (receiver != null && emptyMaps.contains(receiver) && call.name().equals("put") && args.length == 2) {
      Origin entries = loopedEntriesOf(origins.get(args[1]), hierarchy); // copy.put(e.getKey(), e.getValue())
      if (entries != null) {
        copies.putIfAbsent(receiver, new Copy(entries, MapCopies.LOOP_COPY, line));
      }
    }
    int valueFunction = MapCopies.mapCollectorValueArgument(call.owner(), call.name());
    if (valueFunction >= 0 && valueFunction < args.length && functionObjects.containsKey(args[valueFunction])
        && givesEntryValue(context, functionObjects.get(args[valueFunction]), context.getConstantPoolGen(), hierarchy)
        && result != null) {
      entryValueCollectors.add(result);
    }
    if (call.name().equals("collect") && args.length == 1 && entryValueCollectors.contains(args[0])
        && result != null) {
      Origin entries = streamedEntriesOf(origins.get(receiver));
      if (entries != null) {
        copies.put(result, new Copy(entries, MapCopies.COLLECTED_COPY, line));
      }
    }
  }

  /**
   * The map whose entry an entry value comes from when the entry is the element of a loop over the map's
   * {@code entrySet()} ({@code for (var e : m.entrySet()) .. e.getValue()}), or null.
   */
  private Origin loopedEntriesOf(Origin value, TypeHierarchy hierarchy) {
    if (!(value instanceof Origin.MethodResult) || !MapCopies.readsEntryValue(
        ((Origin.MethodResult) value).method().getClassName(), ((Origin.MethodResult) value).method().getName(),
        hierarchy)) {
      return null;
    }
    Origin entry = origins.get(((Origin.MethodResult) value).receiver());
    Origin iterator = entry instanceof Origin.MethodResult && ((Origin.MethodResult) entry).method().getName()
        .equals("next") ? origins.get(((Origin.MethodResult) entry).receiver()) : null;
    Origin entrySet = iterator instanceof Origin.MethodResult && ((Origin.MethodResult) iterator).method().getName()
        .equals("iterator") ? origins.get(((Origin.MethodResult) iterator).receiver()) : null;
    return entrySet instanceof Origin.View && ((Origin.View) entrySet).isEntryView()
        ? ((Origin.View) entrySet).of() : null;
  }

  /** The map whose entries a stream passes on ({@code m.entrySet().stream().filter(..)}), or null. */
  private Origin streamedEntriesOf(Origin stream) {
    for (int depth = 0; depth < 8 && stream instanceof Origin.MethodResult; depth++) {
      XMethod op = ((Origin.MethodResult) stream).method();
      if (!MapCopies.keepsStreamElements(op.getClassName(), op.getName())) {
        return null;
      }
      stream = origins.get(((Origin.MethodResult) stream).receiver());
    }
    return stream instanceof Origin.View && ((Origin.View) stream).isEntryView()
        ? ((Origin.View) stream).of() : null;
  }

  /**
   * Whether an invokedynamic's function object gives a map entry's value: {@code Map.Entry::getValue}, or a lambda
   * of this class whose body is {@code e -> e.getValue()}.
   */
  private static boolean givesEntryValue(ClassContext context, INVOKEDYNAMIC invoke, ConstantPoolGen cpg,
      TypeHierarchy hierarchy) {
    Constant constant = cpg.getConstant(invoke.getIndex());
    if (!(constant instanceof ConstantInvokeDynamic)) {
      return false;
    }
    for (MethodDescriptor target : BootstrapMethodsUtil.getInvokedMethodTargets(context.getJavaClass(),
        ((ConstantInvokeDynamic) constant).getBootstrapMethodAttrIndex(), cpg.getConstantPool())) {
      if (MapCopies.readsEntryValue(target.getClassDescriptor().getDottedClassName(), target.getName(), hierarchy)) {
        return true;
      }
      if (target.getSlashedClassName().equals(context.getClassDescriptor().getClassName())) {
        for (Method body : context.getJavaClass().getMethods()) {
          if (body.getName().equals(target.getName()) && body.getSignature().equals(target.getSignature())) {
            return returnsParameterEntryValue(body, cpg, hierarchy);
          }
        }
      }
    }
    return false;
  }

  /** A body {@code return e.getValue();} of a method whose only parameter is {@code e}, a cast aside. */
  private static boolean returnsParameterEntryValue(Method body, ConstantPoolGen cpg, TypeHierarchy hierarchy) {
    if (body.getCode() == null || new SignatureParser(body.getSignature()).getNumParameters() != 1) {
      return false;
    }
    List<Instruction> code = new ArrayList<>();
    for (Instruction ins : new InstructionList(body.getCode().getCode()).getInstructions()) {
      if (ins.getOpcode() != Const.CHECKCAST) {
        code.add(ins);
      }
    }
    int slot = body.isStatic() ? 0 : 1;
    return code.size() == 3 && code.get(0) instanceof ALOAD && ((ALOAD) code.get(0)).getIndex() == slot
        && code.get(1) instanceof InvokeInstruction && code.get(2).getOpcode() == Const.ARETURN
        && MapCopies.readsEntryValue(((InvokeInstruction) code.get(1)).getReferenceType(cpg).toString(),
            ((InvokeInstruction) code.get(1)).getMethodName(cpg), hierarchy);
  }
}
