package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Writes to a map field that a function makes when it runs ({@link FunctionCalls}: in a lambda's body or the
 * method a method reference names, and in the methods of this compilation they call). A write is any call the map
 * API model marks WRITE, on the field itself or on a view of it.
 */
public final class MapWrites {
  /** A write found: the call, the model's fact for it, and the methods it was reached through. */
  public record Write(TreePath call, ApiMethod fact, List<String> through) {}

  private MapWrites() {}

  public static Optional<Write> inFunction(TreePath function, Symbol field, VisitorState state) {
    return FunctionCalls.first(function, (call, here) -> writeOf(call, field, here), state)
        .map(found -> new Write(found.value().call(), found.value().fact(), found.through()));
  }

  private static Optional<Write> writeOf(TreePath callPath, Symbol field, VisitorState state) {
    if (!(callPath.getLeaf() instanceof MethodInvocationTree call)) {
      return Optional.empty(); // a for-each loop only reads
    }
    for (MapEffects.Access access : MapEffects.of(call, state)) {
      Effect effect = access.effect();
      if (effect.kind() == MapEffect.WRITE
          && effect.operand().isReceiver()
          && rootField(new TreePath(callPath, access.operand()), state) == field) {
        return Optional.of(new Write(callPath, effect.fact(), List.of()));
      }
    }
    return Optional.empty();
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
