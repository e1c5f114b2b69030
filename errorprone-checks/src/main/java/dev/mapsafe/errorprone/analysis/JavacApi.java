package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.Types;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.CreatedValues;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Exposure;
import dev.mapsafe.knowledge.threads.SharedMaps;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.ElementKind;

/** Translates javac trees and symbols into the knowledge module's vocabulary (binary names, ApiMethod). */
public final class JavacApi {
  private JavacApi() {}

  /** {@code this}, {@code super}, or a qualified {@code Outer.this}: the object the code runs on. */
  public static boolean isThisOrSuper(ExpressionTree tree) {
    Object name = tree instanceof IdentifierTree id ? id.getName()
        : tree instanceof MemberSelectTree select ? select.getIdentifier() : null;
    return name != null && (name.toString().equals("this") || name.toString().equals("super"));
  }

  /** Whether the tree is a call making a map's own {@code entrySet()} ({@link MapApi#makesEntryView}). */
  public static boolean makesEntryView(ExpressionTree tree, VisitorState state) {
    return call(tree, state).filter(api -> MapApi.makesEntryView(api, hierarchy(state))).isPresent();
  }

  /** The call as the map API model names it; the owner of an instance call is the receiver's static type. */
  public static Optional<ApiMethod> call(ExpressionTree tree, VisitorState state) {
    Symbol sym = ASTHelpers.getSymbol(tree);
    if (!(sym instanceof MethodSymbol method)
        || !(tree instanceof MethodInvocationTree || tree instanceof NewClassTree)) {
      return Optional.empty();
    }
    Types types = state.getTypes();
    List<String> params = new ArrayList<>();
    for (Type p : method.erasure(types).getParameterTypes()) {
      params.add(binaryName(p, types));
    }
    CallKind kind;
    String owner;
    if (method.isConstructor()) {
      kind = CallKind.CONSTRUCTOR;
      owner = binaryName(method.owner.type, types);
    } else if (method.isStatic()) {
      kind = CallKind.STATIC;
      owner = binaryName(method.owner.type, types);
    } else {
      kind = CallKind.INSTANCE;
      Type receiver = ASTHelpers.getReceiverType(tree);
      owner = binaryName(receiver != null ? receiver : method.owner.type, types);
    }
    return Optional.of(new ApiMethod(kind, owner, method.getSimpleName().toString(), params));
  }

  /** {@code java.util.Map$Entry}, {@code java.lang.Object[]}, {@code int}: the JVM's binary names. */
  public static String binaryName(Type type, Types types) {
    Type erased = types.erasure(type);
    if (erased instanceof Type.ArrayType array) {
      return binaryName(array.elemtype, types) + "[]";
    }
    if (erased.tsym instanceof ClassSymbol cls) {
      return cls.flatName().toString();
    }
    return erased.toString();
  }

  /** Subtype answers of one compilation, kept in its javac Context: every check asks the same few questions. */
  private static final Context.Key<Map<String, Map<String, Boolean>>> SUBTYPES = new Context.Key<>();

  /**
   * The class hierarchy as javac knows it; unknown classes are subtypes of nothing, and so are arrays and
   * primitives, which {@link #binaryName} gives too. Answers are memoized.
   */
  public static TypeHierarchy hierarchy(VisitorState state) {
    Map<String, Map<String, Boolean>> memo = state.context.get(SUBTYPES);
    if (memo == null) {
      memo = new HashMap<>(); // supertype -> type -> answer: no key to build per question
      state.context.put(SUBTYPES, memo);
    }
    Map<String, Map<String, Boolean>> known = memo;
    return (type, supertype) ->
        known.computeIfAbsent(supertype, s -> new HashMap<>()).computeIfAbsent(type, key -> {
          Type t = classType(type, state);
          Type s = classType(supertype, state);
          Types types = state.getTypes();
          return t != null && s != null && types.isSubtype(types.erasure(t), types.erasure(s));
        });
  }

  /**
   * {@link CreatedValues#isDistinctObject} from the class symbols: whether the class or a superclass below
   * {@code Object} declares {@code equals(Object)} or an instance field. False for a class javac does not know.
   */
  public static boolean isDistinctObject(String binaryName, VisitorState state) {
    Type type = classType(binaryName, state);
    if (type == null || !(type.tsym instanceof ClassSymbol start) || start.isInterface()) {
      return false;
    }
    boolean declaresEquals = false;
    boolean hasInstanceFields = false;
    Types types = state.getTypes();
    Type object = state.getSymtab().objectType;
    for (Type t = type; t != null && t.tsym instanceof ClassSymbol c && !types.isSameType(t, object);
        t = types.supertype(t)) {
      for (Symbol member : c.getEnclosedElements()) {
        if (member.getKind() == ElementKind.FIELD && !member.isStatic()) {
          hasInstanceFields = true;
        }
        if (member instanceof MethodSymbol m && m.getSimpleName().contentEquals("equals")
            && m.getParameters().size() == 1 && types.isSameType(m.getParameters().get(0).type, object)) {
          declaresEquals = true;
        }
      }
    }
    return CreatedValues.isDistinctObject(binaryName, declaresEquals, hasInstanceFields, hierarchy(state));
  }

  /**
   * The class with this binary name, or null. Only class names are looked up: getTypeFromString throws on array
   * names ({@code int[]}), and keywords ({@code int}, {@code void}) and javac's own names ({@code <nulltype>})
   * name no class.
   */
  private static Type classType(String binaryName, VisitorState state) {
    Map<String, Optional<Type>> types = state.context.get(TYPES);
    if (types == null) {
      types = new HashMap<>();
      state.context.put(TYPES, types);
    }
    return types.computeIfAbsent(binaryName, n -> {
      String name = n.replace('$', '.');
      return Optional.ofNullable(SourceVersion.isName(name) ? state.getTypeFromString(name) : null);
    }).orElse(null);
  }

  /** The class types of one compilation by binary name: looking a name up parses it and searches the symbol table. */
  private static final Context.Key<Map<String, Optional<Type>>> TYPES = new Context.Key<>();

  /**
   * Whether the method hands what it returns beyond its class ({@link Exposure}): public or protected, or
   * package-private and called in this compilation unit; not for tests.
   */
  public static boolean calledFromOutside(MethodSymbol method, VisitorState state) {
    boolean outsidePackage = (method.flags() & (Flags.PUBLIC | Flags.PROTECTED)) != 0
        || (method.owner != null && method.owner.isInterface() && !method.isPrivate());
    boolean calledInPackage = !outsidePackage && !method.isPrivate()
        && !Declarations.of(state).invocations(method).isEmpty();
    return Exposure.calledFromOutside(outsidePackage, calledInPackage, method.getSimpleName().toString(), false,
        annotationNames(method));
  }

  /**
   * The declared key class of a map field ({@code Map<Class<?>, V>}: {@code java.lang.Class}, the bound of a
   * wildcard), when its declared class puts the keys first ({@link SharedMaps#declaresKeysFirst}); empty for a type
   * variable or a raw type. The bytecode engine's counterpart has the name.
   */
  public static Optional<String> declaredKeyClass(Symbol.VarSymbol field, VisitorState state) {
    Type declared = field.type;
    if (declared == null || declared.getTypeArguments().isEmpty()
        || !SharedMaps.declaresKeysFirst(binaryName(declared, state.getTypes()), hierarchy(state))) {
      return Optional.empty();
    }
    Type key = declared.getTypeArguments().get(0);
    if (key instanceof Type.WildcardType wildcard) {
      key = wildcard.getExtendsBound();
    }
    return key == null || key instanceof Type.TypeVar || !(key.tsym instanceof ClassSymbol)
        ? Optional.empty()
        : Optional.of(binaryName(key, state.getTypes()));
  }

  /**
   * Whether every instance field of the field's class and of its superclasses is final, and one besides the field
   * itself: state fixed when the object is made. The bytecode engine's counterpart has the name.
   */
  public static boolean othersFinal(Symbol.VarSymbol field, VisitorState state) {
    boolean any = false;
    for (Symbol.TypeSymbol c = field.owner instanceof ClassSymbol owner ? owner : null; c instanceof ClassSymbol current
        && !current.getQualifiedName().contentEquals("java.lang.Object");
        c = state.getTypes().supertype(current.type).tsym) {
      for (Symbol member : current.getEnclosedElements()) {
        if (member instanceof Symbol.VarSymbol variable && variable.getKind() == ElementKind.FIELD
            && !variable.isStatic()) {
          if ((variable.flags() & Flags.FINAL) == 0) {
            return false;
          }
          any |= !variable.equals(field);
        }
      }
    }
    return any;
  }

  /** The binary names of a symbol's annotation types. */
  public static List<String> annotationNames(Symbol symbol) {
    List<String> names = new ArrayList<>();
    for (var mirror : symbol.getAnnotationMirrors()) {
      if (mirror.getAnnotationType().asElement() instanceof ClassSymbol type) {
        names.add(type.flatName().toString());
      }
    }
    return names;
  }

  /**
   * The class file major version this compilation writes, from its source level (javac's target is not exported
   * to plugins; a target is never older than the source).
   */
  public static int classVersion(VisitorState state) {
    String level = com.sun.tools.javac.code.Source.instance(state.context).name;
    try {
      return 44 + Integer.parseInt(level.startsWith("1.") ? level.substring(2) : level);
    } catch (NumberFormatException unexpected) {
      return Integer.MAX_VALUE; // an unknown level is a newer one
    }
  }
}
