package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.Tree;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.CreatedValues;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapCopies;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.ValueTypes;
import dev.mapsafe.knowledge.mapapi.ValueTypes.Mutability;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.tools.JavaFileObject;

/**
 * Shallow copies of map fields ({@link MapCopies#isShallowCopy}) and whether the copied map's values are mutable
 * ({@link ValueTypes}): by their type, and for a collection interface by what the code puts into the field (a new
 * mutable collection) or does to its values in place ({@code field.computeIfAbsent(k, ..).add(v)}).
 */
public final class ShallowCopies {

  /**
   * A shallow copy of a map field whose values are mutable.
   *
   * @param call the copying call (for a map filled by a loop, the {@code put} in it)
   * @param display how messages name the copy ({@code new HashMap(Map)}, {@link MapCopies#PUT_ALL_COPY})
   * @param field the copied field
   * @param valueType the values' type, as messages name it ({@code Set}, {@code int[]})
   * @param advice the deep copy advised
   */
  public record Copy(TreePath call, String display, VarSymbol field, String valueType, String advice) {}

  private static final int MAX_DEPTH = 8;

  private ShallowCopies() {}

  /**
   * The shallow copy with mutable values an expression is (through effectively final locals and unmodifiable
   * wrappers): {@code new HashMap<>(field)}, {@code Map.copyOf(field)}, {@code Collections.unmodifiableMap(new
   * HashMap<>(field))}, {@code field.entrySet().stream().collect(toMap(Map.Entry::getKey, Map.Entry::getValue))},
   * or a local new map filled by {@code putAll(field)} or a loop of {@code put(e.getKey(), e.getValue())}.
   */
  public static Optional<Copy> in(TreePath expression, VisitorState state) {
    TreePath current = expression;
    VarSymbol holder = null; // the local the current expression was assigned to
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) current.getLeaf());
      TreePath path = new TreePath(current.getParentPath(), tree);
      Optional<ApiMethod> api = tree instanceof MethodInvocationTree || tree instanceof NewClassTree
          ? JavacApi.call(tree, state) : Optional.empty();
      if (api.isPresent() && MapCopies.isShallowCopy(api.get(), JavacApi.hierarchy(state))) {
        ExpressionTree source = copiedMap(tree, api.get());
        return source == null ? Optional.empty() : mutableValues(path, api.get().display(), source, state);
      }
      if (api.isPresent() && holder != null && MapCopies.createsEmptyMap(api.get(), JavacApi.hierarchy(state))) {
        return filled(holder, state);
      }
      if (api.isPresent() && tree instanceof MethodInvocationTree call && api.get().name().equals("collect")) {
        return collectedEntries(call, state)
            .flatMap(source -> mutableValues(path, MapCopies.COLLECTED_COPY, source, state));
      }
      if (api.isPresent() && tree instanceof MethodInvocationTree call) {
        // Collections.unmodifiableMap(copy): a view of the copy
        Optional<Effect> view = MapApi.effectsOf(api.get(), JavacApi.hierarchy(state)).stream()
            .filter(e -> e.kind() == MapEffect.VIEW && !e.operand().isReceiver()).findFirst();
        if (view.isEmpty() || view.get().operand().argIndex() >= call.getArguments().size()) {
          return Optional.empty();
        }
        current = new TreePath(path, call.getArguments().get(view.get().operand().argIndex()));
        continue;
      }
      Symbol sym = ASTHelpers.getSymbol(tree);
      if (!(sym instanceof VarSymbol local) || !MapIdentity.isEffectivelyFinalLocal(local)) {
        return Optional.empty();
      }
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      if (values.size() != 1) {
        return Optional.empty();
      }
      holder = local;
      current = values.get(0);
    }
    return Optional.empty();
  }

  /**
   * The map a shallow copy call ({@link MapCopies#isShallowCopy}) copies: the argument of a copy constructor or
   * {@code copyOf}, the receiver of {@code clone()}.
   */
  public static ExpressionTree copiedMap(ExpressionTree copy, ApiMethod api) {
    return copy instanceof NewClassTree creation ? creation.getArguments().get(0)
        : api.name().equals("clone") ? ASTHelpers.getReceiver(copy)
        : ((MethodInvocationTree) copy).getArguments().get(0);
  }

  /**
   * The map whose entries {@code stream.collect(toMap(.., Map.Entry::getValue))} collects, through operations that
   * keep the entries ({@code m.entrySet().stream().filter(..)}).
   */
  private static Optional<ExpressionTree> collectedEntries(MethodInvocationTree collect, VisitorState state) {
    if (collect.getArguments().size() != 1
        || !(MapIdentity.strip(collect.getArguments().get(0)) instanceof MethodInvocationTree collector)) {
      return Optional.empty();
    }
    int valueArgument = JavacApi.call(collector, state)
        .map(api -> MapCopies.mapCollectorValueArgument(api.owner(), api.name())).orElse(-1);
    if (valueArgument < 0 || valueArgument >= collector.getArguments().size()
        || !givesEntryValue(collector.getArguments().get(valueArgument), state)) {
      return Optional.empty();
    }
    ExpressionTree stream = ASTHelpers.getReceiver(collect);
    for (int depth = 0; depth < MAX_DEPTH && stream instanceof MethodInvocationTree call; depth++) {
      Optional<ApiMethod> api = JavacApi.call(call, state);
      if (api.isEmpty()) {
        return Optional.empty();
      }
      if (MapApi.makesEntryView(api.get(), JavacApi.hierarchy(state))) {
        return Optional.ofNullable(ASTHelpers.getReceiver(call));
      }
      if (!MapCopies.keepsStreamElements(api.get().owner(), api.get().name())) {
        return Optional.empty();
      }
      stream = ASTHelpers.getReceiver(call);
    }
    return Optional.empty();
  }

  /** {@code Map.Entry::getValue} or {@code e -> e.getValue()}. */
  private static boolean givesEntryValue(ExpressionTree function, VisitorState state) {
    ExpressionTree body = function;
    if (function instanceof LambdaExpressionTree lambda && lambda.getParameters().size() == 1
        && lambda.getBody() instanceof ExpressionTree expression) {
      body = MapIdentity.strip(expression);
      if (!(body instanceof MethodInvocationTree call) || !call.getArguments().isEmpty()
          || ASTHelpers.getSymbol(ASTHelpers.getReceiver(call)) != ASTHelpers.getSymbol(lambda.getParameters().get(0))) {
        return false;
      }
    } else if (!(function instanceof MemberReferenceTree)) {
      return false;
    }
    Symbol called = ASTHelpers.getSymbol(body);
    return called instanceof MethodSymbol method
        && MapCopies.readsEntryValue(JavacApi.binaryName(state.getTypes().erasure(method.owner.type),
            state.getTypes()), method.getSimpleName().toString(), JavacApi.hierarchy(state));
  }

  /**
   * A new map in a local, filled with the entries of a map field: {@code copy.putAll(field)}, or {@code
   * copy.put(e.getKey(), e.getValue())} in a loop over {@code field.entrySet()}.
   */
  private static Optional<Copy> filled(VarSymbol local, VisitorState state) {
    for (TreePath use : Declarations.of(state).uses(local)) {
      if (!(use.getParentPath().getLeaf() instanceof MemberSelectTree select) || select.getExpression() != use.getLeaf()
          || !(use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree call)) {
        continue;
      }
      TreePath callPath = use.getParentPath().getParentPath();
      Optional<ApiMethod> api = JavacApi.call(call, state);
      if (api.isPresent() && MapCopies.copiesInto(api.get(), JavacApi.hierarchy(state))) {
        Optional<Copy> copy = mutableValues(callPath, MapCopies.PUT_ALL_COPY, call.getArguments().get(0), state);
        if (copy.isPresent()) {
          return copy;
        }
      }
      if (api.isPresent() && api.get().name().equals("put") && call.getArguments().size() == 2) {
        Optional<Copy> copy = entriesLoopSource(callPath, call.getArguments().get(1), state)
            .flatMap(source -> mutableValues(callPath, MapCopies.LOOP_COPY, source, state));
        if (copy.isPresent()) {
          return copy;
        }
      }
    }
    return Optional.empty();
  }

  /** The map {@code value} ({@code e.getValue()}) reads an entry of, when {@code e} is a for-each variable over {@code map.entrySet()}. */
  private static Optional<ExpressionTree> entriesLoopSource(TreePath put, ExpressionTree value, VisitorState state) {
    if (!(MapIdentity.strip(value) instanceof MethodInvocationTree get) || !get.getArguments().isEmpty()
        || !(ASTHelpers.getSymbol(get) instanceof MethodSymbol getter)
        || !MapCopies.readsEntryValue(JavacApi.binaryName(state.getTypes().erasure(getter.owner.type),
            state.getTypes()), getter.getSimpleName().toString(), JavacApi.hierarchy(state))) {
      return Optional.empty();
    }
    Symbol entry = ASTHelpers.getSymbol(ASTHelpers.getReceiver(get));
    for (TreePath p = put; p != null && !(p.getLeaf() instanceof MethodTree); p = p.getParentPath()) {
      if (p.getLeaf() instanceof EnhancedForLoopTree loop && ASTHelpers.getSymbol(loop.getVariable()) == entry
          && MapIdentity.strip(loop.getExpression()) instanceof MethodInvocationTree entrySet
          && JavacApi.makesEntryView(entrySet, state)) {
        return Optional.ofNullable(ASTHelpers.getReceiver(entrySet));
      }
    }
    return Optional.empty();
  }

  private static Optional<Copy> mutableValues(TreePath call, String display, ExpressionTree source,
      VisitorState state) {
    Symbol sym = ASTHelpers.getSymbol(MapIdentity.strip(source));
    if (!(sym instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD) {
      return Optional.empty();
    }
    Symbol map = state.getSymbolFromString("java.util.Map");
    Type asMap = map == null ? null : state.getTypes().asSuper(field.type, map);
    if (asMap == null || asMap.getTypeArguments().size() != 2) {
      return Optional.empty();
    }
    Type value = asMap.getTypeArguments().get(1);
    boolean array = value instanceof Type.ArrayType;
    Type named = array ? ((Type.ArrayType) value).elemtype : value;
    String name = JavacApi.binaryName(state.getTypes().erasure(named), state.getTypes());
    Mutability mutability = ValueTypes.of(name, array, hasMutators(named), JavacApi.hierarchy(state));
    // Only values the code changes in place are shared state: a map of values nobody changes (handed out on
    // purpose, or immutable in practice) is no leak, whatever their type allows.
    if (mutability == Mutability.NOT_MUTABLE || !valuesShownMutable(field, state)) {
      return Optional.empty();
    }
    return Optional.of(new Copy(call, display, field, ValueTypes.display(name, array),
        ValueTypes.deepCopyAdvice(name, array, JavacApi.hierarchy(state))));
  }

  /** A class of the analysed code with a non-private setter or a non-final instance field. */
  private static boolean hasMutators(Type type) {
    // compiled from source in this compilation (a class read from a class file has a .class file object)
    if (!(type.tsym instanceof ClassSymbol cls) || cls.classfile == null
        || cls.classfile.getKind() != JavaFileObject.Kind.SOURCE || cls.isEnum() || cls.isRecord()) {
      return false;
    }
    for (Symbol member : cls.getEnclosedElements()) {
      if (member instanceof VarSymbol f && f.getKind() == ElementKind.FIELD
          && (f.flags() & (Flags.FINAL | Flags.STATIC)) == 0) {
        return true;
      }
      if (member instanceof MethodSymbol m && (m.flags() & (Flags.PRIVATE | Flags.STATIC)) == 0
          && m.getSimpleName().toString().matches("set[A-Z].*") && m.getParameters().size() == 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the code shows the field's values are changed in place: it puts a new mutable collection into the
   * field, or changes a value in place ({@code field.get(k).add(v)}, {@code field.computeIfAbsent(k, ..).add(v)}).
   */
  private static boolean valuesShownMutable(VarSymbol field, VisitorState state) {
    for (TreePath use : Declarations.declaring(field, state).uses(field)) {
      if (!(use.getParentPath().getLeaf() instanceof MemberSelectTree select) || select.getExpression() != use.getLeaf()
          || !(use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree call)) {
        continue;
      }
      String name = ASTHelpers.getSymbol(call).getSimpleName().toString();
      if ((name.equals("put") || name.equals("putIfAbsent")) && call.getArguments().size() == 2
          && MapIdentity.strip(call.getArguments().get(1)) instanceof NewClassTree created
          && isMutableCollection(ASTHelpers.getType(created), state)) {
        return true;
      }
      TreePath outer = use.getParentPath().getParentPath().getParentPath();
      if (!(name.equals("get") || name.equals("getOrDefault") || name.equals("computeIfAbsent"))) {
        continue;
      }
      if (outer.getLeaf() instanceof MemberSelectTree mutate && mutate.getExpression() == call
          && outer.getParentPath().getLeaf() instanceof MethodInvocationTree
          && ValueTypes.mutatesInPlace(mutate.getIdentifier().toString())) {
        return true;
      }
      if (outer.getLeaf() instanceof ArrayAccessTree element && element.getExpression() == call
          && isWrittenTo(outer)) {
        return true; // field.get(k)[i] = v
      }
    }
    return false;
  }

  /** Whether an expression is the target of an assignment, a compound assignment or an increment. */
  private static boolean isWrittenTo(TreePath target) {
    Tree parent = target.getParentPath().getLeaf();
    return parent instanceof com.sun.source.tree.AssignmentTree a && a.getVariable() == target.getLeaf()
        || parent instanceof com.sun.source.tree.CompoundAssignmentTree c && c.getVariable() == target.getLeaf()
        || parent instanceof com.sun.source.tree.UnaryTree u && u.getExpression() == target.getLeaf()
            && u.getKind() != Tree.Kind.LOGICAL_COMPLEMENT && u.getKind() != Tree.Kind.UNARY_MINUS
            && u.getKind() != Tree.Kind.UNARY_PLUS && u.getKind() != Tree.Kind.BITWISE_COMPLEMENT;
  }

  /** A new mutable container ({@code new ArrayList<>()}): stored in a map, it is there to be filled. */
  private static boolean isMutableCollection(Type type, VisitorState state) {
    return type != null && CreatedValues.isMutableContainer(
        JavacApi.binaryName(state.getTypes().erasure(type), state.getTypes()), JavacApi.hierarchy(state));
  }
}
