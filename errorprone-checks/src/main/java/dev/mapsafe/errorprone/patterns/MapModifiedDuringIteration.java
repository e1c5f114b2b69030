package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Project;
import dev.mapsafe.errorprone.report.FixFormatting;
import dev.mapsafe.errorprone.report.MapsafeChecker;
import com.google.errorprone.bugpatterns.BugChecker.EnhancedForLoopTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.ForLoopTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.WhileLoopTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import dev.mapsafe.errorprone.analysis.Iterations;
import dev.mapsafe.errorprone.analysis.Iterations.Iteration;
import dev.mapsafe.errorprone.analysis.Iterations.Modification;
import dev.mapsafe.knowledge.catalog.Messages;
import java.util.List;
import java.util.Optional;

/**
 * A fail-fast map structurally modified (not through the iterator) while a loop over it or one of its views,
 * or its own {@code forEach}, is still running and can take another step.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Fail-fast map structurally modified while it or one of its views is being iterated",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "MapModifiedDuringIteration.html")
public final class MapModifiedDuringIteration extends MapsafeChecker
    implements EnhancedForLoopTreeMatcher, WhileLoopTreeMatcher, ForLoopTreeMatcher, MethodInvocationTreeMatcher {

  @Override
  public Description matchEnhancedForLoop(EnhancedForLoopTree tree, VisitorState state) {
    return report(() -> findEnhancedForLoop(tree, state), state);
  }

  private Description findEnhancedForLoop(EnhancedForLoopTree tree, VisitorState state) {
    return check(Iterations.forEach(state.getPath(), state), state);
  }

  @Override
  public Description matchWhileLoop(WhileLoopTree tree, VisitorState state) {
    return report(() -> findWhileLoop(tree, state), state);
  }

  private Description findWhileLoop(WhileLoopTree tree, VisitorState state) {
    return check(Iterations.iteratorLoop(state.getPath(), tree.getCondition(), tree.getStatement(), state), state);
  }

  @Override
  public Description matchForLoop(ForLoopTree tree, VisitorState state) {
    return report(() -> findForLoop(tree, state), state);
  }

  private Description findForLoop(ForLoopTree tree, VisitorState state) {
    return tree.getCondition() == null
        ? Description.NO_MATCH
        : check(Iterations.iteratorLoop(state.getPath(), tree.getCondition(), tree.getStatement(), state), state);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return check(Iterations.callback(state.getPath(), state), state);
  }

  private Description check(Optional<Iteration> iteration, VisitorState state) {
    if (iteration.isEmpty() || !Iterations.mayFailFast(iteration.get().map(), state)) {
      return Description.NO_MATCH;
    }
    Optional<Modification> write = Iterations.firstModification(iteration.get(), state);
    if (write.isEmpty()) {
      return Description.NO_MATCH;
    }
    String map = state.getSourceForNode(iteration.get().map().getLeaf());
    String message =
        Messages.mapModifiedDuringIteration(
            map,
            iteration.get().description() + " at line " + line(iteration.get().start().getLeaf(), state),
            write.get().fact().display() + " at line " + line(write.get().call().getLeaf(), state));
    Description.Builder description =
        buildDescription(write.get().call().getLeaf()).setMessage(message);
    removeIf(iteration.get(), write.get(), state).ifPresent(description::addFix);
    return description.build();
  }

  private static long line(Tree tree, VisitorState state) {
    return state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  /**
   * {@code for (K k : m.keySet()) { if (cond) m.remove(k); }} becomes {@code m.keySet().removeIf(k -> cond);}
   * (and the same over {@code entrySet()} removing {@code e.getKey()}), when the condition can be a lambda.
   */
  private static Optional<SuggestedFix> removeIf(Iteration iteration, Modification write, VisitorState state) {
    if (!(iteration.loop().getLeaf() instanceof EnhancedForLoopTree loop)
        || !Iterations.isSingleConditionalRemovalOfCurrentKey(iteration, write, state)) {
      return Optional.empty();
    }
    ExpressionTree condition = Iterations.soleCondition(loop);
    if (!Iterations.canBeCaptured(new TreePath(iteration.loop(), condition), loop, state)) {
      return Optional.empty();
    }
    String lambda = loop.getVariable().getName() + " -> " + state.getSourceForNode(condition);
    String replacement = state.getSourceForNode(loop.getExpression()) + ".removeIf(" + lambda + ");";
    SuggestedFix.Builder fix = SuggestedFix.builder().replace(loop, replacement);
    FixFormatting.removeImportsLeftUnused(fix, List.of(loop), replacement, state);
    return Optional.of(fix.build());
  }

}
