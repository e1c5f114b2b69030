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
import com.google.errorprone.bugpatterns.BugChecker.ReturnTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.ShallowCopies;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.threads.HandOffs;
import dev.mapsafe.knowledge.threads.Publication;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * A shallow copy of a map whose values are mutable ({@link ShallowCopies}) that escapes: returned by a non-private
 * method, published through a {@code volatile} field or an {@code AtomicReference}, or handed to another thread or
 * a callback ({@link HandOffs}). The copy and the original share the value objects.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Defensive copy of a map whose mutable values stay shared with the original, and the copy escapes",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "ShallowMapCopyLeak.html")
public final class ShallowMapCopyLeak extends MapsafeChecker
    implements ReturnTreeMatcher, AssignmentTreeMatcher, MethodInvocationTreeMatcher {

  @Override
  public Description matchReturn(ReturnTree tree, VisitorState state) {
    return report(() -> findReturn(tree, state), state);
  }

  private Description findReturn(ReturnTree tree, VisitorState state) {
    MethodTree method = enclosingMethod(state.getPath());
    MethodSymbol sym = method == null ? null : ASTHelpers.getSymbol(method);
    if (sym == null || !JavacApi.calledFromOutside(sym, state) || tree.getExpression() == null) {
      return Description.NO_MATCH;
    }
    Optional<ShallowCopies.Copy> copy = ShallowCopies.in(new TreePath(state.getPath(), tree.getExpression()), state);
    if (copy.isEmpty()) {
      return Description.NO_MATCH;
    }
    Description.Builder description =
        describe(copy.get(), "returned by " + sym.getSimpleName() + "()", state);
    deepCopy(copy.get(), tree, sym, state).ifPresent(description::addFix);
    return description.build();
  }

  @Override
  public Description matchAssignment(AssignmentTree tree, VisitorState state) {
    return report(() -> findAssignment(tree, state), state);
  }

  private Description findAssignment(AssignmentTree tree, VisitorState state) {
    Symbol target = ASTHelpers.getSymbol(tree.getVariable());
    if (!(target instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD
        || (field.flags() & Flags.VOLATILE) == 0) {
      return Description.NO_MATCH;
    }
    return ShallowCopies.in(new TreePath(state.getPath(), tree.getExpression()), state)
        .map(copy -> describe(copy, "published through the volatile field " + field.getSimpleName(), state)
            .build())
        .orElse(Description.NO_MATCH);
  }

  /** Given to another thread, a callback or listener ({@link HandOffs}), or an {@code AtomicReference}. */
  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    Optional<ApiMethod> api = JavacApi.call(tree, state);
    if (api.isEmpty() || tree.getArguments().isEmpty()) {
      return Description.NO_MATCH;
    }
    int published = Publication.publishedArgument(api.get().owner(), api.get().name(), JavacApi.hierarchy(state));
    Optional<String> handOff = HandOffs.of(api.get().owner(), api.get().name(), JavacApi.hierarchy(state));
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    String escape = published >= 0
        ? "published through the AtomicReference " + (receiver == null ? "" : state.getSourceForNode(receiver))
        : handOff.orElse(null);
    if (escape == null) {
      return Description.NO_MATCH;
    }
    long line = state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
    for (int i = 0; i < tree.getArguments().size(); i++) {
      if (published >= 0 && i != published) {
        continue;
      }
      Optional<ShallowCopies.Copy> copy =
          ShallowCopies.in(new TreePath(state.getPath(), tree.getArguments().get(i)), state);
      if (copy.isPresent()) {
        return describe(copy.get(), escape + (published >= 0 ? "" : " at line " + line), state).build();
      }
    }
    return Description.NO_MATCH;
  }

  private Description.Builder describe(ShallowCopies.Copy copy, String escape, VisitorState state) {
    Tree call = copy.call().getLeaf();
    long line = state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(call));
    return buildDescription(call)
        .setMessage(Messages.shallowMapCopyLeak(copy.display() + " at line " + line, copy.field().getSimpleName().toString(),
            copy.valueType(), escape, copy.advice()));
  }

  /**
   * {@code return new HashMap<>(field);} of collection or array values, in a method declared to return {@code
   * Map}: a copy that copies each value ({@code toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue()))}).
   */
  private static Optional<SuggestedFix> deepCopy(
      ShallowCopies.Copy copy, ReturnTree tree, MethodSymbol method, VisitorState state) {
    String valueCopy = copy.advice().startsWith("v.clone()") ? "e.getValue().clone()"
        : copy.advice().matches("(List|Set|Map)\\.copyOf\\(v\\) per value")
            ? copy.advice().substring(0, copy.advice().indexOf('(')) + "(e.getValue())" : null;
    if (valueCopy == null || !(MapIdentity.strip(tree.getExpression()) instanceof NewClassTree)
        || !JavacApi.binaryName(state.getTypes().erasure(method.getReturnType()), state.getTypes())
            .equals("java.util.Map")) {
      return Optional.empty();
    }
    String field = state.getSourceForNode(((NewClassTree) MapIdentity.strip(tree.getExpression())).getArguments().get(0));
    return Optional.of(SuggestedFix.builder()
        .replace(tree.getExpression(),
            field + ".entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> " + valueCopy + "))")
        .addImport("java.util.Map")
        .addImport("java.util.stream.Collectors")
        .build());
  }

  private static MethodTree enclosingMethod(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree method) {
        return method;
      }
      if (p.getLeaf() instanceof LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }
}
