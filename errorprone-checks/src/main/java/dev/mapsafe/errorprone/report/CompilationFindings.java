package dev.mapsafe.errorprone.report;

import com.google.errorprone.BugPattern.SeverityLevel;
import com.google.errorprone.ErrorProneOptions;
import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.ErrorProneEndPosTable;
import com.google.errorprone.fixes.Fix;
import com.google.errorprone.fixes.Replacement;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.api.MultiTaskListener;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.tools.javac.util.Context;
import com.sun.tools.javac.util.Log;
import com.sun.tools.javac.util.Position;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.threads.UserVocabulary;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The findings of the mapsafe checks in one compilation (one javac {@link Context}): it reads the options once,
 * drops the findings of the baseline, and writes the SARIF report and the new baseline when javac finishes.
 */
public final class CompilationFindings {
  private static final Context.Key<CompilationFindings> KEY = new Context.Key<>();

  private final MapsafeOptions options;
  private final Set<String> baseline;
  private final List<Finding> reported = new ArrayList<>();
  private final List<Finding> all = new ArrayList<>();

  private CompilationFindings(MapsafeOptions options, Set<String> baseline) {
    this.options = options;
    this.baseline = baseline;
  }

  /**
   * This compilation's findings; the first call reads the options and arranges for the reports to be written. A bad
   * option is a compilation error that names it, and the checks then report as if no option were given.
   */
  public static CompilationFindings of(VisitorState state) {
    CompilationFindings findings = state.context.get(KEY);
    if (findings == null) {
      findings = create(state);
      state.context.put(KEY, findings);
    }
    return findings;
  }

  private static CompilationFindings create(VisitorState state) {
    Log log = Log.instance(state.context);
    CompilationFindings findings;
    try {
      MapsafeOptions options = MapsafeOptions.of(state.errorProneOptions().getFlags());
      findings = new CompilationFindings(options,
          options.baseline().isPresent() ? Baseline.read(options.baseline().get()) : Set.of());
    } catch (MapsafeOptions.BadOption | IOException bad) {
      log.rawError(Position.NOPOS, "mapsafe: " + bad.getMessage());
      UserVocabulary.useForThisThread(UserVocabulary.none());
      return new CompilationFindings(MapsafeOptions.none(), Set.of());
    }
    UserVocabulary.useForThisThread(findings.options.vocabulary());
    if (findings.options.sarifOutput().isPresent() || findings.options.writeBaseline().isPresent()) {
      CompilationFindings writer = findings;
      MultiTaskListener.instance(state.context).add(new TaskListener() {
        @Override
        public void finished(TaskEvent event) {
          if (event.getKind() == TaskEvent.Kind.COMPILATION) {
            writer.writeReports(log);
          }
        }
      });
    }
    return findings;
  }

  /**
   * Whether the check of this pattern runs in this compilation: a pattern on by default always does; one off by
   * default when the user names it ({@code -Xep:Name:WARN}), turns on Error Prone's disabled checks
   * ({@code -XepAllDisabledChecksAsWarnings}) or gives {@code -XepOpt:Mapsafe:AllChecks=true}.
   */
  boolean runs(Pattern pattern, VisitorState state) {
    if (pattern.enabledByDefault() || options.allChecks()) {
      return true;
    }
    ErrorProneOptions errorProne = state.errorProneOptions();
    return errorProne != null && (errorProne.isEnableAllChecksAsWarnings()
        || errorProne.getSeverityMap().containsKey(pattern.checkName()));
  }

  /**
   * Whether the finding is to be reported: not in a skipped package ({@code -XepOpt:Mapsafe:SkipPackages}); then
   * it is recorded, and reported unless the baseline has it.
   */
  boolean accept(Pattern pattern, SeverityLevel severity, Description description, VisitorState state) {
    ExpressionTree packageName = state.getPath().getCompilationUnit().getPackageName();
    if (options.vocabulary().skipsPackage(packageName == null ? "" : packageName.toString())) {
      return false;
    }
    Finding finding = finding(pattern, severity, description, state);
    all.add(finding);
    if (baseline.contains(Baseline.fingerprint(finding))) {
      return false;
    }
    reported.add(finding);
    return true;
  }

  private void writeReports(Log log) {
    try {
      if (options.sarifOutput().isPresent()) {
        SarifReport.write(options.sarifOutput().get(), reported);
      }
      if (options.writeBaseline().isPresent()) {
        Baseline.write(options.writeBaseline().get(), all);
      }
    } catch (IOException | RuntimeException failed) {
      log.rawError(Position.NOPOS, "mapsafe: cannot write a report: " + failed);
    }
  }

  private static Finding finding(Pattern pattern, SeverityLevel severity, Description description,
      VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    ErrorProneEndPosTable ends = ErrorProneEndPosTable.create(unit);
    LineMap lines = unit.getLineMap();
    int start = description.position.getStartPosition();
    int end = Math.max(start, description.position.getEndPosition(ends));
    List<List<Finding.Edit>> fixes = new ArrayList<>();
    for (Fix fix : description.fixes) {
      List<Finding.Edit> edits = new ArrayList<>();
      for (Replacement replacement : fix.getReplacements(ends)) {
        int from = replacement.startPosition();
        edits.add(new Finding.Edit(from, replacement.endPosition(), (int) lines.getLineNumber(from),
            (int) lines.getColumnNumber(from), replacement.replaceWith()));
      }
      edits.sort(Comparator.comparingInt(Finding.Edit::start));
      if (!edits.isEmpty()) {
        fixes.add(edits);
      }
    }
    String fileName = Paths.get(unit.getSourceFile().toUri().getPath()).getFileName().toString();
    String packagePath = unit.getPackageName() == null ? "" : unit.getPackageName().toString().replace('.', '/') + "/";
    return new Finding(pattern, packagePath + fileName, artifactUri(unit.getSourceFile().toUri()),
        severity == SeverityLevel.ERROR ? "error" : severity == SeverityLevel.WARNING ? "warning" : "note",
        (int) lines.getLineNumber(start), (int) lines.getColumnNumber(start),
        (int) lines.getLineNumber(end), (int) lines.getColumnNumber(end),
        enclosingClass(state.getPath()), enclosingMethod(state.getPath()), description.getRawMessage(), fixes);
  }

  /** Relative to the working directory when the file is under it, else the file's absolute URI. */
  private static String artifactUri(URI file) {
    if (!"file".equals(file.getScheme())) {
      return file.toString();
    }
    Path path = Paths.get(file).toAbsolutePath().normalize();
    Path workingDirectory = Paths.get("").toAbsolutePath().normalize();
    return path.startsWith(workingDirectory)
        ? workingDirectory.relativize(path).toString().replace('\\', '/') : path.toUri().toString();
  }

  private static String enclosingClass(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree cls && ASTHelpers.getSymbol(cls) instanceof ClassSymbol sym) {
        return sym.flatName().toString();
      }
    }
    return "";
  }

  private static String enclosingMethod(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree method) {
        return method.getName().toString();
      }
      if (p.getLeaf() instanceof ClassTree) {
        return "";
      }
    }
    return "";
  }
}
