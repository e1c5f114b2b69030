package dev.mapsafe.errorprone.report;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugPattern;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.MethodInvocationTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failure inside a mapsafe analysis skips its spot and never reaches javac; -XepOpt:Mapsafe:Debug prints it. */
class AnalysisFailuresTest {
  /** Fails as a mapsafe analysis might, by the name of the called method; reports every other call. */
  @BugPattern(summary = "test-only check whose analysis fails", severity = WARNING)
  public static final class Exploding extends MapsafeChecker implements MethodInvocationTreeMatcher {
    @Override
    public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
      return report(() -> {
        switch (ASTHelpers.getSymbol(tree).getSimpleName().toString()) {
          case "runtime" -> throw new IllegalArgumentException("Cannot convert array types (int[])");
          case "assertion" -> throw new AssertionError("unexpected tree");
          case "deep" -> throw new StackOverflowError();
          case "linkage" -> throw new NoClassDefFoundError("com/acme/Missing");
          default -> {
            return describeMatch(tree);
          }
        }
      }, state);
    }
  }

  private static final String[] SOURCE = {
    "class Calls {",
    "  static void runtime() {}",
    "  static void assertion() {}",
    "  static void deep() {}",
    "  static void linkage() {}",
    "  static void fine() {}",
    "  void all() {",
    "    runtime();",
    "    assertion();",
    "    deep();",
    "    linkage();",
    "    // BUG: Diagnostic contains: Exploding",
    "    fine();",
    "  }",
    "}",
  };

  @Test
  void aFailureSkipsItsSpotSilently() {
    String err = Stderr.of(() -> CompilationTestHelper.newInstance(Exploding.class, getClass())
        .addSourceLines("Calls.java", SOURCE)
        .doTest());
    assertFalse(err.contains("mapsafe"), err);
  }

  @Test
  void debugPrintsTheFirstFailureWithItsStackAndEachLaterOneInALine() {
    String err = Stderr.of(() -> CompilationTestHelper.newInstance(Exploding.class, getClass())
        .addSourceLines("Calls.java", SOURCE)
        .setArgs("-XepOpt:Mapsafe:Debug=true")
        .doTest());
    List<String> lines = err.lines().filter(l -> l.startsWith("mapsafe: ")).toList();
    assertEquals(4, lines.size(), err);
    assertTrue(lines.get(0).matches("mapsafe: Exploding failed at .*Calls\\.java:8 and skipped it\\. This is a bug in"
        + " mapsafe: please report it at https://github\\.com/mapsafe-dev/mapsafe/issues with this stack trace:"), err);
    assertTrue(err.contains("java.lang.IllegalArgumentException: Cannot convert array types (int[])\n\tat "), err);
    assertEquals(1, err.split("please report it", -1).length - 1, err);
    assertTrue(lines.get(1).matches(
        "mapsafe: Exploding failed at .*Calls\\.java:9 and skipped it: java\\.lang\\.AssertionError: unexpected tree"
            + " \\(failure 2 of this compilation\\)"), err);
    assertTrue(lines.get(2).contains("Calls.java:10 and skipped it: java.lang.StackOverflowError"), err);
    assertTrue(lines.get(3).contains("Calls.java:11 and skipped it: java.lang.NoClassDefFoundError"), err);
  }

  @Test
  void debugTakesTrueOrFalse(@TempDir Path temp) throws Exception {
    Path source = Files.writeString(temp.resolve("Clean.java"), "public class Clean {}");
    Javac.Run run = Javac.compile(temp.resolve("c"), List.of(source), "-XepOpt:Mapsafe:Debug=yes");
    assertFalse(run.success());
    assertTrue(run.output().contains("mapsafe: -XepOpt:Mapsafe:Debug=yes: the value is true or false"), run.output());
    assertTrue(Javac.compile(temp.resolve("d"), List.of(source), "-XepOpt:Mapsafe:Debug=false").success());
  }
}
