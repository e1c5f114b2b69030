package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Project;
import dev.mapsafe.errorprone.report.MapsafeChecker;
import com.google.errorprone.bugpatterns.BugChecker.AssignmentTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import dev.mapsafe.errorprone.analysis.CallerLocks;
import dev.mapsafe.errorprone.analysis.CopyOnWriteUpdates;
import dev.mapsafe.errorprone.analysis.Declarations;
import dev.mapsafe.errorprone.analysis.KeyedCalls;
import dev.mapsafe.errorprone.analysis.StoredValues;
import dev.mapsafe.errorprone.analysis.KeyedCalls.Call;
import dev.mapsafe.errorprone.analysis.KeyedCalls.Guard;
import dev.mapsafe.errorprone.analysis.MapDelegates;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.Races;
import dev.mapsafe.errorprone.analysis.Refills;
import com.sun.source.tree.Tree;
import dev.mapsafe.errorprone.analysis.ThreadSafeMaps;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.CheckThenAct;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.RaceConsequence;
import dev.mapsafe.errorprone.analysis.FieldAccesses;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.stream.Stream;
import javax.lang.model.element.ElementKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Two single-key calls on the same concurrent or synchronized map and key, where the second runs only because
 * of what the first saw ({@code containsKey} then {@code put}) or stores what the first read ({@code get}
 * then {@code put}), with no lock held across both: another thread can change the entry in between.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Check-then-act or read-modify-write on a concurrent or synchronized map that must be one atomic call",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "NonAtomicMapUpdate.html")
public final class NonAtomicMapUpdate extends MapsafeChecker
    implements MethodInvocationTreeMatcher, AssignmentTreeMatcher {

  /**
   * What was found: the sequence, the first call, the decision it feeds (null for a computed value), and for an
   * ignored putIfAbsent where the code goes on with its own value (else null).
   */
  record Sequence(CheckThenAct kind, Call check, Guard guard, TreePath ownValueUse) {
    Sequence(CheckThenAct kind, Call check, Guard guard) {
      this(kind, check, guard, null);
    }
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  @Override
  public Description matchAssignment(AssignmentTree tree, VisitorState state) {
    return report(() -> unlockedCopyOnWriteUpdate(tree, state), state);
  }

  /** A copy-on-write update (or a call of the helper that makes one) without the lock the other updates hold. */
  private Description unlockedCopyOnWriteUpdate(Tree tree, VisitorState state) {
    return CopyOnWriteUpdates.startingAt(state.getPath(), state)
        .map(update -> buildDescription(tree)
            .setMessage(Messages.unlockedCopyOnWriteUpdate(update.field().getSimpleName().toString(), update.lock(),
                update.lockedIn(), line(tree, state)))
            .build())
        .orElse(Description.NO_MATCH);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    Description copyOnWrite = unlockedCopyOnWriteUpdate(tree, state);
    if (copyOnWrite != Description.NO_MATCH) {
      return copyOnWrite;
    }
    if (tree.getArguments().isEmpty() && ASTHelpers.getSymbol(tree) != null
        && MapApi.empties(ASTHelpers.getSymbol(tree).getSimpleName().toString())) {
      return findRefill(tree, state);
    }
    Optional<Call> act = KeyedCalls.of(state.getPath(), state);
    if (act.isPresent() && act.get().use() == KeyUse.PRESENCE_TEST) {
      return staleNull(act.get(), state);
    }
    if (act.isEmpty() || act.get().iteratedMap() != null || storeResultUsed(act.get())
        || StoredValues.hasUniqueKey(act.get(), state)) {
      return Description.NO_MATCH; // a fresh key (UUID.randomUUID(), a counter's next value) is this thread's own
    }
    Optional<Sequence> sequence = sequence(act.get(), state);
    if (sequence.isEmpty()) {
      return Description.NO_MATCH;
    }
    MapDelegates.Delegate delegate = act.get().delegate();
    TreePath map = delegate == null
        ? new TreePath(state.getPath(), act.get().receiver())
        : new TreePath(delegate.mapCall(), ASTHelpers.getReceiver((MethodInvocationTree) delegate.mapCall().getLeaf()));
    Optional<String> kind = ThreadSafeMaps.kindOf(map, delegate == null ? state : state.withPath(map));
    if (kind.isEmpty()) {
      return Description.NO_MATCH;
    }
    Symbol field = delegate == null ? MapIdentity.symbolOf(map, state) : delegate.field();
    // Through an accessor on a field of this object: the writes that reach this map go through that field.
    Symbol through = delegate == null || act.get().receiver() == null ? null
        : MapIdentity.symbolOf(new TreePath(state.getPath(), act.get().receiver()), state);
    Symbol owner = through != null && through.getKind() == ElementKind.FIELD ? through : null;
    boolean isField = field != null && field.getKind() == ElementKind.FIELD;
    Optional<RaceConsequence.Consequence> consequence = RaceConsequence.of(
        sequence.get().kind(),
        StoredValues.storedValue(sequence.get().check(), act.get(), state),
        !isField || writes(field, owner, state).anyMatch(w -> MapApi.mayRemoveEntries(name(w)))
            || owner != null && writes(field, null, state).anyMatch(w -> MapApi.mayRemoveEntries(name(w))),
        isField && writes(field, owner, state).anyMatch(w -> !removes(w) && !memoizingStore(w, state)),
        isField && writes(field, owner, state).anyMatch(w -> !removes(w))
            && writes(field, owner, state).allMatch(w -> removes(w) || memoizingStore(w, state)));
    if (consequence.isEmpty()) {
      return Description.NO_MATCH;
    }
    String message =
        Messages.nonAtomicMapUpdate(
            delegate == null ? state.getSourceForNode(act.get().receiver()) : delegate.field().getSimpleName().toString(),
            kind.get(),
            sequence.get().kind(),
            consequence.get(),
            brief(sequence.get().check(), state),
            sequence.get().ownValueUse() != null
                ? Messages.ownValueUse(state.getSourceForNode(sequence.get().ownValueUse().getLeaf()),
                    line(sequence.get().ownValueUse().getLeaf(), state))
                : brief(act.get(), state));
    Description.Builder description = buildDescription(tree).setMessage(message);
    AtomicRewrites.of(sequence.get(), act.get(), state).ifPresent(description::addFix);
    return description.build();
  }

  /**
   * A re-check of an entry a lookup found missing that, when it finds the entry, lets the code go on with the
   * lookup's null ({@link KeyedCalls#staleNull}).
   */
  private Description staleNull(Call recheck, VisitorState state) {
    Optional<KeyedCalls.StaleNull> stale = KeyedCalls.staleNull(recheck, state);
    if (stale.isEmpty()) {
      return Description.NO_MATCH;
    }
    Optional<String> kind = ThreadSafeMaps.kindOf(new TreePath(state.getPath(), recheck.receiver()), state);
    if (kind.isEmpty()) {
      return Description.NO_MATCH;
    }
    Tree use = stale.get().use().getLeaf();
    return buildDescription(recheck.tree())
        .setMessage(Messages.nonAtomicMapUpdate(state.getSourceForNode(recheck.receiver()), kind.get(),
            CheckThenAct.STALE_NULL_AFTER_RECHECK,
            RaceConsequence.ofStaleNull(Messages.ownValueUse(state.getSourceForNode(use), line(use, state))),
            brief(stale.get().lookup(), state), brief(recheck, state)))
        .build();
  }

  /** A thread-safe map field cleared and filled again while other methods read it ({@link Refills}). */
  private Description findRefill(MethodInvocationTree tree, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    if (receiver == null) {
      return Description.NO_MATCH;
    }
    TreePath map = new TreePath(state.getPath(), receiver);
    Symbol field = MapIdentity.symbolOf(map, state);
    Optional<String> kind = ThreadSafeMaps.kindOf(map, state);
    if (field == null || field.getKind() != ElementKind.FIELD || kind.isEmpty()) {
      return Description.NO_MATCH;
    }
    Optional<Refills.Refill> refill = Refills.startedBy(state.getPath(), field, state);
    if (refill.isEmpty()) {
      return Description.NO_MATCH;
    }
    Tree refilling = Races.enclosingMethodOf(state.getPath());
    boolean cache = writes(field, null, state).anyMatch(w -> Races.enclosingMethodOf(w.call()) != refilling
        && (MapApi.fillsOnMiss(name(w)) || memoizingStore(w, state)));
    Optional<RaceConsequence.Consequence> consequence = RaceConsequence.ofRefill(
        site(refill.get().reader(), state) + " in " + methodName(refill.get().reader().call()), cache);
    if (consequence.isEmpty()) {
      return Description.NO_MATCH;
    }
    return buildDescription(tree)
        .setMessage(Messages.nonAtomicMapUpdate(state.getSourceForNode(receiver), kind.get(),
            CheckThenAct.CLEAR_THEN_REFILL, consequence.get(), site(refill.get().clear(), state),
            site(refill.get().fill(), state)))
        .build();
  }

  /** {@code Map.putAll(Map) at line 100}. */
  private static String site(FieldAccesses.Access access, VisitorState state) {
    return access.effect().fact().display() + " at line " + line(access.call().getLeaf(), state);
  }

  private static String methodName(TreePath path) {
    MethodTree method = ASTHelpers.findEnclosingNode(path, MethodTree.class);
    return method == null ? "an initializer" : method.getName() + "()";
  }

  /**
   * The first sequence the act ends, unless one of its checks shares a lock with it: in double-checked code
   * ({@code get}; {@code synchronized (lock) { get; put }}) the checks under the lock make the put safe, as long
   * as every writer takes the lock.
   */
  private static Optional<Sequence> sequence(Call act, VisitorState state) {
    if (act.use() == KeyUse.STORE_IF_ABSENT) {
      return KeyedCalls.ownValueUse(act, state)
          .map(use -> new Sequence(CheckThenAct.IGNORED_PUT_IF_ABSENT, act, null, use));
    }
    List<Sequence> candidates = new ArrayList<>();
    if (act.use() == KeyUse.STORE) {
      KeyedCalls.valueSource(act, state)
          .ifPresent(source -> candidates.add(new Sequence(CheckThenAct.READ_MODIFY_WRITE, source, null)));
    }
    for (Guard guard : KeyedCalls.guards(act, state)) {
      CheckThenAct kind = CheckThenAct.guarded(act.use(), guard.test(),
          isDereferenced(act.path()) || KeyedCalls.returnedWhereMissingFills(act, guard, state));
      if (kind != null) {
        candidates.add(new Sequence(kind, guard.check(), guard));
      }
    }
    if (candidates.isEmpty()) {
      KeyedCalls.foundValueTakenAsReplaced(act, state).ifPresent(
          lookup -> candidates.add(new Sequence(CheckThenAct.FOUND_VALUE_TAKEN_AS_REPLACED, lookup, null)));
    }
    if (candidates.stream().anyMatch(
        c -> lockedAcrossBoth(c.check(), act, state) || KeyedCalls.recheckedUnderLock(c.check(), act, state))) {
      return Optional.empty();
    }
    return candidates.stream().findFirst();
  }

  /** A write of a map field: the call that makes it, directly or through a {@link MapDelegates} delegate. */
  private record Write(TreePath call, String name) {}

  /**
   * The writes of a map field after construction, in this compilation unit (with {@code owner}, only those made
   * through accessors called on that field of the caller's object); a call of a delegate is its write,
   * made where it is called (the delegate's own write then stands for nothing more than that it may remove entries,
   * when all its callers are compiled here).
   */
  private static Stream<Write> writes(Symbol field, Symbol owner, VisitorState state) {
    if (owner != null) { // only the accessor calls on the owner field reach its map
      return delegatedWrites(field, state).filter(w -> {
        ExpressionTree receiver = ASTHelpers.getReceiver((MethodInvocationTree) w.call().getLeaf());
        return receiver != null && owner.equals(MapIdentity.symbolOf(new TreePath(w.call(), receiver), state));
      });
    }
    Stream<Write> direct = FieldAccesses.of(field, state).stream()
        .filter(a -> a.kind() == MapEffect.WRITE && !inConstruction(a.call())
            && (MapApi.mayRemoveEntries(a.effect().fact().name()) || !standsForItsCalls(a.call(), state)))
        .map(a -> new Write(a.call(), a.effect().fact().name()));
    return Stream.concat(direct, delegatedWrites(field, state));
  }

  /** The calls in this unit of accessors that write the field's map ({@link MapDelegates}), on any object. */
  private static Stream<Write> delegatedWrites(Symbol field, VisitorState state) {
    return field.owner.getEnclosedElements().stream()
        .filter(m -> m instanceof MethodSymbol)
        .flatMap(m -> MapDelegates.of((MethodSymbol) m, state).stream()
            .filter(d -> d.field().equals(field) && d.use().writes())
            .flatMap(d -> Declarations.of(state).invocations((MethodSymbol) m).stream()
                .filter(c -> !inConstruction(c))
                .map(c -> new Write(c, d.api().name()))));
  }

  /** Whether a write is the one map call of a delegate that only this compilation calls. */
  private static boolean standsForItsCalls(TreePath write, VisitorState state) {
    MethodTree method = ASTHelpers.findEnclosingNode(write, MethodTree.class);
    MethodSymbol sym = method == null ? null : ASTHelpers.getSymbol(method);
    return sym != null && MapDelegates.of(sym, state).isPresent() && CallerLocks.allCallersCompiledHere(sym, state);
  }

  private static String name(Write write) {
    return write.name();
  }

  /** {@code remove} and {@code clear} take entries away without storing anything another put could overwrite. */
  private static boolean removes(Write write) {
    return name(write).equals("remove") || name(write).equals("clear");
  }

  private static boolean inConstruction(TreePath site) {
    for (TreePath p = site; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree method) {
        return ASTHelpers.getSymbol(method).isConstructor();
      }
      if (p.getLeaf() instanceof ClassTree) {
        return true; // a field initializer or an initializer block
      }
    }
    return false;
  }

  /**
   * Whether a write is itself a check-then-act store that only memoizes, or any store of a value its key determines
   * ({@link RaceConsequence#storesKeyDeterminedValue}); not one that stores a value computed from the entry it read:
   * that one updates the entry, as the sequence the check reports says.
   */
  private static boolean memoizingStore(Write write, VisitorState state) {
    Optional<Call> store = KeyedCalls.of(write.call(), state);
    if (store.isEmpty() || store.get().use() != KeyUse.STORE
        || KeyedCalls.valueSource(store.get(), state).isPresent()) {
      return false;
    }
    if (!StoredValues.storesValueReadFromAMap(store.get(), state)
        && RaceConsequence.storesKeyDeterminedValue(StoredValues.storedValue(store.get(), store.get(), state))) {
      return true;
    }
    for (Guard guard : KeyedCalls.guards(store.get(), state)) {
      CheckThenAct kind = CheckThenAct.guarded(KeyUse.STORE, guard.test(), false);
      if (kind != null
          && RaceConsequence.memoizes(kind, StoredValues.storedValue(guard.check(), store.get(), state))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the call's result is used as the receiver of a call or field access. */
  private static boolean isDereferenced(TreePath call) {
    TreePath p = call;
    while (p.getParentPath().getLeaf() instanceof com.sun.source.tree.ParenthesizedTree
        || p.getParentPath().getLeaf() instanceof com.sun.source.tree.TypeCastTree) {
      p = p.getParentPath();
    }
    return p.getParentPath().getLeaf() instanceof MemberSelectTree select && select.getExpression() == p.getLeaf();
  }

  /**
   * Whether a {@code put}'s result (the value it replaced) is used: the code then looks at what another thread
   * may have stored in between, and handles it.
   */
  private static boolean storeResultUsed(Call act) {
    return act.use() == KeyUse.STORE
        && !(act.path().getParentPath().getLeaf() instanceof com.sun.source.tree.ExpressionStatementTree);
  }

  /**
   * Whether one lock is held at both calls, by the method or by every caller of its private method (every other
   * access is then assumed to take it too).
   */
  private static boolean lockedAcrossBoth(Call check, Call act, VisitorState state) {
    Set<GuardedByExpression> common = new HashSet<>(CallerLocks.exclusiveProtectingAt(check.path(), state));
    common.retainAll(CallerLocks.exclusiveProtectingAt(act.path(), state));
    return !common.isEmpty();
  }

  private static long line(com.sun.source.tree.Tree tree, VisitorState state) {
    return state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  /** {@code cache.put(key, ..) at line 14}. */
  private static String brief(Call call, VisitorState state) {
    MethodInvocationTree tree = call.tree();
    long line = line(tree, state);
    if (call.iteratedMap() != null) {
      ExpressionTree entry = MapIdentity.strip(call.key());
      return Messages.entryValueRead(state.getSourceForNode(call.receiver()),
          entry instanceof IdentifierTree ? state.getSourceForNode(entry) : null, line);
    }
    ExpressionTree key = MapIdentity.strip(call.key());
    MapDelegates.Delegate delegate = call.delegate();
    return Messages.keyedCall(
        delegate == null ? state.getSourceForNode(call.receiver()) : delegate.field().getSimpleName().toString(),
        delegate == null ? ASTHelpers.getSymbol(tree).getSimpleName().toString() : delegate.api().name(),
        key instanceof IdentifierTree ? state.getSourceForNode(key) : null,
        call.argumentCount() > 1,
        delegate == null ? null : delegate.name(),
        line);
  }
}
