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
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.errorprone.analysis.Declarations;
import dev.mapsafe.errorprone.analysis.CallerLocks;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapEffects;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.MapImplementations;
import dev.mapsafe.errorprone.analysis.Races;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * A non-thread-safe map field changed while only the read lock of a read-write lock is held: a write, or a read
 * that writes (any call on a {@code WeakHashMap}, {@code get} on an access-ordered {@code LinkedHashMap}).
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
    if (!Declarations.of(state).invokesAnyOf(READ_LOCKS)) {
      return Description.NO_MATCH; // no read lock is taken in this file
    }
    for (MapEffects.Access access : MapEffects.of(tree, state)) {
      MapEffect kind = access.effect().kind();
      if (kind != MapEffect.WRITE && kind != MapEffect.READ) {
        continue;
      }
      TreePath map = MapEffects.viewedMap(new TreePath(state.getPath(), access.operand()), state);
      Symbol sym = MapIdentity.symbolOf(map, state);
      if (!(sym instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD) {
        continue;
      }
      Optional<List<String>> classes = MapImplementations.of(field, state);
      if (classes.isEmpty() || !classes.get().stream().allMatch(c -> MapTypes.isNotThreadSafe(c, JavacApi.hierarchy(state)))) {
        continue;
      }
      String reason = null;
      if (kind == MapEffect.READ) {
        boolean accessOrdered = accessOrdered(field, state);
        String name = ASTHelpers.getSymbol(tree).getSimpleName().toString();
        if (classes.get().stream().noneMatch(c -> MapTypes.readWrites(c, accessOrdered, name, JavacApi.hierarchy(state)))) {
          continue;
        }
        reason = accessOrdered
            ? "a get on an access-ordered LinkedHashMap moves the entry"
            : "every call on a WeakHashMap expunges collected entries";
      }
      Set<GuardedByExpression> readOnly = CallerLocks.readOnlyIncludingCallers(state.getPath(), state);
      if (readOnly.isEmpty()) {
        continue;
      }
      long line = state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
      return buildDescription(tree)
          .setMessage(
              Messages.mapWriteUnderReadLock(
                  field.getSimpleName().toString(),
                  access.effect().fact().display() + " at line " + line,
                  readOnly.stream().map(Races::lockName).sorted().findFirst().orElseThrow(),
                  reason))
          .build();
    }
    return Description.NO_MATCH;
  }

  /** Whether some value of the field is {@code new LinkedHashMap<>(capacity, loadFactor, true)} (or a subclass). */
  private static boolean accessOrdered(VarSymbol field, VisitorState state) {
    for (TreePath value : Declarations.declaring(field, state).assignedValues(field)) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
      if (tree instanceof NewClassTree creation
          && creation.getArguments().size() == 3
          && creation.getArguments().get(2) instanceof LiteralTree literal
          && Boolean.TRUE.equals(literal.getValue())) {
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
}
