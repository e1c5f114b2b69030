package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.threads.Guards;
import dev.mapsafe.knowledge.threads.Overlap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * Which lock guards a map field ({@link Guards}): the lock its {@code @GuardedBy} names, or the one lock held
 * at every write after construction ({@link FieldAccesses}, {@link HeldLocks}). Only maps that need a lock
 * have one: concurrent maps, synchronized wrappers and immutable maps are not guarded, nor are volatile fields
 * (published snapshots, MutatedMapSnapshot's) or maps never written after construction.
 */
public final class MapGuards {

  /**
   * A guard.
   *
   * @param lock the lock's simple name ({@code lock}, {@code this})
   * @param evidence why it guards the map ({@code @GuardedBy}, {@code held at every write})
   * @param writes the writes of the map after construction
   */
  public record Guard(String lock, String evidence, List<FieldAccesses.Access> writes) {
    /** For messages: {@code lock (held at every write)}. */
    public String describe() {
      return lock + " (" + evidence + ")";
    }

    /** Whether one of these locks is this guard's. */
    public boolean heldAmong(Set<GuardedByExpression> locks) {
      return locks.stream().anyMatch(l -> simpleName(l).equals(lock));
    }
  }

  private static final Context.Key<Map<Symbol, Optional<Guard>>> CACHE = new Context.Key<>();

  private MapGuards() {}

  /** The guard of the map in a field, computed once per compilation. */
  public static Optional<Guard> of(Symbol field, VisitorState state) {
    if (!(field instanceof VarSymbol var) || var.getKind() != ElementKind.FIELD) {
      return Optional.empty();
    }
    Map<Symbol, Optional<Guard>> cache = state.context.get(CACHE);
    if (cache == null) {
      cache = new HashMap<>();
      state.context.put(CACHE, cache);
    }
    Optional<Guard> known = cache.get(field);
    if (known == null) {
      known = compute(var, state);
      cache.put(field, known);
    }
    return known;
  }

  private static Optional<Guard> compute(VarSymbol field, VisitorState state) {
    if ((field.flags() & Flags.VOLATILE) != 0) {
      return Optional.empty();
    }
    Optional<String> annotated = guardedBy(field, field.getSimpleName().toString());
    // An annotation is the author's word even when the map's class is unknown.
    if (!needsLock(field, state)
        && (annotated.isEmpty() || MapImplementations.of(field, state).isPresent() || republished(field, state))) {
      return Optional.empty();
    }
    List<FieldAccesses.Access> writes = writesWhileInUse(field, state);
    return Guards.of(annotated, field.getSimpleName().toString(), writes, MapGuards::simpleNames)
        .map(g -> new Guard(g.lock(), g.evidence(), writes));
  }

  /** Whether the field's map needs a lock for concurrent use ({@link Guards#needsLock}). */
  public static boolean needsLock(VarSymbol field, VisitorState state) {
    List<String> stored = new ArrayList<>();
    for (TreePath value : MapImplementations.assignedBranches(field, state)) {
      Symbol sym = ASTHelpers.getSymbol(MapIdentity.strip((ExpressionTree) value.getLeaf()));
      stored.add(sym != null && sym.getKind() == ElementKind.PARAMETER ? Guards.CALLERS_MAP
          : MapImplementations.madeBy((ExpressionTree) value.getLeaf(), state).orElse(null));
    }
    return Guards.needsLock(MapImplementations.of(field, state), stored, republished(field, state),
        JavacApi.binaryName(field.type, state.getTypes()), (field.flags() & (Flags.PRIVATE | Flags.FINAL)) != 0,
        JavacApi.hierarchy(state));
  }

  /** Whether a method (not a constructor) stores into the field a map that is neither new nor a parameter. */
  private static boolean republished(VarSymbol field, VisitorState state) {
    for (TreePath value : MapImplementations.assignedBranches(field, state)) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
      Symbol sym = ASTHelpers.getSymbol(tree);
      MethodTree method = ASTHelpers.findEnclosingNode(value, MethodTree.class);
      Symbol methodSym = method == null ? null : ASTHelpers.getSymbol(method);
      if (methodSym != null && !((Symbol.MethodSymbol) methodSym).isConstructor()
          && MapImplementations.madeBy(tree, state).isEmpty() && !(sym != null && sym.getKind() == ElementKind.PARAMETER)
          && tree.getKind() != com.sun.source.tree.Tree.Kind.NULL_LITERAL) {
        return true;
      }
    }
    return false;
  }

  /**
   * The writes of a field's map that may run while its object is in use: not those of its construction, nor those
   * only in methods a contract orders with its use (set-up, tear-down, test hooks: {@code Overlap.Kind.LIFECYCLE}).
   * A map written only there needs no lock, and a lock every other write holds guards it.
   */
  public static List<FieldAccesses.Access> writesWhileInUse(VarSymbol field, VisitorState state) {
    List<FieldAccesses.Access> writes = new ArrayList<>();
    for (FieldAccesses.Access a : FieldAccesses.of(field, state)) {
      if (a.kind() == MapEffect.WRITE && a.contexts().stream()
          .anyMatch(c -> c.kind() != Overlap.Kind.CONSTRUCTION && c.kind() != Overlap.Kind.LIFECYCLE)) {
        writes.add(a);
      }
    }
    return writes;
  }

  /** The lock a {@code @GuardedBy} on the field names. */
  private static Optional<String> guardedBy(Symbol sym, String fieldName) {
    for (Attribute.Compound a : sym.getAnnotationMirrors()) {
      if (Guards.isGuardedBy(((ClassSymbol) a.type.tsym).flatName().toString())) {
        for (Attribute value : a.getElementValues().values()) {
          Object v = value.getValue();
          String text = v instanceof List<?> list && !list.isEmpty() ? String.valueOf(((Attribute) list.get(0)).getValue())
              : String.valueOf(v);
          return Guards.lockNamedBy(text, fieldName);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the guard's lock protects a point: in any mode (a read lock keeps writers out), by a lock region
   * there or at every call of its method ({@link CallerLocks#protectingAt}), or by a {@code @GuardedBy} contract.
   */
  public static boolean holds(Guard guard, TreePath path, VisitorState state) {
    return guard.heldAmong(CallerLocks.protectingAt(path, state));
  }

  /** The locks held at an access, by simple name; locks of one call ({@link Guards#isPerCallLock}) left out. */
  private static Set<String> simpleNames(FieldAccesses.Access access) {
    Set<String> names = new HashSet<>();
    for (GuardedByExpression lock : access.locks()) {
      Symbol sym = lock.sym();
      boolean local = sym != null
          && (sym.getKind() == ElementKind.LOCAL_VARIABLE || sym.getKind() == ElementKind.PARAMETER);
      if (!Guards.isPerCallLock(simpleName(lock), local)) {
        names.add(simpleName(lock));
      }
    }
    return names;
  }

  private static String simpleName(GuardedByExpression lock) {
    String name = Races.lockName(lock);
    return name.substring(name.lastIndexOf('.') + 1);
  }
}
