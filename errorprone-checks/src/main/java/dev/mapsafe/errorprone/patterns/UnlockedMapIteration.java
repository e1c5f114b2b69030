package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.EnhancedForLoopTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.NewClassTreeMatcher;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import dev.mapsafe.errorprone.analysis.HeldLocks;
import dev.mapsafe.errorprone.analysis.MapEffects;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.SelfLockedMaps;
import dev.mapsafe.knowledge.catalog.Messages;
import java.util.Optional;

/**
 * A view of a {@code Collections.synchronized*} wrapper or a {@code Hashtable} traversed from outside (an
 * iterator, spliterator or stream: see the map API model) without holding the map's monitor.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Map traversed (explicitly or implicitly) without the lock that guards it",
    severity = WARNING,
    linkType = CUSTOM,
    link = "docs/patterns/UnlockedMapIteration.md")
public final class UnlockedMapIteration extends BugChecker
    implements MethodInvocationTreeMatcher, NewClassTreeMatcher, EnhancedForLoopTreeMatcher {

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return check(tree, state);
  }

  @Override
  public Description matchNewClass(NewClassTree tree, VisitorState state) {
    return check(tree, state);
  }

  @Override
  public Description matchEnhancedForLoop(EnhancedForLoopTree tree, VisitorState state) {
    return check(tree, state);
  }

  private Description check(Tree tree, VisitorState state) {
    try {
      for (MapEffects.Access access : MapEffects.of(tree, state)) {
        if (access.effect().isExternalTraversal()) {
          Description d = checkTraversal(tree, access, state);
          if (d != Description.NO_MATCH) {
            return d;
          }
        }
      }
    } catch (RuntimeException unexpectedTree) {
      // Bad input never fails the build: skip the spot.
    }
    return Description.NO_MATCH;
  }

  private Description checkTraversal(Tree tree, MapEffects.Access access, VisitorState state) {
    TreePath operand = TreePath.getPath(state.getPath(), access.operand());
    if (operand == null) {
      return Description.NO_MATCH;
    }
    Optional<SelfLockedMaps.Subject> subject = SelfLockedMaps.behind(operand, state);
    if (subject.isEmpty() || subject.get().confined()) {
      return Description.NO_MATCH;
    }
    // A synchronized wrapper says the map is shared. Legacy code uses Hashtable as its everyday map, so a
    // Hashtable needs evidence: the code locks it elsewhere, so its author knows traversals need the lock.
    if (!subject.get().kind().deliberate() && !SelfLockedMaps.isLockedSomewhere(subject.get(), state)) {
      return Description.NO_MATCH;
    }
    TreePath mapPath = subject.get().map();
    ExpressionTree map = (ExpressionTree) mapPath.getLeaf();
    Optional<GuardedByExpression> lock = MapIdentity.of(mapPath, state);
    if (lock.isEmpty() || HeldLocks.holds(HeldLocks.at(state.getPath(), state), lock.get())) {
      return Description.NO_MATCH;
    }
    String mapSource = state.getSourceForNode(map);
    String message =
        Messages.unlockedMapIteration(
            mapSource,
            subject.get().kind().description(),
            state.getSourceForNode(access.operand()),
            access.effect().fact().display());
    Description.Builder description = buildDescription(tree).setMessage(message);
    wrapInSynchronized(state, mapSource, mapPath).ifPresent(description::addFix);
    return description.build();
  }

  /**
   * {@code synchronized (map) { statement }} around the traversing statement, when that is one statement of
   * a block that is not a declaration (wrapping a declaration would hide the variable) and the map is named
   * by an expression that is valid there (it is, if it appears in the same method).
   */
  private static Optional<SuggestedFix> wrapInSynchronized(VisitorState state, String mapSource, TreePath mapPath) {
    TreePath p = state.getPath();
    while (p.getParentPath() != null && !(p.getParentPath().getLeaf() instanceof BlockTree)) {
      if (p.getLeaf() instanceof com.sun.source.tree.LambdaExpressionTree
          || p.getLeaf() instanceof com.sun.source.tree.ClassTree) {
        return Optional.empty();
      }
      p = p.getParentPath();
    }
    if (p.getParentPath() == null
        || !(p.getLeaf() instanceof StatementTree statement)
        || statement instanceof VariableTree
        || mapSource == null
        || !sameMethod(p, mapPath)) {
      return Optional.empty();
    }
    return Optional.of(
        SuggestedFix.builder()
            .prefixWith(statement, "synchronized (" + mapSource + ") {\n")
            .postfixWith(statement, "\n}")
            .build());
  }

  private static boolean sameMethod(TreePath a, TreePath b) {
    return enclosingMethod(a) == enclosingMethod(b);
  }

  private static Tree enclosingMethod(TreePath p) {
    for (; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof com.sun.source.tree.MethodTree
          || p.getLeaf() instanceof com.sun.source.tree.ClassTree) {
        return p.getLeaf();
      }
    }
    return null;
  }
}
