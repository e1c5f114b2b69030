package dev.mapsafe.spotbugs.patterns;

import edu.umd.cs.findbugs.BugAnnotation;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.StringAnnotation;
import java.util.Comparator;
import java.util.List;

/**
 * Reports a detector's findings in a fixed order, whatever order SpotBugs visited the classes in, and with an
 * instance hash that does not depend on line numbers.
 */
final class Findings {
  private static final Comparator<BugInstance> ORDER =
      Comparator.comparing((BugInstance b) -> b.getPrimarySourceLineAnnotation().getClassName())
          .thenComparingInt(b -> b.getPrimarySourceLineAnnotation().getStartLine())
          .thenComparing(b -> b.getPrimaryMethod().getNameInClass(false, true, true));

  /**
   * The message of a finding: shown like any string, but not part of the instance hash. The message names lines
   * ("at line 48"), and SpotBugs baselines ({@code -excludeBugs}, {@code excludeBugsFile}) match findings by that
   * hash; the class, method and field annotations identify the finding instead.
   */
  static final class Evidence extends StringAnnotation {
    private static final long serialVersionUID = 1L;

    Evidence(String message) {
      super(message);
    }

    @Override
    public boolean isSignificant() {
      return false;
    }
  }

  private Findings() {}

  static void report(List<BugInstance> bugs, BugReporter reporter) {
    bugs.sort(ORDER);
    for (BugInstance bug : bugs) {
      List<BugAnnotation> annotations = bug.getAnnotations();
      for (int i = 0; i < annotations.size(); i++) {
        if (annotations.get(i).getClass() == StringAnnotation.class) {
          annotations.set(i, new Evidence(((StringAnnotation) annotations.get(i)).getValue()));
        }
      }
      reporter.reportBug(bug);
    }
  }
}
