package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByBinder;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.bugpatterns.threadsafety.GuardedBySymbolResolver;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.tree.JCTree.JCExpression;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Which object an expression denotes, as a lock expression of Error Prone's threadsafety package, so that a
 * map and a {@code synchronized (...)} statement can be compared. Before binding, an expression is brought
 * to canonical form: an effectively final local that aliases a field stands for that field, and a call of a
 * non-overridable, parameterless accessor of the same class that always returns one field stands for it.
 */
public final class MapIdentity {
  private MapIdentity() {}

  /** The object the expression at {@code path} denotes; empty when it cannot be named. */
  public static Optional<GuardedByExpression> of(TreePath path, VisitorState state) {
    TreePath canonical = canonical(path, state, 0);
    try {
      return GuardedByBinder.bindExpression((JCExpression) canonical.getLeaf(), state.withPath(canonical));
    } catch (RuntimeException unexpectedTree) {
      return Optional.empty(); // not a lock expression EP's binder understands
    }
  }

  /** The monitor a {@code synchronized} method holds: {@code this}, or the class for a static method. */
  static Optional<GuardedByExpression> ofEnclosingMonitor(MethodTree method, VisitorState state) {
    try {
      ClassTree owner = state.findEnclosing(ClassTree.class);
      String lock = ASTHelpers.getSymbol(method).isStatic() ? owner.getSimpleName() + ".class" : "this";
      return GuardedByBinder.bindString(lock, GuardedBySymbolResolver.from(method, state));
    } catch (RuntimeException unexpectedTree) {
      return Optional.empty();
    }
  }

  /** The object {@code this} denotes where {@code path} is (the innermost class's instance). */
  static Optional<GuardedByExpression> ofThis(TreePath path, VisitorState state) {
    TreePath member = path;
    while (member != null && !(member.getLeaf() instanceof MethodTree) && !(member.getLeaf() instanceof ClassTree)) {
      member = member.getParentPath();
    }
    try {
      return member == null ? Optional.empty()
          : GuardedByBinder.bindString("this", GuardedBySymbolResolver.from(member.getLeaf(), state.withPath(member)));
    } catch (RuntimeException unexpectedTree) {
      return Optional.empty();
    }
  }

  /** The variable or method an expression names after canonicalisation (aliases, accessors); may be null. */
  public static Symbol symbolOf(TreePath expression, VisitorState state) {
    return ASTHelpers.getSymbol(strip((ExpressionTree) canonical(expression, state, 0).getLeaf()));
  }

  /** Strips parentheses and casts, which do not change the object. */
  public static ExpressionTree strip(ExpressionTree tree) {
    while (true) {
      if (tree instanceof ParenthesizedTree parens) {
        tree = parens.getExpression();
      } else if (tree instanceof TypeCastTree cast) {
        tree = cast.getExpression();
      } else {
        return tree;
      }
    }
  }

  /** Follows local aliases and accessors to the expression that names the object; depth-limited. */
  static TreePath canonical(TreePath path, VisitorState state, int depth) {
    ExpressionTree tree = strip((ExpressionTree) path.getLeaf());
    if (depth > 8) {
      return path;
    }
    Symbol sym = ASTHelpers.getSymbol(tree);
    Declarations index = Declarations.of(state);
    if (sym instanceof VarSymbol local && isEffectivelyFinalLocal(local)) {
      List<TreePath> values = index.assignedValues(local);
      if (values.size() == 1 && namesAnObject(values.get(0))) {
        return canonical(values.get(0), state, depth + 1);
      }
    }
    if (tree instanceof MethodInvocationTree call && sym instanceof MethodSymbol method) {
      Optional<TreePath> field = accessedField(call, method, path, index);
      if (field.isPresent()) {
        return canonical(field.get(), state, depth + 1);
      }
    }
    return new TreePath(path.getParentPath(), tree);
  }

  static boolean isEffectivelyFinalLocal(VarSymbol sym) {
    return (sym.getKind() == ElementKind.LOCAL_VARIABLE || sym.getKind() == ElementKind.RESOURCE_VARIABLE)
        && (sym.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0;
  }

  private static boolean namesAnObject(TreePath value) {
    ExpressionTree tree = strip((ExpressionTree) value.getLeaf());
    return ASTHelpers.getSymbol(tree) instanceof VarSymbol
        || (tree instanceof MethodInvocationTree call && call.getArguments().isEmpty());
  }

  /**
   * The field a parameterless accessor always returns, when the accessor cannot be overridden and is called
   * on the same object from the class that declares it.
   */
  private static Optional<TreePath> accessedField(
      MethodInvocationTree call, MethodSymbol method, TreePath callPath, Declarations index) {
    if (!call.getArguments().isEmpty() || !index.declares(method) || !isNotOverridable(method)) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (receiver != null && !receiver.toString().equals("this")) {
      return Optional.empty();
    }
    ClassTree callerClass = ASTHelpers.findEnclosingNode(callPath, ClassTree.class);
    if (callerClass == null || ASTHelpers.getSymbol(callerClass) != method.owner) {
      return Optional.empty();
    }
    List<TreePath> returned = index.returnedValues(method);
    Symbol field = null;
    for (TreePath r : returned) {
      Symbol s = ASTHelpers.getSymbol(strip((ExpressionTree) r.getLeaf()));
      if (!(s instanceof VarSymbol v) || v.getKind() != ElementKind.FIELD || (field != null && field != s)) {
        return Optional.empty();
      }
      field = s;
    }
    return field == null ? Optional.empty() : Optional.of(returned.get(0));
  }

  static boolean isNotOverridable(MethodSymbol method) {
    return method.isPrivate()
        || method.isStatic()
        || (method.flags() & Flags.FINAL) != 0
        || (method.owner.flags() & Flags.FINAL) != 0
        || method.owner.isAnonymous();
  }
}
