package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.SharedMaps;
import edu.umd.cs.findbugs.ba.XClass;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.ClassDescriptor;
import edu.umd.cs.findbugs.classfile.DescriptorFactory;
import edu.umd.cs.findbugs.classfile.Global;
import java.util.HashMap;
import java.util.Map;
import org.apache.bcel.generic.ArrayType;
import org.apache.bcel.generic.ObjectType;
import org.apache.bcel.generic.Type;

/**
 * Whether a field's object is immutable apart from that field ({@link SharedMaps#isMutableState}), over its class
 * and superclasses: the bytecode counterpart of the Error Prone analysis of the same name.
 */
public final class ImmutableObjects {
  private final TypeHierarchy hierarchy;
  private final Map<XField, Boolean> known = new HashMap<>();

  public ImmutableObjects(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** Whether no other instance field of the field's class or its superclasses is mutable state. */
  public boolean otherStateImmutable(XField field) {
    return known.computeIfAbsent(field, this::compute);
  }

  private boolean compute(XField field) {
    String className = field.getClassName();
    try {
      while (!className.equals("java.lang.Object")) {
        ClassDescriptor descriptor = DescriptorFactory.createClassDescriptorFromDottedClassName(className);
        XClass cls = Global.getAnalysisCache().getClassAnalysis(XClass.class, descriptor);
        for (XField f : cls.getXFields()) {
          if (!f.isStatic() && !sameField(f, field) && mutableState(f)) {
            return false;
          }
        }
        if (cls.getSuperclassDescriptor() == null) {
          return true;
        }
        className = cls.getSuperclassDescriptor().getDottedClassName();
      }
      return true;
    } catch (Exception unknownClass) {
      return false; // a class the analysis cannot read may hold any state
    }
  }

  private static boolean sameField(XField a, XField b) {
    return a.getName().equals(b.getName()) && a.getClassName().equals(b.getClassName());
  }

  private boolean mutableState(XField f) {
    Type type = Type.getType(f.getSignature());
    if (type instanceof ArrayType) {
      return SharedMaps.isMutableState(f.isFinal(), "", true, hierarchy);
    }
    String name = type instanceof ObjectType ? ((ObjectType) type).getClassName() : type.toString();
    return SharedMaps.isMutableState(f.isFinal(), name, false, hierarchy);
  }
}
