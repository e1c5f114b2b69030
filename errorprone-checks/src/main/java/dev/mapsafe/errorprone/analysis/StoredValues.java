package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.KeyedCalls.Call;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CreatedValues;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.RaceConsequence;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * What a keyed store writes ({@link KeyedCalls.Call}): whether its value is computed from the key alone, read from a
 * map, a new object (and of which class), whether the key is fresh, and what runs between a check and the store that
 * must not run twice. The facts {@link RaceConsequence} decides a race's consequence on; the bytecode counterpart is
 * SpotBugs' {@code StoredValues}.
 */
public final class StoredValues {
  private StoredValues() {}

  /**
   * What the code does with the value {@code act} stores after {@code check}: the facts {@link RaceConsequence}
   * decides on (the bytecode twin is the SpotBugs {@code StoredValues}).
   */
  public static RaceConsequence.StoredValue storedValue(Call check, Call act, VisitorState state) {
    if (act.argumentCount() < 2) {
      return RaceConsequence.StoredValue.none();
    }
    TreePath value = new TreePath(act.path(), act.argument(1));
    Set<Symbol> valueInputs = inputs(value, state, 0);
    Set<Symbol> keyInputs = inputs(new TreePath(act.path(), act.key()), state, 0);
    Optional<String> created = createdType(value, state, 0);
    TypeHierarchy hierarchy = JavacApi.hierarchy(state);
    String simple = created.map(t -> t.substring(Math.max(t.lastIndexOf('.'), t.lastIndexOf('$')) + 1)).orElse(null);
    String container = created.filter(t -> CreatedValues.isMutableContainer(t, hierarchy)).isPresent() ? simple : null;
    String identity =
        KeyedCalls.sameKey(act.key(), act.argument(1))
            ? "the key itself is stored, and each thread goes on with its own key object"
            : created.filter(t -> CreatedValues.isIdentityType(t, hierarchy)).isPresent()
                ? "a new " + simple + " is used for its identity"
                : null;
    String distinct = created.filter(t -> JavacApi.isDistinctObject(t, state)).isPresent() ? simple : null;
    return new RaceConsequence.StoredValue(keyInputs.containsAll(valueInputs), container, identity,
        onceOnlyEffect(check, act, state).orElse(null), check.use() == KeyUse.LOOKUP && foundValueUsed(check, act, state),
        distinct);
  }

  /**
   * Whether the code goes on with what the lookup found (returns it, calls it, passes it on), directly or through
   * the local it is put in; a null test of it, or storing it back into the same map, is not going on with it.
   */
  private static boolean foundValueUsed(Call lookup, Call act, VisitorState state) {
    TreePath at = lookup.path().getParentPath();
    while (at != null && (at.getLeaf() instanceof com.sun.source.tree.ParenthesizedTree
        || at.getLeaf() instanceof com.sun.source.tree.TypeCastTree)) {
      at = at.getParentPath();
    }
    if (at == null) {
      return false;
    }
    Tree parent = at.getLeaf();
    Symbol local = parent instanceof com.sun.source.tree.VariableTree variable ? ASTHelpers.getSymbol(variable)
        : parent instanceof com.sun.source.tree.AssignmentTree assignment ? ASTHelpers.getSymbol(assignment.getVariable())
        : null;
    if (local == null) {
      return !KeyedCalls.isNullTest(at);
    }
    if (local.getKind() != ElementKind.LOCAL_VARIABLE) {
      return true; // kept in a field
    }
    TreePath method = KeyedCalls.enclosingMethod(at);
    if (method == null) {
      return false;
    }
    boolean[] used = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        if (!used[0] && local.equals(ASTHelpers.getSymbol(tree)) && KeyedCalls.goesOnWith(getCurrentPath(), act)) {
          used[0] = true;
        }
        return null;
      }
    }.scan(method, null);
    return used[0];
  }
  /**
   * The parameters (and locals of unknown origin) an expression is computed from, through the locals it reads;
   * fields, constants and {@code this} are not inputs. Variables declared inside it (lambda parameters) neither.
   */
  private static Set<Symbol> inputs(TreePath expression, VisitorState state, int depth) {
    Set<Symbol> inputs = new HashSet<>();
    Set<Symbol> inner = new HashSet<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(com.sun.source.tree.VariableTree tree, Void unused) {
        inner.add(ASTHelpers.getSymbol(tree));
        return super.visitVariable(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (!(sym instanceof VarSymbol) || inner.contains(sym)) {
          return null;
        }
        if (sym.getKind() == ElementKind.PARAMETER) {
          inputs.add(sym);
        } else if (sym.getKind() == ElementKind.LOCAL_VARIABLE || sym.getKind() == ElementKind.RESOURCE_VARIABLE
            || sym.getKind() == ElementKind.EXCEPTION_PARAMETER || sym.getKind() == ElementKind.BINDING_VARIABLE) {
          List<TreePath> values = Declarations.of(state).assignedValues(sym);
          if (values.isEmpty() || depth >= 3) {
            inputs.add(sym);
          }
          for (TreePath v : depth < 3 ? values : List.<TreePath>of()) {
            inputs.addAll(inputs(v, state, depth + 1));
          }
        }
        return null;
      }
    }.scan(expression, null);
    return inputs;
  }

  /**
   * Whether the value a store puts is computed from what a call on a map returned, through the locals it reads (a
   * local that held a lookup of the same map, and was then given a computed value, does not count: its lookup is the
   * miss that the computed value fills).
   */
  public static boolean storesValueReadFromAMap(Call store, VisitorState state) {
    return store.argumentCount() > 1
        && readsAMap(new TreePath(store.path(), store.argument(1)), store, state, 0);
  }

  private static boolean readsAMap(TreePath expression, Call store, VisitorState state, int depth) {
    boolean[] found = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        ExpressionTree receiver = ASTHelpers.getReceiver(tree);
        found[0] |= receiver != null && ASTHelpers.isSubtype(ASTHelpers.getType(receiver),
            state.getTypeFromString("java.util.Map"), state);
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (depth < 3 && sym instanceof VarSymbol && sym.getKind() == ElementKind.LOCAL_VARIABLE) {
          for (TreePath value : Declarations.of(state).assignedValues(sym)) {
            boolean lookupOfTheMap =
                KeyedCalls.of(value, state)
                    .filter(c -> c.use() == KeyUse.LOOKUP && KeyedCalls.sameMap(c, store, state)).isPresent();
            found[0] |= !lookupOfTheMap && readsAMap(value, store, state, depth + 1);
          }
        }
        return null;
      }
    }.scan(expression, null);
    return found[0];
  }

  /** The class of the new object an expression stores ({@code new C(..)}, a container factory), if it is one. */
  private static Optional<String> createdType(TreePath expression, VisitorState state, int depth) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) expression.getLeaf());
    if (tree instanceof com.sun.source.tree.NewClassTree) {
      return JavacApi.call(tree, state).map(ApiMethod::owner);
    }
    if (tree instanceof MethodInvocationTree) {
      return JavacApi.call(tree, state)
          .filter(api -> CreatedValues.isContainerFactory(api.owner(), api.name()))
          .map(api -> JavacApi.binaryName(ASTHelpers.getType(tree), state.getTypes()));
    }
    Symbol sym = ASTHelpers.getSymbol(tree);
    if (tree instanceof IdentifierTree && sym instanceof VarSymbol && sym.getKind() == ElementKind.LOCAL_VARIABLE
        && depth < 2) {
      for (TreePath v : Declarations.of(state).assignedValues(sym)) {
        Optional<String> created = createdType(v, state, depth + 1);
        if (created.isPresent()) {
          return created;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the call's key is fresh: made by {@link CreatedValues#makesUniqueKey} ({@code UUID.randomUUID()}, a
   * counter's next value), or its {@code toString()}, directly or through a local. No other thread uses it.
   */
  public static boolean hasUniqueKey(Call call, VisitorState state) {
    return isUnique(new TreePath(call.path(), call.key()), state, 0);
  }

  private static boolean isUnique(TreePath expression, VisitorState state, int depth) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) expression.getLeaf());
    if (tree instanceof MethodInvocationTree invocation) {
      Optional<ApiMethod> api = JavacApi.call(tree, state);
      if (api.isPresent() && CreatedValues.makesUniqueKey(api.get().owner(), api.get().name())) {
        return true;
      }
      ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
      return api.isPresent() && api.get().name().equals("toString") && invocation.getArguments().isEmpty()
          && receiver != null && isUnique(new TreePath(expression, receiver), state, depth);
    }
    Symbol sym = ASTHelpers.getSymbol(tree);
    if (tree instanceof IdentifierTree && sym instanceof VarSymbol local && depth < 2
        && sym.getKind() == ElementKind.LOCAL_VARIABLE && MapIdentity.isEffectivelyFinalLocal(local)) {
      List<TreePath> values = Declarations.of(state).assignedValues(sym);
      return !values.isEmpty() && values.stream().allMatch(v -> isUnique(v, state, depth + 1));
    }
    return false;
  }

  /**
   * A call between the check and the act that must not run twice ({@link CreatedValues#onceOnlyEffect}), made there
   * or in a method of this compilation it calls (through any number of them, {@link FunctionCalls}).
   */
  private static Optional<String> onceOnlyEffect(Call check, Call act, VisitorState state) {
    TreePath body = act.path();
    while (body != null && !(body.getLeaf() instanceof MethodTree) && !(body.getLeaf() instanceof LambdaExpressionTree)) {
      body = body.getParentPath();
    }
    if (body == null) {
      return Optional.empty();
    }
    int from = ASTHelpers.getStartPosition(check.tree());
    int to = ASTHelpers.getStartPosition(act.tree());
    List<String> effects = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        int at = ASTHelpers.getStartPosition(tree);
        if (effects.isEmpty() && at > from && at < to) {
          Optional<String> direct = directOnceOnlyEffect(getCurrentPath(), state);
          if (direct.isEmpty() && ASTHelpers.getSymbol(tree) instanceof MethodSymbol helper
              && !helper.isAbstract() && Declarations.of(state).method(helper) != null) {
            direct = FunctionCalls.firstInMethod(helper, StoredValues::directOnceOnlyEffect, state)
                .map(found -> found.value() + " in " + helper.getSimpleName() + "()");
          }
          direct.ifPresent(effects::add);
        }
        return super.visitMethodInvocation(tree, null);
      }
    }.scan(body, null);
    return effects.stream().findFirst();
  }

  /** What a call does that must happen once ({@link CreatedValues#onceOnlyEffect}), its result used or not. */
  private static Optional<String> directOnceOnlyEffect(TreePath path, VisitorState state) {
    if (!(path.getLeaf() instanceof MethodInvocationTree call)) {
      return Optional.empty();
    }
    boolean resultUsed = !(path.getParentPath().getLeaf() instanceof com.sun.source.tree.ExpressionStatementTree);
    return JavacApi.call(call, state).flatMap(api ->
        CreatedValues.onceOnlyEffect(api.owner(), api.name(), resultUsed, JavacApi.hierarchy(state)));
  }
}
