package dev.mapsafe.spotbugs.patterns;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import java.util.Comparator;
import java.util.List;

/** Reports a detector's findings in a fixed order, whatever order SpotBugs visited the classes in. */
final class Findings {
  private static final Comparator<BugInstance> ORDER =
      Comparator.comparing((BugInstance b) -> b.getPrimarySourceLineAnnotation().getClassName())
          .thenComparingInt(b -> b.getPrimarySourceLineAnnotation().getStartLine())
          .thenComparing(b -> b.getPrimaryMethod().getNameInClass(false, true, true));

  private Findings() {}

  static void report(List<BugInstance> bugs, BugReporter reporter) {
    bugs.sort(ORDER);
    bugs.forEach(reporter::reportBug);
  }
}
