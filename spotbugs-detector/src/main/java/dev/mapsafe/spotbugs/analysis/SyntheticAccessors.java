package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.AnalysisContext;
import edu.umd.cs.findbugs.ba.InnerClassAccess;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import java.util.Optional;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.InvokeInstruction;

/**
 * The accessors javac wrote before Java 11 (and Kotlin writes) so that nested classes can use each other's private
 * members ({@code static synthetic Map access$000(Outer o) { return o.map; }}). SpotBugs resolves a call of a method
 * accessor to the method it calls ({@code XFactory.createXMethod}) and knows which field a field accessor reads
 * ({@link edu.umd.cs.findbugs.ba.InnerClassAccessMap}); this class asks it, so a task in a nested class of a jar built
 * for Java 8 still touches its outer class's maps, and an accessor is not taken for a caller of its own.
 */
public final class SyntheticAccessors {
  private SyntheticAccessors() {}

  /** The field a call reads when it calls a field-reading accessor; else empty. */
  public static Optional<XField> fieldReadBy(InvokeInstruction invoke, ConstantPoolGen cpg) {
    if (!(invoke instanceof INVOKESTATIC) || !invoke.getMethodName(cpg).startsWith("access$")) {
      return Optional.empty();
    }
    try {
      InnerClassAccess access =
          AnalysisContext.currentAnalysisContext().getInnerClassAccessMap().getInnerClassAccess((INVOKESTATIC) invoke, cpg);
      return access != null && access.isLoad() ? Optional.ofNullable(access.getField()) : Optional.empty();
    } catch (ClassNotFoundException | RuntimeException unreadable) {
      return Optional.empty(); // an accessor that cannot be read reads nothing known
    }
  }

  /** Whether the method is such an accessor: its calls are its callers' calls. */
  public static boolean isAccessor(XMethod method) {
    return method.isSynthetic() && method.isStatic() && method.getName().startsWith("access$");
  }
}
