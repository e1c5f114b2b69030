package dev.mapsafe.samples;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Each engine reports exactly the findings the samples' markers expect: same files, lines and checks. */
class SamplesIT {
  @Test
  void thereAreSamplesWithExpectedFindings() {
    assertFalse(SampleProject.all().isEmpty(), "no sample projects found");
    for (SampleProject p : SampleProject.all()) {
      assertFalse(p.expected().isEmpty(), p.name() + " marks no expected finding");
    }
  }

  @TestFactory
  Stream<DynamicTest> errorProneReportsExactlyTheMarkedFindings() {
    return SampleProject.java().stream()
        .map(p -> DynamicTest.dynamicTest(p.name(), () -> assertSame(p, "Error Prone", () -> ErrorProneFindings.of(p))));
  }

  @TestFactory
  Stream<DynamicTest> spotBugsReportsExactlyTheMarkedFindings() {
    return SampleProject.all().stream()
        .map(p -> DynamicTest.dynamicTest(p.name(), () -> assertSame(p, "SpotBugs", () -> SpotBugsFindings.of(p))));
  }

  private static void assertSame(SampleProject project, String engine, Callable<List<Finding>> run) throws Exception {
    List<Finding> expected = project.expected();
    List<Finding> actual = run.call();
    if (expected.equals(actual)) {
      return;
    }
    List<Finding> missing = new ArrayList<>(expected);
    missing.removeAll(actual);
    List<Finding> unexpected = new ArrayList<>(actual);
    unexpected.removeAll(expected);
    StringBuilder diff = new StringBuilder(engine + " on sample " + project.name() + " differs from its markers:\n");
    missing.forEach(f -> diff.append("  - missing    ").append(f).append('\n'));
    unexpected.forEach(f -> diff.append("  + unexpected ").append(f).append('\n'));
    throw new AssertionError(diff.toString());
  }
}
