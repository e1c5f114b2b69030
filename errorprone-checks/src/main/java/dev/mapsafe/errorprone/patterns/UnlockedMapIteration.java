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
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreeScanner;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.threads.Locks;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.errorprone.analysis.Declarations;
import dev.mapsafe.errorprone.analysis.MapGuards;
import dev.mapsafe.errorprone.analysis.ThreadReach;
import dev.mapsafe.errorprone.analysis.Races;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.threads.Overlap;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * A map traversed without the lock that guards it: a view of a {@code Collections.synchronized*} wrapper or a
 * {@code Hashtable} traversed from outside (an iterator, spliterator or stream: see the map API model) without
 * the map's monitor; or any traversal of a map field that a lock guards ({@link MapGuards}) run without that
 * lock, including a traversal of a view kept from a lock region, an iterator or stream created under the lock
 * and used after it is released, and a lambda that runs later.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Map traversed (explicitly or implicitly) without the lock that guards it",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "UnlockedMapIteration.html")
public final class UnlockedMapIteration extends MapsafeChecker
    implements MethodInvocationTreeMatcher, NewClassTreeMatcher, EnhancedForLoopTreeMatcher {

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return check(tree, state);
  }

  @Override
  public Description matchNewClass(NewClassTree tree, VisitorState state) {
    return report(() -> findNewClass(tree, state), state);
  }

  private Description findNewClass(NewClassTree tree, VisitorState state) {
    return check(tree, state);
  }

  @Override
  public Description matchEnhancedForLoop(EnhancedForLoopTree tree, VisitorState state) {
    return report(() -> findEnhancedForLoop(tree, state), state);
  }

  private Description findEnhancedForLoop(EnhancedForLoopTree tree, VisitorState state) {
    return check(tree, state);
  }

  private Description check(Tree tree, VisitorState state) {
    for (MapEffects.Access access : MapEffects.ofIncludingCallees(state.getPath(), state)) {
      if (access.effect().kind() != MapEffect.ITERATE) {
        continue;
      }
      Description d = access.effect().isExternalTraversal()
              || SelfLockedMaps.walkedByIterator(access.operand(), state) // the view walks it from outside
          ? checkTraversal(tree, access, state)
          : Description.NO_MATCH;
      if (d == Description.NO_MATCH) {
        d = checkGuarded(tree, access, state);
      }
      if (d != Description.NO_MATCH) {
        return d;
      }
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

  /** A traversal of a lock-guarded map field (or of a view, iterator or stream of it) that runs without the lock. */
  private Description checkGuarded(Tree tree, MapEffects.Access access, VisitorState state) {
    TreePath operand = TreePath.getPath(state.getPath(), access.operand());
    if (operand == null) {
      return Description.NO_MATCH;
    }
    Symbol field = MapIdentity.symbolOf(MapEffects.viewedMap(operand, state), state);
    Optional<MapGuards.Guard> guard = MapGuards.of(field, state);
    List<ThreadReach.Context> contexts = ThreadReach.direct(state.getPath(), state);
    if (guard.isEmpty() || contexts.stream().allMatch(c -> c.kind() == Overlap.Kind.CONSTRUCTION)) {
      return Description.NO_MATCH; // construction runs before the object is shared
    }
    if (!Races.runsWhileInUse(contexts) && field instanceof VarSymbol variable && !Races.writtenByTask(variable, state)) {
      return Description.NO_MATCH; // a lifecycle method: the contract orders it with the methods that write under the lock
    }
    String traversal = describe(tree, access, state);
    String situation;
    if (!MapGuards.holds(guard.get(), state.getPath(), state)) {
      if (isCopyValidatedLater(tree, state)) {
        return Description.NO_MATCH; // an optimistic read: a torn copy is thrown away
      }
      situation = Messages.withoutLock(guard.get().lock());
    } else {
      Optional<TreePath> unlockedUse = useOfResultWithoutLock(guard.get(), state);
      if (unlockedUse.isEmpty()) {
        return Description.NO_MATCH;
      }
      situation = Messages.usedAfterUnlock(guard.get().lock(), line(unlockedUse.get().getLeaf(), state));
    }
    return buildDescription(tree)
        .setMessage(
            Messages.unlockedGuardedMapIteration(
                field.getSimpleName().toString(), guard.get().describe(), guard.get().lock(), traversal, situation))
        .build();
  }

  /**
   * A copy ({@code new HashMap<>(map)}, {@code List.copyOf(map.values())}) followed in its method by a
   * {@code StampedLock.validate(..)}: the optimistic-read idiom, which uses the copy only once validated.
   */
  private static boolean isCopyValidatedLater(Tree tree, VisitorState state) {
    boolean copy = tree instanceof NewClassTree
        || (tree instanceof MethodInvocationTree call
            && ASTHelpers.getSymbol(call).getSimpleName().contentEquals("copyOf"));
    MethodTree method = ASTHelpers.findEnclosingNode(state.getPath(), MethodTree.class);
    if (!copy || method == null || method.getBody() == null) {
      return false;
    }
    int end = state.getEndPosition(tree);
    boolean[] validated = {false};
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        Optional<ApiMethod> api = JavacApi.call(call, state);
        if (ASTHelpers.getStartPosition(call) > end && api.isPresent()
            && Locks.validatesOptimisticRead(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))) {
          validated[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(method.getBody(), null);
    return validated[0];
  }

  private static String describe(Tree tree, MapEffects.Access access, VisitorState state) {
    return access.effect().fact().display() + " of " + state.getSourceForNode(access.operand()) + " at line "
        + line(tree, state);
  }

  /**
   * A use, without the guard's lock, of the iterator, spliterator or stream the traversal at the current path
   * creates, when that is kept in a local (through intermediate stream operations): {@code it = map.values()
   * .iterator()} under the lock and {@code it.next()} after the unlock.
   */
  private static Optional<TreePath> useOfResultWithoutLock(MapGuards.Guard guard, VisitorState state) {
    TreePath result = state.getPath();
    while (result.getParentPath().getLeaf() instanceof MemberSelectTree
        && result.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree next
        && isLazyTraversal(ASTHelpers.getType(next), state)) {
      result = result.getParentPath().getParentPath();
    }
    Tree parent = result.getParentPath().getLeaf();
    Symbol local = parent instanceof VariableTree declaration && declaration.getInitializer() == result.getLeaf()
        ? ASTHelpers.getSymbol(declaration)
        : parent instanceof AssignmentTree assignment && assignment.getExpression() == result.getLeaf()
            ? ASTHelpers.getSymbol(assignment.getVariable())
            : null;
    if (!(local instanceof VarSymbol var) || var.getKind() == ElementKind.FIELD
        || !isLazyTraversal(var.type, state)) {
      return Optional.empty();
    }
    for (TreePath use : Declarations.of(state).uses(var)) {
      if (!MapGuards.holds(guard, use, state)) {
        return Optional.of(use);
      }
    }
    return Optional.empty();
  }

  private static boolean isLazyTraversal(Type type, VisitorState state) {
    return type != null
        && MapTypes.isLazyTraversal(JavacApi.binaryName(type, state.getTypes()), JavacApi.hierarchy(state));
  }

  private static long line(Tree tree, VisitorState state) {
    return state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  /**
   * {@code synchronized (map) { statement }} around the traversing statement, when that is one statement of
   * a block that is not a declaration (wrapping a declaration would hide the variable) and the map is named
   * by an expression that is valid there (it is, if it appears in the same method).
   */
  private static Optional<SuggestedFix> wrapInSynchronized(VisitorState state, String mapSource, TreePath mapPath) {
    TreePath p = state.getPath();
    while (p.getParentPath() != null && !(p.getParentPath().getLeaf() instanceof BlockTree)) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof com.sun.source.tree.ClassTree) {
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
    String indentation = FixFormatting.indentationOf(statement, state);
    return Optional.of(SuggestedFix.replace(statement,
        "synchronized (" + mapSource + ") {\n" + indentation + "  "
            + FixFormatting.indentedMore(state.getSourceForNode(statement), "  ") + "\n" + indentation + "}"));
  }

  private static boolean sameMethod(TreePath a, TreePath b) {
    return enclosingMethod(a) == enclosingMethod(b);
  }

  private static Tree enclosingMethod(TreePath p) {
    for (; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree || p.getLeaf() instanceof com.sun.source.tree.ClassTree) {
        return p.getLeaf();
      }
    }
    return null;
  }
}
