package dev.mapsafe.errorprone.report;

import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.CompilationUnitTree;
import dev.mapsafe.knowledge.catalog.Pattern;

/**
 * What every mapsafe check shares: each finding passes through {@link #report}, which drops the findings of the
 * baseline ({@code -XepOpt:Mapsafe:Baseline}) and records the rest for the SARIF report
 * ({@code -XepOpt:Mapsafe:SarifOutput}). The checks themselves know nothing of either.
 */
public abstract class MapsafeChecker extends BugChecker implements CompilationUnitTreeMatcher {

  /** Reads the options at the start of each compilation, so a bad one is reported even where nothing is found. */
  @Override
  public final Description matchCompilationUnit(CompilationUnitTree tree, VisitorState state) {
    CompilationFindings.of(state);
    return Description.NO_MATCH;
  }

  /** The description to give Error Prone for a finding: itself, or no match when the baseline has it. */
  protected final Description report(Description description, VisitorState state) {
    if (description == Description.NO_MATCH) {
      return description;
    }
    Pattern pattern = Pattern.byCheckName(canonicalName()).orElse(null);
    if (pattern == null) {
      return description;
    }
    SeverityLevel severity = state.severityMap().getOrDefault(canonicalName(), defaultSeverity());
    return CompilationFindings.of(state).accept(pattern, severity, description, state)
        ? description : Description.NO_MATCH;
  }
}
