package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.CompilationTestHelper;
import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Error Prone check over every fixture of the SpotBugs plugin's tests: each finds exactly the markers of
 * its pattern, so both engines are held to the same cases.
 */
class SharedFixturesTest {
  private static final List<Class<? extends BugChecker>> CHECKS =
      List.of(UnlockedMapIteration.class, UnguardedSharedMap.class, MapWriteUnderReadLock.class,
          NonAtomicMapUpdate.class, RecursiveMapCompute.class, MapModifiedDuringIteration.class,
          GuardedMapEscape.class, MutatedMapSnapshot.class, ShallowMapCopyLeak.class);

  @TestFactory
  Stream<DynamicTest> eachCheckFindsExactlyItsMarkers() throws IOException {
    Path root = Paths.get("../spotbugs-detector/src/test/java");
    List<String> packages = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root.resolve("fixtures"))) {
      dirs.filter(Files::isDirectory).sorted().forEach(d -> packages.add("fixtures." + d.getFileName()));
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (Class<? extends BugChecker> check : CHECKS) {
      Pattern pattern = Pattern.byCheckName(check.getSimpleName()).orElseThrow();
      for (String fixturePackage : packages) {
        tests.add(DynamicTest.dynamicTest(check.getSimpleName() + " on " + fixturePackage, () -> {
          // fixtures.jdk8 is compiled for Java 8 in both engines (rules that depend on the JDK code is built for).
          CompilationTestHelper helper = fixturePackage.endsWith(".jdk8")
              ? TestHelpers.compilation(check, getClass(), "--release", "8", "-Xlint:-options")
              : TestHelpers.compilation(check, getClass());
          SharedFixtures.addPackage(helper, pattern, fixturePackage).doTest();
        }));
      }
    }
    return tests.stream();
  }
}
