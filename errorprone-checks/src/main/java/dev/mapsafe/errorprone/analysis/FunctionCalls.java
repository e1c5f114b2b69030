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
 * through. Each method is seen with whether it runs on the object that made the function: a lambda's body does, and
 * so does a method called on {@code this} from one that does; a method called on another object ({@code
 * parent.resolve(n)}, {@code parent::resolve}, a new object) does not, so that object's fields are not this one's.
 */
public final class FunctionCalls {
  /** What the matcher found at a call, and the methods the call was reached through. */
  public record Found<T>(T value, List<String> through) {}

  /** Looks at one call; {@code onSameObject}: the code runs on the object that made the function. */
  public interface Matcher<T> {
    Optional<T> at(TreePath call, VisitorState state, boolean onSameObject);
  }

  private static final int MAX_METHODS = 64;

  private FunctionCalls() {}

  public static <T> Optional<Found<T>> first(
      TreePath function, BiFunction<TreePath, VisitorState, Optional<T>> matcher, VisitorState state) {
    return first(function, (call, here, onSameObject) -> matcher.apply(call, here), state);
  }

  public static <T> Optional<Found<T>> first(TreePath function, Matcher<T> matcher, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) function.getLeaf());
    Walk<T> walk = new Walk<>(matcher, state);
    if (tree instanceof LambdaExpressionTree lambda) {
      walk.work.add(new Body(new TreePath(function, lambda.getBody()), List.of(), true));
    } else if (tree instanceof MemberReferenceTree reference
        && ASTHelpers.getSymbol(reference) instanceof MethodSymbol target) {
      walk.enqueue(target, List.of(display(target)), JavacApi.isThisOrSuper(reference.getQualifierExpression()), state);
    } else {
      return Optional.empty();
    }
    return walk.run();
  }

  /** The same walk from a method of this compilation: its body, and the methods it calls. */
  public static <T> Optional<Found<T>> firstInMethod(
      MethodSymbol method, BiFunction<TreePath, VisitorState, Optional<T>> matcher, VisitorState state) {
    Walk<T> walk = new Walk<>((call, here, onSameObject) -> matcher.apply(call, here), state);
    walk.enqueue(method, List.of(display(method)), true, state);
    return walk.run();
  }

  /** A method body to scan, the methods it was reached through, and whether it runs on the function's object. */
  private record Body(TreePath path, List<String> through, boolean onSameObject) {}

  private static final class Walk<T> {
    final Matcher<T> matcher;
    final VisitorState state;
    final Deque<Body> work = new ArrayDeque<>();
    /** The methods enqueued on the function's object, and on others. */
    final Set<MethodSymbol> seenOnSame = new HashSet<>();
    final Set<MethodSymbol> seenOnOther = new HashSet<>();

    Walk(Matcher<T> matcher, VisitorState state) {
      this.matcher = matcher;
      this.state = state;
    }

    Optional<Found<T>> run() {
      while (!work.isEmpty()) {
        Optional<Found<T>> found = scan(work.removeFirst());
        if (found.isPresent()) {
          return found;
        }
      }
      return Optional.empty();
    }

    void enqueue(MethodSymbol method, List<String> through, boolean onSameObject, VisitorState here) {
      if (seenOnSame.size() + seenOnOther.size() >= MAX_METHODS
          || !(onSameObject ? seenOnSame : seenOnOther).add(method)) {
        return;
      }
      TreePath declaration = Declarations.of(here).method(method);
      if (declaration != null && ((MethodTree) declaration.getLeaf()).getBody() != null) {
        work.add(new Body(new TreePath(declaration, ((MethodTree) declaration.getLeaf()).getBody()), through,
            onSameObject));
      }
    }

    private Optional<Found<T>> scan(Body body) {
      List<Found<T>> found = new ArrayList<>();
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
          if (found.isEmpty()) {
            VisitorState here = state.withPath(getCurrentPath());
            Optional<T> match = matcher.at(getCurrentPath(), here, body.onSameObject());
            if (match.isPresent()) {
              found.add(new Found<>(match.get(), body.through()));
              return null;
            }
            if (ASTHelpers.getSymbol(call) instanceof MethodSymbol callee) {
              List<String> next = new ArrayList<>(body.through());
              next.add(display(callee));
              enqueue(callee, next, body.onSameObject() && !callee.isStatic() && !callee.isConstructor()
                  && onThis(call), here);
            }
          }
          return super.visitMethodInvocation(call, unused);
        }

        @Override
        public Void visitEnhancedForLoop(EnhancedForLoopTree loop, Void unused) {
          if (found.isEmpty()) {
            matcher.at(getCurrentPath(), state.withPath(getCurrentPath()), body.onSameObject())
                .ifPresent(match -> found.add(new Found<>(match, body.through())));
          }
          return super.visitEnhancedForLoop(loop, unused);
        }
      }.scan(body.path(), null);
      return found.stream().findFirst();
    }
  }

  /** Whether a call is made on {@code this}: with no receiver, or on {@code this} or {@code super}. */
  private static boolean onThis(MethodInvocationTree call) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return receiver == null || JavacApi.isThisOrSuper(receiver);
  }

  /** A method as the source names a call of it: {@code load()}, {@code new Loader()}. */
  private static String display(MethodSymbol method) {
    return method.isConstructor() ? "new " + method.owner.getSimpleName() + "()" : method.getSimpleName() + "()";
  }
}
