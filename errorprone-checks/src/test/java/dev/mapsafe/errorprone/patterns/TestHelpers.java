package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.BugCheckerRefactoringTestHelper;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.bugpatterns.BugChecker;
import java.util.ArrayList;
import java.util.List;

/**
 * Error Prone's test helpers with the check under test named on the command line ({@code -Xep:Name:WARN}), as a
 * user turns on a mapsafe check that is off by default: the tests run every check, whatever its default.
 */
public final class TestHelpers {
  private TestHelpers() {}

  public static CompilationTestHelper compilation(
      Class<? extends BugChecker> check, Class<?> test, String... options) {
    return CompilationTestHelper.newInstance(check, test).setArgs(args(check, options));
  }

  public static BugCheckerRefactoringTestHelper refactoring(Class<? extends BugChecker> check, Class<?> test) {
    return BugCheckerRefactoringTestHelper.newInstance(check, test).setArgs(args(check).toArray(String[]::new));
  }

  private static List<String> args(Class<? extends BugChecker> check, String... options) {
    List<String> args = new ArrayList<>(List.of("-Xep:" + check.getSimpleName() + ":WARN"));
    args.addAll(List.of(options));
    return args;
  }
}
