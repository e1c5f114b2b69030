package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import dev.mapsafe.knowledge.threads.SharedMaps;

/**
 * Whether a field's object is immutable apart from that field ({@link SharedMaps#isMutableState}), over its class
 * and superclasses: the Error Prone counterpart of the bytecode analysis of the same name.
 */
public final class ImmutableObjects {
  private ImmutableObjects() {}

  /** Whether no other instance field of the field's class or its superclasses is mutable state. */
  public static boolean otherStateImmutable(VarSymbol field, VisitorState state) {
    if (!(field.owner instanceof ClassSymbol cls)) {
      return false;
    }
    try {
      while (cls != null && !cls.getQualifiedName().contentEquals("java.lang.Object")) {
        for (Symbol member : cls.members().getSymbols(s -> s instanceof VarSymbol && !s.isStatic())) {
          if (member != field && mutableState((VarSymbol) member, state)) {
            return false;
          }
        }
        Type superclass = cls.getSuperclass();
        cls = superclass.tsym instanceof ClassSymbol c ? c : null;
      }
      return true;
    } catch (Symbol.CompletionFailure unknownClass) {
      return false; // a class the compiler cannot read may hold any state
    }
  }

  private static boolean mutableState(VarSymbol f, VisitorState state) {
    boolean isFinal = (f.flags() & Flags.FINAL) != 0;
    Type type = state.getTypes().erasure(f.type);
    if (type.hasTag(TypeTag.ARRAY)) {
      return SharedMaps.isMutableState(isFinal, "", true, JavacApi.hierarchy(state));
    }
    String name = type.tsym instanceof ClassSymbol c ? c.flatName().toString() : type.toString();
    return SharedMaps.isMutableState(isFinal, name, false, JavacApi.hierarchy(state));
  }
}
