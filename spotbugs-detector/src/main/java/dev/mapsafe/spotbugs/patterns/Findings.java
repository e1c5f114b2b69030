package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.threads.UserVocabulary;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.InlinedLines;
import edu.umd.cs.findbugs.BugAnnotation;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.FieldAnnotation;
import edu.umd.cs.findbugs.MethodAnnotation;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.StringAnnotation;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import java.util.Comparator;
import java.util.List;
import org.apache.bcel.classfile.JavaClass;
import org.apache.bcel.classfile.Method;

/**
 * Reports a detector's findings in a fixed order, whatever order SpotBugs visited the classes in, with an instance
 * hash that does not depend on line numbers, with the lines of inlined Kotlin code mapped to their calls, and with a
 * finding in a lambda body given to the method the lambda is written in, which users read in the message and
 * annotate to suppress it ({@code @SuppressFBWarnings} on that method).
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

  /** A finding at a line of a method, about a map field when there is one (null: a local map, the object itself). */
  static BugInstance at(Detector detector, Pattern pattern, XMethod method, String message, XField field,
      SourceLineAnnotation line) {
    BugInstance bug = new BugInstance(detector, pattern.bugType(), Priorities.NORMAL_PRIORITY)
        .addClass(method.getClassName())
        .addMethod(MethodAnnotation.fromXMethod(method))
        .addString(message);
    if (field != null) {
      bug.addField(FieldAnnotation.fromXField(field));
    }
    return bug.addSourceLine(line);
  }

  static void report(List<BugInstance> bugs, BugReporter reporter) {
    UserVocabulary user = UserVocabulary.current();
    bugs.removeIf(bug -> user.skipsClass(bug.getPrimaryClass().getClassName())); // mapsafe.SkipPackages
    for (BugInstance bug : bugs) {
      JavaClass owner = BytecodeApi.javaClass(bug.getPrimaryClass().getClassName());
      InlinedLines inlined = owner == null ? InlinedLines.none() : InlinedLines.of(owner);
      MethodAnnotation lambda = bug.getPrimaryMethod();
      MethodAnnotation enclosing = owner == null || lambda == null ? null : enclosingMethod(lambda, owner);
      List<BugAnnotation> annotations = bug.getAnnotations();
      for (int i = 0; i < annotations.size(); i++) {
        BugAnnotation annotation = annotations.get(i);
        if (annotation == lambda && enclosing != null) {
          annotations.set(i, enclosing);
        } else if (annotation.getClass() == StringAnnotation.class) {
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


  /**
   * For a lambda body javac compiled to {@code lambda$name$n}, the method {@code name} of the same class when the
   * class has exactly one ({@code lambda$new$n}: the constructor, {@code lambda$static$n}: the class initializer);
   * otherwise null, and the finding keeps the lambda's method.
   */
  static MethodAnnotation enclosingMethod(MethodAnnotation method, JavaClass owner) {
    String[] parts = method.getMethodName().split("\\$");
    if (parts.length != 3 || !parts[0].equals("lambda")) {
      return null;
    }
    String name = parts[1].equals("new") ? "<init>" : parts[1].equals("static") ? "<clinit>" : parts[1];
    Method found = null;
    for (Method m : owner.getMethods()) {
      if (m.getName().equals(name)) {
        if (found != null) {
          return null; // overloaded: which one is not in the name
        }
        found = m;
      }
    }
    return found == null ? null
        : new MethodAnnotation(method.getClassName(), found.getName(), found.getSignature(), found.isStatic());
  }
}
