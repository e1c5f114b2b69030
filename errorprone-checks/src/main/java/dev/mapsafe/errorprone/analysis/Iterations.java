package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.StructuralChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * Iterations of a map in one thread and the structural modifications of the same map while they run: a
 * for-each loop over a view, an explicit iterator loop, and the map's (or a view's) own {@code forEach}.
 * Knows which element is the loop's current key, because replacing the value of the key being visited does
 * not change the map's structure, and whether the loop can take another step after a modification.
 */
public final class Iterations {

  /**
   * One iteration of a map.
   *
   * @param loop the loop statement or the {@code forEach} call
   * @param start where the traversal starts: the looped-over expression, {@code iterator()} or {@code forEach}
   * @param map the iterated map (the views are looked through)
   * @param body what runs for each element
   * @param description for messages: "for-each loop over sessions.keySet()"
   * @param currentKeys the variables that hold the element being visited (a key, or an entry)
   * @param callback whether the body is a lambda the map runs for each entry (it cannot leave the loop)
   */
  public record Iteration(
      TreePath loop, TreePath start, TreePath map, TreePath body, String description, Set<Symbol> currentKeys, boolean callback) {}

  /** A structural modification of the iterated map: the call and the model's fact for it. */
  public record Modification(TreePath call, ApiMethod fact) {}

  private static final Supplier<Type> JAVA_UTIL_MAP =
      VisitorState.memoize(state -> state.getTypeFromString("java.util.Map"));

  private Iterations() {}

  /** {@code for (K k : m.keySet())} and the like. */
  public static Optional<Iteration> forEach(TreePath loopPath, VisitorState state) {
    EnhancedForLoopTree loop = (EnhancedForLoopTree) loopPath.getLeaf();
    TreePath collection = new TreePath(loopPath, loop.getExpression());
    return viewedMap(collection, state)
        .map(map -> new Iteration(loopPath, collection, map, new TreePath(loopPath, loop.getStatement()),
            "loop over " + state.getSourceForNode(loop.getExpression()),
            withAliases(Set.of(ASTHelpers.getSymbol(loop.getVariable())), loop.getStatement()), false));
  }

  /** {@code while (it.hasNext())} or {@code for (..; it.hasNext(); )} over {@code it = view.iterator()}. */
  public static Optional<Iteration> iteratorLoop(
      TreePath loopPath, ExpressionTree condition, StatementTree body, VisitorState state) {
    ExpressionTree test = MapIdentity.strip(condition);
    if (!(test instanceof MethodInvocationTree hasNext)
        || !ASTHelpers.getSymbol(hasNext).getSimpleName().contentEquals("hasNext")
        || !(ASTHelpers.getSymbol(ASTHelpers.getReceiver(hasNext)) instanceof VarSymbol iterator)
        || iterator.getKind() != ElementKind.LOCAL_VARIABLE) {
      return Optional.empty();
    }
    List<TreePath> values = Declarations.of(state).assignedValues(iterator);
    if (values.size() != 1
        || !(MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()) instanceof MethodInvocationTree create)
        || !ASTHelpers.getSymbol(create).getSimpleName().contentEquals("iterator")
        || ASTHelpers.getReceiver(create) == null) {
      return Optional.empty();
    }
    TreePath collection = new TreePath(values.get(0), ASTHelpers.getReceiver(create));
    Set<Symbol> elements = new HashSet<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        ExpressionTree init = variable.getInitializer() == null ? null : MapIdentity.strip(variable.getInitializer());
        if (init instanceof MethodInvocationTree next
            && ASTHelpers.getSymbol(next).getSimpleName().contentEquals("next")
            && ASTHelpers.getSymbol(ASTHelpers.getReceiver(next)) == iterator) {
          elements.add(ASTHelpers.getSymbol(variable));
        }
        return super.visitVariable(variable, null);
      }
    }.scan(new TreePath(loopPath, body), null);
    return viewedMap(collection, state)
        .map(map -> new Iteration(loopPath, values.get(0), map, new TreePath(loopPath, body),
            "loop over " + state.getSourceForNode(collection.getLeaf()), withAliases(elements, body), false));
  }

  /** {@code m.forEach((k, v) -> ..)} and {@code m.keySet().forEach(k -> ..)} with a lambda. */
  public static Optional<Iteration> callback(TreePath callPath, VisitorState state) {
    MethodInvocationTree call = (MethodInvocationTree) callPath.getLeaf();
    Symbol sym = ASTHelpers.getSymbol(call);
    if (sym == null
        || !sym.getSimpleName().contentEquals("forEach")
        || call.getArguments().size() != 1
        || !(call.getArguments().get(0) instanceof LambdaExpressionTree lambda)
        || lambda.getParameters().isEmpty()
        || ASTHelpers.getReceiver(call) == null) {
      return Optional.empty();
    }
    TreePath receiver = new TreePath(callPath, ASTHelpers.getReceiver(call));
    Optional<TreePath> map = isMap(receiver, state) ? Optional.of(receiver) : viewedMap(receiver, state);
    TreePath lambdaPath = new TreePath(callPath, lambda);
    return map.map(m -> new Iteration(callPath, callPath, m, new TreePath(lambdaPath, lambda.getBody()),
        state.getSourceForNode(receiver.getLeaf()) + ".forEach",
        withAliases(Set.of(ASTHelpers.getSymbol(lambda.getParameters().get(0))), lambda.getBody()), true));
  }

  /** The element variables plus the locals of the body that copy the current key ({@code K k = e.getKey();}). */
  private static Set<Symbol> withAliases(Set<Symbol> elements, Tree body) {
    Set<Symbol> keys = new HashSet<>(elements);
    new com.sun.source.util.TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree variable, Void unused) {
        if (variable.getInitializer() != null && isCurrentKey(variable.getInitializer(), keys)) {
          keys.add(ASTHelpers.getSymbol(variable));
        }
        return super.visitVariable(variable, null);
      }
    }.scan(body, null);
    return keys;
  }

  /**
   * Whether the map's iterators may be fail-fast: by its static type, or by the classes a field or local is
   * given; a map whose class cannot be known counts (most maps are), unless its type is a ConcurrentMap.
   */
  public static boolean mayFailFast(TreePath map, VisitorState state) {
    Type type = ASTHelpers.getType(map.getLeaf());
    if (type == null) {
      return false;
    }
    Optional<MapTypes.Iteration> byType =
        MapTypes.iteration(JavacApi.binaryName(type, state.getTypes()), JavacApi.hierarchy(state));
    if (byType.isPresent()) {
      return byType.get() == MapTypes.Iteration.FAIL_FAST;
    }
    Symbol sym = MapIdentity.symbolOf(map, state);
    if (sym instanceof VarSymbol field && field.getKind() == ElementKind.FIELD) {
      Optional<List<String>> classes = MapImplementations.of(field, state);
      if (classes.isPresent()) {
        return classes.get().stream().allMatch(c -> isFailFastClass(c, state));
      }
    } else if (sym instanceof VarSymbol local && MapIdentity.isEffectivelyFinalLocal(local)) {
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      if (values.size() == 1 && ASTHelpers.getType(values.get(0).getLeaf()) instanceof Type created) {
        return isFailFastClass(JavacApi.binaryName(created, state.getTypes()), state);
      }
    }
    return true;
  }

  private static boolean isFailFastClass(String className, VisitorState state) {
    return MapTypes.iteration(className, JavacApi.hierarchy(state)).orElse(MapTypes.Iteration.FAIL_FAST)
        == MapTypes.Iteration.FAIL_FAST;
  }

  /**
   * The first structural modification of the iterated map in the body after which the iteration can take
   * another step. Writes in lambdas and classes nested in the body run at another time and do not count.
   */
  public static Optional<Modification> firstModification(Iteration iteration, VisitorState state) {
    Modification[] found = {null};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        if (found[0] == null) {
          modification(getCurrentPath(), iteration, state).ifPresent(m -> found[0] = m);
        }
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        return null;
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return null;
      }
    }.scan(iteration.body(), null);
    return Optional.ofNullable(found[0]);
  }

  private static Optional<Modification> modification(TreePath callPath, Iteration iteration, VisitorState state) {
    MethodInvocationTree call = (MethodInvocationTree) callPath.getLeaf();
    Symbol sym = ASTHelpers.getSymbol(call);
    if (sym == null || !MapApi.mentions(sym.getSimpleName().toString()) || ASTHelpers.getReceiver(call) == null) {
      return handedToHelper(callPath, iteration, state);
    }
    Optional<ApiMethod> api = JavacApi.call(call, state);
    Optional<StructuralChange> change = api.flatMap(a -> MapApi.structuralChange(a, JavacApi.hierarchy(state)));
    if (change.isEmpty()
        || change.get() == StructuralChange.NEVER
        || (change.get() == StructuralChange.UNLESS_KEY_PRESENT
            && (call.getArguments().isEmpty() || isCurrentKey(call.getArguments().get(0), iteration)))) {
      return Optional.empty();
    }
    TreePath written = MapEffects.viewedMap(new TreePath(callPath, ASTHelpers.getReceiver(call)), state);
    if (!sameMap(written, iteration.map(), state)
        || (!iteration.callback() && leavesLoop(callPath, iteration.loop()))) {
      return Optional.empty();
    }
    return Optional.of(new Modification(callPath, MapApi.effectsOf(api.get(), JavacApi.hierarchy(state)).get(0).fact()));
  }

  /**
   * In a lambda a local or parameter map's own {@code forEach} runs, a call that hands that map to a method of this
   * compilation whose summary ({@link MapSummaries}) writes it in a way that always changes its structure.
   */
  private static Optional<Modification> handedToHelper(TreePath callPath, Iteration iteration, VisitorState state) {
    if (!iteration.callback()
        || !(ASTHelpers.getSymbol(MapIdentity.strip((ExpressionTree) iteration.map().getLeaf())) instanceof VarSymbol local)
        || (local.getKind() != ElementKind.LOCAL_VARIABLE && local.getKind() != ElementKind.PARAMETER)) {
      return Optional.empty();
    }
    for (ExpressionTree argument : ((MethodInvocationTree) callPath.getLeaf()).getArguments()) {
      if (!sameMap(new TreePath(callPath, argument), iteration.map(), state)) {
        continue;
      }
      Optional<Effect> effect = MapSummaries.effectOnArgument(callPath, argument, state, 0);
      if (effect.isPresent() && effect.get().operand().isReceiver()
          && MapApi.structuralChange(effect.get().fact(), JavacApi.hierarchy(state)).orElse(StructuralChange.NEVER)
              == StructuralChange.ALWAYS) {
        return Optional.of(new Modification(callPath, effect.get().fact()));
      }
    }
    return Optional.empty();
  }

  /** {@code k} or {@code e.getKey()} where {@code k} or {@code e} holds the element being visited. */
  private static boolean isCurrentKey(ExpressionTree key, Iteration iteration) {
    return isCurrentKey(key, iteration.currentKeys());
  }

  private static boolean isCurrentKey(ExpressionTree key, Set<Symbol> currentKeys) {
    key = MapIdentity.strip(key);
    if (key instanceof MethodInvocationTree getKey
        && ASTHelpers.getSymbol(getKey).getSimpleName().contentEquals("getKey")
        && ASTHelpers.getReceiver(getKey) != null) {
      key = MapIdentity.strip(ASTHelpers.getReceiver(getKey));
    }
    return key instanceof IdentifierTree && currentKeys.contains(ASTHelpers.getSymbol(key));
  }

  private static boolean sameMap(TreePath a, TreePath b, VisitorState state) {
    Symbol x = MapIdentity.symbolOf(a, state);
    if (x == null || x != MapIdentity.symbolOf(b, state)) {
      return false;
    }
    return x.getKind() != ElementKind.FIELD || KeyedCalls.sameObject(a, b, state);
  }

  /** Whether, after the statement holding the call, control surely leaves the loop (return, throw, break). */
  static boolean leavesLoop(TreePath callPath, TreePath loop) {
    List<TreePath> inside = new ArrayList<>(); // from the call outwards, up to (not including) the loop
    for (TreePath p = callPath; p != null && p.getLeaf() != loop.getLeaf(); p = p.getParentPath()) {
      inside.add(p);
    }
    for (int i = 1; i < inside.size(); i++) {
      Tree node = inside.get(i).getLeaf();
      Tree child = inside.get(i - 1).getLeaf();
      if (node instanceof ReturnTree || node instanceof ThrowTree) {
        return true;
      }
      if (node instanceof BlockTree block) {
        // A plain break here targets our loop only if no loop or switch lies between this block and it.
        boolean breakHasInnerTarget = inside.subList(i + 1, inside.size()).stream()
            .anyMatch(p -> isBreakTarget(p.getLeaf()));
        List<? extends StatementTree> statements = block.getStatements();
        for (int s = statements.indexOf(child) + 1; s > 0 && s < statements.size(); s++) {
          if (exits(statements.get(s), breakHasInnerTarget, loop)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean isBreakTarget(Tree node) {
    return node instanceof WhileLoopTree || node instanceof DoWhileLoopTree || node instanceof ForLoopTree
        || node instanceof EnhancedForLoopTree || node instanceof SwitchTree || node instanceof SwitchExpressionTree;
  }

  private static boolean exits(StatementTree s, boolean breakHasInnerTarget, TreePath loop) {
    if (s instanceof ReturnTree || s instanceof ThrowTree) {
      return true;
    }
    if (s instanceof BreakTree b) {
      if (b.getLabel() == null) {
        return !breakHasInnerTarget;
      }
      Tree parent = loop.getParentPath().getLeaf();
      return parent instanceof LabeledStatementTree label && label.getLabel().contentEquals(b.getLabel());
    }
    if (s instanceof BlockTree block) {
      return block.getStatements().stream().anyMatch(t -> exits(t, breakHasInnerTarget, loop));
    }
    if (s instanceof IfTree branch && branch.getElseStatement() != null) {
      return exits(branch.getThenStatement(), breakHasInnerTarget, loop)
          && exits(branch.getElseStatement(), breakHasInnerTarget, loop);
    }
    return false;
  }

  /**
   * The map a collection expression is a view of, when it is one (a list or a map itself is not, cast or in
   * parentheses or not).
   */
  private static Optional<TreePath> viewedMap(TreePath collection, VisitorState state) {
    TreePath map = MapEffects.viewedMap(collection, state);
    ExpressionTree looped = MapIdentity.strip((ExpressionTree) collection.getLeaf());
    return MapIdentity.strip((ExpressionTree) map.getLeaf()) != looped && isMap(map, state)
        ? Optional.of(map)
        : Optional.empty();
  }

  /** By javac's types directly: the expression may be an array or a primitive, which have no class name. */
  private static boolean isMap(TreePath expression, VisitorState state) {
    return ASTHelpers.isSubtype(ASTHelpers.getType(expression.getLeaf()), JAVA_UTIL_MAP.get(state), state);
  }

  /** The body of {@code for (..) if (cond) m.remove(current);} is that removal, and nothing else. */
  public static boolean isSingleConditionalRemovalOfCurrentKey(Iteration iteration, Modification write, VisitorState state) {
    EnhancedForLoopTree loop = (EnhancedForLoopTree) iteration.loop().getLeaf();
    StatementTree body = only(loop.getStatement());
    if (!(body instanceof IfTree branch) || branch.getElseStatement() != null) {
      return false;
    }
    MethodInvocationTree call = (MethodInvocationTree) write.call().getLeaf();
    ExpressionTree collection = MapIdentity.strip(loop.getExpression());
    return only(branch.getThenStatement()) instanceof ExpressionStatementTree statement
        && statement.getExpression() == call
        && write.fact().name().equals("remove")
        && call.getArguments().size() == 1
        && isCurrentKey(call.getArguments().get(0), iteration)
        && collection instanceof MethodInvocationTree view
        && view.getArguments().isEmpty()
        && (ASTHelpers.getSymbol(view).getSimpleName().contentEquals("keySet")
            || ASTHelpers.getSymbol(view).getSimpleName().contentEquals("entrySet"))
        && MapIdentity.strip(ASTHelpers.getReceiver(call)) instanceof ExpressionTree receiver
        && state.getSourceForNode(receiver).equals(state.getSourceForNode(ASTHelpers.getReceiver(view)));
  }

  /** The condition of the loop body's single {@code if}. */
  public static ExpressionTree soleCondition(EnhancedForLoopTree loop) {
    return MapIdentity.strip(((IfTree) only(loop.getStatement())).getCondition());
  }

  /** Whether an expression can move into a lambda: it assigns nothing and reads only effectively final locals. */
  public static boolean canBeCaptured(TreePath expression, EnhancedForLoopTree loop, VisitorState state) {
    Symbol loopVariable = ASTHelpers.getSymbol(loop.getVariable());
    boolean[] ok = {true};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (sym instanceof VarSymbol var && sym != loopVariable
            && (var.getKind() == ElementKind.LOCAL_VARIABLE || var.getKind() == ElementKind.PARAMETER)
            && (var.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) == 0) {
          ok[0] = false;
        }
        return null;
      }

      @Override
      public Void visitAssignment(AssignmentTree tree, Void unused) {
        ok[0] = false;
        return null;
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
        ok[0] = false;
        return null;
      }

      @Override
      public Void visitUnary(UnaryTree tree, Void unused) {
        if (tree.getKind() != Tree.Kind.LOGICAL_COMPLEMENT && tree.getKind() != Tree.Kind.UNARY_MINUS
            && tree.getKind() != Tree.Kind.UNARY_PLUS && tree.getKind() != Tree.Kind.BITWISE_COMPLEMENT) {
          ok[0] = false; // ++ and --
        }
        return super.visitUnary(tree, null);
      }
    }.scan(expression, null);
    return ok[0];
  }

  private static StatementTree only(StatementTree statement) {
    return statement instanceof BlockTree block && block.getStatements().size() == 1
        ? block.getStatements().get(0)
        : statement;
  }
}
