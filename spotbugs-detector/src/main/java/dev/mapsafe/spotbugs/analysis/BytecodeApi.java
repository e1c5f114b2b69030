package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.CreatedValues;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.EntryLocks;
import dev.mapsafe.knowledge.threads.Exposure;
import dev.mapsafe.knowledge.threads.SharedMaps;
import dev.mapsafe.knowledge.threads.TaskLaunchers;
import edu.umd.cs.findbugs.ba.AnalysisContext;
import edu.umd.cs.findbugs.ba.Hierarchy;
import edu.umd.cs.findbugs.ba.Hierarchy2;
import edu.umd.cs.findbugs.ba.XClass;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.classfile.CheckedAnalysisException;
import edu.umd.cs.findbugs.classfile.ClassDescriptor;
import edu.umd.cs.findbugs.classfile.DescriptorFactory;
import edu.umd.cs.findbugs.classfile.Global;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.classfile.analysis.AnnotationValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.JavaClass;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKEDYNAMIC;
import org.apache.bcel.generic.INVOKESTATIC;
import org.apache.bcel.generic.InvokeInstruction;
import org.apache.bcel.generic.ObjectType;
import org.apache.bcel.generic.ReferenceType;
import org.apache.bcel.generic.Type;

/** Translates invoke instructions into the knowledge module's vocabulary (binary names, ApiMethod). */
public final class BytecodeApi {
  private BytecodeApi() {}

  /** The call as the map API model names it; the owner is the class named in the instruction. */
  public static Optional<ApiMethod> call(InvokeInstruction invoke, ConstantPoolGen cpg) {
    if (invoke instanceof INVOKEDYNAMIC) {
      return Optional.empty();
    }
    ReferenceType ref = invoke.getReferenceType(cpg);
    if (!(ref instanceof ObjectType)) {
      return Optional.empty(); // e.g. clone() on an array
    }
    String name = invoke.getMethodName(cpg);
    CallKind kind =
        invoke instanceof INVOKESTATIC
            ? CallKind.STATIC
            : invoke.getOpcode() == Const.INVOKESPECIAL && "<init>".equals(name) ? CallKind.CONSTRUCTOR : CallKind.INSTANCE;
    return Optional.of(new ApiMethod(kind, ((ObjectType) ref).getClassName(), name, parameters(invoke.getSignature(cpg))));
  }

  /** A call site's callee as the map API model names it ({@link MapValues.CallSite#callee}). */
  public static ApiMethod call(MethodDescriptor callee) {
    CallKind kind = callee.isStatic() ? CallKind.STATIC
        : callee.getName().equals("<init>") ? CallKind.CONSTRUCTOR : CallKind.INSTANCE;
    return new ApiMethod(kind, callee.getClassDescriptor().getDottedClassName(), callee.getName(),
        parameters(callee.getSignature()));
  }

  /** The parameter types of a method signature, parsed once per analysis (every call instruction asks). */
  private static List<String> parameters(String signature) {
    AnalysisContext analysis = AnalysisContext.currentAnalysisContext();
    return analysis == null ? parse(signature)
        : PARAMETERS.computeIfAbsent(analysis, a -> new ConcurrentHashMap<>())
            .computeIfAbsent(signature, BytecodeApi::parse);
  }

  private static final Map<AnalysisContext, Map<String, List<String>>> PARAMETERS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static List<String> parse(String signature) {
    List<String> params = new ArrayList<>();
    for (Type t : Type.getArgumentTypes(signature)) {
      params.add(t.toString());
    }
    return List.copyOf(params);
  }

  /**
   * The topmost superclass of a class that the analysis analyses (the class itself when it extends a library class or
   * {@code Object}): the class that names the monitor of {@code this} for a whole family of subclasses.
   */
  public static String baseOfAnalysedFamily(String className) {
    AnalysisContext analysis = AnalysisContext.currentAnalysisContext();
    if (analysis == null) {
      return className;
    }
    return BASES.computeIfAbsent(analysis, a -> new ConcurrentHashMap<>())
        .computeIfAbsent(className, BytecodeApi::baseOf);
  }

  /** Whether the class is one the analysis analyses (of the jar), not of a library or the JDK. */
  public static boolean isAnalysed(ClassDescriptor descriptor) {
    AnalysisContext analysis = AnalysisContext.currentAnalysisContext();
    return analysis != null && analysis.isApplicationClass(descriptor);
  }

  /** {@link #baseOfAnalysedFamily}'s answers, per analysis. */
  private static final Map<AnalysisContext, Map<String, String>> BASES = Collections.synchronizedMap(new WeakHashMap<>());

  private static String baseOf(String className) {
    String base = className;
    for (int depth = 0; depth < 10; depth++) {
      JavaClass cls = javaClass(base);
      String superclass = cls == null ? null : cls.getSuperclassName();
      if (superclass == null || superclass.equals("java.lang.Object")
          || !isAnalysed(DescriptorFactory.createClassDescriptorFromDottedClassName(superclass))) {
        break;
      }
      base = superclass;
    }
    return base;
  }

  /**
   * Whether the call runs its function arguments on another thread: a launcher of the thread vocabulary
   * ({@link TaskLaunchers#launches}), or a method of a library (outside the analysis) that schedules by its signature
   * ({@link TaskLaunchers#schedulesBySignature}).
   */
  public static boolean launches(ApiMethod call, TypeHierarchy hierarchy) {
    return TaskLaunchers.launches(call.owner(), call.name(), hierarchy)
        || !isAnalysed(DescriptorFactory.createClassDescriptorFromDottedClassName(call.owner()))
            && TaskLaunchers.schedulesBySignature(call.owner(), call.params(), t -> taskMethod(t).isPresent(),
                hierarchy);
  }

  /**
   * The method a task object of the interface runs, as name and signature ({@code run(Lx/Timeout;)V}): the
   * interface's single abstract method, when it has a task's shape ({@link TaskLaunchers#isTaskMethod}); else empty
   * (not an interface, several methods, a function of its argument, a class that cannot be read).
   */
  public static Optional<String> taskMethod(String interfaceName) {
    List<String> abstracts = new ArrayList<>();
    if (!abstractMethods(interfaceName, abstracts, 0) || abstracts.size() != 1) {
      return Optional.empty();
    }
    String method = abstracts.get(0);
    String signature = method.substring(method.indexOf('('));
    return TaskLaunchers.isTaskMethod(signature.endsWith(")V"), Type.getArgumentTypes(signature).length)
        ? Optional.of(method)
        : Optional.empty();
  }

  /** The abstract methods of an interface and those it extends, as name and signature; empty when it cannot be read. */
  public static List<String> interfaceMethods(String interfaceName) {
    List<String> abstracts = new ArrayList<>();
    return abstractMethods(interfaceName, abstracts, 0) ? abstracts : List.of();
  }

  private static boolean abstractMethods(String interfaceName, List<String> into, int depth) {
    JavaClass type = javaClass(interfaceName);
    if (type == null || !type.isInterface() || depth > 4) {
      return false;
    }
    for (org.apache.bcel.classfile.Method m : type.getMethods()) {
      String method = m.getName() + m.getSignature();
      if (m.isAbstract() && !m.isStatic() && !OBJECT_METHODS.contains(method) && !into.contains(method)) {
        into.add(method);
      }
    }
    for (String parent : type.getInterfaceNames()) {
      if (!abstractMethods(parent, into, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  /** Methods of {@code Object} an interface may declare again without making them its own. */
  private static final Set<String> OBJECT_METHODS =
      Set.of("equals(Ljava/lang/Object;)Z", "hashCode()I", "toString()Ljava/lang/String;");

  /** The class, or null when it cannot be read. */
  public static JavaClass javaClass(String className) {
    try {
      return Global.getAnalysisCache().getClassAnalysis(JavaClass.class,
          DescriptorFactory.createClassDescriptorFromDottedClassName(className));
    } catch (CheckedAnalysisException | RuntimeException unreadable) {
      return null;
    }
  }

  /**
   * The answers of SpotBugs' class hierarchy, per analysis: every detector of one analysis shares them (the
   * hierarchy does not change while it runs), and an analysis no longer referenced drops them.
   */
  private static final Map<AnalysisContext, Map<String, Map<String, Boolean>>> SUBTYPES =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** SpotBugs' class hierarchy, memoized; classes it cannot load are subtypes of nothing. */
  public static TypeHierarchy hierarchy() {
    return (type, supertype) -> SUBTYPES
        .computeIfAbsent(AnalysisContext.currentAnalysisContext(), analysis -> new ConcurrentHashMap<>())
        .computeIfAbsent(supertype, s -> new ConcurrentHashMap<>())
        .computeIfAbsent(type, key -> {
          try {
            return Hierarchy.isSubtype(type, supertype);
          } catch (ClassNotFoundException | RuntimeException unknown) {
            return false;
          }
        });
  }

  /**
   * Whether the method hands what it returns beyond its class ({@link Exposure}): public or protected, or
   * package-private and called by the analysed code ({@code called}); not for tests, not Kotlin internal.
   */
  public static boolean calledFromOutside(XMethod method, Set<MethodDescriptor> called) {
    boolean packagePrivate = !method.isPublic() && !method.isProtected() && !method.isPrivate();
    return Exposure.calledFromOutside(method.isPublic() || method.isProtected(),
        packagePrivate && called.contains(method.getMethodDescriptor()), method.getName(),
        isKotlin(method.getClassDescriptor()), annotationNames(method));
  }

  /** Whether the analysis of the whole jar sees every call of the method ({@link Exposure#callableOnlyInModule}). */
  public static boolean callableOnlyInJar(XMethod method) {
    return callableOnlyInJar(method, 0);
  }

  private static boolean callableOnlyInJar(XMethod method, int depth) {
    boolean packagePrivate = !method.isPublic() && !method.isProtected() && !method.isPrivate();
    if (method.isPrivate() || packagePrivate) {
      return true;
    }
    boolean hidden = depth < 3 && !method.isStatic() && isHiddenClass(method.getClassDescriptor());
    boolean overridesOnlyJarMethods = hidden && overridesOnlyJarMethods(method, depth);
    return Exposure.callableOnlyInModule(false, false, method.getName(), isKotlin(method.getClassDescriptor()),
        hidden, overridesOnlyJarMethods);
  }

  /**
   * How much the jar's own calls of a method say of its callers ({@link EntryLocks.Callers}): all of them for one
   * callable only in the jar; its use ({@code MODULE_USE}) for another that overrides only methods of classes of
   * the jar (none that outside code dispatches to it).
   */
  public static EntryLocks.Callers callersSeenInJar(XMethod method) {
    if (callableOnlyInJar(method)) {
      return EntryLocks.Callers.ALL;
    }
    if (method.getName().startsWith("<")) {
      return EntryLocks.Callers.UNKNOWN;
    }
    try {
      AnalysisContext analysis = AnalysisContext.currentAnalysisContext();
      for (XMethod overridden : Hierarchy2.findSuperMethods(method)) {
        if (!analysis.isApplicationClass(overridden.getClassDescriptor())) {
          return EntryLocks.Callers.UNKNOWN;
        }
      }
      return EntryLocks.Callers.MODULE_USE;
    } catch (RuntimeException unknown) {
      return EntryLocks.Callers.UNKNOWN;
    }
  }

  /** Whether the class and every subclass of it are not public (nothing outside the package names them). */
  private static boolean isHiddenClass(ClassDescriptor descriptor) {
    try {
      if (Global.getAnalysisCache().getClassAnalysis(XClass.class, descriptor).isPublic()) {
        return false;
      }
      for (ClassDescriptor sub : AnalysisContext.currentAnalysisContext().getSubtypes2().getSubtypes(descriptor)) {
        if (Global.getAnalysisCache().getClassAnalysis(XClass.class, sub).isPublic()) {
          return false;
        }
      }
      return true;
    } catch (CheckedAnalysisException | ClassNotFoundException | RuntimeException unknown) {
      return false;
    }
  }

  /** Whether every method the method overrides is called only in the jar (none overridden: true). */
  private static boolean overridesOnlyJarMethods(XMethod method, int depth) {
    try {
      for (XMethod overridden : Hierarchy2.findSuperMethods(method)) {
        if (!callableOnlyInJar(overridden, depth + 1)) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException unknown) {
      return false;
    }
  }

  /** The binary names of a method's annotation types. */
  public static List<String> annotationNames(XMethod method) {
    List<String> names = new ArrayList<>();
    for (AnnotationValue a : method.getAnnotations()) {
      names.add(a.getAnnotationClass().getDottedClassName());
    }
    return names;
  }

  /** Whether a call of the method runs that method and no override of it. */
  public static boolean runsOnlyItself(XMethod method) {
    return method.isPrivate() || method.isStatic() || method.isFinal() || method.getName().equals("<init>")
        || isFinalClass(method.getClassDescriptor());
  }

  /** Whether the class is final (no subclass overrides its methods); false when it cannot be read. */
  static boolean isFinalClass(ClassDescriptor descriptor) {
    try {
      return Global.getAnalysisCache().getClassAnalysis(XClass.class, descriptor).isFinal();
    } catch (CheckedAnalysisException | RuntimeException unknown) {
      return false;
    }
  }

  private static boolean isKotlin(ClassDescriptor descriptor) {
    try {
      XClass cls = Global.getAnalysisCache().getClassAnalysis(XClass.class, descriptor);
      for (AnnotationValue a : cls.getAnnotations()) {
        if (a.getAnnotationClass().getDottedClassName().equals("kotlin.Metadata")) {
          return true;
        }
      }
    } catch (CheckedAnalysisException | RuntimeException unknown) {
      // An unreadable class: not known to be Kotlin.
    }
    return false;
  }

  /**
   * Whether SpotBugs knows the class and it can be instantiated (neither an interface nor abstract); empty when
   * the class cannot be loaded.
   */
  public static Optional<Boolean> isConcreteClass(String dottedName) {
    try {
      edu.umd.cs.findbugs.ba.XClass cls = edu.umd.cs.findbugs.classfile.Global.getAnalysisCache().getClassAnalysis(
          edu.umd.cs.findbugs.ba.XClass.class,
          edu.umd.cs.findbugs.classfile.DescriptorFactory.createClassDescriptorFromDottedClassName(dottedName));
      return Optional.of(!cls.isInterface() && !cls.isAbstract());
    } catch (edu.umd.cs.findbugs.classfile.CheckedAnalysisException | RuntimeException missing) {
      return Optional.empty();
    }
  }

  /**
   * The declared key class of a map field ({@code Map<Class<?>, V>}: {@code java.lang.Class}), read from its
   * generic signature when its declared class puts the keys first ({@link SharedMaps#declaresKeysFirst}); empty
   * for a type variable or when there is no signature.
   */
  public static Optional<String> declaredKeyClass(XField field, TypeHierarchy hierarchy) {
    String signature = field.getSourceSignature();
    String declared = field.getSignature();
    if (signature == null || !declared.startsWith("L")
        || !SharedMaps.declaresKeysFirst(declared.substring(1, declared.length() - 1).replace('/', '.'), hierarchy)) {
      return Optional.empty();
    }
    int start = signature.indexOf('<') + 1;
    while (start > 0 && start < signature.length() && (signature.charAt(start) == '+' || signature.charAt(start) == '-')) {
      start++; // a wildcard's bound: Class<? extends Annotation>
    }
    if (start <= 0 || start >= signature.length() || signature.charAt(start) != 'L') {
      return Optional.empty();
    }
    int end = start + 1;
    while (end < signature.length() && signature.charAt(end) != '<' && signature.charAt(end) != ';') {
      end++;
    }
    return Optional.of(signature.substring(start + 1, end).replace('/', '.'));
  }

  /**
   * Whether every instance field of the field's class and of its superclasses is final, and one besides the field
   * itself: state fixed when the object is made. False when a class of the chain cannot be read (precision first).
   */
  public static boolean othersFinal(XField field) {
    boolean any = false;
    try {
      ClassDescriptor descriptor = field.getClassDescriptor();
      for (int depth = 0; descriptor != null && !descriptor.getClassName().equals("java/lang/Object"); depth++) {
        XClass cls = Global.getAnalysisCache().getClassAnalysis(XClass.class, descriptor);
        if (depth > 16) {
          return false;
        }
        for (XField other : cls.getXFields()) {
          if (!other.isStatic()) {
            if (!other.isFinal()) {
              return false;
            }
            any |= !other.equals(field);
          }
        }
        descriptor = cls.getSuperclassDescriptor();
      }
    } catch (CheckedAnalysisException | RuntimeException unknown) {
      return false;
    }
    return any;
  }

  /**
   * {@link CreatedValues#isDistinctObject} from the class files: whether the class or a superclass below
   * {@code Object} declares {@code equals(Object)} or an instance field. False when a class of the chain cannot be
   * loaded (precision first).
   */
  public static boolean isDistinctObject(String dottedName, TypeHierarchy hierarchy) {
    boolean declaresEquals = false;
    boolean hasInstanceFields = false;
    try {
      ClassDescriptor descriptor = DescriptorFactory.createClassDescriptorFromDottedClassName(dottedName);
      for (int depth = 0; descriptor != null && !descriptor.getClassName().equals("java/lang/Object"); depth++) {
        XClass cls = Global.getAnalysisCache().getClassAnalysis(XClass.class, descriptor);
        if (cls.isInterface() || depth > 16) {
          return false;
        }
        declaresEquals |= cls.findMethod("equals", "(Ljava/lang/Object;)Z", false) != null;
        hasInstanceFields |= cls.getXFields().stream().anyMatch(f -> !f.isStatic());
        descriptor = cls.getSuperclassDescriptor();
      }
    } catch (CheckedAnalysisException | RuntimeException unknown) {
      return false;
    }
    return CreatedValues.isDistinctObject(dottedName, declaresEquals, hasInstanceFields, hierarchy);
  }
}
