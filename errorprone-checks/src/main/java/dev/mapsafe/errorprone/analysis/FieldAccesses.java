package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the code of one file does to the map a field holds, site by site: reads, writes and traversals (also
 * through views: {@code map.keySet().remove(k)} writes {@code map}), with the locks held and the thread
 * contexts ({@link ThreadReach}) of each site. Uses the map API model; knows nothing of patterns.
 */
public final class FieldAccesses {

  /**
   * One access.
   *
   * @param call the call (or loop) that accesses the map
   * @param kind READ, WRITE or ITERATE
   * @param effect the model's effect, naming the call
   * @param locks the locks held there that show how the map is guarded ({@link CallerLocks.Views#evidence})
   * @param protection the locks that protect it ({@link CallerLocks#protectingAt}), {@code locks} among them
   * @param contexts the threads it may run on
   */
  public record Access(TreePath call, MapEffect kind, Effect effect, Set<GuardedByExpression> locks,
      Set<GuardedByExpression> protection, List<ThreadReach.Context> contexts) {}

  private FieldAccesses() {}

  private static final com.sun.tools.javac.util.Context.Key<Map<CompilationUnitTree, Map<Symbol, List<Access>>>> KNOWN =
      new com.sun.tools.javac.util.Context.Key<>();

  /**
   * The accesses to the field in this compilation unit, found once per unit: the checks ask for the same fields
   * (races, guards, refills, escapes, snapshots), and each access's threads and locks are costly.
   */
  public static List<Access> of(Symbol field, VisitorState state) {
    Map<CompilationUnitTree, Map<Symbol, List<Access>>> known = state.context.get(KNOWN);
    if (known == null) {
      known = new HashMap<>();
      state.context.put(KNOWN, known);
    }
    Map<Symbol, List<Access>> unit = known.computeIfAbsent(state.getPath().getCompilationUnit(), u -> new HashMap<>());
    List<Access> found = unit.get(field);
    if (found == null) {
      List<Access> result = new ArrayList<>();
      for (TreePath use : Declarations.of(state).uses(field)) {
        access(use, state, 0).ifPresent(result::add);
      }
      found = List.copyOf(result);
      unit.put(field, found);
    }
    return found;
  }

  /** What each use of the field in this compilation unit does, without the threads and locks of {@link #of}. */
  static List<Found> effects(Symbol field, VisitorState state) {
    List<Found> result = new ArrayList<>();
    for (TreePath use : Declarations.of(state).uses(field)) {
      effectOn(use, state, 0).ifPresent(result::add);
    }
    return result;
  }

  private static java.util.Optional<Access> access(TreePath operand, VisitorState state, int depth) {
    return effectOn(operand, state, depth).map(found -> {
      CallerLocks.Views locks = CallerLocks.views(found.call(), state);
      return new Access(found.call(), found.effect().kind(), found.effect(), locks.evidence(), locks.protection(),
          ThreadReach.forMap(ThreadReach.of(found.call(), state), ownMap(operand),
              instanceFieldOfThis(operand, state)));
    });
  }

  /** Whether a use of a field names the object's own map: a static field, or one of {@code this}. */
  private static boolean ownMap(TreePath use) {
    Tree tree = use.getLeaf();
    return ASTHelpers.getSymbol(tree) != null && ASTHelpers.getSymbol(tree).isStatic()
        || tree instanceof IdentifierTree
        || tree instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree base
            && base.getName().contentEquals("this");
  }

  /**
   * Whether a use of a field names an instance field of the enclosing class's own object ({@code counts},
   * {@code this.counts}), not one of an enclosing instance.
   */
  private static boolean instanceFieldOfThis(TreePath use, VisitorState state) {
    Symbol field = ASTHelpers.getSymbol(use.getLeaf());
    ClassTree enclosing = ASTHelpers.findEnclosingNode(use, ClassTree.class);
    ClassSymbol cls = enclosing == null ? null : ASTHelpers.getSymbol(enclosing);
    return ownMap(use) && field != null && !field.isStatic() && cls != null
        && field.owner instanceof ClassSymbol declaring && cls.isSubClass(declaring, state.getTypes());
  }

  /** What a call (or loop) does to an operand of it: the effect the map API model gives, or the callee's summary. */
  record Found(TreePath call, Effect effect) {}

  /**
   * The effect of the call (or loop) an expression is the operand of, following views ({@code map.keySet()}) to
   * what is done to them, and calls of methods of this compilation that do something to a map they are given
   * ({@link MapSummaries}).
   */
  static java.util.Optional<Found> effectOn(TreePath operand, VisitorState state, int depth) {
    TreePath at = operand;
    while (at.getParentPath().getLeaf() instanceof ParenthesizedTree
        || at.getParentPath().getLeaf() instanceof TypeCastTree) {
      at = at.getParentPath();
    }
    Tree parent = at.getParentPath().getLeaf();
    TreePath callPath = null;
    if (parent instanceof MemberSelectTree select && select.getExpression() == at.getLeaf()
        && at.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree) {
      callPath = at.getParentPath().getParentPath();
    } else if (parent instanceof MethodInvocationTree || parent instanceof NewClassTree
        || (parent instanceof EnhancedForLoopTree loop && loop.getExpression() == at.getLeaf())) {
      callPath = at.getParentPath();
    }
    if (callPath == null || depth > 4) {
      return java.util.Optional.empty();
    }
    for (MapEffects.Access effect : MapEffects.of(callPath.getLeaf(), state)) {
      if (MapIdentity.strip(effect.operand()) != MapIdentity.strip((ExpressionTree) at.getLeaf())) {
        continue;
      }
      if (effect.effect().kind() == MapEffect.VIEW) {
        // What is done to the view is done to the map.
        return callPath.getLeaf() instanceof MethodInvocationTree || callPath.getLeaf() instanceof NewClassTree
            ? effectOn(callPath, state, depth + 1)
            : java.util.Optional.empty();
      }
      return java.util.Optional.of(new Found(callPath, effect.effect()));
    }
    TreePath call = callPath;
    return MapSummaries.effectOnArgument(callPath, at.getLeaf(), state, depth + 1)
        .map(effect -> new Found(call, effect));
  }
}
