package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
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
    return FunctionCalls.first(function,
            (call, here, onSameObject) -> writeOf(call, field, onSameObject, here), state)
        .map(found -> new Write(found.value().call(), found.value().fact(), found.through()));
  }

  /**
   * A write of the field's map at the call: of a static field anywhere; of an instance field, only on the object that
   * made the function (another object's field is another map).
   */
  private static Optional<Write> writeOf(TreePath callPath, Symbol field, boolean onSameObject, VisitorState state) {
    if (!(callPath.getLeaf() instanceof MethodInvocationTree call)
        || !field.isStatic() && !onSameObject) {
      return Optional.empty(); // a for-each loop only reads
    }
    for (MapEffects.Access access : MapEffects.of(call, state)) {
      Effect effect = access.effect();
      TreePath operand = new TreePath(callPath, access.operand());
      if (effect.kind() == MapEffect.WRITE
          && effect.operand().isReceiver()
          && rootField(operand, state) == field
          && (field.isStatic() || ownField(operand, field, state))) {
        return Optional.of(new Write(callPath, effect.fact(), List.of()));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether an expression naming an instance field (directly, through a view of it or an accessor) names this
   * object's: not {@code other.field} nor {@code other.accessor()} where {@code other} is an object of the field's
   * class other than {@code this}.
   */
  private static boolean ownField(TreePath expression, Symbol field, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) expression.getLeaf());
    for (int depth = 0; depth < 8; depth++) {
      ExpressionTree qualifier = tree instanceof MethodInvocationTree call ? ASTHelpers.getReceiver(call)
          : tree instanceof MemberSelectTree select ? select.getExpression()
          : null;
      if (qualifier == null) {
        return true; // the field itself, or a local that aliases it
      }
      qualifier = MapIdentity.strip(qualifier);
      if (JavacApi.isThisOrSuper(qualifier)) {
        return true;
      }
      Type type = ASTHelpers.getType(qualifier);
      if (type != null && type.tsym != null && type.tsym.isSubClass(field.owner, state.getTypes())) {
        return false; // another object of the field's class
      }
      tree = qualifier;
    }
    return true;
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
