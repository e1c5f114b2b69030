package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * Writes to a map field that a function makes when it runs: in a lambda's body or the method a method
 * reference names, and in the methods of this file they call, transitively. A write is any call the map API
 * model marks WRITE, on the field itself or on a view of it.
 */
public final class MapWrites {
  /** A write found: the call, the model's fact for it, and the methods it was reached through. */
  public record Write(TreePath call, ApiMethod fact, List<String> through) {}

  private static final int MAX_METHODS = 64;

  private MapWrites() {}

  public static Optional<Write> inFunction(TreePath function, Symbol field, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) function.getLeaf());
    Deque<Object[]> work = new ArrayDeque<>(); // {TreePath body, List<String> through}
    Set<MethodSymbol> seen = new HashSet<>();
    if (tree instanceof LambdaExpressionTree lambda) {
      work.add(new Object[] {new TreePath(function, lambda.getBody()), List.<String>of()});
    } else if (tree instanceof MemberReferenceTree reference
        && ASTHelpers.getSymbol(reference) instanceof MethodSymbol target) {
      enqueue(target, List.of(target.getSimpleName() + "()"), seen, work, state);
    } else {
      return Optional.empty();
    }
    while (!work.isEmpty()) {
      Object[] item = work.removeFirst();
      TreePath body = (TreePath) item[0];
      @SuppressWarnings("unchecked")
      List<String> through = (List<String>) item[1];
      Optional<Write> found = scan(body, field, through, seen, work, state);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<Write> scan(
      TreePath body, Symbol field, List<String> through, Set<MethodSymbol> seen, Deque<Object[]> work,
      VisitorState state) {
    List<Write> found = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (found.isEmpty()) {
          VisitorState here = state.withPath(getCurrentPath());
          for (MapEffects.Access access : MapEffects.of(call, here)) {
            Effect effect = access.effect();
            if (effect.kind() == MapEffect.WRITE
                && effect.operand().isReceiver()
                && rootField(new TreePath(getCurrentPath(), access.operand()), here) == field) {
              found.add(new Write(getCurrentPath(), effect.fact(), through));
              return null;
            }
          }
          if (ASTHelpers.getSymbol(call) instanceof MethodSymbol callee) {
            List<String> next = new ArrayList<>(through);
            next.add(callee.getSimpleName() + "()");
            enqueue(callee, next, seen, work, here);
          }
        }
        return super.visitMethodInvocation(call, unused);
      }
    }.scan(body, null);
    return found.stream().findFirst();
  }

  private static void enqueue(
      MethodSymbol method, List<String> through, Set<MethodSymbol> seen, Deque<Object[]> work, VisitorState state) {
    if (seen.size() >= MAX_METHODS || !seen.add(method)) {
      return;
    }
    TreePath declaration = Declarations.of(state).method(method);
    if (declaration != null && ((MethodTree) declaration.getLeaf()).getBody() != null) {
      work.add(new Object[] {new TreePath(declaration, ((MethodTree) declaration.getLeaf()).getBody()), through});
    }
  }

  /** The field an expression names, through aliases, accessors and views of it; null when it names none. */
  public static Symbol rootField(TreePath expression, VisitorState state) {
    for (int depth = 0; depth < 8; depth++) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) expression.getLeaf());
      if (tree instanceof MethodInvocationTree call
          && ASTHelpers.getReceiver(call) != null
          && MapEffects.returnsViewOfReceiver(call, state)) {
        expression = new TreePath(expression, ASTHelpers.getReceiver(call));
        continue;
      }
      Symbol sym = MapIdentity.symbolOf(expression, state);
      return sym instanceof Symbol.VarSymbol v && v.getKind() == ElementKind.FIELD ? sym : null;
    }
    return null;
  }
}
