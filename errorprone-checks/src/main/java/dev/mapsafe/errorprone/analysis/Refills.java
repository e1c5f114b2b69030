package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import java.util.List;
import java.util.Optional;

/**
 * A map cleared and filled again by one method while other methods read it: the new contents replace the old in
 * two steps, and a reader in between finds entries missing that are only being replaced. The bytecode engine's
 * {@code Refills}.
 */
public final class Refills {

  /**
   * A refill of a map field.
   *
   * @param clear the {@code clear()} that starts it
   * @param fill the first write after it in the same method, when it fills the map whole (a putAll, a helper that
   *     puts into the map it is given)
   * @param reader a read in another method that may run in between, with no lock in common
   */
  public record Refill(FieldAccesses.Access clear, FieldAccesses.Access fill, FieldAccesses.Access reader) {}

  private Refills() {}

  /**
   * The refill the {@code clear()} at {@code clear} starts, if any. The map's per-call thread safety is taken as
   * the author's word that threads share it.
   */
  public static Optional<Refill> startedBy(TreePath clear, Symbol field, VisitorState state) {
    Tree method = Races.enclosingMethodOf(clear);
    int at = ASTHelpers.getStartPosition(clear.getLeaf());
    // The fill first, from what the uses do alone: the threads and locks of every use are found only for a refill.
    if (method == null || FieldAccesses.effects(field, state).stream()
        .noneMatch(f -> fills(f.call(), f.effect(), method, at))) {
      return Optional.empty();
    }
    List<FieldAccesses.Access> accesses = FieldAccesses.of(field, state);
    Optional<FieldAccesses.Access> cleared = accesses.stream()
        .filter(a -> a.call().getLeaf() == clear.getLeaf() && isClear(a))
        .findFirst();
    if (cleared.isEmpty() || !Races.runsWhileInUse(cleared.get().contexts())) {
      return Optional.empty();
    }
    Optional<FieldAccesses.Access> fill = accesses.stream()
        .filter(a -> a.kind() == MapEffect.WRITE && !MapApi.mayRemoveEntries(a.effect().fact().name())
            && Races.enclosingMethodOf(a.call()) == method && ASTHelpers.getStartPosition(a.call().getLeaf()) > at)
        .findFirst()
        .filter(a -> fills(a.call(), a.effect(), method, at));
    if (fill.isEmpty()) {
      return Optional.empty();
    }
    return accesses.stream()
        .filter(a -> a.kind() != MapEffect.WRITE && Races.enclosingMethodOf(a.call()) != method
            && Races.mayRace(cleared.get(), a, true, state))
        .findFirst()
        .map(reader -> new Refill(cleared.get(), fill.get(), reader));
  }

  /**
   * Whether a write after the clear in its method puts new contents prepared whole: a {@code putAll}, or a call of a
   * helper that fills the map it is given. Refills by single puts are left out: on real code they were set-up or ran
   * under locks the analysis does not see (locks taken in helpers), see docs/real-code.md.
   */
  private static boolean fills(TreePath call, Effect effect, Tree method, int clearAt) {
    String name = effect.fact().name();
    return effect.kind() == MapEffect.WRITE && Races.enclosingMethodOf(call) == method
        && ASTHelpers.getStartPosition(call.getLeaf()) > clearAt
        && (MapApi.putsAllOf(name) || !(ASTHelpers.getSymbol(call.getLeaf()) instanceof Symbol sym
            && sym.getSimpleName().contentEquals(name)));
  }

  private static boolean isClear(FieldAccesses.Access access) {
    return MapApi.empties(access.effect().fact().name());
  }
}
