package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a method of this compilation does to a map it is given: the reads, writes and traversals it makes of a
 * parameter with no lock of its own held there, and those of the methods it passes the parameter on to, a few
 * calls deep. Only for methods a call cannot dispatch elsewhere (private, static, final, constructors): a call of
 * one does to the map it passes what the summary says. The bytecode engine's counterpart has the same name.
 */
public final class MapSummaries {
  /** Writes first, then traversals, then reads: the effect that matters most for a race. */
  private static final Comparator<Effect> STRONGEST = Comparator.comparingInt(e -> switch (e.kind()) {
    case WRITE -> 0;
    case ITERATE -> 1;
    default -> 2;
  });

  private MapSummaries() {}

  /**
   * The strongest effect the call {@code call} has on its argument {@code argument}, when the callee is a method
   * of this compilation that runs only itself.
   */
  static Optional<Effect> effectOnArgument(TreePath call, Tree argument, VisitorState state, int depth) {
    List<? extends ExpressionTree> arguments;
    Symbol sym;
    if (call.getLeaf() instanceof MethodInvocationTree invocation) {
      arguments = invocation.getArguments();
      sym = ASTHelpers.getSymbol(invocation);
    } else if (call.getLeaf() instanceof NewClassTree creation && creation.getClassBody() == null) {
      arguments = creation.getArguments();
      sym = ASTHelpers.getSymbol(creation);
    } else {
      return Optional.empty();
    }
    int index = arguments.indexOf(argument);
    if (!(sym instanceof MethodSymbol callee) || index < 0 || index >= callee.getParameters().size()
        || (callee.isVarArgs() && index == callee.getParameters().size() - 1) || !runsOnlyItself(callee)) {
      return Optional.empty();
    }
    // The summary of a parameter is the callee's, the same at every call: computed once per compilation. Not
    // computeIfAbsent: the summary of a callee that passes the map on asks for its own callee's.
    Map<Summary, Optional<Effect>> summaries = state.context.get(SUMMARIES);
    if (summaries == null) {
      summaries = new HashMap<>();
      state.context.put(SUMMARIES, summaries);
    }
    Summary key = new Summary(callee, index, depth);
    Optional<Effect> known = summaries.get(key);
    if (known == null) {
      known = summarize(callee, index, state, depth);
      summaries.put(key, known);
    }
    return known;
  }

  /** One parameter of one method, at one depth of the calls that lead to it. */
  private record Summary(MethodSymbol method, int parameter, int depth) {}

  private static final Context.Key<Map<Summary, Optional<Effect>>> SUMMARIES = new Context.Key<>();

  private static Optional<Effect> summarize(MethodSymbol callee, int index, VisitorState state, int depth) {
    TreePath declaration = Declarations.declaring(callee, state).method(callee);
    if (declaration == null) {
      return Optional.empty();
    }
    Symbol parameter = callee.getParameters().get(index);
    return Declarations.declaring(callee, state).uses(parameter).stream()
        .filter(use -> runsInMethod(use, declaration.getLeaf()))
        .map(use -> FieldAccesses.effectOn(use, state.withPath(use), depth))
        .flatMap(Optional::stream)
        .filter(found -> HeldLocks.anyModeAt(found.call(), state.withPath(found.call())).isEmpty())
        .map(FieldAccesses.Found::effect)
        .filter(effect -> effect.kind() != MapEffect.VIEW)
        .min(STRONGEST);
  }

  /** Whether a call of the method runs that method and no override of it; not one that takes a lock. */
  private static boolean runsOnlyItself(MethodSymbol method) {
    boolean dispatched = !method.isPrivate() && !method.isStatic() && !method.isConstructor()
        && (method.flags() & Flags.FINAL) == 0 && (method.owner.flags() & Flags.FINAL) == 0;
    return !dispatched && (method.flags() & Flags.SYNCHRONIZED) == 0;
  }

  /** Whether a use runs when its method does: no lambda or class body lies between them. */
  private static boolean runsInMethod(TreePath use, Tree method) {
    for (TreePath p = use; p != null && p.getLeaf() != method; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree
          || p.getLeaf() instanceof MethodTree) {
        return false;
      }
    }
    return true;
  }
}
