package dev.mapsafe.errorprone.report;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.catalog.Project;

/**
 * The analyses that failed in one compilation (one javac {@link Context}). Each failure only skips its spot, and
 * silently: a mapsafe bug must not break the user's build. With {@code -XepOpt:Mapsafe:Debug=true} the first
 * failure is printed to stderr with its stack trace, and each later one in a line.
 */
final class AnalysisFailures {
  private static final Context.Key<AnalysisFailures> KEY = new Context.Key<>();

  private final boolean debug;
  private int count;

  private AnalysisFailures(boolean debug) {
    this.debug = debug;
  }

  static AnalysisFailures of(VisitorState state) {
    AnalysisFailures failures = state.context.get(KEY);
    if (failures == null) {
      failures = new AnalysisFailures(MapsafeOptions.debug(state.errorProneOptions().getFlags()));
      state.context.put(KEY, failures);
    }
    return failures;
  }

  /** The check failed on the tree at the state's path, which it then skipped. */
  void skipped(String check, Throwable failure, VisitorState state) {
    if (!debug) {
      return;
    }
    count++;
    String what = "mapsafe: " + check + " failed at " + place(state) + " and skipped it";
    if (count == 1) {
      System.err.println(what + ". This is a bug in mapsafe: please report it at " + Project.ISSUES
          + " with this stack trace:");
      failure.printStackTrace(System.err);
    } else {
      System.err.println(what + ": " + failure + " (failure " + count + " of this compilation)");
    }
  }

  private static String place(VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    long start = ASTHelpers.getStartPosition(state.getPath().getLeaf());
    return unit.getSourceFile().getName() + (start < 0 ? "" : ":" + unit.getLineMap().getLineNumber(start));
  }
}
