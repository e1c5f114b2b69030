package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.knowledge.mapapi.EntryTest;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.ValueTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Single-key map calls ({@code containsKey}, {@code get}, {@code put}, {@code remove}: the model's
 * {@link KeyUse}) and how two of them on the same map and key depend on each other within one method body:
 * a call that runs only when a test of the entry succeeds or fails, and a value stored that was computed from
 * the entry read before.
 */
public final class KeyedCalls {

  /**
   * A single-key call on a map, or on an object whose method makes one on a map field of its own
   * ({@code delegate}, null for a call on the map itself: {@link MapDelegates}), or the read of an entry's value in a
   * walk of a map's entries ({@code e.getValue()}: a lookup of {@code e}'s key on {@code iteratedMap}, the map whose
   * {@code entrySet()} is walked; null for other calls).
   */
  public record Call(TreePath path, KeyUse use, MapDelegates.Delegate delegate, TreePath iteratedMap) {
    public Call(TreePath path, KeyUse use) {
      this(path, use, null, null);
    }

    public Call(TreePath path, KeyUse use, MapDelegates.Delegate delegate) {
      this(path, use, delegate, null);
    }

    public MethodInvocationTree tree() {
      return (MethodInvocationTree) path.getLeaf();
    }

    /** The map, or the object whose map the delegate's call is on. */
    public ExpressionTree receiver() {
      return iteratedMap != null ? (ExpressionTree) iteratedMap.getLeaf() : ASTHelpers.getReceiver(tree());
    }

    /** The key; for an entry's value read, the entry. */
    public ExpressionTree key() {
      return iteratedMap != null ? ASTHelpers.getReceiver(tree()) : argument(0);
    }

    /** How many arguments the map call takes. */
    public int argumentCount() {
      return iteratedMap != null ? 1 : delegate == null ? tree().getArguments().size() : delegate.parameters().size();
    }

    /** The expression passed as the map call's argument {@code i}. */
    public ExpressionTree argument(int i) {
      return tree().getArguments().get(delegate == null ? i : delegate.parameters().get(i));
    }
  }

  /**
   * A check on the same map and key that decides whether a call runs.
   *
   * @param check the check call
   * @param test how the condition uses its result
   * @param decision the {@code if} statement or conditional expression whose condition holds the check
   * @param earlyExit whether the call follows an {@code if (check) exit;} rather than being one of its branches
   */
  public record Guard(Call check, EntryTest test, TreePath decision, boolean earlyExit) {}

  private KeyedCalls() {}

  /**
   * The single-key call at {@code path}, if it is one: on a map (a receiver is required: no implicit {@code this}),
   * or of a delegate (on an implicit {@code this} too).
   */
  public static Optional<Call> of(TreePath path, VisitorState state) {
    if (path.getLeaf() instanceof MethodInvocationTree call && call.getArguments().isEmpty()) {
      return entryValueRead(path, state);
    }
    if (!(path.getLeaf() instanceof MethodInvocationTree call)) {
      return Optional.empty();
    }
    Symbol sym = ASTHelpers.getSymbol(call);
    if (sym == null) {
      return Optional.empty();
    }
    Optional<Call> direct = ASTHelpers.getReceiver(call) != null && MapApi.mentions(sym.getSimpleName().toString())
        ? JavacApi.call(call, state)
            .flatMap(api -> MapApi.keyUse(api, JavacApi.hierarchy(state)))
            .map(use -> new Call(path, use))
        : Optional.empty();
    return direct.isPresent()
        ? direct
        : MapDelegates.of(path, state).map(delegate -> new Call(path, delegate.use(), delegate));
  }

  /**
   * {@code e.getValue()} where {@code e} holds the current entry of a walk of a map's {@code entrySet()}: a for-each
   * variable, or a local given {@code it.next()} of a local iterator given {@code m.entrySet().iterator()}.
   */
  private static Optional<Call> entryValueRead(TreePath path, VisitorState state) {
    MethodInvocationTree call = (MethodInvocationTree) path.getLeaf();
    if (!(ASTHelpers.getSymbol(call) instanceof MethodSymbol method) || !method.getSimpleName().contentEquals("getValue")
        || !(ASTHelpers.getSymbol(ASTHelpers.getReceiver(call)) instanceof VarSymbol entry)
        || entry.getKind() != ElementKind.LOCAL_VARIABLE
        || JavacApi.call(call, state).filter(api -> MapApi.readsEntryValue(api, JavacApi.hierarchy(state))).isEmpty()) {
      return Optional.empty();
    }
    return entrySetWalked(entry, path, state).map(map -> new Call(path, KeyUse.LOOKUP, null, map));
  }

  /** The map whose {@code entrySet()} the walk that gives {@code entry} its values is over. */
  private static Optional<TreePath> entrySetWalked(VarSymbol entry, TreePath use, VisitorState state) {
    for (TreePath p = use; p != null && !(p.getLeaf() instanceof MethodTree); p = p.getParentPath()) {
      if (p.getLeaf() instanceof EnhancedForLoopTree loop && ASTHelpers.getSymbol(loop.getVariable()) == entry) {
        return entryViewReceiver(new TreePath(p, loop.getExpression()), state);
      }
    }
    List<TreePath> values = Declarations.of(state).assignedValues(entry);
    if (values.size() != 1 || !(MapIdentity.strip((ExpressionTree) values.get(0).getLeaf())
            instanceof MethodInvocationTree next)
        || !next.getArguments().isEmpty() || !(ASTHelpers.getSymbol(next) instanceof MethodSymbol nextMethod)
        || !nextMethod.getSimpleName().contentEquals("next")
        || !(ASTHelpers.getSymbol(ASTHelpers.getReceiver(next)) instanceof VarSymbol iterator)
        || iterator.getKind() != ElementKind.LOCAL_VARIABLE) {
      return Optional.empty();
    }
    List<TreePath> made = Declarations.of(state).assignedValues(iterator);
    if (made.size() != 1 || !(MapIdentity.strip((ExpressionTree) made.get(0).getLeaf())
            instanceof MethodInvocationTree iteratorCall)
        || !iteratorCall.getArguments().isEmpty() || ASTHelpers.getReceiver(iteratorCall) == null
        || !(ASTHelpers.getSymbol(iteratorCall) instanceof MethodSymbol iteratorMethod)
        || !iteratorMethod.getSimpleName().contentEquals("iterator")) {
      return Optional.empty();
    }
    return entryViewReceiver(new TreePath(made.get(0), ASTHelpers.getReceiver(iteratorCall)), state);
  }

  /** For {@code m.entrySet()}, the path of {@code m}. */
  private static Optional<TreePath> entryViewReceiver(TreePath view, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) view.getLeaf());
    return tree instanceof MethodInvocationTree call && ASTHelpers.getReceiver(call) != null
            && JavacApi.makesEntryView(call, state)
        ? Optional.of(new TreePath(new TreePath(view, call), ASTHelpers.getReceiver(call)))
        : Optional.empty();
  }

  /** Whether two calls are on the same map object and the same key value. */
  public static boolean sameMapAndKey(Call a, Call b, VisitorState state) {
    return (a.iteratedMap() != null || b.iteratedMap() != null ? sameEntry(a, b, state) : sameKey(a.key(), b.key()))
        && sameMap(a, b, state);
  }

  /**
   * Whether one call reads an iterated entry's value and the other is keyed by that entry's key ({@code
   * e.getValue()} and {@code m.put(e.getKey(), v)}), or both read the same entry.
   */
  private static boolean sameEntry(Call a, Call b, VisitorState state) {
    Symbol x = entryOf(a, state);
    return x != null && x == entryOf(b, state);
  }

  /** The entry local whose value a call reads, or whose key ({@code e.getKey()}) it is keyed by; else null. */
  private static Symbol entryOf(Call call, VisitorState state) {
    if (call.iteratedMap() != null) {
      return ASTHelpers.getSymbol(call.key());
    }
    return MapIdentity.strip(call.key()) instanceof MethodInvocationTree getKey
            && JavacApi.call(getKey, state).filter(api -> MapApi.readsEntryKey(api, JavacApi.hierarchy(state))).isPresent()
            && ASTHelpers.getSymbol(ASTHelpers.getReceiver(getKey)) instanceof VarSymbol entry
            && entry.getKind() == ElementKind.LOCAL_VARIABLE
        ? entry
        : null;
  }

  /**
   * Whether two calls are on the same map: the same map object, where a delegate's call stands for its field of the
   * receiver (so {@code store.containsKey(k)} and a delegate {@code find(k)} over {@code store.get(k)} are on one map).
   */
  public static boolean sameMap(Call a, Call b, VisitorState state) {
    Optional<GuardedByExpression> x = mapOf(a, state);
    return x.isPresent() && x.equals(mapOf(b, state));
  }

  /** The map a call is on: its receiver, or for a delegate's call the delegate's field of its receiver. */
  private static Optional<GuardedByExpression> mapOf(Call call, VisitorState state) {
    if (call.iteratedMap() != null) {
      return MapIdentity.of(call.iteratedMap(), state);
    }
    Optional<GuardedByExpression> object = call.receiver() == null
        ? MapIdentity.ofThis(call.path(), state)
        : MapIdentity.of(new TreePath(call.path(), call.receiver()), state);
    VarSymbol field = call.delegate() == null ? null : call.delegate().field();
    return field == null ? object : object.map(o -> GuardedByExpression.Select.create(o, field, field.type));
  }

  /** Whether two expressions denote the same object by {@link MapIdentity}. */
  public static boolean sameObject(TreePath a, TreePath b, VisitorState state) {
    Optional<?> x = MapIdentity.of(a, state);
    Optional<?> y = MapIdentity.of(b, state);
    return x.isPresent() && x.equals(y);
  }

  /**
   * Whether two key expressions surely have the same value: the same literal, or the same variable that is
   * not reassigned (an effectively final local or parameter, or a final field read on the same object).
   */
  public static boolean sameKey(ExpressionTree a, ExpressionTree b) {
    a = MapIdentity.strip(a);
    b = MapIdentity.strip(b);
    if (a instanceof LiteralTree x && b instanceof LiteralTree y) {
      return x.getValue() != null && Objects.equals(x.getValue(), y.getValue());
    }
    Symbol x = ASTHelpers.getSymbol(a);
    if (!(x instanceof VarSymbol var) || x != ASTHelpers.getSymbol(b)) {
      return false;
    }
    boolean fixed =
        var.getKind() == ElementKind.FIELD
            ? (var.flags() & Flags.FINAL) != 0
            : (var.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0;
    if (!fixed) {
      return false;
    }
    return var.isStatic() || var.getKind() != ElementKind.FIELD || sameQualifier(a, b);
  }

  private static boolean sameQualifier(ExpressionTree a, ExpressionTree b) {
    String qa = a instanceof MemberSelectTree s ? s.getExpression().toString() : "this";
    String qb = b instanceof MemberSelectTree s ? s.getExpression().toString() : "this";
    return qa.equals(qb) && (qa.equals("this") || !qa.contains("("));
  }

  /**
   * The checks on the same map and key that decide whether {@code act} runs: the condition of an enclosing
   * {@code if} or conditional expression, or of an earlier {@code if (...) return/throw/break/continue;} in an
   * enclosing block. The search stays in the method (or lambda) body that contains the call.
   */
  public static List<Guard> guards(Call act, VisitorState state) {
    List<Guard> guards = new ArrayList<>();
    Tree child = act.path().getLeaf();
    for (TreePath p = act.path().getParentPath(); p != null; child = p.getLeaf(), p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof MethodTree || node instanceof LambdaExpressionTree || node instanceof ClassTree) {
        break;
      }
      ExpressionTree condition =
          node instanceof IfTree branch && child != branch.getCondition()
              ? branch.getCondition()
              : node instanceof ConditionalExpressionTree cond && child != cond.getCondition()
                  ? cond.getCondition()
                  : null;
      if (condition != null) {
        for (Found c : checksIn(new TreePath(p, condition), act, state)) {
          guards.add(new Guard(c.check, c.test, p, false));
        }
      } else if (node instanceof BlockTree block) {
        for (StatementTree before : block.getStatements()) {
          if (before == child) {
            break;
          }
          if (before instanceof IfTree exit && exit.getElseStatement() == null && exits(exit.getThenStatement())) {
            TreePath ifPath = new TreePath(p, exit);
            checksIn(new TreePath(ifPath, exit.getCondition()), act, state)
                .forEach(c -> guards.add(new Guard(c.check, c.test, ifPath, true)));
          }
        }
      }
    }
    return guards;
  }

  /**
   * The lookup of the same map and key that the value {@code store} writes is computed from: inside the value
   * expression, or the initializer of a local the value expression reads.
   */
  public static Optional<Call> valueSource(Call store, VisitorState state) {
    if (store.argumentCount() < 2) {
      return Optional.empty();
    }
    TreePath value = new TreePath(store.path(), store.argument(1));
    List<Found> found = new ArrayList<>();
    // A local given the lookup's result and then a new value stores what was found or a new value, not one
    // computed from it; unless the code changes it in place before storing it (get or new, add, put back).
    scan(value, store, state, found, 0, !changedInPlaceBefore(value, store, state));
    return found.stream()
        .map(c -> c.check)
        .filter(c -> c.use() == KeyUse.LOOKUP)
        .findFirst();
  }

  /** Whether the value is a local that a call before the store changes in place ({@code set.add(x)}). */
  private static boolean changedInPlaceBefore(TreePath value, Call store, VisitorState state) {
    if (!(MapIdentity.strip((ExpressionTree) value.getLeaf()) instanceof IdentifierTree identifier)
        || !(ASTHelpers.getSymbol(identifier) instanceof VarSymbol local)
        || local.getKind() != ElementKind.LOCAL_VARIABLE) {
      return false;
    }
    MethodTree method = ASTHelpers.findEnclosingNode(value, MethodTree.class);
    if (method == null || method.getBody() == null) {
      return false;
    }
    boolean[] changed = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        if (call.getMethodSelect() instanceof MemberSelectTree select
            && ValueTypes.mutatesInPlace(select.getIdentifier().toString())
            && select.getExpression() instanceof IdentifierTree receiver
            && local.equals(ASTHelpers.getSymbol(receiver))
            && ASTHelpers.getStartPosition(call) < ASTHelpers.getStartPosition(store.tree())) {
          changed[0] = true;
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(new TreePath(new TreePath(state.getPath().getCompilationUnit()), method.getBody()), null);
    return changed[0];
  }

  /**
   * Whether, between {@code check} and {@code act}, the same entry is checked again under a lock: double-checked
   * code ({@code if (m.get(k) == null) synchronized (lock) { if (m.get(k) == null) ... }}) or a protocol of its
   * own that serializes the act. Either way the first check alone does not decide the act.
   */
  public static boolean recheckedUnderLock(Call check, Call act, VisitorState state) {
    TreePath method = enclosingMethod(act.path());
    if (method == null) {
      return false;
    }
    int from = ASTHelpers.getStartPosition(check.tree());
    int to = ASTHelpers.getStartPosition(act.tree());
    boolean[] found = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        int at = ASTHelpers.getStartPosition(tree);
        if (!found[0] && at > from && at < to) {
          Optional<Call> recheck = of(getCurrentPath(), state);
          if (recheck.isPresent()
              && (recheck.get().use() == KeyUse.PRESENCE_TEST || recheck.get().use() == KeyUse.LOOKUP)
              && sameMapAndKey(recheck.get(), act, state)
              && !HeldLocks.at(getCurrentPath(), state).isEmpty()) {
            found[0] = true;
          }
        }
        return super.visitMethodInvocation(tree, null);
      }
    }.scan(method, null);
    return found[0];
  }


  /**
   * For a putIfAbsent whose result is dropped: the first read after it, in the same method, that goes on with the local
   * it stored (before the local is given another value). Empty when the value is not a local, or a lock is held at
   * the call: creators that take one lock (double-checked code) serialize, as long as every writer takes it.
   */
  public static Optional<TreePath> ownValueUse(Call act, VisitorState state) {
    if (act.use() != KeyUse.STORE_IF_ABSENT || act.argumentCount() < 2
        || !(act.path().getParentPath().getLeaf() instanceof com.sun.source.tree.ExpressionStatementTree)
        || !HeldLocks.anyModeAt(act.path(), state).isEmpty()) {
      return Optional.empty();
    }
    Symbol local = ASTHelpers.getSymbol(MapIdentity.strip(act.argument(1)));
    TreePath method = enclosingMethod(act.path());
    if (method == null || !(local instanceof VarSymbol) || local.getKind() != ElementKind.LOCAL_VARIABLE) {
      return Optional.empty();
    }
    return firstReadAfter(local, method, state.getEndPosition(act.tree()), state.getEndPosition(act.tree()),
        read -> goesOnWith(read, act));
  }

  /**
   * For a put whose result is dropped: an earlier get of the same entry whose result, kept in a local, the method reads
   * after the put (null tests too), taking it as the value the put replaced. The local must not be given another
   * value between the get and that read.
   */
  public static Optional<Call> foundValueTakenAsReplaced(Call act, VisitorState state) {
    if (act.use() != KeyUse.STORE
        || !(act.path().getParentPath().getLeaf() instanceof com.sun.source.tree.ExpressionStatementTree)) {
      return Optional.empty();
    }
    TreePath method = enclosingMethod(act.path());
    if (method == null) {
      return Optional.empty();
    }
    int after = state.getEndPosition(act.tree());
    List<Call> lookups = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        of(getCurrentPath(), state)
            .filter(c -> c.use() == KeyUse.LOOKUP && startsBefore(c, act) && sameMapAndKey(c, act, state))
            .ifPresent(lookups::add);
        return super.visitMethodInvocation(tree, null);
      }
    }.scan(method, null);
    for (Call lookup : lookups) {
      Symbol local = localGiven(lookup.path());
      if (local == null) {
        continue;
      }
      if (firstReadAfter(local, method, ASTHelpers.getStartPosition(lookup.tree()), after, read -> true)
          .isPresent()) {
        return Optional.of(lookup);
      }
    }
    return Optional.empty();
  }

  /**
   * The first read of a local in {@code method} after position {@code after} that {@code counts}, unless the local is
   * given another value after {@code from} and before it.
   */
  private static Optional<TreePath> firstReadAfter(
      Symbol local, TreePath method, int from, int after, java.util.function.Predicate<TreePath> counts) {
    List<TreePath> reads = new ArrayList<>();
    int[] reassigned = {Integer.MAX_VALUE};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        int at = ASTHelpers.getStartPosition(tree);
        if (at <= from || !local.equals(ASTHelpers.getSymbol(tree))) {
          return null;
        }
        if (getCurrentPath().getParentPath().getLeaf() instanceof com.sun.source.tree.AssignmentTree assignment
            && assignment.getVariable() == tree) {
          reassigned[0] = Math.min(reassigned[0], at);
        } else if (at > after && counts.test(getCurrentPath())) {
          reads.add(getCurrentPath());
        }
        return null;
      }
    }.scan(method, null);
    return reads.stream()
        .filter(r -> ASTHelpers.getStartPosition(r.getLeaf()) < reassigned[0])
        .min(java.util.Comparator.comparingInt(r -> ASTHelpers.getStartPosition(r.getLeaf())));
  }

  /** The local a call's result is given ({@code V v = call;} or {@code v = call;}, through casts), or null. */
  private static Symbol localGiven(TreePath call) {
    TreePath at = call.getParentPath();
    while (at != null && (at.getLeaf() instanceof com.sun.source.tree.ParenthesizedTree
        || at.getLeaf() instanceof com.sun.source.tree.TypeCastTree)) {
      at = at.getParentPath();
    }
    Symbol local = at == null ? null
        : at.getLeaf() instanceof com.sun.source.tree.VariableTree variable ? ASTHelpers.getSymbol(variable)
        : at.getLeaf() instanceof com.sun.source.tree.AssignmentTree assignment
            ? ASTHelpers.getSymbol(assignment.getVariable())
            : null;
    return local != null && local.getKind() == ElementKind.LOCAL_VARIABLE ? local : null;
  }

  /** The method or lambda a path is in, or null. */
  static TreePath enclosingMethod(TreePath path) {
    TreePath method = path;
    while (method != null && !(method.getLeaf() instanceof MethodTree)
        && !(method.getLeaf() instanceof LambdaExpressionTree)) {
      method = method.getParentPath();
    }
    return method;
  }

  /** Whether a read of a local goes on with its value: not a null test, an assignment to it, or the act's value. */
  static boolean goesOnWith(TreePath read, Call act) {
    Tree parent = read.getParentPath().getLeaf();
    if (parent instanceof com.sun.source.tree.AssignmentTree assignment && assignment.getVariable() == read.getLeaf()) {
      return false;
    }
    if (parent == act.tree()) {
      return false;
    }
    return !isNullTest(read.getParentPath());
  }

  static boolean isNullTest(TreePath path) {
    return path.getLeaf() instanceof BinaryTree binary
        && (binary.getKind() == Tree.Kind.EQUAL_TO || binary.getKind() == Tree.Kind.NOT_EQUAL_TO)
        && (binary.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL
            || binary.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL);
  }


  private record Found(Call check, EntryTest test) {}

  /** Checks on act's map and key in an expression, looking through locals it reads to their initializers. */
  private static List<Found> checksIn(TreePath expression, Call act, VisitorState state) {
    List<Found> found = new ArrayList<>();
    scan(expression, act, state, found, 0, false);
    return found;
  }

  /**
   * @param unchangedLocalsOnly follow only locals that are never reassigned (a stored value is computed from
   *     the lookup only if the local still holds its result; a tested local is tested right where it is read)
   */
  private static void scan(
      TreePath expression, Call act, VisitorState state, List<Found> found, int depth, boolean unchangedLocalsOnly) {
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        Optional<Call> call = of(getCurrentPath(), state);
        if (call.isPresent()
            && (call.get().use() == KeyUse.PRESENCE_TEST || call.get().use() == KeyUse.LOOKUP)
            // A walked entry's value decides stores of its key; a removal it decides is a sweep by value (the
            // bytecode engine's KeyedCalls.entryDecides says why that is no race).
            && (call.get().iteratedMap() == null || act.use() == KeyUse.STORE)
            && (startsBefore(call.get(), act) || within(getCurrentPath(), act.path()))
            && sameMapAndKey(call.get(), act, state)) {
          found.add(new Found(call.get(), testOf(getCurrentPath(), call.get().use(), expression)));
        }
        return super.visitMethodInvocation(tree, null);
      }

      @Override
      public Void visitIdentifier(IdentifierTree tree, Void unused) {
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (depth < 2
            && sym instanceof VarSymbol local
            && sym.getKind() == ElementKind.LOCAL_VARIABLE
            && (!unchangedLocalsOnly || MapIdentity.isEffectivelyFinalLocal(local))) {
          // Every value the local is given: in double-checked code the second lookup is the one under the lock.
          for (TreePath value : Declarations.of(state).assignedValues(local)) {
            List<Found> inner = new ArrayList<>();
            KeyedCalls.scan(value, act, state, inner, depth + 1, unchangedLocalsOnly);
            for (Found f : inner) {
              // The local stands for the call's result: the test is how the local is used here.
              EntryTest test = f.check.use() == KeyUse.LOOKUP ? testOf(getCurrentPath(), KeyUse.LOOKUP, expression) : f.test;
              found.add(new Found(f.check, test));
            }
          }
        }
        return null;
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
        return null; // runs at another time
      }

      @Override
      public Void visitClass(ClassTree tree, Void unused) {
        return null;
      }
    }.scan(expression, null);
  }

  private static boolean startsBefore(Call check, Call act) {
    return ASTHelpers.getStartPosition(check.tree()) < ASTHelpers.getStartPosition(act.tree());
  }


  /** How the value at {@code use} (a lookup or a local holding its result) is tested. */
  private static EntryTest testOf(TreePath use, KeyUse kind, TreePath root) {
    if (kind == KeyUse.PRESENCE_TEST) {
      return EntryTest.PRESENCE;
    }
    TreePath p = use.getParentPath();
    while (p != null && p.getLeaf() instanceof com.sun.source.tree.ParenthesizedTree && p != root) {
      p = p.getParentPath();
    }
    if (p != null && p.getLeaf() instanceof BinaryTree binary
        && (binary.getKind() == Tree.Kind.EQUAL_TO || binary.getKind() == Tree.Kind.NOT_EQUAL_TO)
        && (isNull(binary.getLeftOperand()) || isNull(binary.getRightOperand()))) {
      return EntryTest.NULL;
    }
    return EntryTest.VALUE;
  }

  private static boolean isNull(ExpressionTree tree) {
    return MapIdentity.strip(tree).getKind() == Tree.Kind.NULL_LITERAL;
  }

  /**
   * Whether a lookup that runs where a presence test found the key is returned, or dereferenced through the local it
   * is given, not under a test of it, while the side where the key is missing puts a new entry into the same map
   * (there, or in a method of this compilation it calls that fills the map field itself): a null returned for a key
   * that was there stands where a value would have been created. The bytecode counterpart is {@code
   * KeyedCalls.fillsWhenMissing} with {@code MapFillers}.
   */
  public static boolean returnedWhereMissingFills(Call lookup, Guard guard, VisitorState state) {
    if (lookup.use() != KeyUse.LOOKUP || lookup.delegate() != null || guard.test() != EntryTest.PRESENCE
        || !returnedAsFound(lookup, state)) {
      return false;
    }
    return missingSide(guard, lookup).stream().anyMatch(side -> fills(side, guard.check(), state));
  }

  private static boolean returnedAsFound(Call lookup, VisitorState state) {
    TreePath at = lookup.path();
    while (at.getParentPath().getLeaf() instanceof com.sun.source.tree.ParenthesizedTree
        || at.getParentPath().getLeaf() instanceof com.sun.source.tree.TypeCastTree) {
      at = at.getParentPath();
    }
    if (at.getParentPath().getLeaf() instanceof ReturnTree) {
      return true;
    }
    return localGiven(lookup.path()) instanceof VarSymbol local && MapIdentity.isEffectivelyFinalLocal(local)
        && firstUnguardedUse(local, enclosingMethod(lookup.path()), state.getEndPosition(lookup.tree()), state)
            .isPresent();
  }

  /**
   * The statements that run where the guard's presence test finds the key missing, when the lookup runs only where
   * it is found: the other branch, or after {@code if (m.containsKey(k)) {..exit..}} the rest of the block.
   */
  private static List<TreePath> missingSide(Guard guard, Call lookup) {
    if (!(guard.decision().getLeaf() instanceof IfTree branch)) {
      return List.of();
    }
    ExpressionTree condition = MapIdentity.strip(branch.getCondition());
    boolean negated = condition.getKind() == Tree.Kind.LOGICAL_COMPLEMENT;
    if (negated) {
      condition = MapIdentity.strip(((com.sun.source.tree.UnaryTree) condition).getExpression());
    }
    if (condition != guard.check().tree()) {
      return List.of();
    }
    TreePath then = new TreePath(guard.decision(), branch.getThenStatement());
    if (guard.earlyExit() || negated) { // if (!m.containsKey(k)) {..} else or after it: the lookup
      return negated && !within(lookup.path(), then) ? List.of(then) : List.of();
    }
    if (!within(lookup.path(), then)) {
      return List.of();
    }
    if (branch.getElseStatement() != null) {
      return List.of(new TreePath(guard.decision(), branch.getElseStatement()));
    }
    TreePath enclosing = guard.decision().getParentPath();
    if (!exits(branch.getThenStatement()) || !(enclosing.getLeaf() instanceof BlockTree block)) {
      return List.of();
    }
    List<? extends StatementTree> statements = block.getStatements();
    return statements.subList(statements.indexOf(branch) + 1, statements.size()).stream()
        .map(statement -> new TreePath(enclosing, statement))
        .toList();
  }

  /** Whether {@code path} is {@code ancestor}'s tree or inside it. */
  private static boolean within(TreePath path, TreePath ancestor) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() == ancestor.getLeaf()) {
        return true;
      }
    }
    return false;
  }

  /** Whether code puts an entry into the checked map: itself, or by calling a method that puts into its field. */
  private static boolean fills(TreePath code, Call check, VisitorState state) {
    Symbol field = check.receiver() == null ? null
        : MapIdentity.symbolOf(new TreePath(check.path(), check.receiver()), state);
    boolean[] found = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        Optional<Call> store = of(getCurrentPath(), state).filter(KeyedCalls::puts);
        found[0] |= store.isPresent() && sameMap(store.get(), check, state)
            || field != null && field.getKind() == ElementKind.FIELD
                && ASTHelpers.getSymbol(call) instanceof MethodSymbol callee && putsInto(callee, field, state);
        return super.visitMethodInvocation(call, unused);
      }
    }.scan(code, null);
    return found[0];
  }

  /** Whether a method of this compilation puts an entry into the map of {@code field} in its own body. */
  private static boolean putsInto(MethodSymbol method, Symbol field, VisitorState state) {
    TreePath declaration = Declarations.of(state).method(method);
    if (declaration == null || ((MethodTree) declaration.getLeaf()).getBody() == null) {
      return false;
    }
    boolean[] found = {false};
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        found[0] |= of(getCurrentPath(), state).filter(KeyedCalls::puts)
            .filter(store -> store.delegate() == null
                && field.equals(MapIdentity.symbolOf(new TreePath(store.path(), store.receiver()), state)))
            .isPresent();
        return super.visitMethodInvocation(call, unused);
      }
    }.scan(new TreePath(declaration, ((MethodTree) declaration.getLeaf()).getBody()), null);
    return found[0];
  }

  private static boolean puts(Call call) {
    return call.use() == KeyUse.STORE || call.use() == KeyUse.STORE_IF_ABSENT;
  }

  /** A lookup whose null the code goes on with after a re-check found the entry, and where it does. */
  public record StaleNull(Call lookup, TreePath use) {}

  /**
   * For a re-check {@code if (!m.containsKey(k)) {..}} inside {@code if (v == null)}, where {@code v} holds only
   * {@code m.get(k)}: the first return or dereference of {@code v} after the re-check on the path where it finds
   * the entry (another thread put it in between), not under another test of {@code v}. The code then skips the
   * creation and goes on with the null ({@link dev.mapsafe.knowledge.mapapi.CheckThenAct#STALE_NULL_AFTER_RECHECK}).
   */
  public static Optional<StaleNull> staleNull(Call recheck, VisitorState state) {
    if (recheck.use() != KeyUse.PRESENCE_TEST || recheck.delegate() != null) {
      return Optional.empty();
    }
    TreePath p = recheck.path().getParentPath();
    while (p != null && p.getLeaf() instanceof com.sun.source.tree.ParenthesizedTree) {
      p = p.getParentPath();
    }
    if (p == null || p.getLeaf().getKind() != Tree.Kind.LOGICAL_COMPLEMENT) {
      return Optional.empty();
    }
    while (p.getParentPath() != null && p.getParentPath().getLeaf() instanceof com.sun.source.tree.ParenthesizedTree) {
      p = p.getParentPath();
    }
    TreePath recheckIf = p.getParentPath();
    if (recheckIf == null || !(recheckIf.getLeaf() instanceof IfTree ifTree) || ifTree.getElseStatement() != null) {
      return Optional.empty();
    }
    for (TreePath at = recheckIf; at.getParentPath() != null; at = at.getParentPath()) {
      if (at.getLeaf() instanceof MethodTree || at.getLeaf() instanceof ClassTree
          || at.getLeaf() instanceof LambdaExpressionTree || exitsAfter(at)) {
        return Optional.empty();
      }
      if (at.getParentPath().getLeaf() instanceof IfTree nullIf && nullIf.getThenStatement() == at.getLeaf()) {
        Optional<VarSymbol> tested = nullTested(nullIf.getCondition());
        Optional<Call> lookup = tested.flatMap(v -> onlyLookup(v, state));
        if (lookup.isPresent() && sameMapAndKey(lookup.get(), recheck, state)) {
          return firstUnguardedUse(tested.get(), enclosingMethod(recheckIf), state.getEndPosition(ifTree), state)
              .map(use -> new StaleNull(lookup.get(), use));
        }
      }
    }
    return Optional.empty();
  }

  /** Whether a statement after {@code statement} in its block always leaves the block. */
  private static boolean exitsAfter(TreePath statement) {
    if (!(statement.getParentPath().getLeaf() instanceof BlockTree block)) {
      return false;
    }
    List<? extends StatementTree> all = block.getStatements();
    int at = all.indexOf(statement.getLeaf());
    return at >= 0 && all.subList(at + 1, all.size()).stream().anyMatch(KeyedCalls::exits);
  }

  /** {@code v == null} of a local variable {@code v}. */
  private static Optional<VarSymbol> nullTested(ExpressionTree condition) {
    if (!(MapIdentity.strip(condition) instanceof BinaryTree test) || test.getKind() != Tree.Kind.EQUAL_TO) {
      return Optional.empty();
    }
    ExpressionTree other = isNull(test.getLeftOperand()) ? test.getRightOperand()
        : isNull(test.getRightOperand()) ? test.getLeftOperand() : null;
    return other != null && ASTHelpers.getSymbol(MapIdentity.strip(other)) instanceof VarSymbol v
        && v.getKind() == ElementKind.LOCAL_VARIABLE ? Optional.of(v) : Optional.empty();
  }

  /** The lookup an effectively final local holds, when it is given nothing else. */
  private static Optional<Call> onlyLookup(VarSymbol local, VisitorState state) {
    List<TreePath> values = Declarations.of(state).assignedValues(local);
    if (!MapIdentity.isEffectivelyFinalLocal(local) || values.size() != 1) {
      return Optional.empty();
    }
    TreePath value = values.get(0);
    while (MapIdentity.strip((ExpressionTree) value.getLeaf()) != value.getLeaf()) {
      value = new TreePath(value, MapIdentity.strip((ExpressionTree) value.getLeaf()));
    }
    return of(value, state).filter(c -> c.use() == KeyUse.LOOKUP && c.delegate() == null);
  }

  /** The first {@code return v} or dereference of {@code v} after {@code from}, outside any test of {@code v}. */
  private static Optional<TreePath> firstUnguardedUse(VarSymbol v, TreePath method, int from, VisitorState state) {
    List<TreePath> found = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree id, Void unused) {
        TreePath path = getCurrentPath();
        Tree parent = path.getParentPath().getLeaf();
        if (found.isEmpty() && ASTHelpers.getSymbol(id) == v && state.getEndPosition(id) > from
            && (parent instanceof ReturnTree
                || parent instanceof MemberSelectTree select && select.getExpression() == id)
            && !underTestOf(v, path)) {
          found.add(path);
        }
        return null;
      }
    }.scan(method, null);
    return found.stream().findFirst();
  }

  /** Whether a use sits in a branch of an {@code if} or {@code ?:} whose condition reads {@code v}. */
  private static boolean underTestOf(VarSymbol v, TreePath use) {
    for (TreePath p = use; p.getParentPath() != null; p = p.getParentPath()) {
      Tree parent = p.getParentPath().getLeaf();
      ExpressionTree condition = parent instanceof IfTree i ? i.getCondition()
          : parent instanceof ConditionalExpressionTree c && c.getCondition() != p.getLeaf() ? c.getCondition() : null;
      if (condition != null && mentions(condition, v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentions(Tree tree, Symbol v) {
    boolean[] found = {false};
    new com.sun.source.util.TreeScanner<Void, Void>() {
      @Override
      public Void visitIdentifier(IdentifierTree id, Void unused) {
        found[0] |= ASTHelpers.getSymbol(id) == v;
        return null;
      }
    }.scan(tree, null);
    return found[0];
  }

  /** Whether a statement always leaves the enclosing block: return, throw, break, continue, or a block ending so. */
  public static boolean exits(StatementTree statement) {
    if (statement instanceof BlockTree block) {
      List<? extends StatementTree> s = block.getStatements();
      return !s.isEmpty() && exits(s.get(s.size() - 1));
    }
    return statement instanceof ReturnTree
        || statement instanceof ThrowTree
        || statement instanceof BreakTree
        || statement instanceof ContinueTree;
  }
}
