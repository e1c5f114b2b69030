package dev.mapsafe.spotbugs.patterns;

import edu.umd.cs.findbugs.BugAnnotation;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.StringAnnotation;
import edu.umd.cs.findbugs.classfile.CheckedAnalysisException;
import edu.umd.cs.findbugs.classfile.DescriptorFactory;
import edu.umd.cs.findbugs.classfile.Global;
import dev.mapsafe.knowledge.threads.UserVocabulary;
import dev.mapsafe.spotbugs.analysis.InlinedLines;
import org.apache.bcel.classfile.JavaClass;
import java.util.Comparator;
import java.util.List;

/**
 * Reports a detector's findings in a fixed order, whatever order SpotBugs visited the classes in, with an instance
 * hash that does not depend on line numbers, and with the lines of inlined Kotlin code mapped to their calls.
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
    UserVocabulary user = UserVocabulary.current();
    bugs.removeIf(bug -> user.skipsClass(bug.getPrimaryClass().getClassName())); // mapsafe.SkipPackages
    for (BugInstance bug : bugs) {
      InlinedLines inlined = inlinedLines(bug.getPrimaryClass().getClassName());
      List<BugAnnotation> annotations = bug.getAnnotations();
      for (int i = 0; i < annotations.size(); i++) {
        BugAnnotation annotation = annotations.get(i);
        if (annotation.getClass() == StringAnnotation.class) {
          annotations.set(i, new Evidence(inlined.inText(((StringAnnotation) annotation).getValue())));
        } else if (annotation instanceof SourceLineAnnotation && !inlined.isEmpty()) {
          SourceLineAnnotation line = (SourceLineAnnotation) annotation;
          annotations.set(i, new SourceLineAnnotation(line.getClassName(), line.getSourceFile(),
              inlined.callLine(line.getStartLine()), inlined.callLine(line.getEndLine()), line.getStartBytecode(),
              line.getEndBytecode()));
        }
      }
    }
    bugs.sort(ORDER);
    bugs.forEach(reporter::reportBug);
  }

  /** The class's inlined-line mapping (Kotlin inline functions); none when the class cannot be read. */
  private static InlinedLines inlinedLines(String className) {
    try {
      return InlinedLines.of(Global.getAnalysisCache().getClassAnalysis(JavaClass.class,
          DescriptorFactory.createClassDescriptorFromDottedClassName(className)));
    } catch (CheckedAnalysisException | RuntimeException unreadable) {
      return InlinedLines.none();
    }
  }
}
