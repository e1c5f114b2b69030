package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ElementKind;

/**
 * Fields that point back to the object that made theirs: final or private instance fields, assigned only by
 * constructors, from a parameter that every call of the constructor in the compilation gives its own {@code this}
 * ({@code new Stream(id, this)}) or null, directly or through {@code this(..)} and {@code super(..)}. A call through
 * such a field acts on the maker: a task that reaches it runs the maker's method on the task's thread. The bytecode
 * counterpart of the analysis of that name.
 */
public final class BackReferences {
  private static final int MAX_CHAIN = 4;

  private BackReferences() {}

  /** Whether the field points back to the object that made the field's own (see the class comment). */
  public static boolean pointsBack(VarSymbol field, VisitorState state) {
    if (field.getKind() != ElementKind.FIELD || field.isStatic()
        || (field.flags() & (Flags.FINAL | Flags.PRIVATE)) == 0) {
      return false;
    }
    List<TreePath> values = Declarations.ofCompilation(state).assignedValues(field);
    if (values.isEmpty()) {
      return false;
    }
    for (TreePath value : values) {
      MethodTree method = ASTHelpers.findEnclosingNode(value, MethodTree.class);
      MethodSymbol constructor = method == null ? null : ASTHelpers.getSymbol(method);
      int parameter = constructor == null ? -1 : parameterIndex((ExpressionTree) value.getLeaf(), constructor);
      if (constructor == null || !constructor.isConstructor() || !constructor.owner.equals(field.owner)
          || parameter < 0 || !givenThis(constructor, parameter, state, 0)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every call of the constructor (one at least) gives its parameter the caller's {@code this} or null. */
  private static boolean givenThis(MethodSymbol constructor, int parameter, VisitorState state, int depth) {
    Declarations compilation = Declarations.ofCompilation(state);
    List<TreePath> calls = new ArrayList<>(compilation.constructions(constructor));
    calls.addAll(compilation.invocations(constructor)); // this(..) and super(..)
    if (calls.isEmpty() || depth > MAX_CHAIN) {
      return false;
    }
    for (TreePath call : calls) {
      Tree leaf = call.getLeaf();
      List<? extends ExpressionTree> arguments = leaf instanceof NewClassTree created ? created.getArguments()
          : leaf instanceof MethodInvocationTree invocation ? invocation.getArguments() : List.of();
      if (parameter >= arguments.size()) {
        return false;
      }
      ExpressionTree given = MapIdentity.strip(arguments.get(parameter));
      if (given instanceof IdentifierTree id && id.getName().contentEquals("this")
          || given.getKind() == Tree.Kind.NULL_LITERAL) {
        continue;
      }
      MethodTree enclosing = ASTHelpers.findEnclosingNode(call, MethodTree.class);
      MethodSymbol caller = enclosing == null ? null : ASTHelpers.getSymbol(enclosing);
      int passed = caller == null || !caller.isConstructor() ? -1 : parameterIndex(given, caller);
      if (passed < 0 || !givenThis(caller, passed, state, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  /** The index of the method's parameter the expression is, or -1. */
  private static int parameterIndex(ExpressionTree expression, MethodSymbol method) {
    return ASTHelpers.getSymbol(MapIdentity.strip(expression)) instanceof VarSymbol variable
        ? method.getParameters().indexOf(variable) : -1;
  }
}
