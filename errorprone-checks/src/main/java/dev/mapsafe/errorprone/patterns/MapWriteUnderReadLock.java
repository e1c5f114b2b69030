package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Project;
import dev.mapsafe.errorprone.report.MapsafeChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.errorprone.analysis.Declarations;
import dev.mapsafe.errorprone.analysis.CallerLocks;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapEffects;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.MapImplementations;
import dev.mapsafe.errorprone.analysis.Races;
import dev.mapsafe.errorprone.analysis.ThreadReach;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.threads.Overlap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * A non-thread-safe map field (or a map subclass's own object) changed while only the read lock of a read-write lock
 * is held: a write, or a read that writes (any call on a {@code WeakHashMap}, {@code get} on an access-ordered
 * {@code LinkedHashMap}).
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Non-concurrent map written while holding only a read lock",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "MapWriteUnderReadLock.html")
public final class MapWriteUnderReadLock extends MapsafeChecker implements MethodInvocationTreeMatcher {
  private static final List<String> READ_LOCKS = List.of("readLock", "readLockInterruptibly", "tryReadLock");

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!Declarations.ofCompilation(state).invokesAnyOf(READ_LOCKS)) {
      return Description.NO_MATCH; // no read lock is taken in this compilation
    }
    for (MapEffects.Access access : MapEffects.of(tree, state)) {
      TreePath map = MapEffects.viewedMap(new TreePath(state.getPath(), access.operand()), state);
      Symbol sym = MapIdentity.symbolOf(map, state);
      if (!(sym instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD) {
        continue;
      }
      if (!field.isStatic() && onThis((ExpressionTree) map.getLeaf()) && ThreadReach.direct(state.getPath(), state)
          .stream().allMatch(c -> c.kind() == Overlap.Kind.CONSTRUCTION)) {
        continue; // the map of an object being set up, which no other thread reaches yet
      }
      Optional<List<String>> classes = MapImplementations.of(field, state);
      if (classes.isPresent()) {
        Description found = describe(tree, access.effect(), field.getSimpleName().toString(), classes.get(),
            accessOrdered(field, state), state);
        if (found != Description.NO_MATCH) {
          return found;
        }
      }
    }
    ClassSymbol self = selfAsMap(tree, state);
    if (self == null) {
      return Description.NO_MATCH;
    }
    for (Effect effect : JavacApi.call(tree, state)
        .map(call -> MapApi.effectsOf(call, JavacApi.hierarchy(state))).orElse(List.of())) {
      if (effect.operand().isReceiver()) {
        Description found = describe(tree, effect, "this " + self.getSimpleName(), List.of(self.flatName().toString()),
            accessOrdered(self, state), state);
        if (found != Description.NO_MATCH) {
          return found;
        }
      }
    }
    return Description.NO_MATCH;
  }

  /** The finding at a call with this effect on a map of these classes, if it changes the map under a read lock. */
  private Description describe(MethodInvocationTree tree, Effect effect, String map, List<String> classes,
      boolean accessOrdered, VisitorState state) {
    MapEffect kind = effect.kind();
    if ((kind != MapEffect.WRITE && kind != MapEffect.READ)
        || !classes.stream().allMatch(c -> MapTypes.isNotThreadSafe(c, JavacApi.hierarchy(state)))) {
      return Description.NO_MATCH;
    }
    String reason = null;
    if (kind == MapEffect.READ) {
      String name = ASTHelpers.getSymbol(tree).getSimpleName().toString();
      if (classes.stream().noneMatch(c -> MapTypes.readWrites(c, accessOrdered, name, JavacApi.hierarchy(state)))) {
        return Description.NO_MATCH;
      }
      reason = Messages.readThatWrites(accessOrdered);
    }
    Set<GuardedByExpression> readOnly = CallerLocks.readOnlyIncludingCallers(state.getPath(), state);
    String lock;
    if (!readOnly.isEmpty()) {
      lock = readOnly.stream().map(Races::lockName).sorted().findFirst().orElseThrow();
    } else {
      Optional<String> caller = readLockOfCaller(state);
      if (caller.isEmpty()) {
        return Description.NO_MATCH;
      }
      lock = caller.get();
    }
    long line = lineOf(tree, state.getPath());
    return buildDescription(tree)
        .setMessage(Messages.mapWriteUnderReadLock(map, effect.fact().display() + " at line " + line, lock, reason))
        .build();
  }

  /**
   * When no lock at all guards the point, the read lock of a call elsewhere that may run its method
   * ({@link CallerLocks#readLockedCall}), described for the message.
   */
  private static Optional<String> readLockOfCaller(VisitorState state) {
    if (!CallerLocks.protectingAt(state.getPath(), state).isEmpty()) {
      return Optional.empty();
    }
    return CallerLocks.readLockedCall(state.getPath(), state).map(via -> {
      MethodTree caller = ASTHelpers.findEnclosingNode(via.call(), MethodTree.class);
      ClassTree owner = ASTHelpers.findEnclosingNode(via.call(), ClassTree.class);
      String name = (owner == null ? "" : owner.getSimpleName() + ".")
          + (caller == null ? "<init>" : caller.getName().toString());
      return Messages.readLockOfCaller(
          via.readOnly().stream().map(Races::lockName).sorted().findFirst().orElseThrow(), name,
          (int) lineOf(via.call().getLeaf(), via.call()));
    });
  }

  /** Whether a field's map is read on the code's own object ({@code map}, {@code this.map}). */
  private static boolean onThis(ExpressionTree map) {
    ExpressionTree tree = MapIdentity.strip(map);
    return tree instanceof IdentifierTree
        || tree instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree base
            && base.getName().contentEquals("this");
  }

  private static long lineOf(com.sun.source.tree.Tree tree, TreePath path) {
    return path.getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  /**
   * The class of the code, when the call is on that object itself ({@code super.get(k)}, {@code this.merge(..)}, or
   * an inherited method called without a receiver) and the class is a map; else null.
   */
  private static ClassSymbol selfAsMap(MethodInvocationTree tree, VisitorState state) {
    Symbol callee = ASTHelpers.getSymbol(tree);
    ClassTree enclosing = state.findEnclosing(ClassTree.class);
    ClassSymbol self = enclosing == null ? null : ASTHelpers.getSymbol(enclosing);
    if (callee == null || callee.isStatic() || self == null
        || !JavacApi.hierarchy(state).isSubtype(self.flatName().toString(), "java.util.Map")) {
      return null;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    boolean onSelf = receiver == null
        ? callee.owner instanceof ClassSymbol owner && self.isSubClass(owner, state.getTypes())
        : receiver instanceof IdentifierTree id
            && (id.getName().contentEquals("this") || id.getName().contentEquals("super"));
    return onSelf ? self : null;
  }

  /**
   * Whether every constructor of the map subclass that calls its superclass's makes it access-ordered
   * ({@code super(capacity, loadFactor, true)}), and one does.
   */
  private static boolean accessOrdered(ClassSymbol self, VisitorState state) {
    boolean any = false;
    for (Symbol member : self.getEnclosedElements()) {
      if (!(member instanceof MethodSymbol constructor) || !constructor.isConstructor()) {
        continue;
      }
      TreePath declaration = Declarations.declaring(self, state).method(constructor);
      if (declaration == null || !(declaration.getLeaf() instanceof MethodTree method) || method.getBody() == null
          || method.getBody().getStatements().isEmpty()
          || !(method.getBody().getStatements().get(0) instanceof ExpressionStatementTree first
              && first.getExpression() instanceof MethodInvocationTree call
              && call.getMethodSelect() instanceof IdentifierTree name)) {
        return false;
      }
      if (name.getName().contentEquals("this")) {
        continue; // delegates to another constructor, which is checked on its own
      }
      if (!accessOrderArgument(call.getArguments())) {
        return false;
      }
      any = true;
    }
    return any;
  }

  /** Whether some value of the field is {@code new LinkedHashMap<>(capacity, loadFactor, true)} (or a subclass). */
  private static boolean accessOrdered(VarSymbol field, VisitorState state) {
    for (TreePath value : Declarations.declaring(field, state).assignedValues(field)) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
      if (tree instanceof NewClassTree creation && accessOrderArgument(creation.getArguments())) {
        Type type = ASTHelpers.getType(creation);
        Type linked = state.getTypeFromString("java.util.LinkedHashMap");
        if (type != null && linked != null
            && state.getTypes().isSubtype(state.getTypes().erasure(type), state.getTypes().erasure(linked))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code LinkedHashMap(capacity, loadFactor, accessOrder)}'s arguments say {@code accessOrder = true}. */
  private static boolean accessOrderArgument(List<? extends ExpressionTree> arguments) {
    return arguments.size() == 3 && arguments.get(2) instanceof LiteralTree literal
        && Boolean.TRUE.equals(literal.getValue());
  }
}
