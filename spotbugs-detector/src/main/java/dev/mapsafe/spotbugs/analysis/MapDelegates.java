package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.JavaClass;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.BranchInstruction;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.FieldInstruction;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InstructionHandle;
import org.apache.bcel.generic.InstructionList;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.LoadInstruction;
import org.apache.bcel.generic.ReferenceType;
import org.apache.bcel.generic.StoreInstruction;
import org.apache.bcel.generic.Type;

/**
 * Methods that only pass their arguments to one single-key call on a map field of their object
 * ({@code getWrapper(uri) { return jsps.get(uri); }}): a call of one is that map call on the receiver's field, so a
 * check made through one accessor and an act through another are two calls on one map and key. The call may also go
 * through other such methods of the same object, resolved from the receiver's class as the call names it (an
 * inherited {@code get(key)} over an abstract {@code lookup(key)} that the class implements as {@code
 * store.get(key)}), and its result through an adapter that passes null through ({@code v != null ? wrap(v) : null}),
 * so a null from the map is still a null to the caller. Read from the callee's bytecode, in any class the analysis
 * can load; cached per analysis. The Error Prone engine's counterpart has the same name.
 */
public final class MapDelegates {

  /** The map call a method stands for: on {@code field} of its receiver, with these of its parameters. */
  public static final class Delegate {
    public final XField field;
    public final ApiMethod api;
    public final KeyUse use;
    /** For each argument of the map call, the delegate's parameter passed there. */
    final int[] parameters;
    /** Whether the delegate returns the map call's result (or what an adapter that passes null through makes of it). */
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

  /** The map call an instance call stands for, when the callee is a delegate, on an object of its class. */
  public Optional<Delegate> of(MethodDescriptor callee) {
    return of(callee, callee.getClassDescriptor().getDottedClassName());
  }

  /** The map call a call site stands for: on the caller's own object, resolved from the caller's class. */
  public Optional<Delegate> of(MapValues.CallSite call, MapValues caller) {
    return call.onThis ? of(call.callee, caller.method().getClassName()) : of(call.callee);
  }

  /**
   * The map call an instance call stands for, when the callee is a delegate, on an object of {@code receiverClass}
   * (the class the call instruction names, which SpotBugs resolves to the declaring one).
   */
  public Optional<Delegate> of(MethodDescriptor callee, String receiverClass) {
    String name = callee.getName();
    if (callee.isStatic() || name.startsWith("<") || receiverClass.startsWith("java.")) {
      return Optional.empty();
    }
    return of(receiverClass, name, callee.getSignature());
  }

  private Optional<Delegate> of(String receiverClass, String name, String signature) {
    String key = receiverClass + "." + name + signature;
    Optional<Delegate> found = known.get(key);
    if (found == null) {
      known.put(key, Optional.empty()); // a method its own body reaches again is no delegate: the recursion stops
      Declared declared = declaration(receiverClass, name, signature);
      found = declared == null || declared.method.isStatic() || declared.method.getCode() == null
          ? Optional.empty()
          : new Body(receiverClass, declared.cls, declared.method).delegate();
      known.put(key, found);
    }
    return found;
  }

  /** A method and the class that declares it. */
  private static final class Declared {
    final JavaClass cls;
    final Method method;

    Declared(JavaClass cls, Method method) {
      this.cls = cls;
      this.method = method;
    }
  }

  /** The method a call on an object of the class runs: its own, or the nearest superclass's. */
  private static Declared declaration(String className, String name, String signature) {
    String current = className;
    for (int depth = 0; depth < MAX_SUPERCLASSES && current != null; depth++) {
      JavaClass cls = BytecodeApi.javaClass(current);
      if (cls == null) {
        return null;
      }
      for (Method m : cls.getMethods()) {
        if (m.getName().equals(name) && m.getSignature().equals(signature)) {
          return new Declared(cls, m);
        }
      }
      current = cls.getSuperclassName();
    }
    return null;
  }

  /**
   * One method's straight-line body, run on symbolic values: {@code this}, its parameters, fields of {@code this}, and
   * the result of the one map call it makes. Any other instruction, branch or value makes it no delegate.
   */
  private final class Body {
    private final String receiverClass;
    private final JavaClass cls;
    private final Method method;
    private final ConstantPoolGen cpg;
    private final int[] parameterSlots;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Integer, Object> locals = new HashMap<>();
    /** The map call made, once made. */
    private Delegate made;

    Body(String receiverClass, JavaClass cls, Method method) {
      this.receiverClass = receiverClass;
      this.cls = cls;
      this.method = method;
      this.cpg = new ConstantPoolGen(cls.getConstantPool());
      this.parameterSlots = parameterSlots(method);
    }

    Optional<Delegate> delegate() {
      for (InstructionHandle h : new InstructionList(method.getCode().getCode()).getInstructionHandles()) {
        Instruction ins = h.getInstruction();
        short op = ins.getOpcode();
        if (op == Const.NOP || op == Const.CHECKCAST) {
          continue;
        }
        if (op == Const.ARETURN || op == Const.IRETURN || op == Const.RETURN) { // IRETURN: containsKey's answer
          Object returned = op == Const.RETURN ? null : stack.pollFirst();
          if (made == null || op != Const.RETURN && returned != made || !stack.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(new Delegate(made.field, made.api, made.use, made.parameters, op != Const.RETURN,
              method.getName()));
        }
        if (!step(ins)) {
          return Optional.empty();
        }
      }
      return Optional.empty();
    }

    private boolean step(Instruction ins) {
      short op = ins.getOpcode();
      if (ins instanceof LoadInstruction) {
        int slot = ((LoadInstruction) ins).getIndex();
        int parameter = indexOf(parameterSlots, slot);
        Object value = slot == 0 ? This.THIS : parameter >= 0 ? Integer.valueOf(parameter) : locals.get(slot);
        if (value == null) {
          return false;
        }
        stack.push(value);
        return true;
      }
      if (ins instanceof StoreInstruction) {
        int slot = ((StoreInstruction) ins).getIndex();
        if (stack.isEmpty() || slot == 0 || indexOf(parameterSlots, slot) >= 0) {
          return false;
        }
        locals.put(slot, stack.pop());
        return true;
      }
      if (op == Const.POP) {
        return stack.pollFirst() == made && made != null;
      }
      if (op == Const.GETFIELD) {
        if (stack.pollFirst() != This.THIS) {
          return false;
        }
        stack.push(XFactory.createXField((FieldInstruction) ins, cpg));
        return true;
      }
      if (ins instanceof InvokeInstruction && op != Const.INVOKESTATIC && op != Const.INVOKEDYNAMIC) {
        return invoke((InvokeInstruction) ins);
      }
      return false;
    }

    private boolean invoke(InvokeInstruction call) {
      int count = call.getArgumentTypes(cpg).length;
      if (stack.size() < count + 1) {
        return false;
      }
      Object[] arguments = new Object[count];
      for (int i = count - 1; i >= 0; i--) {
        arguments[i] = stack.pop();
      }
      Object receiver = stack.pop();
      boolean returnsValue = call.getReturnType(cpg) != Type.VOID;
      if (receiver instanceof XField && made == null) {
        Optional<ApiMethod> api = BytecodeApi.call(call, cpg);
        Optional<KeyUse> use = api.flatMap(a -> MapApi.keyUse(a, hierarchy));
        int[] passed = parameters(arguments);
        if (use.isEmpty() || passed == null) {
          return false;
        }
        made = new Delegate((XField) receiver, api.get(), use.get(), passed, true, method.getName());
        pushResult(returnsValue);
        return true;
      }
      if (receiver != This.THIS) {
        return false;
      }
      String name = call.getMethodName(cpg);
      String signature = call.getSignature(cpg);
      String resolveFrom = call.getOpcode() == Const.INVOKESPECIAL ? call.getClassName(cpg) : receiverClass;
      int[] passed = parameters(arguments);
      if (made == null && passed != null) { // another delegate of this object, with these parameters
        Optional<Delegate> inner = of(resolveFrom, name, signature);
        if (inner.isEmpty() || returnsValue && !inner.get().returnsResult) {
          return false;
        }
        int[] composed = new int[inner.get().parameters.length];
        for (int i = 0; i < composed.length; i++) {
          composed[i] = passed[inner.get().parameters[i]];
        }
        made = new Delegate(inner.get().field, inner.get().api, inner.get().use, composed, true, method.getName());
        pushResult(returnsValue);
        return true;
      }
      // the map call's result through an adapter of this object that returns null for null
      if (made != null && count == 1 && arguments[0] == made && returnsValue) {
        Declared adapter = declaration(resolveFrom, name, signature);
        if (adapter != null && passesNullThrough(adapter.method)) {
          stack.push(made);
          return true;
        }
      }
      return false;
    }

    private void pushResult(boolean returnsValue) {
      if (returnsValue) {
        stack.push(made);
      }
    }

    /** The parameter each argument is, or null when one is not a parameter (or there is none). */
    private int[] parameters(Object[] arguments) {
      if (arguments.length == 0) {
        return null;
      }
      int[] passed = new int[arguments.length];
      for (int i = 0; i < arguments.length; i++) {
        if (!(arguments[i] instanceof Integer)) {
          return null;
        }
        passed[i] = (Integer) arguments[i];
      }
      return passed;
    }
  }

  /** The receiver in a {@link Body}'s symbolic values. */
  private enum This { THIS }

  /**
   * Whether an instance method of one reference parameter returns null when given null, first thing: {@code return v
   * != null ? wrap(v) : null} or {@code if (v == null) return null; ...}.
   */
  private static boolean passesNullThrough(Method m) {
    if (m.isStatic() || m.getCode() == null || m.getArgumentTypes().length != 1
        || !(m.getArgumentTypes()[0] instanceof ReferenceType) || !(m.getReturnType() instanceof ReferenceType)) {
      return false;
    }
    InstructionHandle first = new InstructionList(m.getCode().getCode()).getStart();
    if (first == null || first.getInstruction().getOpcode() != Const.ALOAD_1 || first.getNext() == null) {
      return false;
    }
    Instruction test = first.getNext().getInstruction();
    InstructionHandle onNull = test.getOpcode() == Const.IFNULL ? ((BranchInstruction) test).getTarget()
        : test.getOpcode() == Const.IFNONNULL ? first.getNext().getNext()
        : null;
    return onNull != null && onNull.getInstruction().getOpcode() == Const.ACONST_NULL && onNull.getNext() != null
        && onNull.getNext().getInstruction().getOpcode() == Const.ARETURN;
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
