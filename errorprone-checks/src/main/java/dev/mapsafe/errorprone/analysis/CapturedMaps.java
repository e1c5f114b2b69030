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
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import java.util.List;
import java.util.Optional;

/**
 * Maps a method makes and gives to code that runs on several threads at once: a local map that the operations of a
 * parallel stream, a task launched in a loop, or tasks collected for {@code invokeAll} capture and write with no
 * lock held (there, or in the private
 * helpers they pass it to, {@link MapSummaries}). Knows nothing of patterns; the bytecode engine's counterpart has
 * the same name.
 */
public final class CapturedMaps {

  /**
   * A local map written by launched code whose runs overlap: the map's class, the context, and whether the runs
   * overlap because one launch call runs in a loop (not a stream's operation, not tasks collected for a launcher).
   */
  public record SharedWrite(String mapClass, ThreadReach.Context context, boolean launchedInLoop) {}

  private CapturedMaps() {}

  /**
   * What the write at {@code write} of the map in {@code local} races with, when the local holds only a new
   * non-thread-safe map made by the method that launches the lambda the write is in, that lambda runs several
   * times at once (a parallel stream's operation; a task launched in a loop that does not make the map again),
   * and no lock is held at the write.
   */
  public static Optional<SharedWrite> at(TreePath write, VarSymbol local, VisitorState state) {
    if (!MapIdentity.isEffectivelyFinalLocal(local)) {
      return Optional.empty();
    }
    List<TreePath> values = Declarations.of(state).assignedValues(local);
    Optional<String> mapClass = values.size() == 1 ? unsafeNewMap(values.get(0), state) : Optional.empty();
    TreePath lambda = enclosingLambda(write);
    if (mapClass.isEmpty() || lambda == null || enclosingBody(values.get(0)) != enclosingBody(lambda.getParentPath())
        || !HeldLocks.anyModeAt(write, state.withPath(write)).isEmpty()) {
      return Optional.empty();
    }
    Optional<ThreadReach.Context> task = TaskLaunches.taskOf(lambda, state);
    if (task.isEmpty() || !task.get().selfConcurrent()
        || (!task.get().parallelStream() && loopMakesItAgain(lambda, values.get(0)))) {
      return Optional.empty();
    }
    boolean collected = task.get().anchor() != lambda.getParentPath().getLeaf();
    return Optional.of(new SharedWrite(mapClass.get(), task.get(), !task.get().parallelStream() && !collected));
  }

  /**
   * Whether {@code write} is the first write (in source order) of the map in {@code local} that {@link #at} finds
   * racing: a map is reported once.
   */
  public static boolean isFirst(TreePath write, VarSymbol local, VisitorState state) {
    TreePath body = pathTo(write, enclosingBody(Declarations.of(state).assignedValues(local).get(0)));
    if (body == null) {
      return true;
    }
    int start = ASTHelpers.getStartPosition(write.getLeaf());
    boolean[] earlier = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (!earlier[0] && ASTHelpers.getStartPosition(call) < start && writes(getCurrentPath(), local, state)) {
          earlier[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(body, null);
    return !earlier[0];
  }

  /** Whether the call writes the map in {@code local} (itself or through a helper) where {@link #at} finds a race. */
  private static boolean writes(TreePath call, VarSymbol local, VisitorState state) {
    for (MapEffects.Access access : MapEffects.ofIncludingCallees(call, state)) {
      if (access.effect().kind() == MapEffect.WRITE
          && MapIdentity.symbolOf(new TreePath(call, access.operand()), state) == local
          && at(call, local, state).isPresent()) {
        return true;
      }
    }
    return false;
  }

  /** The simple name of the class of a {@code new} map that is not thread-safe. */
  private static Optional<String> unsafeNewMap(TreePath value, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
    Type type = tree instanceof NewClassTree ? ASTHelpers.getType(tree) : null;
    return type != null
            && MapTypes.isNotThreadSafe(JavacApi.binaryName(type, state.getTypes()), JavacApi.hierarchy(state))
        ? Optional.of(type.tsym.getSimpleName().toString())
        : Optional.empty();
  }

  /** Whether {@code path} is in a lambda of its method: the only places {@link #at} finds anything. */
  public static boolean inLambda(TreePath path) {
    return enclosingLambda(path) != null;
  }

  /** The innermost lambda around {@code path} in its method, or null. */
  private static TreePath enclosingLambda(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree) {
        return p;
      }
      if (p.getLeaf() instanceof MethodTree || p.getLeaf() instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }

  /** The method or lambda whose body {@code path} runs in. */
  private static Tree enclosingBody(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof MethodTree
          || p.getLeaf() instanceof ClassTree) {
        return p.getLeaf();
      }
    }
    return null;
  }

  /** Whether a loop around the launch also makes the map: then each task has its own. */
  private static boolean loopMakesItAgain(TreePath lambda, TreePath made) {
    for (TreePath p = lambda.getParentPath(); p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof MethodTree || node instanceof ClassTree || node instanceof LambdaExpressionTree) {
        return false;
      }
      if (TaskLaunches.isLoop(node) && pathTo(made, node) != null) {
        return true;
      }
    }
    return false;
  }

  /** The path of {@code ancestor}, which encloses {@code path}. */
  private static TreePath pathTo(TreePath path, Tree ancestor) {
    TreePath p = path;
    while (p != null && p.getLeaf() != ancestor) {
      p = p.getParentPath();
    }
    return p;
  }
}
