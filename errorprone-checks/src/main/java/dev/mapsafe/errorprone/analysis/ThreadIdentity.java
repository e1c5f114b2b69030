package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.knowledge.threads.SharedMaps;
import java.util.List;
import javax.lang.model.element.ElementKind;

/**
 * Whether an expression identifies the current thread, as {@link SharedMaps} counts it: the thread, its id,
 * name or context class loader, boxed or not, directly or through a local assigned once. The bytecode engine
 * follows the same values in its own {@code ThreadIdentity}.
 */
public final class ThreadIdentity {
  private static final int MAX_DEPTH = 4;

  private ThreadIdentity() {}

  public static boolean identifiesCurrentThread(ExpressionTree tree, VisitorState state) {
    return identifies(tree, state, 0);
  }

  private static boolean identifies(ExpressionTree expression, VisitorState state, int depth) {
    ExpressionTree tree = MapIdentity.strip(expression);
    if (depth > MAX_DEPTH) {
      return false;
    }
    if (tree instanceof MethodInvocationTree call) {
      if (!(ASTHelpers.getSymbol((ExpressionTree) call) instanceof MethodSymbol method)) {
        return false;
      }
      String owner = method.enclClass().flatName().toString();
      String name = method.getSimpleName().toString();
      if (method.isStatic()) {
        List<? extends ExpressionTree> args = call.getArguments();
        return args.isEmpty()
            ? SharedMaps.returnsCurrentThread(owner, name)
            : args.size() == 1 && SharedMaps.keepsThreadIdentity(owner, name, true, JavacApi.hierarchy(state))
                && identifies(args.get(0), state, depth + 1);
      }
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      return receiver != null && SharedMaps.keepsThreadIdentity(owner, name, false, JavacApi.hierarchy(state))
          && identifies(receiver, state, depth + 1);
    }
    Symbol symbol = ASTHelpers.getSymbol(tree);
    if (symbol instanceof VarSymbol local && local.getKind() == ElementKind.LOCAL_VARIABLE) {
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      return values.size() == 1 && identifies((ExpressionTree) values.get(0).getLeaf(), state, depth + 1);
    }
    return false;
  }
}
