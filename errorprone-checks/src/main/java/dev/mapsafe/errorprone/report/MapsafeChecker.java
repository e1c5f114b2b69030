package dev.mapsafe.errorprone.report;

import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.CompilationUnitTree;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.util.function.Supplier;

/**
 * What every mapsafe check shares: each spot is analysed through {@link #report}, which does nothing for a check
 * that is off by default and not turned on ({@link CompilationFindings#runs}), skips the spot when the analysis fails
 * ({@link AnalysisFailures}), drops the findings suppressed where the code or its map field says so
 * ({@link Suppressions}) and those of the baseline ({@code -XepOpt:Mapsafe:Baseline})
 * and records the rest for the SARIF report ({@code -XepOpt:Mapsafe:SarifOutput}). The checks themselves know
 * nothing of this.
 */
public abstract class MapsafeChecker extends BugChecker implements CompilationUnitTreeMatcher {
  private final Pattern pattern = Pattern.byCheckName(canonicalName()).orElse(null);

  /** Reads the options at the start of each compilation, so a bad one is reported even where nothing is found. */
  @Override
  public final Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    return report(() -> {
      CompilationFindings.of(state);
      return Description.NO_MATCH;
    }, state);
  }

  /**
   * The description to give Error Prone for the analysis of one spot: its finding, or no match when the baseline
   * has it or when the analysis fails. Whatever mapsafe throws, short of running out of memory, must not reach
   * javac, which would stop the user's compilation.
   */
  protected final Description report(Supplier<Description> analysis, VisitorState state) {
    try {
      if (pattern != null && !CompilationFindings.of(state).runs(pattern, state)) {
        return Description.NO_MATCH;
      }
      return accepted(pattern, analysis.get(), state);
    } catch (RuntimeException | AssertionError | StackOverflowError | LinkageError failure) {
      AnalysisFailures.of(state).skipped(canonicalName(), failure, state);
      return Description.NO_MATCH;
    }
  }

  private Description accepted(Pattern pattern, Description description, VisitorState state) {
    if (description == Description.NO_MATCH || pattern == null) {
      return description;
    }
    if (Suppressions.suppressed(canonicalName(), description, state)) {
      return Description.NO_MATCH;
    }
    SeverityLevel severity = state.severityMap().getOrDefault(canonicalName(), defaultSeverity());
    return CompilationFindings.of(state).accept(pattern, severity, description, state)
        ? description : Description.NO_MATCH;
  }
}
