package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Project;
import dev.mapsafe.errorprone.report.FixFormatting;
import dev.mapsafe.errorprone.report.MapsafeChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.fixes.SuggestedFix;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.tools.javac.code.Flags;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapEffects;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.Snapshots;
import dev.mapsafe.errorprone.analysis.ThreadReach;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.threads.Overlap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.ElementKind;

/**
 * A copy-on-write map ({@link Snapshots}) changed in place: the published map itself ({@code snapshot.remove(k)},
 * {@code ref.get().put(k, v)}, the map an {@code updateAndGet} function receives), an inner map of a published map
 * of maps (also through a shallow copy, which shares the inner maps), or a local map after it was published
 * ({@code published = next; next.put(..)}).
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Copy-on-write map mutated in place after publication through a volatile field or AtomicReference",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "MutatedMapSnapshot.html")
public final class MutatedMapSnapshot extends MapsafeChecker implements MethodInvocationTreeMatcher {

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
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
        Description.Builder description =
            describe(tree, published.get().map(), published.get().publication(), write, "");
        copyModifyPublish(tree, state).ifPresent(description::addFix);
        return description.build();
      }
      Optional<VarSymbol> inherited = Snapshots.inheritedThreadLocal(operand, state);
      if (inherited.isPresent() && !duringConstruction(state)) {
        String local = inherited.get().getSimpleName().toString();
        return buildDescription(tree).setMessage(Messages.mutatedInheritedMap(local + ".get()", local, write)).build();
      }
      Optional<Snapshots.Published> inner = Snapshots.innerMapOf(operand, state);
      if (inner.isPresent() && !duringConstruction(state)) {
        return describe(tree, inner.get().map(), inner.get().publication(), write, "").build();
      }
      Symbol local = MapIdentity.symbolOf(MapEffects.viewedMap(operand, state), state);
      if (local instanceof VarSymbol var && var.getKind() == ElementKind.LOCAL_VARIABLE) {
        Optional<String> publication = Snapshots.publishedBefore(var, state.getPath(), state);
        if (publication.isPresent()) {
          String at = publication.get();
          String line = at.substring(at.lastIndexOf(" at line "));
          return describe(tree, var.getSimpleName().toString(), at.substring(0, at.lastIndexOf(" at line ")),
              write, " after it was published" + line).build();
        }
      }
    }
    return Description.NO_MATCH;
  }

  private Description.Builder describe(
      MethodInvocationTree tree, String map, String publication, String write, String when) {
    return buildDescription(tree).setMessage(Messages.mutatedMapSnapshot(map, publication, write, when));
  }

  private static final List<String> COPYABLE = List.of("java.util.HashMap", "java.util.LinkedHashMap");

  /**
   * {@code ref.get().put(k, v);} or {@code ref.get().remove(k);} as a statement, on an {@code AtomicReference} that
   * is only given {@code HashMap}s (or only {@code LinkedHashMap}s): {@code ref.updateAndGet(current -> { var next
   * = new HashMap<>(current); next.put(k, v); return next; })}. The function may run more than once under
   * contention, so the arguments must be free of side effects: literals, fields, effectively final variables.
   */
  private static Optional<SuggestedFix> copyModifyPublish(MethodInvocationTree tree, VisitorState state) {
    String name = ASTHelpers.getSymbol(tree).getSimpleName().toString();
    if (!(state.getPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)
        || !(name.equals("put") && tree.getArguments().size() == 2
            || name.equals("remove") && tree.getArguments().size() == 1)
        || !(MapIdentity.strip(ASTHelpers.getReceiver(tree)) instanceof MethodInvocationTree get)
        || !ASTHelpers.getSymbol(get).getSimpleName().contentEquals("get") || !get.getArguments().isEmpty()
        || !(ASTHelpers.getSymbol(ASTHelpers.getReceiver(get)) instanceof VarSymbol ref)
        || ref.getKind() != ElementKind.FIELD || ref.type.getTypeArguments().size() != 1
        || !tree.getArguments().stream().allMatch(MutatedMapSnapshot::freeOfSideEffects)) {
      return Optional.empty();
    }
    List<String> constructed = Snapshots.constructedInto(ref, state);
    String declared = JavacApi.binaryName(state.getTypes().erasure(ref.type.getTypeArguments().get(0)),
        state.getTypes());
    if (constructed.isEmpty() || !COPYABLE.contains(constructed.get(0))
        || constructed.stream().anyMatch(c -> !c.equals(constructed.get(0)))
        || !(declared.equals("java.util.Map") || declared.equals(constructed.get(0)))) {
      return Optional.empty();
    }
    String current = FixFormatting.unusedName("current", state);
    String next = FixFormatting.unusedName("next", state);
    String arguments = tree.getArguments().stream().map(state::getSourceForNode).collect(Collectors.joining(", "));
    String copyClass = constructed.get(0).substring(constructed.get(0).lastIndexOf('.') + 1);
    return Optional.of(SuggestedFix.builder()
        .replace(tree, state.getSourceForNode(ASTHelpers.getReceiver(get)) + ".updateAndGet(" + current + " -> { var "
            + next + " = new " + copyClass + "<>(" + current + "); " + next + "." + name + "(" + arguments
            + "); return " + next + "; })")
        .addImport(constructed.get(0))
        .build());
  }

  private static boolean freeOfSideEffects(ExpressionTree argument) {
    ExpressionTree tree = MapIdentity.strip(argument);
    if (tree instanceof LiteralTree) {
      return true;
    }
    Symbol sym = ASTHelpers.getSymbol(tree);
    return (tree instanceof IdentifierTree || tree instanceof MemberSelectTree) && sym instanceof VarSymbol var
        && (var.getKind() == ElementKind.FIELD
            || (var.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0);
  }

  /** Construction fills the map before the object, and so the map, is shared. */
  private static boolean duringConstruction(VisitorState state) {
    return ThreadReach.direct(state.getPath(), state).stream().allMatch(c -> c.kind() == Overlap.Kind.CONSTRUCTION);
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
