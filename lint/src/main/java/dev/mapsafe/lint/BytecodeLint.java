package dev.mapsafe.lint;

import dev.mapsafe.knowledge.catalog.Pattern;
import edu.umd.cs.findbugs.AnalysisError;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugCollection;
import edu.umd.cs.findbugs.DetectorFactory;
import edu.umd.cs.findbugs.DetectorFactoryCollection;
import edu.umd.cs.findbugs.FindBugs;
import edu.umd.cs.findbugs.FindBugs2;
import edu.umd.cs.findbugs.FindBugsProgress;
import edu.umd.cs.findbugs.Plugin;
import edu.umd.cs.findbugs.PluginException;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.Project;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.StringAnnotation;
import edu.umd.cs.findbugs.config.UserPreferences;
import edu.umd.cs.findbugs.sarif.SarifBugReporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** Runs SpotBugs with only the mapsafe detectors over jars and class folders, and returns what they find. */
final class BytecodeLint {
  static final String PLUGIN_ID = "dev.mapsafe.spotbugs";

  /** One finding, with the check name and message the Error Prone engine prints for it. */
  record Finding(Pattern pattern, String sourcePath, int line, String message) {
    String format() {
      return sourcePath + ":" + line + ": [" + pattern.checkName() + "] " + message;
    }
  }

  private BytecodeLint() {}

  /**
   * Analyses the inputs.
   *
   * @param sarif where to write the SARIF report, or null
   * @param allChecks whether the mapsafe detectors that are off by default run too
   * @param err where progress and skipped classes are reported
   */
  static List<Finding> run(List<Path> inputs, List<Path> auxClasspath, Path sarif, boolean allChecks,
      PrintStream err)
      throws IOException, InterruptedException, PluginException {
    Project project = new Project();
    inputs.forEach(p -> project.addFile(p.toAbsolutePath().toString()));
    auxClasspath.forEach(p -> project.addAuxClasspathEntry(p.toAbsolutePath().toString()));

    Plugin plugin = Plugin.addCustomPlugin(embeddedPlugin().toUri());
    UserPreferences preferences = UserPreferences.createDefaultUserPreferences();
    preferences.enableAllDetectors(false);
    for (DetectorFactory factory : DetectorFactoryCollection.instance().getFactories()) {
      preferences.enableDetector(factory, factory.getPlugin() == plugin && (allChecks || factory.isDefaultEnabled()));
    }

    Reporter reporter = new Reporter(project, err);
    reporter.setPriorityThreshold(Priorities.LOW_PRIORITY);
    PrintWriter sarifWriter = null;
    if (sarif != null) {
      sarifWriter = new PrintWriter(Files.newBufferedWriter(sarif, StandardCharsets.UTF_8));
      reporter.setWriter(sarifWriter);
    } else {
      reporter.setWriter(new PrintWriter(PrintWriter.nullWriter()));
    }
    FindBugs2 engine = new FindBugs2();
    engine.setProject(project);
    engine.setBugReporter(reporter);
    engine.setDetectorFactoryCollection(DetectorFactoryCollection.instance());
    engine.setUserPreferences(preferences);
    engine.setAnalysisFeatureSettings(FindBugs.DEFAULT_EFFORT);
    engine.setNoClassOk(true);
    engine.setProgressCallback(new Progress(err));
    engine.finishSettings();
    try {
      engine.execute();
    } finally {
      if (sarifWriter != null) {
        sarifWriter.close();
      }
    }
    if (sarif != null) {
      SarifTool.nameMapsafe(sarif);
    }
    return findings(reporter.getBugCollection());
  }

  private static List<Finding> findings(BugCollection bugs) {
    List<Finding> findings = new ArrayList<>();
    for (BugInstance bug : bugs) {
      Pattern pattern = Pattern.byBugType(bug.getType()).orElse(null);
      if (pattern == null) {
        continue;
      }
      SourceLineAnnotation line = bug.getPrimarySourceLineAnnotation();
      String message = bug.getAnnotations().stream()
          .filter(StringAnnotation.class::isInstance)
          .map(a -> ((StringAnnotation) a).getValue())
          .findFirst()
          .orElse(bug.getMessageWithoutPrefix());
      findings.add(new Finding(pattern, line.getSourcePath(), line.getStartLine(), message));
    }
    findings.sort(Comparator.comparing(Finding::sourcePath).thenComparingInt(Finding::line)
        .thenComparing(f -> f.pattern().checkName()).thenComparing(Finding::message));
    return findings;
  }

  /** The plugin jar this jar carries, written to a temporary file SpotBugs can load it from. */
  private static Path embeddedPlugin() throws IOException {
    Path jar = Files.createTempFile("mapsafe-spotbugs-plugin", ".jar");
    jar.toFile().deleteOnExit();
    try (InputStream in = BytecodeLint.class.getResourceAsStream("mapsafe-spotbugs-plugin.jar")) {
      if (in == null) {
        throw new IOException("this jar does not carry the mapsafe SpotBugs plugin (a broken build)");
      }
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
    }
    return jar;
  }

  /**
   * Keeps the findings (and writes SARIF when asked); tells which classes could not be analysed, by name, and
   * goes on with the rest.
   */
  private static final class Reporter extends SarifBugReporter {
    private final PrintStream err;
    private final TreeSet<String> missing = new TreeSet<>();

    Reporter(Project project, PrintStream err) {
      super(project);
      this.err = err;
    }

    @Override
    public void reportAnalysisError(AnalysisError error) {
      err.println("mapsafe-lint: warning: skipped: " + error.getMessage()
          + (error.getExceptionMessage() == null ? "" : " (" + error.getExceptionMessage() + ")"));
    }

    @Override
    public void reportMissingClass(String className) {
      missing.add(className);
    }

    @Override
    public void reportQueuedErrors() {
      for (Error error : getQueuedErrors()) {
        err.println("mapsafe-lint: warning: skipped: " + error.getMessage()
            + (error.getCause() == null ? "" : " (" + error.getCause().getMessage() + ")"));
      }
      if (!missing.isEmpty()) {
        err.println("mapsafe-lint: note: " + missing.size() + " referenced classes were not found (give their jars"
            + " with --aux for more precise results), e.g. " + missing.first());
      }
    }
  }

  /** One line on stderr at each tenth of the classes, for inputs of more than 500 classes. */
  private static final class Progress implements FindBugsProgress {
    private final PrintStream err;
    private int total;
    private int done;
    private int lastTenth;

    Progress(PrintStream err) {
      this.err = err;
    }

    @Override
    public void startAnalysis(int numClasses) {
      total = numClasses;
      done = 0;
      lastTenth = 0;
    }

    @Override
    public void finishClass() {
      done++;
      int tenth = total == 0 ? 0 : done * 10 / total;
      if (total > 500 && tenth > lastTenth) {
        lastTenth = tenth;
        err.println("mapsafe-lint: " + done + "/" + total + " classes analysed");
      }
    }

    @Override
    public void reportNumberOfArchives(int numArchives) {}

    @Override
    public void startArchive(String name) {}

    @Override
    public void finishArchive() {}

    @Override
    public void predictPassCount(int[] classesPerPass) {}

    @Override
    public void finishPerClassAnalysis() {}
  }
}
