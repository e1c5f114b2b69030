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
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapImplementations;
import dev.mapsafe.errorprone.analysis.MapWrites;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.ReentrantCallbacks;
import java.util.List;
import java.util.Optional;

/**
 * A {@code computeIfAbsent}/{@code computeIfPresent}/{@code compute}/{@code merge} on a map field whose
 * function, directly or through methods of the same file, writes the same map; or, on any map, whose function runs
 * a callback that may run the updating method again ({@link ReentrantCallbacks}).
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
    Description reentry = reentry(tree, tree.getArguments().get(function), state);
    if (reentry != Description.NO_MATCH) {
      return reentry;
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

  /**
   * The finding when the function (a lambda) calls a callback that may run the updating method again on the same
   * object and thread ({@link ReentrantCallbacks}): then it updates the same map, whichever map it is.
   */
  private Description reentry(MethodInvocationTree update, ExpressionTree function, VisitorState state) {
    MethodTree enclosing = state.findEnclosing(MethodTree.class);
    ClassTree owner = state.findEnclosing(ClassTree.class);
    if (!(function instanceof LambdaExpressionTree lambda) || enclosing == null || owner == null
        || ASTHelpers.getSymbol(owner) == null) {
      return Description.NO_MATCH;
    }
    String type = ASTHelpers.getSymbol(owner).flatName().toString();
    String method = enclosing.getName().toString();
    String[] found = new String[2];
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        Symbol callee = ASTHelpers.getSymbol(call);
        if (found[0] == null && callee != null && callee.owner instanceof ClassSymbol calleeOwner) {
          ReentrantCallbacks.reenters(type, method, calleeOwner.flatName().toString(),
                  callee.getSimpleName().toString(), JavacApi.hierarchy(state))
              .ifPresent(why -> {
                found[0] = calleeOwner.getSimpleName() + "." + callee.getSimpleName() + "()";
                found[1] = why;
              });
        }
        return super.visitMethodInvocation(call, unused);
      }
    }.scan(lambda.getBody(), null);
    if (found[0] == null) {
      return Description.NO_MATCH;
    }
    return buildDescription(update)
        .setMessage(Messages.reenteringMapCompute(ASTHelpers.getSymbol(update).getSimpleName().toString(), found[0],
            method + "()", found[1]))
        .build();
  }

  private static boolean rejectsRecursiveUpdate(VarSymbol map, VisitorState state) {
    Optional<List<String>> classes = MapImplementations.of(map, state);
    return classes.isPresent()
        && classes.get().stream().allMatch(c -> MapTypes.rejectsRecursiveUpdate(c, JavacApi.hierarchy(state)));
  }
}
