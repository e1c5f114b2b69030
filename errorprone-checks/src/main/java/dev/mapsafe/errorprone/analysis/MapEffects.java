package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.Operand;
import java.util.ArrayList;
import java.util.List;

/** What one call, constructor call or for-each loop does to which operand, according to the map API model. */
public final class MapEffects {
  /** An effect of a call on the expression {@code operand}; {@code effect.fact()} names the call. */
  public record Access(ExpressionTree operand, Effect effect) {}

  private static final ApiMethod ITERABLE_ITERATOR =
      new ApiMethod(CallKind.INSTANCE, "java.lang.Iterable", "iterator", List.of());

  private MapEffects() {}

  public static List<Access> of(Tree tree, VisitorState state) {
    if (tree instanceof EnhancedForLoopTree loop) {
      // A for-each loop over an Iterable is a call of its iterator().
      Type type = ASTHelpers.getType(loop.getExpression());
      if (type == null || type instanceof Type.ArrayType) {
        return List.of();
      }
      return accesses(ITERABLE_ITERATOR, loop.getExpression(), List.of(), state);
    }
    if (tree instanceof MethodInvocationTree invocation) {
      Symbol sym = ASTHelpers.getSymbol(invocation);
      if (sym == null || !MapApi.mentions(sym.getSimpleName().toString())) {
        return List.of();
      }
      return JavacApi.call(invocation, state)
          .map(call -> accesses(call, ASTHelpers.getReceiver(invocation), invocation.getArguments(), state))
          .orElse(List.of());
    }
    if (tree instanceof NewClassTree creation) {
      return JavacApi.call(creation, state)
          .map(call -> accesses(call, null, creation.getArguments(), state))
          .orElse(List.of());
    }
    return List.of();
  }

  /**
   * The effects of a call on its operands: the map API model's, and for an argument the model says nothing of, what
   * the method of this compilation it calls does to it ({@link MapSummaries}); {@code call} is the call's path.
   */
  public static List<Access> ofIncludingCallees(TreePath call, VisitorState state) {
    List<Access> accesses = new ArrayList<>(of(call.getLeaf(), state));
    List<? extends ExpressionTree> arguments = call.getLeaf() instanceof MethodInvocationTree invocation
        ? invocation.getArguments()
        : call.getLeaf() instanceof NewClassTree creation ? creation.getArguments() : List.of();
    for (ExpressionTree argument : arguments) {
      if (accesses.stream().noneMatch(a -> a.operand() == argument)) {
        MapSummaries.effectOnArgument(call, argument, state, 0).ifPresent(e -> accesses.add(new Access(argument, e)));
      }
    }
    return accesses;
  }

  /** Whether the call returns a live view of its receiver ({@code keySet()}, {@code headMap(..)}, ...). */
  public static boolean returnsViewOfReceiver(MethodInvocationTree call, VisitorState state) {
    return JavacApi.call(call, state)
        .map(api -> MapApi.effectsOf(api, JavacApi.hierarchy(state)).stream()
            .anyMatch(e -> e.kind() == MapEffect.VIEW && e.operand().isReceiver()))
        .orElse(false);
  }

  /**
   * The map an expression is a live view of, or the expression itself: {@code m.keySet()},
   * {@code m.headMap(k).entrySet()} and an effectively final local holding one all lead to {@code m}.
   */
  public static TreePath viewedMap(TreePath expression, VisitorState state) {
    TreePath current = expression;
    for (int depth = 0; depth < 8; depth++) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) current.getLeaf());
      if (tree instanceof MethodInvocationTree call && returnsViewOfReceiver(call, state)
          && ASTHelpers.getReceiver(call) != null) {
        current = new TreePath(new TreePath(current, tree), ASTHelpers.getReceiver(call));
        continue;
      }
      if (ASTHelpers.getSymbol(tree) instanceof Symbol.VarSymbol local && MapIdentity.isEffectivelyFinalLocal(local)) {
        List<TreePath> values = Declarations.of(state).assignedValues(local);
        if (values.size() == 1
            && MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()) instanceof MethodInvocationTree call
            && returnsViewOfReceiver(call, state)) {
          current = values.get(0);
          continue;
        }
      }
      return current;
    }
    return current;
  }

  private static List<Access> accesses(
      ApiMethod call, ExpressionTree receiver, List<? extends ExpressionTree> args, VisitorState state) {
    List<Access> result = new ArrayList<>();
    for (Effect effect : MapApi.effectsOf(call, JavacApi.hierarchy(state))) {
      Operand operand = effect.operand();
      ExpressionTree tree =
          operand.isReceiver()
              ? receiver
              : operand.argIndex() < args.size() ? args.get(operand.argIndex()) : null;
      if (tree != null) {
        result.add(new Access(tree, effect));
      }
    }
    return result;
  }
}
