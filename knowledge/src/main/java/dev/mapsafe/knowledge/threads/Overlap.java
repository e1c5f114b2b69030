package dev.mapsafe.knowledge.threads;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * When two pieces of code may run at the same time on different threads: the rules both engines apply to
 * the thread contexts they find (tasks, callers, construction), and the inconsistent-locking evidence. The
 * engines find the contexts and the order facts; this class decides.
 */
public final class Overlap {

  /** What kind of thread runs a piece of code. */
  public enum Kind {
    /** Launched onto another thread; may run while its launcher and the class's other methods run. */
    TASK,
    /** Runs on whatever thread calls a non-private method. */
    CALLER,
    /** Runs while the object or class is constructed, before it is shared. */
    CONSTRUCTION,
    /**
     * Runs before or after the object's ordinary use, as a contract orders it ({@link Lifecycles}): never at the
     * same time as its callers, though tasks may still run.
     */
    LIFECYCLE
  }

  /** The context of one access. */
  public interface Side {
    Kind kind();

    /** The launch site (TASK) or the method (CALLER); equal anchors are the same context. */
    Object anchor();

    /** Whether several runs of it may overlap (launched in a loop, repeating, a parallel stream). */
    boolean selfConcurrent();

    /** Whether the launching method waits for the task before it returns. */
    boolean joined();

    /**
     * For a task given to an executor that runs its tasks one at a time ({@code newSingleThreadExecutor()}), that
     * executor (equal for the tasks of one); null otherwise.
     */
    Object serialExecutor();
  }

  /**
   * For a task and the access on the other side: null when that access is not in the task's launching method,
   * TRUE when it surely runs before the launch or after a wait for the task, FALSE when it may run meanwhile.
   */
  public interface LaunchOrder {
    Boolean of(Side task, boolean otherIsWrite);
  }

  private Overlap() {}

  /**
   * Whether a write in context {@code w} and another access in context {@code o} may run at the same time.
   *
   * @param shared whether the class's instances are used by many threads at once (a {@link SharedInstances})
   */
  public static boolean mayOverlap(Side w, Side o, boolean shared, LaunchOrder order) {
    if (w.kind() == Kind.CONSTRUCTION || o.kind() == Kind.CONSTRUCTION) {
      return false;
    }
    if (w.kind() != Kind.TASK && o.kind() != Kind.TASK && (w.kind() == Kind.LIFECYCLE || o.kind() == Kind.LIFECYCLE)) {
      return false;
    }
    if (w.kind() == Kind.TASK && o.kind() == Kind.TASK) {
      if (w.serialExecutor() != null && w.serialExecutor().equals(o.serialExecutor())) {
        return false; // one thread runs them, one after the other
      }
      if (w.anchor().equals(o.anchor())) {
        return w.selfConcurrent();
      }
      return !(w.joined() && o.joined()) || shared;
    }
    if (w.kind() == Kind.TASK) {
      return taskAndCaller(w, order.of(w, false), shared);
    }
    if (o.kind() == Kind.TASK) {
      return taskAndCaller(o, order.of(o, true), shared);
    }
    return shared; // two callers: only a shared instance is called from several threads at once
  }

  private static boolean taskAndCaller(Side task, Boolean ordered, boolean shared) {
    if (ordered != null) {
      return !ordered;
    }
    return !task.joined() || shared;
  }

  /** A race found from inconsistent locking: the access that lacks the lock, and one that holds it. */
  public static final class Inconsistency<A> {
    public final A write;
    public final A other;
    /** Which of the two lacks the lock (where to report). */
    public final A unlocked;

    Inconsistency(A write, A other, A unlocked) {
      this.write = write;
      this.other = other;
      this.unlocked = unlocked;
    }
  }

  /**
   * Some accesses hold a lock, so the author treats the map as shared: an unlocked write races with a locked
   * access, or an unlocked read with a locked write. Unlocked traversals are left to UnlockedMapIteration
   * (catalog rule 2), so only plain reads count. Accesses during construction are ignored by {@code shared}.
   */
  public static <A> Optional<Inconsistency<A>> inconsistentLocking(
      List<A> accesses, Predicate<A> locked, Predicate<A> write, Predicate<A> plainRead, Predicate<A> shared) {
    A anyLocked = null;
    for (A a : accesses) {
      if (locked.test(a) && shared.test(a)) {
        anyLocked = a;
        break;
      }
    }
    if (anyLocked == null) {
      return Optional.empty();
    }
    for (A a : accesses) {
      if (write.test(a) && !locked.test(a) && shared.test(a)) {
        return Optional.of(new Inconsistency<>(a, anyLocked, a));
      }
    }
    for (A w : accesses) {
      if (!write.test(w) || !locked.test(w) || !shared.test(w)) {
        continue;
      }
      for (A r : accesses) {
        if (plainRead.test(r) && !locked.test(r) && shared.test(r)) {
          return Optional.of(new Inconsistency<>(w, r, r));
        }
      }
    }
    return Optional.empty();
  }
}
