package dev.mapsafe.knowledge.threads;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The locks held whenever a method runs, from what its callers hold: a helper every caller calls under a lock
 * runs under it, however many helpers deep and through recursion. Each engine describes its call graph (which
 * methods it sees every caller of, and each call with the locks held at it); this solves the greatest fixpoint
 * of "the locks held at every call, with those held when the calling method runs", lazily, once per method.
 *
 * <p>A call made while the object is being constructed (or a class initialised) constrains nothing: nothing
 * else can reach the object yet. A method all of whose calls are such calls runs only during construction: it
 * needs no lock, and its entry is "any" (top) for the methods it calls, but no lock for itself. A method whose
 * callers the engine cannot all see, or that has no call at all (reflection, an override dispatched from
 * elsewhere), holds no lock on entry.
 *
 * <p>A method that code outside the module may call too ({@link Callers#MODULE_USE}: public or protected, overriding
 * only methods of the module) takes the calls the module makes of it as its contract: when each of them holds a
 * lock, the method is one meant to be called with the lock held (the maintainer calls it only so), as a helper is.
 * It needs at least one such call after construction: one the module never makes says nothing of how it is called.
 *
 * @param <M> a method of the engine
 * @param <L> a lock name
 */
public final class EntryLocks<M, L> {

  /** One way a method is run: a call in {@code caller} with {@code held} held there, by the caller itself. */
  public static final class Call<M, L> {
    final M caller;
    final Set<L> held;
    final boolean construction;

    private Call(M caller, Set<L> held, boolean construction) {
      this.caller = caller;
      this.held = held;
      this.construction = construction;
    }

    /**
     * A call made in {@code caller} with {@code held} held at it (the caller's own locks); a null caller is code
     * whose own callers are unknown (a lambda that may run later), so only {@code held} is known.
     */
    public static <M, L> Call<M, L> from(M caller, Set<L> held) {
      return new Call<>(caller, held, false);
    }

    /** A call made while the object or class is built: it constrains nothing. */
    public static <M, L> Call<M, L> duringConstruction() {
      return new Call<>(null, Set.of(), true);
    }

    /** A run the engine cannot place (code handed out to be run anywhere): no lock is known to be held. */
    public static <M, L> Call<M, L> anywhere() {
      return new Call<>(null, Set.of(), false);
    }
  }

  /** Which calls of a method the engine sees, and what they stand for. */
  public enum Callers {
    /** Every call is visible: a private method; in a closed world (the jar, a package compiled whole), more. */
    ALL,
    /**
     * Code outside the module may call it as well, but the module's own calls stand for its use: a public or
     * protected method that overrides only methods of the module (none that outside code dispatches to it).
     */
    MODULE_USE,
    /** Nothing is known of its callers. */
    UNKNOWN
  }

  /** The engine's call graph. */
  public interface Graph<M, L> {
    /** Which calls of the method are visible. */
    Callers callers(M method);

    /** Every call (and other run) the engine sees of a method whose callers are not {@link Callers#UNKNOWN}. */
    List<Call<M, L>> callsOf(M method);
  }

  private final Graph<M, L> graph;
  /** Solved entries; a null value is top: the method runs only while its object is built. */
  private final Map<M, Set<L>> solved = new HashMap<>();
  /** Who may call each method asked about: finding out walks the method's supertypes, so once per method. */
  private final Map<M, Callers> callers = new HashMap<>();

  public EntryLocks(Graph<M, L> graph) {
    this.graph = graph;
  }

  /** The locks every run of the method holds on entry (empty when unknown or when it runs only in construction). */
  public Set<L> of(M method) {
    Set<L> entry = entry(method);
    return entry == null ? Set.of() : entry;
  }

  private Set<L> entry(M method) {
    if (callers(method) == Callers.UNKNOWN) {
      return Set.of();
    }
    if (!solved.containsKey(method)) {
      solve(method);
    }
    return solved.get(method);
  }

  private Callers callers(M method) {
    return callers.computeIfAbsent(method, graph::callers);
  }

  /** Solves the method and every method with visible callers it is reached from, from top down to the fixpoint. */
  private void solve(M root) {
    Map<M, List<Call<M, L>>> calls = new HashMap<>();
    Set<M> pending = new LinkedHashSet<>();
    Deque<M> work = new ArrayDeque<>(List.of(root));
    while (!work.isEmpty()) {
      M method = work.pop();
      Callers callers = callers(method);
      if (solved.containsKey(method) || pending.contains(method) || callers == Callers.UNKNOWN) {
        continue;
      }
      pending.add(method);
      List<Call<M, L>> runs = graph.callsOf(method);
      if (callers == Callers.MODULE_USE && runs.stream().allMatch(run -> run.construction)) {
        runs = List.of(Call.anywhere()); // the module never calls it once built: outside code may, holding nothing
      }
      calls.put(method, runs);
      for (Call<M, L> call : runs) {
        if (call.caller != null) {
          work.push(call.caller);
        }
      }
    }
    Map<M, Set<L>> current = new HashMap<>();
    pending.forEach(m -> current.put(m, null));
    boolean changed = true;
    while (changed) {
      changed = false;
      for (M method : pending) {
        Set<L> next = meet(calls.get(method), current);
        if (!same(next, current.get(method))) {
          current.put(method, next);
          changed = true;
        }
      }
    }
    solved.putAll(current);
  }

  /** The locks held at every run, with those held wherever its caller runs; null (top) when all runs are construction. */
  private Set<L> meet(List<Call<M, L>> runs, Map<M, Set<L>> current) {
    if (runs.isEmpty()) {
      return Set.of(); // no visible call: reflection, an override, dead code; nothing is known
    }
    Set<L> common = null;
    for (Call<M, L> run : runs) {
      if (run.construction) {
        continue;
      }
      Set<L> callerEntry = run.caller == null ? Set.of()
          : current.containsKey(run.caller) ? current.get(run.caller) : entry(run.caller);
      if (run.caller != null && callerEntry == null) {
        continue; // the caller runs only in construction, or its value is still top in this round
      }
      Set<L> held = new HashSet<>(run.held);
      held.addAll(callerEntry);
      if (common == null) {
        common = held;
      } else {
        common.retainAll(held);
      }
    }
    return common == null ? null : Set.copyOf(common);
  }

  private static <L> boolean same(Set<L> a, Set<L> b) {
    return a == null ? b == null : a.equals(b);
  }
}
