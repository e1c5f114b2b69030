package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.threads.EntryLocks;
import dev.mapsafe.knowledge.threads.Exposure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * The locks held at a point ({@link HeldLocks}) with those every caller of its method holds when it runs
 * ({@link EntryLocks}) when the compilation holds every call of it ({@link Exposure#callableOnlyInModule}: private
 * methods; package-private ones, and public ones of a private class, of a package the compilation compiles whole),
 * or, for a public or protected method that overrides only methods compiled here, the compilation's own calls of it
 * ({@link EntryLocks.Callers#MODULE_USE}), through any number of helpers; construction of the method's own class constrains nothing. The Error Prone
 * counterpart of the bytecode engine's {@code CallerLocks}.
 */
public final class CallerLocks {
  /**
   * The solved entry locks of one compilation: exclusive and any mode, without and with the compilation's calls of
   * public methods ({@link EntryLocks.Callers#MODULE_USE}).
   */
  private static final Context.Key<EntryLocks<MethodSymbol, GuardedByExpression>[]> ENTRY = new Context.Key<>();

  private CallerLocks() {}

  /**
   * The locks that protect a point, in either mode: those of {@link Views#evidence}, and those every call the
   * compilation makes of a public method holds ({@link EntryLocks.Callers#MODULE_USE}). They take findings away
   * (two accesses share a lock, a traversal holds the guard), never add one: that the code calls a method under a
   * lock says how it is meant to be called, not that the map needs one. The bytecode engine's
   * {@code protectingAt}.
   */
  public static Set<GuardedByExpression> protectingAt(TreePath path, VisitorState state) {
    return atIncludingCallers(path, state, true, true);
  }

  /**
   * The locks at one point, two ways. {@code evidence}: those held there in either mode ({@link HeldLocks#anyModeAt})
   * with those its callers hold where the compilation holds every call, which show how the code guards a map (a lock
   * held somewhere, the lock of every write). {@code protection}: those of {@link #protectingAt}.
   */
  public record Views(Set<GuardedByExpression> evidence, Set<GuardedByExpression> protection) {}

  /** Both views at a point, its own locks computed once (the lock dataflow is the costly part). */
  public static Views views(TreePath path, VisitorState state) {
    Set<GuardedByExpression> own = held(path, state, true);
    Set<GuardedByExpression> evidence = new HashSet<>(own);
    Set<GuardedByExpression> protection = new HashSet<>(own);
    enclosingMethod(path, state).ifPresent(method -> {
      evidence.addAll(entry(state, true, false).of(method));
      protection.addAll(entry(state, true, true).of(method));
    });
    return new Views(evidence, protection);
  }

  /** The exclusive locks that protect a point ({@link #protectingAt} in exclusive mode). */
  public static Set<GuardedByExpression> exclusiveProtectingAt(TreePath path, VisitorState state) {
    return atIncludingCallers(path, state, false, true);
  }

  /**
   * The read-write locks held only in read mode at a point (its callers' locks included, where the compilation
   * holds every call): a write there runs while other readers hold the same lock.
   */
  public static Set<GuardedByExpression> readOnlyIncludingCallers(TreePath path, VisitorState state) {
    Set<GuardedByExpression> read = new HashSet<>(atIncludingCallers(path, state, true, false));
    read.removeAll(atIncludingCallers(path, state, false, false));
    return read;
  }

  /** A call that may run a method, made where its caller holds some locks only in read mode. */
  public record ReadLockedCall(TreePath call, Set<GuardedByExpression> readOnly) {}

  /**
   * The first call of the compilation that may run the method of a point (it, or a method it overrides or implements)
   * while its caller holds a lock only in read mode: on such a path every reader may be in the method at once. A
   * call on an object the caller makes there is left out (no other thread has it), and so is a call naming a library's
   * method ({@code Map.put} on a concurrent map): it says nothing of which compiled class runs. The bytecode engine's
   * {@code readLockedCalls}.
   */
  public static Optional<ReadLockedCall> readLockedCall(TreePath point, VisitorState state) {
    Optional<MethodSymbol> enclosing = enclosingMethod(point, state);
    if (enclosing.isEmpty() || enclosing.get().isConstructor() || enclosing.get().isStaticOrInstanceInit()) {
      return Optional.empty();
    }
    Map<MethodSymbol, Optional<ReadLockedCall>> known = state.context.get(READ_LOCKED);
    if (known == null) {
      known = new HashMap<>();
      state.context.put(READ_LOCKED, known);
    }
    return known.computeIfAbsent(enclosing.get(), method -> findReadLockedCall(method, state));
  }

  /** {@link #readLockedCall}'s answers, per method of the compilation. */
  private static final Context.Key<Map<MethodSymbol, Optional<ReadLockedCall>>> READ_LOCKED = new Context.Key<>();

  private static Optional<ReadLockedCall> findReadLockedCall(MethodSymbol method, VisitorState state) {
    List<MethodSymbol> called = new ArrayList<>(List.of(method));
    if (!method.isPrivate()) {
      called.addAll(ASTHelpers.findSuperMethods(method, state.getTypes()));
    }
    Declarations compilation = Declarations.ofCompilation(state);
    for (MethodSymbol callee : called) {
      if (!Declarations.compiledHere(callee, state)) {
        continue; // a call of a library's method (Map.put) says nothing of which compiled class it runs
      }
      for (TreePath call : compilation.invocations(callee)) {
        if (onNewObject(call, state)) {
          continue;
        }
        VisitorState there = state.withPath(call);
        Set<GuardedByExpression> read = new HashSet<>(held(call, there, true));
        read.removeAll(held(call, there, false));
        if (!read.isEmpty()) {
          return Optional.of(new ReadLockedCall(call, read));
        }
      }
    }
    return Optional.empty();
  }

  /** Whether a call's receiver is an object made there, or a local holding only such an object. */
  private static boolean onNewObject(TreePath call, VisitorState state) {
    ExpressionTree receiver = call.getLeaf() instanceof MethodInvocationTree invocation
        ? ASTHelpers.getReceiver(invocation) : null;
    receiver = receiver == null ? null : MapIdentity.strip(receiver);
    if (receiver instanceof NewClassTree) {
      return true;
    }
    if (ASTHelpers.getSymbol(receiver) instanceof Symbol.VarSymbol local
        && local.getKind() == ElementKind.LOCAL_VARIABLE) {
      List<TreePath> values = Declarations.of(state.withPath(call)).assignedValues(local);
      return !values.isEmpty() && values.stream()
          .allMatch(v -> MapIdentity.strip((ExpressionTree) v.getLeaf()) instanceof NewClassTree);
    }
    return false;
  }

  /**
   * The locks every caller holds, in either mode, when the method runs (empty when a caller is not seen), the
   * compilation's calls of a public method included: for questions that only take findings away.
   */
  public static Set<GuardedByExpression> heldByEveryCaller(MethodSymbol method, VisitorState state) {
    return entry(state, true, true).of(method);
  }

  private static Set<GuardedByExpression> atIncludingCallers(TreePath path, VisitorState state, boolean anyMode,
      boolean moduleUse) {
    Set<GuardedByExpression> locks = new HashSet<>(held(path, state, anyMode));
    enclosingMethod(path, state).ifPresent(method -> locks.addAll(entry(state, anyMode, moduleUse).of(method)));
    return locks;
  }

  private static Set<GuardedByExpression> held(TreePath path, VisitorState state, boolean anyMode) {
    return anyMode ? HeldLocks.anyModeAt(path, state) : HeldLocks.at(path, state);
  }

  /**
   * The method a point runs as part of: the enclosing method, unless a class body or a lambda that may run later
   * lies between them (a lambda passed to {@code forEach} or {@code compute*} runs inline, as part of it).
   */
  private static Optional<MethodSymbol> enclosingMethod(TreePath path, VisitorState state) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof MethodTree method) {
        return ASTHelpers.getSymbol(method) instanceof MethodSymbol sym ? Optional.of(sym) : Optional.empty();
      }
      if (node instanceof ClassTree || (node instanceof LambdaExpressionTree && !HeldLocks.runsInline(p, state))) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Whether a point lies in a field initializer or initializer block of {@code owner} (its construction). */
  private static boolean initializes(TreePath path, Symbol owner) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof MethodTree || node instanceof LambdaExpressionTree) {
        return false;
      }
      if (node instanceof ClassTree cls) {
        return ASTHelpers.getSymbol(cls) == owner;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static EntryLocks<MethodSymbol, GuardedByExpression> entry(VisitorState state, boolean anyMode,
      boolean moduleUse) {
    EntryLocks<MethodSymbol, GuardedByExpression>[] solved = state.context.get(ENTRY);
    if (solved == null) {
      solved = new EntryLocks[4];
      state.context.put(ENTRY, solved);
    }
    int index = (anyMode ? 1 : 0) + (moduleUse ? 2 : 0);
    if (solved[index] == null) {
      solved[index] = new EntryLocks<>(new CallGraph(state, anyMode, moduleUse));
    }
    return solved[index];
  }

  /**
   * Whether this compilation holds every call of the method (a private one, or one only its package can call):
   * the bytecode twin is {@code BytecodeApi.callersSeenInJar} answering all.
   */
  public static boolean allCallersCompiledHere(MethodSymbol method, VisitorState state) {
    return new CallGraph(state, false, false).callers(method) == EntryLocks.Callers.ALL;
  }

  /** The calls of the compilation's methods, with the locks held at each in one mode. */
  private static final class CallGraph implements EntryLocks.Graph<MethodSymbol, GuardedByExpression> {
    private final VisitorState state;
    private final boolean anyMode;
    private final boolean moduleUse;

    CallGraph(VisitorState state, boolean anyMode, boolean moduleUse) {
      this.state = state;
      this.anyMode = anyMode;
      this.moduleUse = moduleUse;
    }

    @Override
    public EntryLocks.Callers callers(MethodSymbol method) {
      if (method.isConstructor() || method.isStaticOrInstanceInit()) {
        return EntryLocks.Callers.UNKNOWN;
      }
      if (units(method).isPresent()) {
        return EntryLocks.Callers.ALL;
      }
      return !moduleUse || method.isPrivate() || !overridesOnlyCompiledMethods(method) ? EntryLocks.Callers.UNKNOWN
          : EntryLocks.Callers.MODULE_USE;
    }

    /**
     * The compilation units that hold every call of the method, when this compilation has them all: its own for a
     * private method; its package's for a package-private one, or a public one of a private class, when each method
     * it overrides is such a method too (calls of those may run it).
     */
    private Optional<List<Declarations>> units(MethodSymbol method) {
      if (method.isPrivate()) {
        Declarations declaring = Declarations.declaring(method, state);
        return declaring.declares(method) ? Optional.of(List.of(declaring)) : Optional.empty();
      }
      boolean packagePrivate = (method.flags() & (Flags.PUBLIC | Flags.PROTECTED)) == 0;
      boolean hidden = !packagePrivate && !method.isStatic() && inPrivateClass(method);
      boolean overridesOnlyVisible = true;
      for (MethodSymbol overridden : ASTHelpers.findSuperMethods(method, state.getTypes())) {
        // calls of an overridden method may run this one: each must be called only in this compilation too
        overridesOnlyVisible &= !overridden.isPrivate() && units(overridden).isPresent();
      }
      if (method.owner.isInterface() || !overridesOnlyVisible
          || !Exposure.callableOnlyInModule(false, packagePrivate, method.getSimpleName().toString(), false, hidden,
              true)) {
        return Optional.empty();
      }
      return Declarations.ofWholePackage(method.packge(), state);
    }

    /** Whether every method the method overrides is compiled from source here (none that a library calls). */
    private boolean overridesOnlyCompiledMethods(MethodSymbol method) {
      for (MethodSymbol overridden : ASTHelpers.findSuperMethods(method, state.getTypes())) {
        if (!Declarations.compiledHere(overridden, state)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public List<EntryLocks.Call<MethodSymbol, GuardedByExpression>> callsOf(MethodSymbol method) {
      List<EntryLocks.Call<MethodSymbol, GuardedByExpression>> runs = new ArrayList<>();
      List<MethodSymbol> called = new ArrayList<>(List.of(method));
      if (!method.isPrivate()) {
        called.addAll(ASTHelpers.findSuperMethods(method, state.getTypes())); // a call of one may run this override
      }
      List<Declarations> seen = units(method).orElseGet(
          () -> callers(method) == EntryLocks.Callers.MODULE_USE ? List.of(Declarations.ofCompilation(state))
              : List.of());
      boolean moduleUseOnly = callers(method) == EntryLocks.Callers.MODULE_USE;
      for (Declarations unit : seen) {
        for (MethodSymbol callee : called) {
          for (TreePath call : unit.invocations(callee)) {
            // Another class's lock is often its own instance's (each caller object its own monitor): no exclusion.
            runs.add(moduleUseOnly && !inObjectFamily(call, method) ? EntryLocks.Call.anywhere() : run(call, method));
          }
          for (TreePath reference : unit.references(callee)) {
            runs.add(EntryLocks.Call.anywhere()); // this::m may be run by anything it is handed to
          }
        }
      }
      return runs;
    }

    /** Whether the call is made in the method's class or one of its family ({@link Exposure#sameObjectFamily}). */
    private boolean inObjectFamily(TreePath call, MethodSymbol method) {
      for (TreePath p = call; p != null; p = p.getParentPath()) {
        if (p.getLeaf() instanceof ClassTree cls && ASTHelpers.getSymbol(cls) instanceof Symbol.ClassSymbol caller
            && method.owner instanceof Symbol.ClassSymbol callee) {
          return Exposure.sameObjectFamily(caller.flatName().toString(), callee.flatName().toString(),
              JavacApi.hierarchy(state));
        }
      }
      return false;
    }

    private EntryLocks.Call<MethodSymbol, GuardedByExpression> run(TreePath call, MethodSymbol method) {
      if (initializes(call, method.owner)) {
        return EntryLocks.Call.duringConstruction();
      }
      Optional<MethodSymbol> caller = enclosingMethod(call, state);
      if (caller.isPresent() && caller.get().isConstructor() && caller.get().owner == method.owner) {
        return EntryLocks.Call.duringConstruction(); // the object is not shared yet: no lock needed
      }
      return EntryLocks.Call.from(caller.orElse(null), held(call, state.withPath(call), anyMode));
    }
  }

  /** Whether the method's class or one enclosing it is private: code outside its top-level class cannot name it. */
  private static boolean inPrivateClass(MethodSymbol method) {
    for (Symbol c = method.owner; c instanceof Symbol.ClassSymbol; c = c.owner) {
      if ((c.flags() & Flags.PRIVATE) != 0) {
        return true;
      }
    }
    return false;
  }
}
