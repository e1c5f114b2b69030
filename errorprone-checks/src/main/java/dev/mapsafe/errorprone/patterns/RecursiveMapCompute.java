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
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import dev.mapsafe.errorprone.analysis.FunctionCalls;
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
 * function, directly or through methods of the same compilation, writes the same map; or, on any map, whose function
 * runs (also through such methods) a callback that may run the updating method again ({@link ReentrantCallbacks}).
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
    Description reentry = reentry(tree, new TreePath(state.getPath(), tree.getArguments().get(function)), state);
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
   * The finding when the function (a lambda or a method reference, and the methods of this compilation it calls)
   * calls a callback that may run the updating method again on the same object and thread
   * ({@link ReentrantCallbacks}): then it updates the same map, whichever map it is.
   */
  private Description reentry(MethodInvocationTree update, TreePath function, VisitorState state) {
    MethodTree enclosing = state.findEnclosing(MethodTree.class);
    ClassTree owner = state.findEnclosing(ClassTree.class);
    if (enclosing == null || owner == null || ASTHelpers.getSymbol(owner) == null) {
      return Description.NO_MATCH;
    }
    String type = ASTHelpers.getSymbol(owner).flatName().toString();
    String method = enclosing.getName().toString();
    Optional<FunctionCalls.Found<String[]>> found = FunctionCalls.first(function, (path, here) -> {
      ClassSymbol calleeOwner;
      String callee;
      if (path.getLeaf() instanceof MethodInvocationTree call && ASTHelpers.getSymbol(call) instanceof Symbol s
          && s.owner instanceof ClassSymbol c) {
        calleeOwner = c;
        callee = s.getSimpleName().toString();
      } else if (path.getLeaf() instanceof EnhancedForLoopTree loop
          && ASTHelpers.getType(loop.getExpression()) != null
          && ASTHelpers.getType(loop.getExpression()).tsym instanceof ClassSymbol c) {
        calleeOwner = c; // for (T t : iterable) calls iterable.iterator()
        callee = "iterator";
      } else {
        return Optional.empty();
      }
      return ReentrantCallbacks.reenters(type, method, calleeOwner.flatName().toString(), callee,
              JavacApi.hierarchy(here))
          .map(why -> new String[] {calleeOwner.getSimpleName() + "." + callee + "()", why});
    }, state);
    if (found.isEmpty()) {
      return Description.NO_MATCH;
    }
    return buildDescription(update)
        .setMessage(Messages.reenteringMapCompute(ASTHelpers.getSymbol(update).getSimpleName().toString(),
            found.get().value()[0], found.get().through(), method + "()", found.get().value()[1]))
        .build();
  }

  private static boolean rejectsRecursiveUpdate(VarSymbol map, VisitorState state) {
    Optional<List<String>> classes = MapImplementations.of(map, state);
    return classes.isPresent()
        && classes.get().stream().allMatch(c -> MapTypes.rejectsRecursiveUpdate(c, JavacApi.hierarchy(state)));
  }
}
