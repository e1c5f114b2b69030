package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.MapEffects;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.Snapshots;
import dev.mapsafe.errorprone.analysis.ThreadReach;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.threads.Overlap;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * A copy-on-write map ({@link Snapshots}) changed in place: the published map itself ({@code snapshot.remove(k)},
 * {@code ref.get().put(k, v)}, the map an {@code updateAndGet} function receives), or a local map after it was
 * published ({@code published = next; next.put(..)}).
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Copy-on-write map mutated in place after publication through a volatile field or AtomicReference",
    severity = WARNING,
    linkType = CUSTOM,
    link = "docs/patterns/MutatedMapSnapshot.md")
public final class MutatedMapSnapshot extends BugChecker implements MethodInvocationTreeMatcher {

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    try {
      for (MapEffects.Access access : MapEffects.of(tree, state)) {
        if (access.effect().kind() != MapEffect.WRITE) {
          continue;
        }
        TreePath operand = new TreePath(state.getPath(), access.operand());
        String write = access.effect().fact().display() + " at line " + line(tree, state);
        Optional<Snapshots.Published> published = Snapshots.named(operand, state);
        if (published.isPresent()) {
          if (duringConstruction(state) || lockedField(operand, state)) {
            continue;
          }
          return describe(tree, published.get().map(), published.get().publication(), write, "");
        }
        Symbol local = MapIdentity.symbolOf(MapEffects.viewedMap(operand, state), state);
        if (local instanceof VarSymbol var && var.getKind() == ElementKind.LOCAL_VARIABLE) {
          Optional<String> publication = Snapshots.publishedBefore(var, state.getPath(), state);
          if (publication.isPresent()) {
            String at = publication.get();
            String line = at.substring(at.lastIndexOf(" at line "));
            return describe(tree, var.getSimpleName().toString(), at.substring(0, at.lastIndexOf(" at line ")),
                write, " after it was published" + line);
          }
        }
      }
    } catch (RuntimeException unexpectedTree) {
      // Bad input never fails the build: skip the spot.
    }
    return Description.NO_MATCH;
  }

  private Description describe(MethodInvocationTree tree, String map, String publication, String write, String when) {
    return buildDescription(tree).setMessage(Messages.mutatedMapSnapshot(map, publication, write, when)).build();
  }

  /** Construction fills the map before the object, and so the map, is shared. */
  private static boolean duringConstruction(VisitorState state) {
    return ThreadReach.of(state.getPath(), state).stream().allMatch(c -> c.kind() == Overlap.Kind.CONSTRUCTION);
  }

  /** A volatile field whose every access holds one lock is not read lock-free. */
  private static boolean lockedField(TreePath operand, VisitorState state) {
    ExpressionTree map = MapIdentity.strip((ExpressionTree) MapEffects.viewedMap(operand, state).getLeaf());
    return ASTHelpers.getSymbol(map) instanceof VarSymbol field && field.getKind() == ElementKind.FIELD
        && Snapshots.alwaysLocked(field, state);
  }

  private static long line(MethodInvocationTree tree, VisitorState state) {
    return state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }
}
