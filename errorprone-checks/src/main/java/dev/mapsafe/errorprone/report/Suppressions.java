package dev.mapsafe.errorprone.report;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.Arrays;
import javax.lang.model.element.ElementKind;

/**
 * {@code @SuppressWarnings("CheckName")} works the same for every check, wherever the check looks from: on the
 * method or class around the reported code (Error Prone decides that only for the tree a check is visiting, and
 * some checks visit a class and report inside one of its methods), and on the map field the reported code names.
 */
final class Suppressions {
  private Suppressions() {}

  static boolean suppressed(String checkName, Description description, VisitorState state) {
    Tree reported = description.position.getTree();
    if (reported == null) {
      return false;
    }
    TreePath path = TreePath.getPath(state.getPath().getCompilationUnit(), reported);
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree t = p.getLeaf();
      if ((t instanceof MethodTree || t instanceof ClassTree || t instanceof VariableTree)
          && suppresses(ASTHelpers.getSymbol(t), checkName)) {
        return true;
      }
    }
    return namesSuppressedField(reported, checkName);
  }

  /** Whether the reported code reads or writes a field that suppresses the check. */
  private static boolean namesSuppressedField(Tree reported, String checkName) {
    Boolean found = new TreeScanner<Boolean, Void>() {
      @Override
      public Boolean visitIdentifier(IdentifierTree node, Void unused) {
        return suppressedField(ASTHelpers.getSymbol(node));
      }

      @Override
      public Boolean visitMemberSelect(MemberSelectTree node, Void unused) {
        return suppressedField(ASTHelpers.getSymbol(node)) || Boolean.TRUE.equals(super.visitMemberSelect(node, null));
      }

      @Override
      public Boolean reduce(Boolean a, Boolean b) {
        return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
      }

      private boolean suppressedField(Symbol symbol) {
        return symbol != null && symbol.getKind() == ElementKind.FIELD && suppresses(symbol, checkName);
      }
    }.scan(reported, null);
    return Boolean.TRUE.equals(found);
  }

  private static boolean suppresses(Symbol symbol, String checkName) {
    SuppressWarnings annotation = symbol == null ? null : symbol.getAnnotation(SuppressWarnings.class);
    return annotation != null && Arrays.asList(annotation.value()).contains(checkName);
  }
}
