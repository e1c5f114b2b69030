package dev.mapsafe.errorprone.report;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes a suggested fix read like the code around it once applied ({@code -XepPatchChecks}, an IDE's quick
 * fix): new lines indented as the statement they replace, imports that only the replaced code used removed, and
 * new local names that clash with none in the method.
 */
public final class FixFormatting {
  private FixFormatting() {}

  /** The whitespace before the first token on the line where the tree starts. */
  public static String indentationOf(Tree tree, VisitorState state) {
    CharSequence source = state.getSourceCode();
    int start = ASTHelpers.getStartPosition(tree);
    if (source == null || start < 0) {
      return "";
    }
    int lineStart = start;
    while (lineStart > 0 && source.charAt(lineStart - 1) != '\n') {
      lineStart--;
    }
    int end = lineStart;
    while (end < source.length() && (source.charAt(end) == ' ' || source.charAt(end) == '\t')) {
      end++;
    }
    return source.subSequence(lineStart, end).toString();
  }

  /** The code with every line after its first indented by {@code extra} more. */
  public static String indentedMore(String code, String extra) {
    return code.replace("\n", "\n" + extra);
  }

  /**
   * Removes the single-type imports that the replaced code names and that nothing else in the file, nor the
   * replacements, names any more.
   */
  public static void removeImportsLeftUnused(
      SuggestedFix.Builder fix, Collection<? extends Tree> replaced, String replacements, VisitorState state) {
    Set<Symbol> named = new HashSet<>();
    replaced.forEach(r -> named.addAll(namedTypes(r)));
    if (named.isEmpty()) {
      return;
    }
    Set<Symbol> stillNamed = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        return tree == null || tree instanceof ImportTree || replaced.stream().anyMatch(r -> r == tree)
            ? null : super.scan(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        stillNamed.add(ASTHelpers.getSymbol(node));
        return null;
      }
    }.scan(state.getPath().getCompilationUnit(), null);
    for (ImportTree i : state.getPath().getCompilationUnit().getImports()) {
      if (i.isStatic() || !(i.getQualifiedIdentifier() instanceof MemberSelectTree imported)
          || imported.getIdentifier().contentEquals("*")) {
        continue;
      }
      Symbol type = ASTHelpers.getSymbol(imported);
      String simpleName = imported.getIdentifier().toString();
      if (type != null && named.contains(type) && !stillNamed.contains(type)
          && !Pattern.compile("\\b" + Pattern.quote(simpleName) + "\\b").matcher(replacements).find()) {
        fix.removeImport(type.getQualifiedName().toString());
      }
    }
  }

  /** {@code base}, or {@code base2}, ...: a name no variable of the enclosing method already has. */
  public static String unusedName(String base, VisitorState state) {
    MethodTree method = ASTHelpers.findEnclosingNode(state.getPath(), MethodTree.class);
    Set<String> taken = new HashSet<>();
    if (method != null) {
      new TreeScanner<Void, Void>() {
        @Override
        public Void visitVariable(VariableTree variable, Void unused) {
          taken.add(variable.getName().toString());
          return super.visitVariable(variable, unused);
        }

        @Override
        public Void visitIdentifier(IdentifierTree identifier, Void unused) {
          taken.add(identifier.getName().toString());
          return null;
        }
      }.scan(method, null);
    }
    String name = base;
    for (int i = 2; taken.contains(name); i++) {
      name = base + i;
    }
    return name;
  }

  /** The types the code names by their simple names. */
  private static Set<Symbol> namedTypes(Tree code) {
    Set<Symbol> named = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree node, Void unused) {
        Symbol symbol = ASTHelpers.getSymbol(node);
        if (symbol instanceof Symbol.ClassSymbol) {
          named.add(symbol);
        }
        return null;
      }
    }.scan(code, null);
    return named;
  }
}
