package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * Which map classes a field holds: its declared type when that is a class, otherwise the classes of the
 * {@code new} expressions assigned to it, when every value assigned to it (in its declaring file) is one and
 * it is final or not public (assignments from other files of its package or subclasses are not seen).
 */
public final class MapImplementations {
  private MapImplementations() {}

  /** Answers of one compilation, kept in its javac Context: every map access of the code asks about its field. */
  private static final Context.Key<Map<VarSymbol, Optional<List<String>>>> CACHE = new Context.Key<>();

  /** Binary class names, or empty when they cannot be known. */
  public static Optional<List<String>> of(VarSymbol field, VisitorState state) {
    Map<VarSymbol, Optional<List<String>>> cache = state.context.get(CACHE);
    if (cache == null) {
      cache = new HashMap<>();
      state.context.put(CACHE, cache);
    }
    Optional<List<String>> known = cache.get(field);
    if (known == null) {
      known = compute(field, state);
      cache.put(field, known);
    }
    return known;
  }

  private static Optional<List<String>> compute(VarSymbol field, VisitorState state) {
    Type declared = field.type;
    if (declared != null && !declared.isInterface() && declared.tsym != null && !declared.tsym.isAbstract()) {
      return Optional.of(List.of(JavacApi.binaryName(declared, state.getTypes())));
    }
    if ((field.flags() & Flags.PUBLIC) != 0 && (field.flags() & Flags.FINAL) == 0) {
      return Optional.empty(); // code anywhere may assign it
    }
    List<String> classes = new ArrayList<>();
    for (TreePath value : Declarations.declaring(field, state).assignedValues(field)) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
      Type type = tree instanceof NewClassTree ? ASTHelpers.getType(tree) : null;
      if (type == null) {
        return Optional.empty();
      }
      // An anonymous subclass (an LRU cache overriding removeEldestEntry) behaves as the class it extends.
      if (type.tsym != null && type.tsym.isAnonymous()) {
        type = state.getTypes().supertype(type);
      }
      classes.add(JavacApi.binaryName(type, state.getTypes()));
    }
    return classes.isEmpty() ? Optional.empty() : Optional.of(classes);
  }
}
