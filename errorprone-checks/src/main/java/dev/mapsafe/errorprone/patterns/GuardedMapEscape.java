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
import com.google.errorprone.bugpatterns.BugChecker.AssignmentTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.ReturnTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.CallerLocks;
import dev.mapsafe.errorprone.analysis.EscapingMaps;
import dev.mapsafe.errorprone.analysis.EscapingMaps.Escape;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapGuards;
import dev.mapsafe.errorprone.analysis.MapImplementations;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.MapCopies;
import dev.mapsafe.knowledge.threads.Guards;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * The map of a guarded or thread-safe class handed out: a non-private method returns the map, a live view or an
 * iterator of it ({@link EscapingMaps}); or a caller's map is stored into the field without a copy.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Internal map of a guarded or thread-safe class, or a live view of it, handed out; or a caller's map"
        + " stored without a copy",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "GuardedMapEscape.html")
public final class GuardedMapEscape extends MapsafeChecker implements ReturnTreeMatcher, AssignmentTreeMatcher {

  @Override
  public Description matchReturn(ReturnTree tree, VisitorState state) {
    return report(() -> findReturn(tree, state), state);
  }

  private Description findReturn(ReturnTree tree, VisitorState state) {
    MethodTree method = enclosingMethod(state.getPath());
    MethodSymbol sym = method == null ? null : ASTHelpers.getSymbol(method);
    if (sym == null || !JavacApi.calledFromOutside(sym, state) || tree.getExpression() == null
        || Guards.viewsAreItsContract(
            JavacApi.binaryName(sym.owner.type, state.getTypes()), JavacApi.hierarchy(state))) {
      return Description.NO_MATCH;
    }
    Optional<EscapingMaps.Escape> escape =
        EscapingMaps.returned(new TreePath(state.getPath(), tree.getExpression()), state);
    if (escape.isEmpty()) {
      return Description.NO_MATCH;
    }
    Optional<MapGuards.Guard> lock = MapGuards.of(escape.get().field(), state);
    if (lock.isPresent() && lock.get().heldAmong(CallerLocks.heldByEveryCaller(sym, state))) {
      return Description.NO_MATCH; // every caller holds the lock: what it returns goes to code that holds it
    }
    Optional<String> guard = EscapingMaps.guardOf(escape.get().field(), state);
    if (guard.isEmpty()) {
      return Description.NO_MATCH;
    }
    Escape escaped = escape.get();
    String map = escaped.field().getSimpleName().toString();
    Description.Builder description = buildDescription(tree)
        .setMessage(
            Messages.guardedMapReturned(
                sym.getSimpleName() + "()",
                escaped.description(state),
                map,
                guard.get(),
                MapCopies.copyOf(escaped.part(), escaped.source(state), map, false).expression()));
    // The copy must be taken under the lock, else it is itself a traversal without it.
    if (MapCopies.fits(escaped.part(), JavacApi.binaryName(sym.getReturnType(), state.getTypes()))
        && lock.isPresent() && MapGuards.holds(lock.get(), state.getPath(), state)) {
      MapCopies.Copy copy = MapCopies.copyOf(
          escaped.part(), escaped.source(state), map, EscapingMaps.immutableCopyFits(escaped.field(), state));
      SuggestedFix.Builder fix = SuggestedFix.builder().replace(tree.getExpression(), copy.expression());
      copy.imports().forEach(fix::addImport);
      FixFormatting.removeImportsLeftUnused(fix, List.of(tree.getExpression()), copy.expression(), state);
      description.addFix(fix.build());
    }
    return description.build();
  }

  @Override
  public Description matchAssignment(AssignmentTree tree, VisitorState state) {
    return report(() -> findAssignment(tree, state), state);
  }

  private Description findAssignment(AssignmentTree tree, VisitorState state) {
    Symbol field = ASTHelpers.getSymbol(tree.getVariable());
    Symbol value = ASTHelpers.getSymbol(tree.getExpression());
    MethodTree method = enclosingMethod(state.getPath());
    MethodSymbol sym = method == null ? null : ASTHelpers.getSymbol(method);
    if (!(field instanceof VarSymbol) || field.getKind() != ElementKind.FIELD
        || !(value instanceof VarSymbol) || value.getKind() != ElementKind.PARAMETER
        || sym == null || !JavacApi.calledFromOutside(sym, state) || !sym.getParameters().contains(value)
        // a constructor whose every caller passes a map it has just made keeps that map, not a shared one
        || sym.isConstructor()
            && !MapImplementations.passedBy(sym, sym.getParameters().indexOf(value), state).isEmpty()) {
      return Description.NO_MATCH;
    }
    Optional<String> guard = EscapingMaps.guardOf((VarSymbol) field, state);
    if (guard.isEmpty()) {
      return Description.NO_MATCH;
    }
    return buildDescription(tree)
        .setMessage(
            Messages.guardedMapStored(
                (sym.isConstructor() ? sym.owner.getSimpleName() : sym.getSimpleName()) + "(..)",
                value.getSimpleName().toString(),
                field.getSimpleName().toString(),
                guard.get()))
        .build();
  }

  /** The method a statement belongs to; null inside a lambda or a class body's initializer. */
  private static MethodTree enclosingMethod(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof MethodTree method) {
        return method;
      }
      if (node instanceof LambdaExpressionTree || node instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }
}
