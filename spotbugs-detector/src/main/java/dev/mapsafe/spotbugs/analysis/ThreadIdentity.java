package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.SharedMaps;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import java.util.HashSet;
import java.util.Set;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.Type;

/**
 * The values of one method that identify the current thread, as {@link SharedMaps} counts them: the thread, its id,
 * name or context class loader, boxed or not. Fed call by call by {@link MapValues}; the Error Prone counterpart has
 * the same name.
 */
final class ThreadIdentity {
  private final Set<ValueNumber> values = new HashSet<>();

  /** Follows a call's result when it is the current thread or what identifies it as well. */
  void note(InvokeInstruction invoke, ConstantPoolGen cpg, ValueNumber receiver, ValueNumber[] args,
      ValueNumberFrame after, TypeHierarchy hierarchy) throws DataflowAnalysisException {
    if (invoke.getReturnType(cpg) == Type.VOID || after.getStackDepth() == 0) {
      return;
    }
    String owner = invoke.getClassName(cpg);
    String name = invoke.getMethodName(cpg);
    boolean isStatic = invoke instanceof INVOKESTATIC;
    ValueNumber source = isStatic ? (args.length == 1 ? args[0] : null) : receiver;
    if ((isStatic && args.length == 0 && SharedMaps.returnsCurrentThread(owner, name))
        || (source != null && values.contains(source)
            && SharedMaps.keepsThreadIdentity(owner, name, isStatic, hierarchy))) {
      values.add(after.getTopValue());
    }
  }

  boolean identifiesCurrentThread(ValueNumber value) {
    return values.contains(value);
  }
}
