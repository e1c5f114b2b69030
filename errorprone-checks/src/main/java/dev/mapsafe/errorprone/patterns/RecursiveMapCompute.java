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
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapImplementations;
import dev.mapsafe.errorprone.analysis.MapWrites;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import java.util.List;
import java.util.Optional;

/**
 * A {@code computeIfAbsent}/{@code computeIfPresent}/{@code compute}/{@code merge} on a map field whose
 * function, directly or through methods of the same file, writes the same map.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "computeIfAbsent/compute/merge function modifies the same map",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "RecursiveMapCompute.html")
public final class RecursiveMapCompute extends MapsafeChecker implements MethodInvocationTreeMatcher {

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    Symbol sym = ASTHelpers.getSymbol(tree);
    if (sym == null || !MapApi.mentions(sym.getSimpleName().toString())) {
      return Description.NO_MATCH;
    }
    Optional<ApiMethod> api = JavacApi.call(tree, state);
    int function = api.map(a -> MapApi.updateFunctionArgument(a, JavacApi.hierarchy(state))).orElse(-1);
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    if (function < 0 || function >= tree.getArguments().size() || receiver == null) {
      return Description.NO_MATCH;
    }
    Symbol field = MapWrites.rootField(new TreePath(state.getPath(), receiver), state);
    if (!(field instanceof VarSymbol map) || !rejectsRecursiveUpdate(map, state)) {
      return Description.NO_MATCH;
    }
    Optional<MapWrites.Write> write =
        MapWrites.inFunction(new TreePath(state.getPath(), tree.getArguments().get(function)), field, state);
    if (write.isEmpty()) {
      return Description.NO_MATCH;
    }
    long line = state.getPath().getCompilationUnit().getLineMap()
        .getLineNumber(ASTHelpers.getStartPosition(write.get().call().getLeaf()));
    return buildDescription(tree)
        .setMessage(
            Messages.recursiveMapCompute(
                field.getSimpleName().toString(),
                MapApi.effectsOf(api.get(), JavacApi.hierarchy(state)).get(0).fact().display(),
                write.get().fact().display() + " at line " + line,
                String.join(" -> ", write.get().through())))
        .build();
  }

  private static boolean rejectsRecursiveUpdate(VarSymbol map, VisitorState state) {
    Optional<List<String>> classes = MapImplementations.of(map, state);
    return classes.isPresent()
        && classes.get().stream().allMatch(c -> MapTypes.rejectsRecursiveUpdate(c, JavacApi.hierarchy(state)));
  }
}
