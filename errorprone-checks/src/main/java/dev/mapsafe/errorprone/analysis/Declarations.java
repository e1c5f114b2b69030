package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An index of one compilation unit, built by one scan and cached: where each variable is declared, every
 * value assigned to it, every use of it, and each method's declaration and returned expressions. The
 * analyses ask it instead of rescanning the file for every question.
 */
public final class Declarations {
  /** Error Prone scans one compilation unit at a time: keep the index of the last one only. */
  private static Declarations last;

  private final CompilationUnitTree unit;

  private final Map<Symbol, TreePath> declarations = new HashMap<>();
  private final Map<Symbol, List<TreePath>> assignedValues = new HashMap<>();
  private final Map<Symbol, List<TreePath>> uses = new HashMap<>();
  private final Map<MethodSymbol, List<TreePath>> returnedValues = new HashMap<>();

  private Declarations(CompilationUnitTree unit) {
    this.unit = unit;
  }

  public static synchronized Declarations of(VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    if (last == null || last.unit != unit) {
      last = index(unit);
    }
    return last;
  }

  /** The declaration of a variable of this compilation unit. */
  public TreePath declaration(Symbol variable) {
    return declarations.get(variable);
  }

  /** Initializer and right-hand sides of the assignments to the variable, in this compilation unit. */
  public List<TreePath> assignedValues(Symbol variable) {
    return assignedValues.getOrDefault(variable, List.of());
  }

  /** Identifier and member-select references to the variable, in this compilation unit. */
  public List<TreePath> uses(Symbol variable) {
    return uses.getOrDefault(variable, List.of());
  }

  /** Whether the method is declared in this compilation unit. */
  public boolean declares(MethodSymbol method) {
    return returnedValues.containsKey(method);
  }

  /** The expressions the method's own return statements return (not those of nested lambdas or classes). */
  public List<TreePath> returnedValues(MethodSymbol method) {
    return returnedValues.getOrDefault(method, List.of());
  }

  private static Declarations index(CompilationUnitTree unit) {
    Declarations index = new Declarations(unit);
    new TreePathScanner<Void, MethodSymbol>() {
      @Override
      public Void visitVariable(VariableTree tree, MethodSymbol method) {
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (sym != null) {
          index.declarations.put(sym, getCurrentPath());
          if (tree.getInitializer() != null) {
            add(index.assignedValues, sym, new TreePath(getCurrentPath(), tree.getInitializer()));
          }
        }
        return super.visitVariable(tree, method);
      }

      @Override
      public Void visitAssignment(AssignmentTree tree, MethodSymbol method) {
        Symbol sym = ASTHelpers.getSymbol(tree.getVariable());
        if (sym != null) {
          add(index.assignedValues, sym, new TreePath(getCurrentPath(), tree.getExpression()));
        }
        return super.visitAssignment(tree, method);
      }

      @Override
      public Void visitIdentifier(IdentifierTree tree, MethodSymbol method) {
        recordUse(tree);
        return super.visitIdentifier(tree, method);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree tree, MethodSymbol method) {
        recordUse(tree);
        return super.visitMemberSelect(tree, method);
      }

      private void recordUse(Tree tree) {
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (sym instanceof Symbol.VarSymbol) {
          add(index.uses, sym, getCurrentPath());
        }
      }

      @Override
      public Void visitMethod(MethodTree tree, MethodSymbol outer) {
        MethodSymbol sym = ASTHelpers.getSymbol(tree);
        index.returnedValues.computeIfAbsent(sym, s -> new ArrayList<>());
        return super.visitMethod(tree, sym);
      }

      @Override
      public Void visitReturn(ReturnTree tree, MethodSymbol method) {
        if (method != null && tree.getExpression() != null) {
          add(index.returnedValues, method, new TreePath(getCurrentPath(), tree.getExpression()));
        }
        return super.visitReturn(tree, method);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, MethodSymbol method) {
        return super.visitLambdaExpression(tree, null); // its returns are not the method's
      }

      @Override
      public Void visitClass(ClassTree tree, MethodSymbol method) {
        return super.visitClass(tree, null);
      }
    }.scan(unit, null);
    return index;
  }

  private static <K> void add(Map<K, List<TreePath>> map, K key, TreePath value) {
    map.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }
}
