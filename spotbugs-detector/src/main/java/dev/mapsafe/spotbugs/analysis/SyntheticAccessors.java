package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.CheckedAnalysisException;
import edu.umd.cs.findbugs.classfile.DescriptorFactory;
import edu.umd.cs.findbugs.classfile.Global;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.JavaClass;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.FieldInstruction;
import org.apache.bcel.generic.Instruction;
import org.apache.bcel.generic.InstructionList;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.LoadInstruction;

/**
 * The accessors javac wrote before Java 11 (and Kotlin writes) so that a nested class can read a private field of its
 * outer class: {@code static synthetic Map access$000(Outer o) { return o.map; }}. A call of one is a read of that
 * field: without this, a task in a nested class of a library built for Java 8 never touches its outer class's maps.
 */
public final class SyntheticAccessors {
  private SyntheticAccessors() {}

  /** The field a call reads when it calls a synthetic static accessor whose whole body reads it; else empty. */
  public static Optional<XField> fieldReadBy(InvokeInstruction invoke, ConstantPoolGen cpg) {
    if (invoke.getOpcode() != Const.INVOKESTATIC || !invoke.getMethodName(cpg).startsWith("access$")) {
      return Optional.empty();
    }
    try {
      JavaClass owner = Global.getAnalysisCache().getClassAnalysis(JavaClass.class,
          DescriptorFactory.createClassDescriptorFromDottedClassName(invoke.getClassName(cpg)));
      for (Method method : owner.getMethods()) {
        if (method.getName().equals(invoke.getMethodName(cpg)) && method.getSignature().equals(invoke.getSignature(cpg))
            && method.isSynthetic() && method.isStatic() && method.getCode() != null) {
          return fieldReturned(method, new ConstantPoolGen(owner.getConstantPool()));
        }
      }
    } catch (CheckedAnalysisException | RuntimeException unreadable) {
      // An accessor that cannot be read reads nothing known.
    }
    return Optional.empty();
  }

  /** {@code [aload_0] getfield/getstatic F; areturn}: the field F. */
  private static Optional<XField> fieldReturned(Method method, ConstantPoolGen cpg) {
    List<Instruction> body = new ArrayList<>();
    for (Instruction ins : new InstructionList(method.getCode().getCode()).getInstructions()) {
      if (!(ins instanceof LoadInstruction)) {
        body.add(ins);
      }
    }
    if (body.size() == 2 && body.get(1).getOpcode() == Const.ARETURN
        && (body.get(0).getOpcode() == Const.GETFIELD || body.get(0).getOpcode() == Const.GETSTATIC)) {
      return Optional.of(XFactory.createXField((FieldInstruction) body.get(0), cpg));
    }
    return Optional.empty();
  }
}
