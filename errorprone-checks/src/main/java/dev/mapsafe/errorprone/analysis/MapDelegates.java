package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Methods that only pass their arguments to one single-key call on a map field of their object
 * ({@code getWrapper(uri) { return jsps.get(uri); }}): a call of one is that map call on the receiver's field, so a
 * check made through one accessor and an act through another are two calls on one map and key. Read from the
 * declarations this compilation compiles, once per method and compilation. The bytecode engine's counterpart has
 * the same name.
 */
public final class MapDelegates {

  /**
   * The map call a method stands for: {@code mapCall}, on {@code field} of its receiver, with these of its
   * parameters ({@code parameters[i]} is passed as the map call's argument {@code i}).
   */
  public record Delegate(VarSymbol field, ApiMethod api, KeyUse use, List<Integer> parameters, String name,
      TreePath mapCall) {}

  private static final Context.Key<Map<MethodSymbol, Optional<Delegate>>> DELEGATES = new Context.Key<>();

  private MapDelegates() {}

  /** The map call an instance call stands for, when the callee is a delegate. */
  public static Optional<Delegate> of(MethodInvocationTree call, VisitorState state) {
    return ASTHelpers.getSymbol(call) instanceof MethodSymbol callee && ASTHelpers.getReceiver(call) != null
        ? of(callee, state)
        : Optional.empty();
  }

  /** The map call a method stands for, when it is a delegate. */
  public static Optional<Delegate> of(MethodSymbol callee, VisitorState state) {
    if (callee.isStatic() || callee.isConstructor()) {
      return Optional.empty();
    }
    Map<MethodSymbol, Optional<Delegate>> known = state.context.get(DELEGATES);
    if (known == null) {
      known = new HashMap<>();
      state.context.put(DELEGATES, known);
    }
    Optional<Delegate> found = known.get(callee);
    if (found == null) {
      found = find(callee, state);
      known.put(callee, found);
    }
    return found;
  }

  private static Optional<Delegate> find(MethodSymbol callee, VisitorState state) {
    TreePath declaration = Declarations.declaring(callee, state).method(callee);
    if (declaration == null || !(declaration.getLeaf() instanceof MethodTree method) || method.getBody() == null
        || method.getBody().getStatements().size() != 1) {
      return Optional.empty();
    }
    StatementTree only = method.getBody().getStatements().get(0);
    ExpressionTree expression = only instanceof ReturnTree ret ? ret.getExpression()
        : only instanceof ExpressionStatementTree statement ? statement.getExpression() : null;
    if (expression == null
        || !(MapIdentity.strip(expression) instanceof MethodInvocationTree mapCall) || mapCall.getArguments().isEmpty()) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(mapCall);
    if (!(receiver instanceof IdentifierTree || receiver instanceof MemberSelectTree select
            && select.getExpression() instanceof IdentifierTree self && self.getName().contentEquals("this"))
        || !(ASTHelpers.getSymbol(receiver) instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD
        || field.isStatic()
        // a field of the callee's own object, not of an enclosing instance (as the bytecode engine reads it)
        || !(callee.owner instanceof Symbol.ClassSymbol own) || !own.isSubClass(field.owner, state.getTypes())) {
      return Optional.empty();
    }
    List<Integer> parameters = new java.util.ArrayList<>();
    for (ExpressionTree argument : mapCall.getArguments()) {
      Symbol passed = ASTHelpers.getSymbol(MapIdentity.strip(argument));
      int index = callee.getParameters().indexOf(passed);
      if (index < 0) {
        return Optional.empty();
      }
      parameters.add(index);
    }
    TreePath mapCallPath = TreePath.getPath(declaration, mapCall);
    Optional<ApiMethod> api = JavacApi.call(mapCall, state);
    Optional<KeyUse> use = api.flatMap(a -> MapApi.keyUse(a, JavacApi.hierarchy(state)));
    if (use.isEmpty() || mapCallPath == null) {
      return Optional.empty();
    }
    return Optional.of(new Delegate(field, api.get(), use.get(), List.copyOf(parameters),
        callee.getSimpleName().toString(), mapCallPath));
  }
}
