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
import java.util.List;
import java.util.Map;
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
    deepCopies(copy.get(), tree, method, sym, state).forEach(description::addFix);
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
   * Map}: first a copy that copies each value and changes nothing else (same map class, values still mutable, nulls
   * kept: {@code copy.replaceAll((k, v) -> v == null ? null : new LinkedHashSet<>(v))}); then the shorter copy with
   * immutable values ({@code toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue()))}), which throws on null values
   * and elements and whose values cannot be changed, so it is offered second and never applied by
   * {@code -XepPatchChecks}.
   */
  private static List<SuggestedFix> deepCopies(
      ShallowCopies.Copy copy, ReturnTree tree, MethodTree method, MethodSymbol sym, VisitorState state) {
    String advice = copy.advice();
    boolean array = advice.startsWith("v.clone()");
    String kind = advice.matches("(List|Set|Map)\\.copyOf\\(v\\) per value") ? advice.substring(0, advice.indexOf('.'))
        : null;
    if ((!array && kind == null) || !(MapIdentity.strip(tree.getExpression()) instanceof NewClassTree created)
        || !JavacApi.binaryName(state.getTypes().erasure(sym.getReturnType()), state.getTypes())
            .equals("java.util.Map")) {
      return List.of();
    }
    String field = state.getSourceForNode(created.getArguments().get(0));
    String indentation = FixFormatting.indentationOf(tree, state);
    String local = FixFormatting.unusedName("copy", state);
    String key = FixFormatting.unusedName("k", state);
    String value = FixFormatting.unusedName("v", state);
    String mutableClass = kind == null ? null : Map.of("List", "ArrayList", "Set", "LinkedHashSet", "Map", "LinkedHashMap").get(kind);
    String valueCopy = array ? value + ".clone()" : "new " + mutableClass + "<>(" + value + ")";
    SuggestedFix.Builder mutable = SuggestedFix.builder().replace(tree,
        state.getSourceForNode(method.getReturnType()) + " " + local + " = " + state.getSourceForNode(tree.getExpression())
            + ";\n" + indentation + local + ".replaceAll((" + key + ", " + value + ") -> " + value + " == null ? null : "
            + valueCopy + ");\n" + indentation + "return " + local + ";");
    if (mutableClass != null) {
      mutable.addImport("java.util." + mutableClass);
    }
    String immutableCopy = array ? "e.getValue().clone()" : kind + ".copyOf(e.getValue())";
    String stream = field + ".entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> " + immutableCopy + "))";
    SuggestedFix.Builder immutable = SuggestedFix.builder()
        .replace(tree.getExpression(), stream)
        .addImport("java.util.Map")
        .addImport("java.util.stream.Collectors");
    FixFormatting.removeImportsLeftUnused(immutable, List.of(tree.getExpression()), stream, state);
    return List.of(mutable.build(), immutable.build());
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
