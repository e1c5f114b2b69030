package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.MapCopies;
import dev.mapsafe.knowledge.threads.Overlap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.ElementKind;

/**
 * Copy-on-write updates of {@code volatile} map fields ({@code Map copy = new HashMap<>(map); copy.put(k, v);
 * map = copy;}) and the locks that serialize them. Two updates at once each copy the old map, and the later publish
 * drops the earlier one's change, so every update must hold one lock; an update path that lacks the lock all the
 * others hold loses updates. A private helper's update is followed to each call of it. The bytecode engine's
 * counterpart has the same name.
 */
public final class CopyOnWriteUpdates {

  /**
   * An update path without the lock the others hold.
   *
   * @param field the map field
   * @param site where the path starts: the assignment, or the call of the private helper that makes it
   * @param lock the lock the other paths hold, as messages name it
   * @param lockedIn the methods where those paths start, for messages
   */
  public record Unlocked(VarSymbol field, TreePath site, String lock, Set<String> lockedIn) {}

  /** One way an update runs: where it starts, and the locks that protect it there. */
  private record Path(TreePath site, Set<String> locks) {}

  private static final int MAX_DEPTH = 3;
  private static final Context.Key<Map<CompilationUnitTree, List<Unlocked>>> UNLOCKED = new Context.Key<>();

  private CopyOnWriteUpdates() {}

  /**
   * The update paths of this compilation unit that lack the lock every other path of the same field holds (two of
   * them at least), among those of fields updated copy-on-write in at least three paths, that may run while the
   * object is in use.
   */
  public static List<Unlocked> unlocked(VisitorState state) {
    Map<CompilationUnitTree, List<Unlocked>> known = state.context.get(UNLOCKED);
    if (known == null) {
      known = new HashMap<>();
      state.context.put(UNLOCKED, known);
    }
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    List<Unlocked> found = known.get(unit);
    if (found == null) {
      found = find(state);
      known.put(unit, found);
    }
    return found;
  }

  /** The update path starting at {@code site}, when it lacks the lock the others hold. */
  public static Optional<Unlocked> startingAt(TreePath site, VisitorState state) {
    return unlocked(state).stream().filter(u -> u.site().getLeaf() == site.getLeaf()).findFirst();
  }

  private static List<Unlocked> find(VisitorState state) {
    List<Unlocked> found = new ArrayList<>();
    for (VarSymbol field : updatedFields(state)) {
      List<Path> paths = new ArrayList<>();
      for (TreePath update : updates(field, state)) {
        collect(update, state, paths, 0);
      }
      paths.removeIf(p -> !inUse(p.site(), state));
      List<Path> locked = paths.stream().filter(p -> !p.locks().isEmpty()).toList();
      Set<String> common = null;
      for (Path p : locked) {
        common = common == null ? new TreeSet<>(p.locks()) : common;
        common.retainAll(p.locks());
      }
      if (common == null || common.isEmpty() || locked.size() < 2 || locked.size() == paths.size()) {
        continue;
      }
      String lock = common.iterator().next();
      Set<String> lockedIn = new TreeSet<>();
      locked.forEach(p -> lockedIn.add(methodName(p.site())));
      paths.stream().filter(p -> p.locks().isEmpty())
          .forEach(p -> found.add(new Unlocked(field, p.site(), lock, lockedIn)));
    }
    return found;
  }

  /** The volatile map fields some assignment of this unit gives a copy of themselves. */
  private static Set<VarSymbol> updatedFields(VisitorState state) {
    Set<VarSymbol> fields = new java.util.LinkedHashSet<>();
    for (TreePath path : Declarations.of(state).fieldAssignments()) {
      AssignmentTree assignment = (AssignmentTree) path.getLeaf();
      if (ASTHelpers.getSymbol(assignment.getVariable()) instanceof VarSymbol field
          && (field.flags() & Flags.VOLATILE) != 0 && copies(field, assignment.getExpression(), state)) {
        fields.add(field);
      }
    }
    return fields;
  }

  /** The assignments of this unit that give the field a copy of its own map. */
  private static List<TreePath> updates(VarSymbol field, VisitorState state) {
    List<TreePath> updates = new ArrayList<>();
    for (TreePath path : Declarations.of(state).fieldAssignments()) {
      AssignmentTree assignment = (AssignmentTree) path.getLeaf();
      if (field.equals(ASTHelpers.getSymbol(assignment.getVariable()))
          && copies(field, assignment.getExpression(), state)) {
        updates.add(path);
      }
    }
    return updates;
  }

  /** Whether the value is a copy of the field's map read from {@code this} (or static), through one local. */
  private static boolean copies(VarSymbol field, ExpressionTree value, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip(value);
    if (ASTHelpers.getSymbol(tree) instanceof VarSymbol local && local.getKind() == ElementKind.LOCAL_VARIABLE
        && MapIdentity.isEffectivelyFinalLocal(local)) {
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      if (values.size() != 1) {
        return false;
      }
      tree = MapIdentity.strip((ExpressionTree) values.get(0).getLeaf());
    }
    if (!(tree instanceof NewClassTree || tree instanceof MethodInvocationTree)) {
      return false;
    }
    Optional<ApiMethod> api = JavacApi.call(tree, state);
    if (api.isEmpty() || !MapCopies.isShallowCopy(api.get(), JavacApi.hierarchy(state))) {
      return false;
    }
    ExpressionTree source = ShallowCopies.copiedMap(tree, api.get());
    source = source == null ? null : MapIdentity.strip(source);
    return source != null && field.equals(ASTHelpers.getSymbol(source))
        && (field.isStatic() || source instanceof IdentifierTree
            || source instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree self
                && self.getName().contentEquals("this"));
  }

  /** The paths of an update at {@code site}: itself, or each call of its private method. */
  private static void collect(TreePath site, VisitorState state, List<Path> paths, int depth) {
    Set<String> locks = new TreeSet<>();
    CallerLocks.exclusiveProtectingAt(site, state).forEach(l -> locks.add(Races.lockName(l)));
    MethodTree method = ASTHelpers.findEnclosingNode(site, MethodTree.class);
    MethodSymbol sym = method == null ? null : ASTHelpers.getSymbol(method);
    List<TreePath> calls = locks.isEmpty() && depth < MAX_DEPTH && sym != null && sym.isPrivate()
        ? Declarations.of(state).invocations(sym)
        : List.of();
    if (calls.isEmpty()) {
      paths.add(new Path(site, locks));
      return;
    }
    for (TreePath call : calls) {
      collect(call, state, paths, depth + 1);
    }
  }

  /** Whether the code may run while its object is in use: not in construction, nor only in lifecycle methods. */
  private static boolean inUse(TreePath site, VisitorState state) {
    return ThreadReach.direct(site, state).stream()
        .anyMatch(c -> c.kind() != Overlap.Kind.CONSTRUCTION && c.kind() != Overlap.Kind.LIFECYCLE);
  }

  private static String methodName(TreePath site) {
    MethodTree method = ASTHelpers.findEnclosingNode(site, MethodTree.class);
    Symbol sym = method == null ? null : ASTHelpers.getSymbol(method);
    return (sym == null ? "an initializer" : sym.getSimpleName().toString()) + "()";
  }
}
