package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Methods that only pass their arguments to one single-key call on a map field of their object
 * ({@code getWrapper(uri) { return jsps.get(uri); }}): a call of one is that map call on the receiver's field, so a
 * check made through one accessor and an act through another are two calls on one map and key. The call may also go
 * through other such methods of the same object, resolved from the receiver's class (an inherited {@code get(key)}
 * over an abstract {@code lookup(key)} that the class implements as {@code store.get(key)}), and its result through
 * an adapter that passes null through ({@code v != null ? wrap(v) : null}), so a null from the map is still a null
 * to the caller. Read from the declarations this compilation compiles, once per method, receiver class and
 * compilation. The bytecode engine's counterpart has the same name.
 */
public final class MapDelegates {

  /**
   * The map call a method stands for: {@code mapCall}, on {@code field} of its receiver, with these of its
   * parameters ({@code parameters[i]} is passed as the map call's argument {@code i}).
   */
  public record Delegate(VarSymbol field, ApiMethod api, KeyUse use, List<Integer> parameters, String name,
      TreePath mapCall) {}

  /** A method as called on an object of a class: overridable calls in its body run that class's overrides. */
  private record Called(MethodSymbol method, ClassSymbol receiverClass) {}

  private static final Context.Key<Map<Called, Optional<Delegate>>> DELEGATES = new Context.Key<>();

  private MapDelegates() {}

  /**
   * The map call the instance call at {@code path} stands for, when the callee is a delegate; on an implicit {@code
   * this}, the receiver is the object of the class the call is made in.
   */
  public static Optional<Delegate> of(TreePath path, VisitorState state) {
    if (!(path.getLeaf() instanceof MethodInvocationTree call)
        || !(ASTHelpers.getSymbol(call) instanceof MethodSymbol callee) || callee.isStatic()) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    ClassSymbol receiverClass = receiver == null ? enclosingClass(path)
        : ASTHelpers.getType(receiver) != null && ASTHelpers.getType(receiver).tsym instanceof ClassSymbol c ? c
        : null;
    if (receiverClass == null || !receiverClass.isSubClass(callee.owner, state.getTypes())) {
      return Optional.empty(); // an implicit this of an enclosing instance, or an unknown receiver
    }
    return of(callee, receiverClass, state);
  }

  /** The map call a method stands for, when it is a delegate, on an object of its own class. */
  public static Optional<Delegate> of(MethodSymbol callee, VisitorState state) {
    return callee.owner instanceof ClassSymbol own ? of(callee, own, state) : Optional.empty();
  }

  private static Optional<Delegate> of(MethodSymbol callee, ClassSymbol receiverClass, VisitorState state) {
    if (callee.isStatic() || callee.isConstructor()) {
      return Optional.empty();
    }
    Map<Called, Optional<Delegate>> known = state.context.get(DELEGATES);
    if (known == null) {
      known = new HashMap<>();
      state.context.put(DELEGATES, known);
    }
    Called called = new Called(implementation(callee, receiverClass, state), receiverClass);
    Optional<Delegate> found = known.get(called);
    if (found == null) {
      known.put(called, Optional.empty()); // a method its own body reaches again is no delegate: the recursion stops
      found = find(called, state);
      known.put(called, found);
    }
    return found;
  }

  /** The method a call runs on an object of the class: its override there, or the method itself. */
  private static MethodSymbol implementation(MethodSymbol method, ClassSymbol receiverClass, VisitorState state) {
    MethodSymbol own = method.implementation(receiverClass, state.getTypes(), true);
    return own != null ? own : method;
  }

  private static Optional<Delegate> find(Called called, VisitorState state) {
    MethodSymbol callee = called.method();
    TreePath declaration = Declarations.declaring(callee, state).method(callee);
    if (declaration == null || !(declaration.getLeaf() instanceof MethodTree method) || method.getBody() == null
        || method.getBody().getStatements().isEmpty() || method.getBody().getStatements().size() > 2) {
      return Optional.empty();
    }
    List<? extends StatementTree> statements = method.getBody().getStatements();
    StatementTree last = statements.get(statements.size() - 1);
    ExpressionTree expression = last instanceof ReturnTree ret ? ret.getExpression()
        : last instanceof ExpressionStatementTree statement ? statement.getExpression() : null;
    if (expression == null || !(MapIdentity.strip(expression) instanceof MethodInvocationTree outer)) {
      return Optional.empty();
    }
    if (statements.size() == 1) {
      Optional<Delegate> direct = mapCall(callee, declaration, outer, state);
      if (direct.isPresent()) {
        return direct;
      }
      Optional<Delegate> inner = ownDelegateCall(called, outer, state);
      if (inner.isPresent()) {
        return inner;
      }
    }
    // adapter(inner(params)), or T v = inner(params); return adapter(v);
    if (!(last instanceof ReturnTree) || !onThis(outer) || outer.getArguments().size() != 1
        || !(ASTHelpers.getSymbol(outer) instanceof MethodSymbol adapter)
        || !passesNullThrough(implementation(adapter, called.receiverClass(), state), state)) {
      return Optional.empty();
    }
    ExpressionTree adapted = MapIdentity.strip(outer.getArguments().get(0));
    if (statements.size() == 2) {
      if (!(statements.get(0) instanceof VariableTree local) || local.getInitializer() == null
          || !(ASTHelpers.getSymbol(adapted) instanceof VarSymbol used) || !used.equals(ASTHelpers.getSymbol(local))) {
        return Optional.empty();
      }
      adapted = MapIdentity.strip(local.getInitializer());
    }
    return adapted instanceof MethodInvocationTree innerCall
        ? ownDelegateCall(called, innerCall, state) // used as a value: a delegate that returns its map call's result
        : Optional.empty();
  }

  /** {@code this.field.call(params..)}: the map call itself. */
  private static Optional<Delegate> mapCall(MethodSymbol callee, TreePath declaration, MethodInvocationTree mapCall,
      VisitorState state) {
    if (mapCall.getArguments().isEmpty()) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(mapCall);
    if (!(receiver instanceof IdentifierTree || receiver instanceof MemberSelectTree select
            && select.getExpression() instanceof IdentifierTree self && self.getName().contentEquals("this"))
        || !(ASTHelpers.getSymbol(receiver) instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD
        || field.isStatic()
        // a field of the callee's own object, not of an enclosing instance (as the bytecode engine reads it)
        || !(callee.owner instanceof ClassSymbol own) || !own.isSubClass(field.owner, state.getTypes())) {
      return Optional.empty();
    }
    Optional<List<Integer>> parameters = parameters(callee, mapCall);
    TreePath mapCallPath = TreePath.getPath(declaration, mapCall);
    Optional<ApiMethod> api = JavacApi.call(mapCall, state);
    Optional<KeyUse> use = api.flatMap(a -> MapApi.keyUse(a, JavacApi.hierarchy(state)));
    if (parameters.isEmpty() || use.isEmpty() || mapCallPath == null) {
      return Optional.empty();
    }
    return Optional.of(new Delegate(field, api.get(), use.get(), parameters.get(),
        callee.getSimpleName().toString(), mapCallPath));
  }

  /** {@code other(params..)} on this object, where {@code other} is a delegate: the map call it stands for. */
  private static Optional<Delegate> ownDelegateCall(Called called, MethodInvocationTree call, VisitorState state) {
    Optional<List<Integer>> passed = parameters(called.method(), call);
    if (!onThis(call) || passed.isEmpty() || !(ASTHelpers.getSymbol(call) instanceof MethodSymbol other)) {
      return Optional.empty();
    }
    return of(other, called.receiverClass(), state).map(inner -> new Delegate(inner.field(), inner.api(),
        inner.use(), inner.parameters().stream().map(passed.get()::get).toList(),
        called.method().getSimpleName().toString(), inner.mapCall()));
  }

  /** Which of the method's parameters each argument of the call is; empty when one is not a parameter. */
  private static Optional<List<Integer>> parameters(MethodSymbol method, MethodInvocationTree call) {
    List<Integer> parameters = new ArrayList<>();
    for (ExpressionTree argument : call.getArguments()) {
      int index = method.getParameters().indexOf(ASTHelpers.getSymbol(MapIdentity.strip(argument)));
      if (index < 0) {
        return Optional.empty();
      }
      parameters.add(index);
    }
    return parameters.isEmpty() ? Optional.empty() : Optional.of(parameters);
  }

  /** Whether an instance call is made on {@code this}, implicit or written. */
  private static boolean onThis(MethodInvocationTree call) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return !(ASTHelpers.getSymbol(call) instanceof MethodSymbol m && m.isStatic())
        && (receiver == null || receiver instanceof IdentifierTree self && self.getName().contentEquals("this"));
  }

  /**
   * Whether a method of one parameter returns null when given null, first thing: {@code return v != null ? wrap(v) :
   * null}, {@code return v == null ? null : wrap(v)} or {@code if (v == null) return null; ...}.
   */
  private static boolean passesNullThrough(MethodSymbol adapter, VisitorState state) {
    TreePath declaration = Declarations.declaring(adapter, state).method(adapter);
    if (adapter.getParameters().size() != 1 || declaration == null
        || !(declaration.getLeaf() instanceof MethodTree method) || method.getBody() == null
        || method.getBody().getStatements().isEmpty()) {
      return false;
    }
    VarSymbol parameter = adapter.getParameters().get(0);
    StatementTree first = method.getBody().getStatements().get(0);
    if (first instanceof ReturnTree ret && ret.getExpression() != null
        && MapIdentity.strip(ret.getExpression()) instanceof ConditionalExpressionTree choice) {
      Optional<Boolean> nullWhenTrue = nullTest(choice.getCondition(), parameter);
      return nullWhenTrue.isPresent() && isNull(nullWhenTrue.get() ? choice.getTrueExpression()
          : choice.getFalseExpression());
    }
    if (first instanceof IfTree test && test.getElseStatement() == null
        && nullTest(test.getCondition(), parameter).orElse(false)) {
      StatementTree then = test.getThenStatement() instanceof BlockTree block && block.getStatements().size() == 1
          ? block.getStatements().get(0)
          : test.getThenStatement();
      return then instanceof ReturnTree ret && ret.getExpression() != null && isNull(ret.getExpression());
    }
    return false;
  }

  /** For {@code p == null}, true; for {@code p != null}, false; else empty. */
  private static Optional<Boolean> nullTest(ExpressionTree condition, VarSymbol parameter) {
    if (!(MapIdentity.strip(condition) instanceof BinaryTree binary)
        || binary.getKind() != Tree.Kind.EQUAL_TO && binary.getKind() != Tree.Kind.NOT_EQUAL_TO) {
      return Optional.empty();
    }
    boolean compares = isNull(binary.getRightOperand())
        && parameter.equals(ASTHelpers.getSymbol(MapIdentity.strip(binary.getLeftOperand())))
        || isNull(binary.getLeftOperand())
        && parameter.equals(ASTHelpers.getSymbol(MapIdentity.strip(binary.getRightOperand())));
    return compares ? Optional.of(binary.getKind() == Tree.Kind.EQUAL_TO) : Optional.empty();
  }

  private static boolean isNull(ExpressionTree tree) {
    return MapIdentity.strip(tree).getKind() == Tree.Kind.NULL_LITERAL;
  }

  private static ClassSymbol enclosingClass(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree cls && ASTHelpers.getSymbol(cls) instanceof ClassSymbol sym) {
        return sym;
      }
    }
    return null;
  }
}
