package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
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
   * @param call the copying call
   * @param field the copied field
   * @param valueType the values' type, as messages name it ({@code Set}, {@code int[]})
   * @param advice the deep copy advised
   */
  public record Copy(TreePath call, VarSymbol field, String valueType, String advice) {}

  private static final int MAX_DEPTH = 8;

  private ShallowCopies() {}

  /**
   * The shallow copy with mutable values an expression is (through effectively final locals and unmodifiable
   * wrappers): {@code new HashMap<>(field)}, {@code Map.copyOf(field)}, {@code Collections.unmodifiableMap(new
   * HashMap<>(field))}.
   */
  public static Optional<Copy> in(TreePath expression, VisitorState state) {
    TreePath current = expression;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) current.getLeaf());
      TreePath path = new TreePath(current.getParentPath(), tree);
      Optional<ApiMethod> api = tree instanceof MethodInvocationTree || tree instanceof NewClassTree
          ? JavacApi.call(tree, state) : Optional.empty();
      if (api.isPresent() && MapCopies.isShallowCopy(api.get(), JavacApi.hierarchy(state))) {
        ExpressionTree source = tree instanceof NewClassTree creation ? creation.getArguments().get(0)
            : api.get().name().equals("clone") ? ASTHelpers.getReceiver(tree)
            : ((MethodInvocationTree) tree).getArguments().get(0);
        return source == null ? Optional.empty() : mutableValues(path, source, state);
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
      current = values.get(0);
    }
    return Optional.empty();
  }

  private static Optional<Copy> mutableValues(TreePath call, ExpressionTree source, VisitorState state) {
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
    if (mutability == Mutability.NOT_MUTABLE
        || (mutability == Mutability.COLLECTION_OF_UNKNOWN_ORIGIN && !valuesShownMutable(field, state))) {
      return Optional.empty();
    }
    return Optional.of(new Copy(call, field, ValueTypes.display(name, array),
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
   * Whether the code shows the field's collection values are mutable: it puts a new mutable collection into the
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
      if ((name.equals("get") || name.equals("getOrDefault") || name.equals("computeIfAbsent"))
          && outer.getLeaf() instanceof MemberSelectTree mutate && mutate.getExpression() == call
          && outer.getParentPath().getLeaf() instanceof MethodInvocationTree
          && ValueTypes.mutatesInPlace(mutate.getIdentifier().toString())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMutableCollection(Type type, VisitorState state) {
    return type != null && ValueTypes.of(JavacApi.binaryName(state.getTypes().erasure(type), state.getTypes()),
        false, false, JavacApi.hierarchy(state)) == Mutability.MUTABLE;
  }
}
