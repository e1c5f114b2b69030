package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.errorprone.BugPattern;
import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.CompilationUnitTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.report.Stderr;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mapsafe check compiles TreeShapes.java, every kind of javac tree in odd places, without a finding and
 * without a failure of its analysis.
 */
class TreeShapesTest {
  static List<Class<? extends BugChecker>> checks() {
    return ServiceLoader.load(BugChecker.class).stream()
        .<Class<? extends BugChecker>>map(ServiceLoader.Provider::type)
        .filter(type -> type.getPackageName().startsWith("dev.mapsafe"))
        .toList();
  }

  /**
   * Asks the hierarchy about the type of every expression, by binary name as the checks do, and reports where it
   * answers otherwise than javac. Local and anonymous classes have no name the hierarchy can look up, and the null
   * literal, a subtype of everything to javac, is no map to the checks.
   */
  @BugPattern(summary = "test-only probe of JavacApi.hierarchy", severity = WARNING)
  public static final class HierarchyProbe extends BugChecker implements CompilationUnitTreeMatcher {
    @Override
    public Description matchCompilationUnit(CompilationUnitTree unit, VisitorState state) {
      Type map = state.getTypeFromString("java.util.Map");
      new TreeScanner<Void, Void>() {
        @Override
        public Void scan(Tree tree, Void unused) {
          Type type = tree instanceof ExpressionTree ? ASTHelpers.getType(tree) : null;
          if (type != null) {
            String name = JavacApi.binaryName(type, state.getTypes());
            boolean byName = JavacApi.hierarchy(state).isSubtype(name, "java.util.Map");
            boolean comparable = !type.hasTag(TypeTag.METHOD) && !type.hasTag(TypeTag.PACKAGE)
                && !type.hasTag(TypeTag.BOT) && !state.getTypes().erasure(type).tsym.isDirectlyOrIndirectlyLocal();
            if (comparable && byName != ASTHelpers.isSubtype(type, map, state)) {
              state.reportMatch(buildDescription(tree).setMessage(name + " is a Map: " + byName).build());
            }
          }
          return super.scan(tree, null);
        }
      }.scan(unit, null);
      return Description.NO_MATCH;
    }
  }

  @Test
  void theHierarchyAnswersAsJavacForEveryExpression() {
    CompilationTestHelper.newInstance(HierarchyProbe.class, getClass())
        .addSourceFile("TreeShapes.java")
        .expectNoDiagnostics()
        .doTest();
  }

  @Test
  void everyCheckIsRun() {
    assertEquals(Pattern.values().length, checks().size(), checks().toString());
  }

  /** With Debug on, so that a failure the safety net of MapsafeChecker hides still fails the test. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("checks")
  void compilesWithoutFindingsOrFailures(Class<? extends BugChecker> check) {
    String err = Stderr.of(() -> TestHelpers.compilation(check, getClass(), "-XepOpt:Mapsafe:Debug=true")
        .addSourceFile("TreeShapes.java")
        .expectNoDiagnostics()
        .doTest());
    assertFalse(err.contains("mapsafe:"), err);
  }
}
