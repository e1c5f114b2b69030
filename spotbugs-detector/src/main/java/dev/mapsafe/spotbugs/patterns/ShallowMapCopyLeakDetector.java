package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.mapapi.ValueTypes.Mutability;
import dev.mapsafe.knowledge.mapapi.ValueTypes;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.ShallowCopies;
import dev.mapsafe.spotbugs.analysis.ValueFacts;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.Publications;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.FieldAnnotation;
import edu.umd.cs.findbugs.MethodAnnotation;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.ba.AnalysisContext;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.XClass;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.ba.generic.GenericObjectType;
import edu.umd.cs.findbugs.ba.generic.GenericUtilities;
import edu.umd.cs.findbugs.classfile.ClassDescriptor;
import edu.umd.cs.findbugs.classfile.DescriptorFactory;
import edu.umd.cs.findbugs.classfile.Global;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ArrayType;
import org.apache.bcel.generic.ObjectType;
import org.apache.bcel.generic.Type;

/**
 * ShallowMapCopyLeak on bytecode: a shallow copy of a map field whose values are mutable, returned by a
 * non-private method, published through a {@code volatile} field or an {@code AtomicReference}, or handed to another
 * thread or a callback: the bytecode counterpart of the Error Prone
 * check, with the same rules ({@link ValueTypes}). Evidence about the values is gathered from every class first.
 */
public final class ShallowMapCopyLeakDetector implements Detector {
  private static final Pattern PATTERN = Pattern.SHALLOW_MAP_COPY_LEAK;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final List<MapValues> methods = new ArrayList<>();
  private final Set<XField> valuesShownMutable = new HashSet<>();

  public ShallowMapCopyLeakDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    for (Method method : context.getJavaClass().getMethods()) {
      if (method.getCode() == null) {
        continue;
      }
      try {
        MapValues values = MapValues.analyze(context, method, hierarchy);
        valuesShownMutable.addAll(values.valuesShownMutable());
        methods.add(values);
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    Set<MethodDescriptor> called = new HashSet<>();
    methods.forEach(method -> method.callSites().forEach(call -> called.add(call.callee)));
    for (MapValues method : methods) {
      XMethod m = method.method();
      if (BytecodeApi.calledFromOutside(m, called) && !m.isSynthetic() && !m.getName().startsWith("lambda$")) {
        for (MapValues.ReturnSite site : method.returnSites()) {
          if (site.traversal == null) {
            leak(method, method.copyOf(site.returned), "returned by " + m.getName() + "()", bugs);
          }
        }
      }
      for (Publications.PublishedValue published : method.publications()) {
        if (published.field != null) {
          leak(method, method.copyOf(published.value),
              "published through the volatile field " + published.field.getName(), bugs);
        } else if (published.reference != null && !published.call.equals("<init>")) {
          leak(method, method.copyOf(published.value),
              "published through the AtomicReference " + published.reference.display(), bugs);
        }
      }
      for (ValueFacts.HandedOff handedOff : method.handOffs()) {
        leak(method, method.copyOf(handedOff.value), handedOff.handOff, bugs);
      }
    }
    Findings.report(bugs, reporter);
    methods.clear();
    valuesShownMutable.clear();
  }

  private void leak(MapValues method, ShallowCopies.Copy copy, String escape, List<BugInstance> bugs) {
    if (copy == null || !(copy.source instanceof Origin.FieldLoad)) {
      return;
    }
    XField field = ((Origin.FieldLoad) copy.source).field();
    Type value = valueType(field);
    if (value == null) {
      return;
    }
    boolean array = value instanceof ArrayType;
    Type element = array ? ((ArrayType) value).getBasicType() : value;
    String name = element instanceof ObjectType ? ((ObjectType) element).getClassName() : element.toString();
    Mutability mutability = ValueTypes.of(name, array, hasMutators(name), hierarchy);
    // Only values the code changes in place are shared state (the Error Prone engine's ShallowCopies says why).
    if (mutability == Mutability.NOT_MUTABLE || !valuesShownMutable.contains(field)) {
      return;
    }
    bugs.add(new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
        .addClass(method.method().getClassName())
        .addMethod(MethodAnnotation.fromXMethod(method.method()))
        .addString(Messages.shallowMapCopyLeak(
            copy.display + " at line " + copy.line.getStartLine(), field.getName(),
            ValueTypes.display(name, array), escape, ValueTypes.deepCopyAdvice(name, array, hierarchy)))
        .addField(FieldAnnotation.fromXField(field))
        .addSourceLine(copy.line));
  }

  /** The value type {@code V} of a field declared {@code Map<K, V>} (or a map class with those parameters). */
  private static Type valueType(XField field) {
    String generic = field.getSourceSignature();
    if (generic == null) {
      return null;
    }
    Type type = GenericUtilities.getType(generic);
    if (!(type instanceof GenericObjectType) || ((GenericObjectType) type).getNumParameters() != 2) {
      return null;
    }
    Type value = ((GenericObjectType) type).getParameterAt(1);
    return value instanceof GenericObjectType ? ((GenericObjectType) value).getObjectType() : value;
  }

  /** A class of the analysed code with a non-private setter or a non-final instance field. */
  private static boolean hasMutators(String className) {
    try {
      ClassDescriptor descriptor = DescriptorFactory.createClassDescriptorFromDottedClassName(className);
      if (!AnalysisContext.currentAnalysisContext().isApplicationClass(descriptor)) {
        return false;
      }
      XClass cls = Global.getAnalysisCache().getClassAnalysis(XClass.class, descriptor);
      if (cls.isInterface() || cls.getSuperclassDescriptor() != null
          && (cls.getSuperclassDescriptor().getClassName().equals("java/lang/Enum")
              || cls.getSuperclassDescriptor().getClassName().equals("java/lang/Record"))) {
        return false;
      }
      for (XField f : cls.getXFields()) {
        if (!f.isStatic() && !f.isFinal() && !f.isSynthetic()) {
          return true;
        }
      }
      for (XMethod m : cls.getXMethods()) {
        if (!m.isPrivate() && !m.isStatic() && m.getName().matches("set[A-Z].*") && m.getNumParams() == 1) {
          return true;
        }
      }
      return false;
    } catch (Exception unknownClass) {
      return false; // a class the analysis cannot read is not known to be mutable
    }
  }
}
