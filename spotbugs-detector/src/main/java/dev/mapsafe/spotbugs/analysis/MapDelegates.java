package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.JavaClass;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.FieldInstruction;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InstructionHandle;
import org.apache.bcel.generic.InstructionList;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.LoadInstruction;
import org.apache.bcel.generic.ReturnInstruction;
import org.apache.bcel.generic.Type;

/**
 * Methods that only pass their arguments to one single-key call on a map field of their object
 * ({@code getWrapper(uri) { return jsps.get(uri); }}): a call of one is that map call on the receiver's field, so a
 * check made through one accessor and an act through another are two calls on one map and key. Read from the
 * callee's bytecode, in any class the analysis can load; cached per analysis. The Error Prone engine's counterpart
 * has the same name.
 */
public final class MapDelegates {

  /** The map call a method stands for: on {@code field} of its receiver, with these of its parameters. */
  public static final class Delegate {
    public final XField field;
    public final ApiMethod api;
    public final KeyUse use;
    /** For each argument of the map call, the delegate's parameter passed there. */
    final int[] parameters;
    /** Whether the delegate returns the map call's result. */
    final boolean returnsResult;
    /** The delegate's name, for messages. */
    public final String name;

    Delegate(XField field, ApiMethod api, KeyUse use, int[] parameters, boolean returnsResult, String name) {
      this.field = field;
      this.api = api;
      this.use = use;
      this.parameters = parameters;
      this.returnsResult = returnsResult;
      this.name = name;
    }

    /** The map call's arguments at a call of the delegate, from the call's own. */
    ValueNumber[] argumentsOf(ValueNumber[] callArguments) {
      ValueNumber[] result = new ValueNumber[parameters.length];
      for (int i = 0; i < parameters.length; i++) {
        result[i] = callArguments[parameters[i]];
      }
      return result;
    }
  }

  private static final int MAX_SUPERCLASSES = 4;

  private final TypeHierarchy hierarchy;
  private final Map<String, Optional<Delegate>> known = new HashMap<>();

  public MapDelegates(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** The map call an instance call stands for, when the callee is a delegate. */
  public Optional<Delegate> of(MethodDescriptor callee) {
    String owner = callee.getClassDescriptor().getDottedClassName();
    String name = callee.getName();
    if (callee.isStatic() || name.startsWith("<") || owner.startsWith("java.")) {
      return Optional.empty();
    }
    return known.computeIfAbsent(owner + "." + name + callee.getSignature(),
        k -> find(owner, name, callee.getSignature()));
  }

  private Optional<Delegate> find(String owner, String name, String signature) {
    String className = owner;
    for (int depth = 0; depth < MAX_SUPERCLASSES && className != null; depth++) {
      JavaClass cls = BytecodeApi.javaClass(className);
      if (cls == null) {
        return Optional.empty();
      }
      for (Method m : cls.getMethods()) {
        if (m.getName().equals(name) && m.getSignature().equals(signature)) {
          return m.isStatic() || m.getCode() == null ? Optional.empty() : delegate(cls, m);
        }
      }
      className = cls.getSuperclassName();
    }
    return Optional.empty();
  }

  /** The delegate a method's body makes it: {@code this.field.call(params..)}, the result returned or dropped. */
  private Optional<Delegate> delegate(JavaClass cls, Method m) {
    ConstantPoolGen cpg = new ConstantPoolGen(cls.getConstantPool());
    List<Instruction> body = new ArrayList<>();
    for (InstructionHandle h : new InstructionList(m.getCode().getCode()).getInstructionHandles()) {
      if (h.getInstruction().getOpcode() != Const.NOP && h.getInstruction().getOpcode() != Const.CHECKCAST) {
        body.add(h.getInstruction());
      }
    }
    int at = 0;
    if (body.size() < 4 || !isLoadOfThis(body.get(at++)) || body.get(at).getOpcode() != Const.GETFIELD) {
      return Optional.empty();
    }
    XField field = XFactory.createXField((FieldInstruction) body.get(at++), cpg);
    int[] slots = parameterSlots(m);
    List<Integer> parameters = new ArrayList<>();
    while (at < body.size() && body.get(at) instanceof LoadInstruction) {
      int parameter = indexOf(slots, ((LoadInstruction) body.get(at++)).getIndex());
      if (parameter < 0) {
        return Optional.empty();
      }
      parameters.add(parameter);
    }
    if (at >= body.size() || !(body.get(at) instanceof InvokeInstruction)) {
      return Optional.empty();
    }
    InvokeInstruction call = (InvokeInstruction) body.get(at++);
    Optional<ApiMethod> api = BytecodeApi.call(call, cpg);
    Optional<KeyUse> use = api.flatMap(a -> MapApi.keyUse(a, hierarchy));
    if (use.isEmpty() || parameters.size() != call.getArgumentTypes(cpg).length || parameters.isEmpty()) {
      return Optional.empty();
    }
    boolean returnsResult = at < body.size() && body.get(at) instanceof ReturnInstruction
        && body.get(at).getOpcode() != Const.RETURN && call.getReturnType(cpg) != Type.VOID;
    boolean dropsResult = at < body.size() && (body.get(at).getOpcode() == Const.RETURN
        || body.get(at).getOpcode() == Const.POP && at + 1 < body.size() && body.get(at + 1).getOpcode() == Const.RETURN);
    if (!returnsResult && !dropsResult) {
      return Optional.empty();
    }
    int[] passed = parameters.stream().mapToInt(Integer::intValue).toArray();
    return Optional.of(new Delegate(field, api.get(), use.get(), passed, returnsResult, m.getName()));
  }

  private static boolean isLoadOfThis(Instruction ins) {
    return ins.getOpcode() == Const.ALOAD_0 || ins.getOpcode() == Const.ALOAD && ((LoadInstruction) ins).getIndex() == 0;
  }

  /** The local slot of each parameter of an instance method ({@code this} is slot 0). */
  private static int[] parameterSlots(Method m) {
    Type[] types = m.getArgumentTypes();
    int[] slots = new int[types.length];
    int slot = 1;
    for (int i = 0; i < types.length; i++) {
      slots[i] = slot;
      slot += types[i].getSize();
    }
    return slots;
  }

  private static int indexOf(int[] slots, int slot) {
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == slot) {
        return i;
      }
    }
    return -1;
  }

}
