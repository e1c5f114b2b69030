package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.errorprone.analysis.FieldAccesses.Access;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.Overlap.Kind;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.threads.SharedInstances;
import dev.mapsafe.knowledge.threads.Guards;
import dev.mapsafe.knowledge.threads.SharedMaps;
import com.sun.source.tree.MethodInvocationTree;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Whether two accesses of a field's map may run at the same time on different threads with no lock held in
 * common, and at least one of them writes: from the thread contexts of {@link ThreadReach} (a task and the
 * code that may run while it runs; a task that overlaps itself; the methods of a shared instance), ordered by
 * what is known of happens-before (code before the launch, or after a wait for the task, in the launching
 * method), or from inconsistent locking (the code locks some accesses, so it treats the map as shared).
 */
public final class Races {

  /**
   * A race.
   *
   * @param write the write
   * @param other the conflicting access
   * @param writeContext the thread of the write
   * @param otherContext the thread of the other access
   * @param lockedElsewhere the lock held at some accesses when the evidence is inconsistent locking, else null
   */
  public record Race(
      Access write, Access other, ThreadReach.Context writeContext, ThreadReach.Context otherContext,
      GuardedByExpression lockedElsewhere) {
    /** Where to report: the access that lacks the lock when only one of the two holds one, else the write. */
    public Access reportAt() {
      return !write.locks().isEmpty() && other.locks().isEmpty() ? other : write;
    }

    /** Whether threads were seen (a task, a parallel stream, a shared instance), not only inconsistent locking. */
    public boolean threadsSeen() {
      return lockedElsewhere == null;
    }
  }

  private static final Context.Key<Map<Symbol, Optional<Race>>> CACHE = new Context.Key<>();

  private Races() {}

  /** The first race on the map in {@code field} in this file, computed once per compilation. */
  public static Optional<Race> on(VarSymbol field, VisitorState state) {
    Map<Symbol, Optional<Race>> cache = state.context.get(CACHE);
    if (cache == null) {
      cache = new HashMap<>();
      state.context.put(CACHE, cache);
    }
    Optional<Race> known = cache.get(field);
    if (known == null) {
      known = find(field, state);
      cache.put(field, known);
    }
    return known;
  }

  private static Optional<Race> find(VarSymbol field, VisitorState state) {
    List<Access> accesses = new ArrayList<>(FieldAccesses.of(field, state));
    // A size() or isEmpty() racing with a write reads an old or a new count: a hint, no corruption.
    accesses.removeIf(a -> a.kind() == MapEffect.READ && MapApi.readsOnlyTheCount(a.effect().fact().name()));
    accesses.sort(Comparator.comparingInt(a -> ASTHelpers.getStartPosition(a.call().getLeaf())));
    accesses.removeIf(a -> isFastPathHint(a, accesses));
    SharedMaps.Sharing sharing = sharing(field, state);
    boolean shared = sharing != null;
    boolean onlyWritesOnUse = shared && sharing.onlyWritesOnUse();
    // A race with another access names more of the evidence than a write racing with itself: try those first.
    for (boolean sameSiteToo : new boolean[] {false, true}) {
      for (Access write : accesses) {
        if (write.kind() != MapEffect.WRITE) {
          continue;
        }
        for (ThreadReach.Context wc : write.contexts()) {
          for (Access other : accesses) {
            if (other == write && !sameSiteToo) {
              continue;
            }
            for (ThreadReach.Context oc : other.contexts()) {
              if (onlyWritesOnUse && wc.kind() == Kind.CALLER && oc.kind() == Kind.CALLER
                  && !writesOnUse(write, accesses, state)) {
                continue;
              }
              if (concurrent(write, wc, other, oc, shared, state) && !commonLock(write, other)) {
                return Optional.of(new Race(write, other, wc, oc, null));
              }
            }
          }
        }
      }
    }
    return inconsistentLocking(accesses);
  }

  /**
   * Whether a write and another access of a map may run at the same time with no lock in common.
   *
   * @param shared whether the class's instances are used by many threads at once
   */
  public static boolean mayRace(Access write, Access other, boolean shared, VisitorState state) {
    if (commonLock(write, other)) {
      return false;
    }
    for (ThreadReach.Context wc : write.contexts()) {
      for (ThreadReach.Context oc : other.contexts()) {
        if (concurrent(write, wc, other, oc, shared, state)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Optional<Race> inconsistentLocking(List<Access> accesses) {
    return Overlap.inconsistentLocking(
            accesses,
            a -> !a.locks().isEmpty(),
            a -> a.kind() == MapEffect.WRITE,
            a -> a.kind() == MapEffect.READ,
            Races::runsWhileInUse)
        .filter(found -> !commonLock(found.write, found.other))
        .map(found -> {
          Access locked = found.unlocked == found.write ? found.other : found.write;
          return new Race(found.write, found.other, found.write.contexts().get(0), found.other.contexts().get(0),
              locked.locks().iterator().next());
        });
  }

  /**
   * An unlocked read that the same method follows with an access of the map under a lock: a fast path whose miss
   * falls back to the locked code, which looks again (double-checked). It reads a stale answer at worst.
   */
  private static boolean isFastPathHint(Access read, List<Access> all) {
    if (read.kind() != MapEffect.READ || !read.locks().isEmpty()) {
      return false;
    }
    Tree method = enclosingMethodOf(read.call());
    int at = ASTHelpers.getStartPosition(read.call().getLeaf());
    return method != null && all.stream().anyMatch(a -> !a.locks().isEmpty()
        && enclosingMethodOf(a.call()) == method && ASTHelpers.getStartPosition(a.call().getLeaf()) > at);
  }

  /** The method or lambda a path runs in: accesses in one of them run in one sequence. */
  public static Tree enclosingMethodOf(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree || p.getLeaf() instanceof LambdaExpressionTree) {
        return p.getLeaf();
      }
    }
    return null;
  }

  /**
   * Whether an access runs while the object is in use: not during construction, and not only in lifecycle methods
   * (a lock there is no evidence of sharing, and its absence no race).
   */
  public static boolean runsWhileInUse(List<ThreadReach.Context> contexts) {
    return !contexts.isEmpty() && contexts.stream().noneMatch(c -> c.kind() == Kind.CONSTRUCTION)
        && contexts.stream().anyMatch(c -> c.kind() != Kind.LIFECYCLE);
  }

  private static boolean runsWhileInUse(Access a) {
    return runsWhileInUse(a.contexts());
  }

  /** Whether a task (a thread the code launches) writes the field's map: it may run during lifecycle methods too. */
  public static boolean writtenByTask(VarSymbol field, VisitorState state) {
    return FieldAccesses.of(field, state).stream().anyMatch(a -> a.kind() == MapEffect.WRITE
        && a.contexts().stream().anyMatch(c -> c.kind() == Kind.TASK));
  }

  private static boolean commonLock(Access a, Access b) {
    Set<String> common = new HashSet<>();
    a.protection().forEach(l -> common.add(lockName(l)));
    return b.protection().stream().anyMatch(l -> common.contains(lockName(l)));
  }

  /**
   * A lock as the code names it: a field of the enclosing instance reached from an inner class
   * ({@code Outer.this.lock}) is the same lock as {@code this.lock} in the outer class.
   */
  public static String lockName(GuardedByExpression lock) {
    String name = lock.toString();
    // Outer.this in an inner class is taken as the outer class's own this (an inner class's own monitor is rarely
    // what its methods lock; when it is, a common lock is assumed, which can only hide a race).
    return name.matches("([A-Za-z_$][\\w$]*\\.)+this") ? "this"
        : name.replaceFirst("^([A-Za-z_$][\\w$]*\\.)*this\\.", "");
  }

  private static boolean concurrent(
      Access w, ThreadReach.Context wc, Access o, ThreadReach.Context oc, boolean shared, VisitorState state) {
    return Overlap.mayOverlap(wc, oc, shared, (task, otherIsWrite) -> {
      Access other = otherIsWrite ? w : o;
      if (!ThreadReach.inLauncher((ThreadReach.Context) task, other.call())) {
        // The object's other methods that first wait (its completion latch, a future) run after its callbacks.
        return ((ThreadReach.Context) task).callback() && ThreadReach.waitedBefore(other.call(), state) ? true : null;
      }
      return ASTHelpers.getStartPosition(other.call().getLeaf())
              < ASTHelpers.getStartPosition(((ThreadReach.Context) task).anchor())
          || ThreadReach.waitedBetween((ThreadReach.Context) task, other.call(), state);
    });
  }

  /**
   * Whether a write is made as the map is used: it reads its entry, or its method read the map before it, or
   * the method that calls it read the map before the call (a miss that a private helper fills).
   */
  private static boolean writesOnUse(Access write, List<Access> all, VisitorState state) {
    return SharedMaps.writesOnUse(write.effect().fact().name(),
        readBefore(write.call(), all, new HashSet<>(), state));
  }

  /** Whether the map is read in the method of {@code at} before it, or before a call that reaches it there. */
  private static boolean readBefore(TreePath at, List<Access> all, Set<MethodSymbol> seen, VisitorState state) {
    Tree method = enclosingMethodOf(at);
    int position = ASTHelpers.getStartPosition(at.getLeaf());
    if (method == null) {
      return false;
    }
    if (all.stream().anyMatch(a -> a.kind() != MapEffect.WRITE
        && enclosingMethodOf(a.call()) == method && ASTHelpers.getStartPosition(a.call().getLeaf()) < position)) {
      return true;
    }
    if (!(method instanceof MethodTree)) {
      return false;
    }
    MethodSymbol symbol = ASTHelpers.getSymbol((MethodTree) method);
    if (symbol == null || !symbol.getModifiers().contains(Modifier.PRIVATE)
        || seen.size() > SharedMaps.HELPER_DEPTH || !seen.add(symbol)) {
      return false;
    }
    return Declarations.of(state).invocations(symbol).stream().anyMatch(call -> readBefore(call, all, seen, state));
  }

  /**
   * Why many threads use the field's map at once though none is visible: its class's instances are shared
   * ({@link SharedInstances}, or one is held in a static field) or the map itself is ({@link SharedMaps}); null
   * when neither.
   */
  public static SharedMaps.Sharing sharing(VarSymbol field, VisitorState state) {
    String instances = sharedBy(field, state);
    if (instances != null) {
      return SharedMaps.Sharing.instances(instances);
    }
    String singleton = field.isStatic() ? null : heldStatically(field, state);
    if (singleton != null) {
      return SharedMaps.Sharing.heldStatically(singleton);
    }
    Map.Entry<String, String> registry =
        field.isStatic() || !(field.owner instanceof ClassSymbol cls) ? null : registryOf(cls, state);
    if (registry != null) {
      return SharedMaps.Sharing.registryValue(registry.getKey(), registry.getValue());
    }
    Map.Entry<String, String> kept =
        field.isStatic() || !(field.owner instanceof ClassSymbol owner) ? null : keptByShared(owner, state, 0);
    if (kept != null) {
      return SharedMaps.Sharing.keptBy(kept.getKey(), kept.getValue());
    }
    boolean keyedByThread = FieldAccesses.of(field, state).stream()
        .anyMatch(a -> a.call().getLeaf() instanceof MethodInvocationTree call && !call.getArguments().isEmpty()
            && ThreadIdentity.identifiesCurrentThread(call.getArguments().get(0), state));
    boolean typeMetadata = !field.isStatic() && field.owner instanceof ClassSymbol owner
        && JavacApi.declaredKeyClass(field, state).map(SharedMaps::keyedByType).orElse(false)
        && JavacApi.othersFinal(field, state) && !Declarations.ofCompilation(state).makes(owner, state);
    return SharedMaps.of(field.isStatic(), MapImplementations.of(field, state).orElse(List.of()), keyedByThread,
            typeMetadata,
            Guards.viewsAreItsContract(JavacApi.binaryName(field.owner.type, state.getTypes()), JavacApi.hierarchy(state)),
            JavacApi.hierarchy(state))
        .map(SharedMaps.Sharing::of)
        .orElse(null);
  }

  /**
   * A static field, of this file or the field's, that holds an instance of the field's class (or a subclass),
   * as {@code Owner.NAME}; or null.
   */
  private static String heldStatically(VarSymbol field, VisitorState state) {
    return field.owner instanceof ClassSymbol owner ? held(owner, field, true, state) : null;
  }

  /** A field (static or not), of this file or the one declaring {@code near}, that holds an instance of the class. */
  private static String held(ClassSymbol cls, Symbol near, boolean statics, VisitorState state) {
    for (Declarations declarations : List.of(Declarations.of(state), Declarations.declaring(near, state))) {
      Map<VarSymbol, Symbol.TypeSymbol> fields =
          statics ? declarations.staticallyHeld(state) : declarations.keptInFields(state);
      for (Map.Entry<VarSymbol, Symbol.TypeSymbol> held : fields.entrySet()) {
        if (held.getValue() == cls
            || (held.getValue() instanceof ClassSymbol c && c.isSubClass(cls, state.getTypes()))) {
          return held.getKey().owner.getSimpleName() + "." + held.getKey().getSimpleName();
        }
      }
    }
    return null;
  }

  /**
   * An instance field, of this file or the class's, given an instance of the class (made with {@code new}, or
   * handed to the constructor: {@link Declarations#keptInFields}) by an object that is itself
   * shared by its kind (not by a static field: a default instance kept statically is mostly read, and two weak
   * steps make no evidence), with what shares that object (a few owners deep); or null. The bytecode engine's
   * counterpart looks over the whole jar.
   */
  private static Map.Entry<String, String> keptByShared(ClassSymbol cls, VisitorState state, int depth) {
    if (depth > 2) {
      return null;
    }
    for (Declarations declarations : List.of(Declarations.of(state), Declarations.declaring(cls, state))) {
      for (Map.Entry<VarSymbol, Symbol.TypeSymbol> held : declarations.keptInFields(state).entrySet()) {
        if (!(held.getKey().owner instanceof ClassSymbol owner) || owner == cls
            || !(held.getValue() == cls
                || (held.getValue() instanceof ClassSymbol c && c.isSubClass(cls, state.getTypes())))) {
          continue;
        }
        String ownerSharedBy = sharedBy(owner, state);
        Map.Entry<String, String> registry = ownerSharedBy == null ? registryOf(owner, state) : null;
        if (registry != null) {
          ownerSharedBy = SharedInstances.registryValue(registry.getKey(), registry.getValue());
        }
        if (ownerSharedBy == null) {
          Map.Entry<String, String> outer = keptByShared(owner, state, depth + 1);
          ownerSharedBy = outer == null ? null : SharedInstances.keptBy(outer.getKey(), outer.getValue());
        }
        if (ownerSharedBy != null) {
          return Map.entry(owner.getSimpleName() + "." + held.getKey().getSimpleName(), ownerSharedBy);
        }
      }
    }
    return null;
  }

  /**
   * A map field, of this file or the class's, whose values include new instances of the class (or a subclass),
   * whose writes all hold one lock ({@link MapGuards}), and whose class hands such instances out (a non-private
   * method returns the class or a supertype other than {@code Object}), as {@code Owner.NAME} with that lock's name;
   * or null ({@link SharedInstances#registryValue}). The bytecode engine's counterpart looks over the whole jar.
   */
  private static Map.Entry<String, String> registryOf(ClassSymbol cls, VisitorState state) {
    for (Declarations declarations : List.of(Declarations.of(state), Declarations.declaring(cls, state))) {
      for (Map.Entry<VarSymbol, Set<Symbol.TypeSymbol>> values
          : declarations.mapValuesMadeNew(state).entrySet()) {
        VarSymbol registry = values.getKey();
        for (Symbol.TypeSymbol value : values.getValue()) {
          if (!(value == cls || (value instanceof ClassSymbol c && c.isSubClass(cls, state.getTypes())))
              || !handsOut(registry.owner, value, state)) {
            continue;
          }
          Optional<MapGuards.Guard> guard = MapGuards.of(registry, state);
          if (guard.isPresent()) {
            return Map.entry(registry.owner.getSimpleName() + "." + registry.getSimpleName(), guard.get().lock());
          }
        }
      }
    }
    return null;
  }

  /** Whether a non-private method of the class returns the value's class or a supertype other than Object. */
  private static boolean handsOut(Symbol owner, Symbol.TypeSymbol value, VisitorState state) {
    for (Symbol member : owner.getEnclosedElements()) {
      if (member instanceof MethodSymbol method && !method.isPrivate() && !method.isConstructor()) {
        Symbol.TypeSymbol returned = method.getReturnType().tsym;
        if (returned instanceof ClassSymbol r && !r.getQualifiedName().contentEquals("java.lang.Object")
            && (returned == value || (value instanceof ClassSymbol v && v.isSubClass(r, state.getTypes())))) {
          return true;
        }
      }
    }
    return false;
  }

  /** What makes the instances of the field's class shared by many threads, or null. */
  private static String sharedBy(VarSymbol field, VisitorState state) {
    return field.owner instanceof ClassSymbol owner ? sharedBy(owner, state) : null;
  }

  /** What makes the instances of a class shared by many threads, or null. */
  private static String sharedBy(ClassSymbol owner, VisitorState state) {
    List<String> annotations = new ArrayList<>();
    String scope = null;
    for (Attribute.Compound a : owner.getAnnotationMirrors()) {
      String name = ((ClassSymbol) a.type.tsym).flatName().toString();
      annotations.add(name);
      if (name.equals(SharedInstances.SPRING_SCOPE)) {
        scope = a.getElementValues().values().stream().map(Object::toString).findFirst().orElse("");
      }
    }
    return SharedInstances.sharedBy(owner.flatName().toString(), annotations, scope, JavacApi.hierarchy(state));
  }
}
