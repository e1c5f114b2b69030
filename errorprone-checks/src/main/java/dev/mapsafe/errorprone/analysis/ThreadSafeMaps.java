package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Maps whose single calls are thread-safe and that other threads may see: a {@code ConcurrentMap} (by static
 * type, or by every value a private or final field is given), or a self-locked map ({@link SelfLockedMaps})
 * that is deliberately shared. A map created in the method that never leaves it is not shared.
 */
public final class ThreadSafeMaps {
  private ThreadSafeMaps() {}

  /** What makes the map at {@code map} thread-safe per call ("ConcurrentHashMap", "Hashtable", ...), or empty. */
  public static Optional<String> kindOf(TreePath map, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) map.getLeaf());
    Symbol sym = MapIdentity.symbolOf(map, state);
    if (sym instanceof VarSymbol local
        && MapIdentity.isEffectivelyFinalLocal(local)
        && createdHere(local, state)
        && !SelfLockedMaps.escapes(local, state)) {
      return Optional.empty(); // confined to this method
    }
    Type type = ASTHelpers.getType(tree);
    if (type != null && MapTypes.isConcurrentMap(JavacApi.binaryName(type, state.getTypes()), JavacApi.hierarchy(state))) {
      return Optional.of(type.tsym.getSimpleName().toString());
    }
    if (sym instanceof VarSymbol field && field.getKind() == ElementKind.FIELD) {
      Optional<List<String>> classes = MapImplementations.of(field, state);
      if (classes.isPresent()
          && classes.get().stream().allMatch(c -> MapTypes.isConcurrentMap(c, JavacApi.hierarchy(state)))) {
        String first = classes.get().get(0);
        return Optional.of(first.substring(first.lastIndexOf('.') + 1));
      }
    }
    Optional<SelfLockedMaps.Subject> selfLocked = SelfLockedMaps.behind(map, state);
    if (selfLocked.isEmpty() || selfLocked.get().confined()) {
      return Optional.empty();
    }
    // Legacy code uses Hashtable as its everyday map: it counts as shared only if the code locks it somewhere.
    if (!selfLocked.get().kind().deliberate() && !SelfLockedMaps.isLockedSomewhere(selfLocked.get(), state)) {
      return Optional.empty();
    }
    return Optional.of(selfLocked.get().kind().description());
  }

  private static boolean createdHere(VarSymbol local, VisitorState state) {
    List<TreePath> values = Declarations.of(state).assignedValues(local);
    return values.size() == 1 && MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()) instanceof NewClassTree
        || values.size() == 1 && SelfLockedMaps.createdKind((ExpressionTree) values.get(0).getLeaf(), state).isPresent();
  }
}
