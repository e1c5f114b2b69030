package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByBinder;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.bugpatterns.threadsafety.GuardedBySymbolResolver;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByUtils;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.threads.Locks;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.threads.InlineCallbacks;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;

/**
 * Which exclusive locks are held at a point of the code, as lock expressions bound by Error Prone's
 * {@link GuardedByBinder}: monitors, and {@code java.util.concurrent.locks} locks taken by an earlier
 * statement of an enclosing block and not released since ({@code lock.lock(); try { .. } finally { .. }}, a
 * {@code ReadWriteLock}'s write lock, a {@code StampedLock} write stamp, {@code if (lock.tryLock())}). The walk
 * goes outwards from the point through {@code synchronized} blocks up to the enclosing method (a
 * {@code synchronized} method holds {@code this} or its class, a method annotated {@code @GuardedBy} the lock it
 * names); it
 * stops at a class body, and at a lambda unless the lambda is an argument of a call that runs it inline
 * ({@link InlineCallbacks}), because any other lambda may run later or on another thread.
 *
 * <p>Lock expressions are bound in {@link MapIdentity}'s canonical form, so {@code synchronized (alias)}
 * counts for the map the alias stands for.
 */
public final class HeldLocks {
  private HeldLocks() {}

  public static Set<GuardedByExpression> at(TreePath path, VisitorState state) {
    return at(path, state, false);
  }

  /**
   * The locks held at a point in either mode: exclusive ones and read locks ({@code rw.readLock()}, named by their
   * {@code ReadWriteLock}). A read under a read lock and a write under the write lock of the same lock never
   * overlap, which is what race questions need.
   */
  public static Set<GuardedByExpression> anyModeAt(TreePath path, VisitorState state) {
    return at(path, state, true);
  }

  private static Set<GuardedByExpression> at(TreePath path, VisitorState state, boolean includeShared) {
    Set<GuardedByExpression> locks = new HashSet<>();
    // Most files take no java.util.concurrent lock: then there are no lock regions to look for.
    boolean usesLocks = Declarations.of(state).invokesAnyOf(Locks.acquiringMethodNames());
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; child = p.getLeaf(), p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof SynchronizedTree sync && child == sync.getBlock()) {
        Optional<GuardedByExpression> lock =
            MapIdentity.of(new TreePath(p, sync.getExpression()), state);
        if (lock.isPresent()) {
          locks.add(lock.get());
        }
      } else if (node instanceof BlockTree block && usesLocks) {
        lockRegionsBefore(block, child, p, state, locks, includeShared);
      } else if (node instanceof IfTree branch
          && (child == branch.getThenStatement() || child == branch.getElseStatement())) {
        // if (lock.tryLock()) { .. }, if (ws != 0L) { .. } else { .. }
        boolean then = child == branch.getThenStatement();
        tryTest(new TreePath(p, branch.getCondition()), state)
            .filter(test -> test.heldWhenTrue() == then)
            .ifPresent(test -> locks.add(test.lock()));
      } else if (node instanceof MethodTree method) {
        if (method.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)) {
          Optional<GuardedByExpression> self = MapIdentity.ofEnclosingMonitor(method, state.withPath(p));
          if (self.isPresent()) {
            locks.add(self.get());
          }
        }
        locks.addAll(heldByContract(method, state.withPath(p)));
        return locks;
      } else if (node instanceof TryTree attempt && child == attempt.getBlock() && usesLocks) {
        // try (var guard = lockRead()) { .. }: a helper that returns with a lock held, released by close()
        for (Tree resource : attempt.getResources()) {
          if (resource instanceof VariableTree guard && guard.getInitializer() != null) {
            locks.addAll(heldAfterReturnOf(guard.getInitializer(), state, includeShared));
          }
        }
      } else if (node instanceof LambdaExpressionTree && !runsInline(p, state)) {
        Optional<Set<GuardedByExpression>> helper = heldWhereHelperRunsIt(p, state, includeShared);
        if (helper.isEmpty()) {
          return locks;
        }
        locks.addAll(helper.get()); // withRead(() -> ..): runs inline, under the helper's locks and the caller's
      } else if (node instanceof ClassTree) {
        return locks;
      }
    }
    return locks;
  }

  /**
   * When a lambda is an argument of a helper of this file that calls it (and does nothing else with it), the locks
   * held at every such call inside the helper: {@code withRead(() -> map.get(k))} runs the lambda at once, under
   * the helper's read lock. Empty when the lambda is not known to run there (it may run later or elsewhere).
   */
  private static Optional<Set<GuardedByExpression>> heldWhereHelperRunsIt(
      TreePath lambda, VisitorState state, boolean includeShared) {
    if (!(lambda.getParentPath().getLeaf() instanceof MethodInvocationTree call)
        || !(ASTHelpers.getSymbol(call) instanceof MethodSymbol helper)
        || !MapIdentity.isNotOverridable(helper)) {
      return Optional.empty();
    }
    TreePath declaration = Declarations.of(state).method(helper);
    int index = call.getArguments().indexOf(lambda.getLeaf());
    if (declaration == null || index < 0 || index >= helper.getParameters().size()
        || (helper.isVarArgs() && index >= helper.getParameters().size() - 1)) {
      return Optional.empty();
    }
    Set<GuardedByExpression> common = null;
    for (TreePath use : Declarations.of(state).uses(helper.getParameters().get(index))) {
      // body.get(), action.run(): the use is the receiver of a call
      if (!(use.getParentPath().getLeaf() instanceof com.sun.source.tree.MemberSelectTree select)
          || select.getExpression() != use.getLeaf()
          || !(use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree)
          || enclosingLambdaOrClass(use, declaration.getLeaf())) {
        return Optional.empty();
      }
      Set<GuardedByExpression> there = at(use.getParentPath().getParentPath(), state, includeShared);
      if (common == null) {
        common = new HashSet<>(there);
      } else {
        common.retainAll(there);
      }
    }
    return Optional.ofNullable(common);
  }

  /** Whether a lambda or class body lies between a use and its method (the use may then run later). */
  private static boolean enclosingLambdaOrClass(TreePath use, Tree method) {
    for (TreePath p = use; p != null && p.getLeaf() != method; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return true;
      }
    }
    return false;
  }

  /**
   * The locks a helper of this file takes and does not release before it returns, when the expression calls one
   * ({@code AutoCloseable lockRead() { rw.readLock().lock(); return () -> rw.readLock().unlock(); }}): held
   * where the returned guard is a {@code try}-with-resources resource, until its {@code close()}.
   */
  private static Set<GuardedByExpression> heldAfterReturnOf(
      ExpressionTree expression, VisitorState state, boolean includeShared) {
    Set<GuardedByExpression> locks = new HashSet<>();
    if (MapIdentity.strip(expression) instanceof MethodInvocationTree call
        && ASTHelpers.getSymbol(call) instanceof MethodSymbol helper
        && MapIdentity.isNotOverridable(helper)) {
      TreePath declaration = Declarations.of(state).method(helper);
      if (declaration != null && ((MethodTree) declaration.getLeaf()).getBody() != null) {
        BlockTree body = ((MethodTree) declaration.getLeaf()).getBody();
        lockRegionsBefore(body, null, new TreePath(declaration, body), state, locks, includeShared);
      }
    }
    return locks;
  }

  /** The locks a {@code @GuardedBy} on a method says its callers hold (Error Prone's GuardedBy check enforces it). */
  private static Set<GuardedByExpression> heldByContract(MethodTree method, VisitorState state) {
    Symbol sym = ASTHelpers.getSymbol(method);
    Set<GuardedByExpression> locks = new HashSet<>();
    if (sym == null) {
      return locks;
    }
    for (String value : GuardedByUtils.getGuardValues(sym)) {
      GuardedByBinder.bindString(value, GuardedBySymbolResolver.from(method, state)).ifPresent(locks::add);
    }
    return locks;
  }

  /**
   * The exclusive {@code java.util.concurrent.locks} locks taken by statements of {@code block} before
   * {@code child} and not released by any statement in between ({@code lock.lock(); try { child } finally
   * { lock.unlock(); }}). A shared (read) lock does not count: other readers run under it too.
   */
  private static void lockRegionsBefore(
      BlockTree block, Tree child, TreePath blockPath, VisitorState state, Set<GuardedByExpression> locks,
      boolean includeShared) {
    Regions regions = regionsBefore(block, child, blockPath, state, includeShared);
    locks.addAll(regions.exclusive());
    if (includeShared) {
      locks.addAll(regions.shared());
    }
  }

  /**
   * What statements do to locks: those held after them in each mode, and those they release without having taken
   * them (what a release helper does for its caller).
   */
  private record Regions(Set<GuardedByExpression> exclusive, Set<GuardedByExpression> shared,
      Set<GuardedByExpression> releasedExclusive, Set<GuardedByExpression> releasedShared) {
    Regions() {
      this(new HashSet<>(), new HashSet<>(), new HashSet<>(), new HashSet<>());
    }

    void take(GuardedByExpression lock, boolean exclusiveMode) {
      (exclusiveMode ? exclusive : shared).add(lock);
    }

    void release(GuardedByExpression lock, boolean exclusiveMode) {
      if (!(exclusiveMode ? exclusive : shared).remove(lock)) {
        (exclusiveMode ? releasedExclusive : releasedShared).add(lock);
      }
    }
  }

  /** Helpers whose regions are being computed on this thread: a helper that calls itself is not followed. */
  private static final ThreadLocal<Set<MethodSymbol>> IN_PROGRESS = ThreadLocal.withInitial(HashSet::new);

  private static Regions regionsBefore(
      BlockTree block, Tree child, TreePath blockPath, VisitorState state, boolean includeShared) {
    Regions regions = new Regions();
    for (StatementTree statement : block.getStatements()) {
      if (statement == child) {
        break;
      }
      TreePath statementPath = new TreePath(blockPath, statement);
      heldAfterTry(statementPath, state, includeShared).ifPresent(regions.exclusive()::add);
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
          boolean unconditional = unconditional(getCurrentPath(), statement);
          Optional<Regions> helper = lockHelper(call, state, includeShared);
          if (helper.isPresent()) { // acquireRead(); try { .. } finally { releaseRead(); }
            if (unconditional) {
              helper.get().exclusive().forEach(lock -> regions.take(lock, true));
              helper.get().shared().forEach(lock -> regions.take(lock, false));
            }
            helper.get().releasedExclusive().forEach(lock -> regions.release(lock, true));
            helper.get().releasedShared().forEach(lock -> regions.release(lock, false));
            return super.visitMethodInvocation(call, null);
          }
          Locks.Action action = lockAction(call, state);
          if (action != Locks.Action.NONE && action != Locks.Action.TRY_ACQUIRE) {
            Optional<GuardedByExpression> lock =
                lockIdentity(new TreePath(getCurrentPath(), ASTHelpers.getReceiver(call)), state);
            if (lock.isPresent()) {
              if (action == Locks.Action.ACQUIRE_EXCLUSIVE && unconditional) {
                regions.take(lock.get(), true);
              } else if (action == Locks.Action.ACQUIRE_SHARED && unconditional) {
                regions.take(lock.get(), false);
              }
              if (Locks.releases(action, true)) {
                regions.release(lock.get(), true);
              }
              if (Locks.releases(action, false)) {
                regions.release(lock.get(), false);
              }
            }
          }
          return super.visitMethodInvocation(call, null);
        }

        @Override
        public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
          return null;
        }

        @Override
        public Void visitClass(ClassTree tree, Void unused) {
          return null;
        }
      }.scan(statementPath, null);
    }
    return regions;
  }

  /**
   * What a lock helper of this file does to locks for its caller ({@code private void acquireRead() {
   * lock().readLock().lock(); }} and its release twin): a method a call runs as itself whose body takes or releases
   * a lock; empty for any other call.
   */
  private static Optional<Regions> lockHelper(MethodInvocationTree call, VisitorState state, boolean includeShared) {
    if (!(ASTHelpers.getSymbol(call) instanceof MethodSymbol helper) || !MapIdentity.isNotOverridable(helper)
        || helper.getParameters().size() > 0) {
      return Optional.empty();
    }
    Map<MethodSymbol, Optional<Regions>>[] known = state.context.get(HELPERS);
    if (known == null) {
      known = newHelperCache();
      state.context.put(HELPERS, known);
    }
    Optional<Regions> cached = known[includeShared ? 1 : 0].get(helper);
    if (cached != null) {
      return cached;
    }
    Optional<Regions> regions = helperRegions(helper, state, includeShared);
    if (!IN_PROGRESS.get().contains(helper)) {
      known[includeShared ? 1 : 0].put(helper, regions);
    }
    return regions;
  }

  /** The lock helpers of the compilation, by mode (exclusive only, either): each helper's body is read once. */
  private static final Context.Key<Map<MethodSymbol, Optional<Regions>>[]> HELPERS = new Context.Key<>();

  @SuppressWarnings("unchecked")
  private static Map<MethodSymbol, Optional<Regions>>[] newHelperCache() {
    return new Map[] {new HashMap<>(), new HashMap<>()};
  }

  private static Optional<Regions> helperRegions(MethodSymbol helper, VisitorState state, boolean includeShared) {
    TreePath declaration = Declarations.of(state).method(helper);
    if (declaration == null || ((MethodTree) declaration.getLeaf()).getBody() == null
        || !IN_PROGRESS.get().add(helper)) {
      return Optional.empty();
    }
    try {
      BlockTree body = ((MethodTree) declaration.getLeaf()).getBody();
      Regions regions = regionsBefore(body, null, new TreePath(declaration, body), state, includeShared);
      boolean any = !regions.exclusive().isEmpty() || !regions.shared().isEmpty()
          || !regions.releasedExclusive().isEmpty() || !regions.releasedShared().isEmpty();
      return any ? Optional.of(regions) : Optional.empty();
    } finally {
      IN_PROGRESS.get().remove(helper);
    }
  }

  /**
   * The lock a statement leaves held by testing a try's result: {@code if (!lock.tryLock()) return;} (the failing
   * side exits), {@code if (ws != 0L) {..} else {..writeLock()..}} (it takes the lock), or
   * {@code while (!lock.tryLock()) {..}} with no {@code break}.
   */
  private static Optional<GuardedByExpression> heldAfterTry(
      TreePath statement, VisitorState state, boolean includeShared) {
    if (statement.getLeaf() instanceof WhileLoopTree loop && !breaks(loop.getStatement())) {
      return tryTest(new TreePath(statement, loop.getCondition()), state)
          .filter(test -> !test.heldWhenTrue())
          .map(TryTest::lock);
    }
    if (!(statement.getLeaf() instanceof IfTree branch)) {
      return Optional.empty();
    }
    Optional<TryTest> test = tryTest(new TreePath(statement, branch.getCondition()), state);
    StatementTree failing = test.isEmpty() ? null
        : test.get().heldWhenTrue() ? branch.getElseStatement() : branch.getThenStatement();
    if (failing == null) {
      return Optional.empty();
    }
    if (KeyedCalls.exits(failing)) {
      return test.map(TryTest::lock);
    }
    Set<GuardedByExpression> taken = new HashSet<>();
    if (failing instanceof BlockTree block) {
      lockRegionsBefore(block, null, new TreePath(statement, block), state, taken, includeShared);
    }
    return taken.contains(test.get().lock()) ? test.map(TryTest::lock) : Optional.empty();
  }

  /** A test of what a try returned: the lock it takes, and whether the lock is held where the test is true. */
  private record TryTest(GuardedByExpression lock, boolean heldWhenTrue) {}

  /**
   * {@code lock.tryLock()}, {@code ok} or {@code ws != 0L} (a local given only a try's result), each possibly
   * negated, {@code ws == 0L}: the lock is held where a {@code tryLock()} returned true or a stamp is not 0.
   */
  private static Optional<TryTest> tryTest(TreePath condition, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) condition.getLeaf());
    boolean heldWhenTrue = true;
    while (tree instanceof UnaryTree not && not.getKind() == Tree.Kind.LOGICAL_COMPLEMENT) {
      heldWhenTrue = !heldWhenTrue;
      tree = MapIdentity.strip(not.getExpression());
    }
    if (tree instanceof BinaryTree compare
        && (compare.getKind() == Tree.Kind.EQUAL_TO || compare.getKind() == Tree.Kind.NOT_EQUAL_TO)) {
      ExpressionTree stamp = isZero(compare.getRightOperand()) ? compare.getLeftOperand()
          : isZero(compare.getLeftOperand()) ? compare.getRightOperand() : null;
      if (stamp == null) {
        return Optional.empty();
      }
      heldWhenTrue ^= compare.getKind() == Tree.Kind.EQUAL_TO;
      tree = MapIdentity.strip(stamp);
    }
    TreePath call = new TreePath(condition, tree);
    if (ASTHelpers.getSymbol(tree) instanceof VarSymbol local && local.getKind() == ElementKind.LOCAL_VARIABLE) {
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      if (values.size() != 1) {
        return Optional.empty();
      }
      call = new TreePath(values.get(0), MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()));
    }
    if (!(call.getLeaf() instanceof MethodInvocationTree invocation)
        || lockAction(invocation, state) != Locks.Action.TRY_ACQUIRE) {
      return Optional.empty();
    }
    boolean held = heldWhenTrue;
    return lockIdentity(new TreePath(call, ASTHelpers.getReceiver(invocation)), state)
        .map(lock -> new TryTest(lock, held));
  }

  private static boolean isZero(ExpressionTree tree) {
    return MapIdentity.strip(tree) instanceof LiteralTree literal && literal.getValue() instanceof Number n
        && n.longValue() == 0;
  }

  private static boolean breaks(Tree body) {
    boolean[] found = {false};
    new com.sun.source.util.TreeScanner<Void, Void>() {
      @Override
      public Void visitBreak(com.sun.source.tree.BreakTree tree, Void unused) {
        found[0] = true;
        return null;
      }
    }.scan(body, null);
    return found[0];
  }

  /**
   * Whether a call runs whenever its statement completes normally: it is the statement's expression (or its
   * initializer), or such a statement of the blocks of a {@code try} ({@code readLock().lock()} taken inside the
   * write lock's {@code try} before the {@code finally} releases the write lock: a downgrade).
   */
  private static boolean unconditional(TreePath call, StatementTree statement) {
    TreePath p = call.getParentPath();
    if (p.getLeaf() instanceof AssignmentTree) {
      p = p.getParentPath();
    }
    if (!(p.getLeaf() instanceof ExpressionStatementTree || p.getLeaf() instanceof VariableTree)) {
      return false;
    }
    while (p.getLeaf() != statement) {
      TreePath up = p.getParentPath();
      if (!(up.getLeaf() instanceof BlockTree || (up.getLeaf() instanceof TryTree t && t.getBlock() == p.getLeaf()))) {
        return false;
      }
      p = up;
    }
    return true;
  }

  private static Locks.Action lockAction(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Symbol sym = ASTHelpers.getSymbol(call);
    Type type = receiver == null ? null : ASTHelpers.getType(receiver);
    if (sym == null || type == null) {
      return Locks.Action.NONE;
    }
    Optional<TreePath> viewCall = readWriteViewCall(new TreePath(state.getPath(), receiver), state);
    Boolean view = viewCall.map(v -> readWriteView((MethodInvocationTree) v.getLeaf(), state)).orElse(null);
    return Locks.action(
        JavacApi.binaryName(type, state.getTypes()), sym.getSimpleName().toString(), view, JavacApi.hierarchy(state));
  }

  /** {@code rw.readLock()}: TRUE; {@code rw.writeLock()}: FALSE; otherwise null. */
  private static Boolean readWriteView(MethodInvocationTree call, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Type type = receiver == null ? null : ASTHelpers.getType(receiver);
    return type == null
        ? null
        : Locks.readWriteView(
            JavacApi.binaryName(type, state.getTypes()),
            ASTHelpers.getSymbol(call).getSimpleName().toString(),
            JavacApi.hierarchy(state));
  }

  /** The lock object: the lock itself, or the ReadWriteLock whose write lock it is. */
  private static Optional<GuardedByExpression> lockIdentity(TreePath lock, VisitorState state) {
    Optional<TreePath> view = readWriteViewCall(lock, state);
    if (view.isPresent() && ASTHelpers.getReceiver((MethodInvocationTree) view.get().getLeaf()) != null) {
      ExpressionTree owner = ASTHelpers.getReceiver((MethodInvocationTree) view.get().getLeaf());
      return MapIdentity.of(new TreePath(view.get(), owner), state);
    }
    return MapIdentity.of(lock, state);
  }

  /**
   * The {@code rw.readLock()}/{@code rw.writeLock()} call a lock expression is: the call itself, or the value of a
   * final field that caches it ({@code private final Lock r = rw.readLock();}, the {@code ReadWriteLock} javadoc's
   * idiom).
   */
  private static Optional<TreePath> readWriteViewCall(TreePath lock, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) lock.getLeaf());
    if (tree instanceof MethodInvocationTree call && readWriteView(call, state) != null) {
      return Optional.of(new TreePath(lock, call));
    }
    if (ASTHelpers.getSymbol(tree) instanceof com.sun.tools.javac.code.Symbol.VarSymbol field
        && field.getKind() == javax.lang.model.element.ElementKind.FIELD
        && (field.flags() & com.sun.tools.javac.code.Flags.FINAL) != 0) {
      java.util.List<TreePath> values = Declarations.declaring(field, state).assignedValues(field);
      if (values.size() == 1
          && MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()) instanceof MethodInvocationTree call
          && readWriteView(call, state) != null) {
        return Optional.of(new TreePath(values.get(0), call));
      }
    }
    return Optional.empty();
  }

  public static boolean holds(Set<GuardedByExpression> locks, GuardedByExpression lock) {
    return locks.contains(lock);
  }

  /** Whether a lambda is an argument of a call that runs it at once ({@link InlineCallbacks}). */
  static boolean runsInline(TreePath lambdaPath, VisitorState state) {
    Tree parent = lambdaPath.getParentPath().getLeaf();
    if (!(parent instanceof MethodInvocationTree call)) {
      return false;
    }
    Optional<ApiMethod> api = JavacApi.call(call, state);
    return api.isPresent()
        && InlineCallbacks.runsCallbacksInline(api.get().owner(), api.get().name(), JavacApi.hierarchy(state));
  }
}
