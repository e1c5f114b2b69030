package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The calls a function makes when it runs: in a lambda's body or the method a method reference names (a
 * constructor too), and in the methods of this compilation they call, breadth-first and at most
 * {@link #MAX_METHODS} methods. The matcher sees each method invocation and each enhanced for loop (an implicit
 * {@code iterator()} call on its expression); the first it accepts is returned with the methods it was reached
 * through.
 */
public final class FunctionCalls {
  /** What the matcher found at a call, and the methods the call was reached through. */
  public record Found<T>(T value, List<String> through) {}

  private static final int MAX_METHODS = 64;

  private FunctionCalls() {}

  public static <T> Optional<Found<T>> first(
      TreePath function, BiFunction<TreePath, VisitorState, Optional<T>> matcher, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) function.getLeaf());
    Deque<Body> work = new ArrayDeque<>();
    Set<MethodSymbol> seen = new HashSet<>();
    if (tree instanceof LambdaExpressionTree lambda) {
      work.add(new Body(new TreePath(function, lambda.getBody()), List.of()));
    } else if (tree instanceof MemberReferenceTree reference
        && ASTHelpers.getSymbol(reference) instanceof MethodSymbol target) {
      enqueue(target, List.of(display(target)), seen, work, state);
    } else {
      return Optional.empty();
    }
    while (!work.isEmpty()) {
      Body body = work.removeFirst();
      Optional<Found<T>> found = scan(body, matcher, seen, work, state);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** The same walk from a method of this compilation: its body, and the methods it calls. */
  public static <T> Optional<Found<T>> firstInMethod(
      MethodSymbol method, BiFunction<TreePath, VisitorState, Optional<T>> matcher, VisitorState state) {
    Deque<Body> work = new ArrayDeque<>();
    Set<MethodSymbol> seen = new HashSet<>();
    enqueue(method, List.of(display(method)), seen, work, state);
    while (!work.isEmpty()) {
      Optional<Found<T>> found = scan(work.removeFirst(), matcher, seen, work, state);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private record Body(TreePath path, List<String> through) {}

  private static <T> Optional<Found<T>> scan(Body body, BiFunction<TreePath, VisitorState, Optional<T>> matcher,
      Set<MethodSymbol> seen, Deque<Body> work, VisitorState state) {
    List<Found<T>> found = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (found.isEmpty()) {
          VisitorState here = state.withPath(getCurrentPath());
          Optional<T> match = matcher.apply(getCurrentPath(), here);
          if (match.isPresent()) {
            found.add(new Found<>(match.get(), body.through()));
            return null;
          }
          if (ASTHelpers.getSymbol(call) instanceof MethodSymbol callee) {
            List<String> next = new ArrayList<>(body.through());
            next.add(display(callee));
            enqueue(callee, next, seen, work, here);
          }
        }
        return super.visitMethodInvocation(call, unused);
      }

      @Override
      public Void visitEnhancedForLoop(EnhancedForLoopTree loop, Void unused) {
        if (found.isEmpty()) {
          matcher.apply(getCurrentPath(), state.withPath(getCurrentPath()))
              .ifPresent(match -> found.add(new Found<>(match, body.through())));
        }
        return super.visitEnhancedForLoop(loop, unused);
      }
    }.scan(body.path(), null);
    return found.stream().findFirst();
  }

  private static void enqueue(
      MethodSymbol method, List<String> through, Set<MethodSymbol> seen, Deque<Body> work, VisitorState state) {
    if (seen.size() >= MAX_METHODS || !seen.add(method)) {
      return;
    }
    TreePath declaration = Declarations.of(state).method(method);
    if (declaration != null && ((MethodTree) declaration.getLeaf()).getBody() != null) {
      work.add(new Body(new TreePath(declaration, ((MethodTree) declaration.getLeaf()).getBody()), through));
    }
  }

  /** A method as the source names a call of it: {@code load()}, {@code new Loader()}. */
  private static String display(MethodSymbol method) {
    return method.isConstructor() ? "new " + method.owner.getSimpleName() + "()" : method.getSimpleName() + "()";
  }
}
