package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Which map classes a field holds: its declared type when that is a class, otherwise the classes of the
 * {@code new} expressions (or map factories' results, {@code Maps.newHashMap()}, or private methods' whose every
 * return is one of these) assigned to it, when every value
 * assigned to it (in its declaring file) is one and
 * it is final or not public (assignments from other files of its package or subclasses are not seen); each branch
 * of a choice ({@code c ? new A() : new B()}) is such a value. A
 * constructor's parameter assigned to it stands for the maps the constructor's callers in this compilation pass
 * there, when there are some and each is a {@code new} map or a stream collected into a map of known class
 * ({@code Collectors.toMap(k, v)}), there or through a local. An immutable empty map ({@code Map.of()},
 * {@code Collections.emptyMap()}) assigned to it is a placeholder: the maps that replace it are the field's. The
 * bytecode counterpart has the same name.
 */
public final class MapImplementations {
  private MapImplementations() {}

  /** Answers of one compilation, kept in its javac Context: every map access of the code asks about its field. */
  private static final Context.Key<Map<VarSymbol, Optional<List<String>>>> CACHE = new Context.Key<>();

  /** Binary class names, or empty when they cannot be known. */
  public static Optional<List<String>> of(VarSymbol field, VisitorState state) {
    Map<VarSymbol, Optional<List<String>>> cache = state.context.get(CACHE);
    if (cache == null) {
      cache = new HashMap<>();
      state.context.put(CACHE, cache);
    }
    Optional<List<String>> known = cache.get(field);
    if (known == null) {
      known = compute(field, state);
      cache.put(field, known);
    }
    return known;
  }

  private static Optional<List<String>> compute(VarSymbol field, VisitorState state) {
    Type declared = field.type;
    if (declared != null && !declared.isInterface() && declared.tsym != null && !declared.tsym.isAbstract()) {
      return Optional.of(List.of(JavacApi.binaryName(declared, state.getTypes())));
    }
    if ((field.flags() & Flags.PUBLIC) != 0 && (field.flags() & Flags.FINAL) == 0) {
      return Optional.empty(); // code anywhere may assign it
    }
    List<String> classes = new ArrayList<>();
    for (TreePath value : assignedBranches(field, state)) {
      if (isEmptyPlaceholder(value, state)) {
        continue; // Map.of() until a mutable map replaces it: no write reaches it
      }
      Symbol sym = ASTHelpers.getSymbol(MapIdentity.strip((ExpressionTree) value.getLeaf()));
      List<String> made = sym instanceof VarSymbol parameter
              && parameter.getKind() == ElementKind.PARAMETER && parameter.owner instanceof MethodSymbol constructor
              && constructor.isConstructor()
          ? passedBy(constructor, constructor.getParameters().indexOf(parameter), state)
          : MapIdentity.strip((ExpressionTree) value.getLeaf()) instanceof MethodInvocationTree
              && sym instanceof MethodSymbol factory && (factory.flags() & Flags.PRIVATE) != 0
              && Declarations.declaring(factory, state).declares(factory)
          ? returnedBy(factory, state)
          : classOf(value, state).map(List::of).orElse(List.of());
      if (made.isEmpty()) {
        return Optional.empty();
      }
      classes.addAll(made);
    }
    return classes.isEmpty() ? Optional.empty() : Optional.of(classes.stream().distinct().toList());
  }

  /** The values assigned to the field in its declaring file, each branch of a choice on its own ({@link #branches}). */
  public static List<TreePath> assignedBranches(VarSymbol field, VisitorState state) {
    return Declarations.declaring(field, state).assignedValues(field).stream()
        .flatMap(value -> branches(value).stream())
        .toList();
  }

  /**
   * The values an assigned value chooses between ({@code c ? new WeakHashMap<>() : new ConcurrentHashMap<>()}, nested
   * choices too): the field then holds either, as if each branch were assigned on its own. The value itself when it
   * is no choice.
   */
  public static List<TreePath> branches(TreePath value) {
    if (!(MapIdentity.strip((ExpressionTree) value.getLeaf()) instanceof ConditionalExpressionTree choice)) {
      return List.of(value);
    }
    TreePath at = new TreePath(value, choice);
    List<TreePath> branches = new ArrayList<>(branches(new TreePath(at, choice.getTrueExpression())));
    branches.addAll(branches(new TreePath(at, choice.getFalseExpression())));
    return branches;
  }

  /**
   * The classes of the maps a private method returns ({@code private static Map<K, V> newCache() { return new
   * HashMap<>(); }}), when every value it returns is a map of known class; else empty.
   */
  private static List<String> returnedBy(MethodSymbol factory, VisitorState state) {
    List<TreePath> returned = Declarations.declaring(factory, state).returnedValues(factory);
    List<String> classes = new ArrayList<>();
    for (TreePath value : returned) {
      Optional<String> made = classOf(value, state);
      if (made.isEmpty()) {
        return List.of();
      }
      classes.add(made.get());
    }
    return classes;
  }

  /** Whether the value is an immutable empty map made there ({@link MapTypes#isEmptyPlaceholder}). */
  private static boolean isEmptyPlaceholder(TreePath value, VisitorState state) {
    return MapIdentity.strip((ExpressionTree) value.getLeaf()) instanceof MethodInvocationTree call
        && JavacApi.call(call, state).filter(MapTypes::isEmptyPlaceholder).isPresent();
  }

  /**
   * The classes of the maps every call of the constructor in this compilation ({@code new}, and {@code this(..)} or
   * {@code super(..)}) passes to its parameter; empty when there is none or one passes a map of unknown class.
   */
  public static List<String> passedBy(MethodSymbol constructor, int parameter, VisitorState state) {
    Declarations compilation = Declarations.ofCompilation(state);
    List<TreePath> calls = new ArrayList<>(compilation.constructions(constructor));
    calls.addAll(compilation.invocations(constructor));
    List<String> classes = new ArrayList<>();
    for (TreePath call : calls) {
      List<? extends ExpressionTree> arguments = call.getLeaf() instanceof NewClassTree created ? created.getArguments()
          : call.getLeaf() instanceof MethodInvocationTree invocation ? invocation.getArguments()
          : List.of();
      if (parameter < 0 || parameter >= arguments.size()) {
        return List.of();
      }
      Optional<String> passed = classOf(new TreePath(call, arguments.get(parameter)), state);
      if (passed.isEmpty()) {
        return List.of();
      }
      classes.add(passed.get());
    }
    return classes;
  }

  /**
   * The class of the map an expression makes: {@code new}, a stream collected into a known map, a map factory's result
   * ({@code Maps.newHashMap()}, {@link MapTypes#factoryMapClass}), or such a local. The bytecode counterpart is a
   * value's origin as {@code MapImplementations.madeClass} reads it.
   */
  private static Optional<String> classOf(TreePath value, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
    if (ASTHelpers.getSymbol(tree) instanceof VarSymbol local && MapIdentity.isEffectivelyFinalLocal(local)) {
      List<TreePath> initial = Declarations.declaring(local, state).assignedValues(local);
      if (initial.size() != 1) {
        return Optional.empty();
      }
      tree = MapIdentity.strip((ExpressionTree) initial.get(0).getLeaf());
    }
    if (tree instanceof MethodInvocationTree collect && collect.getArguments().size() == 1
        && ASTHelpers.getSymbol(collect) instanceof MethodSymbol method && method.getSimpleName().contentEquals("collect")
        && MapIdentity.strip(collect.getArguments().get(0)) instanceof MethodInvocationTree collector
        && ASTHelpers.getSymbol(collector) instanceof MethodSymbol factory && factory.isStatic()
        && factory.owner.getQualifiedName().contentEquals(MapTypes.COLLECTORS)) {
      return MapTypes.collectedMapClass(factory.getSimpleName().toString(), collector.getArguments().size());
    }
    return madeBy(tree, state);
  }

  /** The class of the map {@code new} or a map factory ({@link MapTypes#factoryMapClass}) makes there, if it is one. */
  public static Optional<String> madeBy(ExpressionTree tree, VisitorState state) {
    tree = MapIdentity.strip(tree);
    if (tree instanceof MethodInvocationTree call) {
      return JavacApi.call(call, state).flatMap(MapTypes::factoryMapClass);
    }
    Type type = tree instanceof NewClassTree ? ASTHelpers.getType(tree) : null;
    if (type == null) {
      return Optional.empty();
    }
    // An anonymous subclass (an LRU cache overriding removeEldestEntry) behaves as the class it extends.
    if (type.tsym != null && type.tsym.isAnonymous()) {
      type = state.getTypes().supertype(type);
    }
    return Optional.of(JavacApi.binaryName(type, state.getTypes()));
  }
}
