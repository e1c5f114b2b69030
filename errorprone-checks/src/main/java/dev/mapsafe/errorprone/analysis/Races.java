package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.util.ASTHelpers;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.errorprone.analysis.FieldAccesses.Access;
import dev.mapsafe.errorprone.analysis.ThreadReach.Kind;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.threads.SharedInstances;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
    /** Where to report: the write, or, for inconsistent locking, the access that lacks the lock. */
    public Access reportAt() {
      return lockedElsewhere != null && !write.locks().isEmpty() ? other : write;
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
    accesses.sort(Comparator.comparingInt(a -> ASTHelpers.getStartPosition(a.call().getLeaf())));
    String sharedBy = sharedBy(field, state);
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
              if (concurrent(write, wc, other, oc, sharedBy, state) && !commonLock(write, other)) {
                return Optional.of(new Race(write, other, wc, oc, null));
              }
            }
          }
        }
      }
    }
    return inconsistentLocking(accesses);
  }

  /** An unlocked write, or an unlocked read of a map written under a lock, where other accesses hold a lock. */
  private static Optional<Race> inconsistentLocking(List<Access> accesses) {
    Access locked = null;
    for (Access a : accesses) {
      if (!a.locks().isEmpty() && shared(a)) {
        locked = a;
        break;
      }
    }
    if (locked == null) {
      return Optional.empty();
    }
    GuardedByExpression lock = locked.locks().iterator().next();
    for (Access a : accesses) {
      if (a.kind() == MapEffect.WRITE && a.locks().isEmpty() && shared(a)) {
        return Optional.of(new Race(a, locked, a.contexts().get(0), locked.contexts().get(0), lock));
      }
    }
    for (Access write : accesses) {
      if (write.kind() != MapEffect.WRITE || write.locks().isEmpty() || !shared(write)) {
        continue;
      }
      for (Access read : accesses) {
        // Unlocked traversals of a map whose writes are all locked are UnlockedMapIteration's (catalog rule 2).
        if (read.kind() == MapEffect.READ && read.locks().isEmpty() && shared(read)) {
          return Optional.of(new Race(write, read, write.contexts().get(0), read.contexts().get(0), lock));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean shared(Access a) {
    return !a.contexts().isEmpty() && a.contexts().stream().noneMatch(c -> c.kind() == Kind.CONSTRUCTION);
  }

  private static boolean commonLock(Access a, Access b) {
    Set<String> common = new HashSet<>();
    a.locks().forEach(l -> common.add(lockName(l)));
    return b.locks().stream().anyMatch(l -> common.contains(lockName(l)));
  }

  /**
   * A lock as the code names it: a field of the enclosing instance reached from an inner class
   * ({@code Outer.this.lock}) is the same lock as {@code this.lock} in the outer class.
   */
  public static String lockName(GuardedByExpression lock) {
    return lock.toString().replaceFirst("^([A-Za-z_$][\\w$]*\\.)*this\\.", "");
  }

  private static boolean concurrent(
      Access w, ThreadReach.Context wc, Access o, ThreadReach.Context oc, String sharedBy, VisitorState state) {
    if (wc.kind() == Kind.CONSTRUCTION || oc.kind() == Kind.CONSTRUCTION) {
      return false;
    }
    if (wc.kind() == Kind.TASK && oc.kind() == Kind.TASK) {
      if (wc.anchor() == oc.anchor()) {
        return wc.selfConcurrent();
      }
      return !(wc.joined() && oc.joined()) || sharedBy != null;
    }
    if (wc.kind() == Kind.TASK) {
      return taskAndCaller(wc, o, sharedBy, state);
    }
    if (oc.kind() == Kind.TASK) {
      return taskAndCaller(oc, w, sharedBy, state);
    }
    return sharedBy != null; // two callers: only a shared instance is called from several threads at once
  }

  private static boolean taskAndCaller(ThreadReach.Context task, Access caller, String sharedBy, VisitorState state) {
    if (ThreadReach.inLauncher(task, caller.call())) {
      return ASTHelpers.getStartPosition(caller.call().getLeaf()) > ASTHelpers.getStartPosition(task.anchor())
          && !ThreadReach.waitedBetween(task, caller.call(), state);
    }
    return !task.joined() || sharedBy != null;
  }

  /** What makes the instances of the field's class shared by many threads, or null. */
  public static String sharedBy(VarSymbol field, VisitorState state) {
    if (!(field.owner instanceof ClassSymbol owner)) {
      return null;
    }
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
