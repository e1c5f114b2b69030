package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByBinder;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.threads.InlineCallbacks;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Which monitors are held at a point of the code, as lock expressions bound by Error Prone's
 * {@link GuardedByBinder}. The walk goes outwards from the point through {@code synchronized}
 * blocks up to the enclosing method (a {@code synchronized} method holds {@code this} or its class); it
 * stops at a class body, and at a lambda unless the lambda is an argument of a call that runs it inline
 * ({@link InlineCallbacks}), because any other lambda may run later or on another thread.
 *
 * <p>Lock expressions are bound in {@link MapIdentity}'s canonical form, so {@code synchronized (alias)}
 * counts for the map the alias stands for.
 */
public final class HeldLocks {
  private HeldLocks() {}

  public static Set<GuardedByExpression> at(TreePath path, VisitorState state) {
    Set<GuardedByExpression> locks = new HashSet<>();
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; child = p.getLeaf(), p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof SynchronizedTree sync && child == sync.getBlock()) {
        Optional<GuardedByExpression> lock =
            MapIdentity.of(new TreePath(p, sync.getExpression()), state);
        if (lock.isPresent()) {
          locks.add(lock.get());
        }
      } else if (node instanceof MethodTree method) {
        if (method.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)) {
          Optional<GuardedByExpression> self = MapIdentity.ofEnclosingMonitor(method, state.withPath(p));
          if (self.isPresent()) {
            locks.add(self.get());
          }
        }
        return locks;
      } else if (node instanceof LambdaExpressionTree && !runsInline(p, state)) {
        return locks;
      } else if (node instanceof ClassTree) {
        return locks;
      }
    }
    return locks;
  }

  public static boolean holds(Set<GuardedByExpression> locks, GuardedByExpression lock) {
    return locks.contains(lock);
  }

  private static boolean runsInline(TreePath lambdaPath, VisitorState state) {
    Tree parent = lambdaPath.getParentPath().getLeaf();
    if (!(parent instanceof MethodInvocationTree call)) {
      return false;
    }
    Optional<ApiMethod> api = JavacApi.call(call, state);
    return api.isPresent()
        && InlineCallbacks.runsCallbacksInline(api.get().owner(), api.get().name(), JavacApi.hierarchy(state));
  }
}
