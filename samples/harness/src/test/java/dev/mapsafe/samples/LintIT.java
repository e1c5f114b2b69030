package dev.mapsafe.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone lint jar, run as users run it ({@code java -jar mapsafe-lint.jar}), on the lowest JDK it supports
 * when this machine has one (17), else on the JDK running the tests: the samples' findings exactly, in the Error
 * Prone engine's text, valid SARIF, and the documented exit codes.
 */
class LintIT {
  private static final Path LINT = Paths.get("../../lint/target/mapsafe-lint.jar");

  record Run(int exit, String out, String err) {}

  @TestFactory
  Stream<DynamicTest> reportsExactlyTheMarkedFindingsOfEachSampleJar() {
    return SampleProject.all().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
      Path sarif = Files.createTempFile("lint", ".sarif");
      Run run = lint("--all-checks", "--sarif", sarif.toString(), jarOf(p).toString());
      assertEquals(1, run.exit(), run.err());
      List<Finding> found = findings(run);
      List<Finding> expected = new ArrayList<>(p.expected());
      java.util.Collections.sort(expected);
      assertEquals(expected, found);
      // without --all-checks, only the patterns on by default
      Run defaults = lint(jarOf(p).toString());
      List<Finding> onByDefault = expected.stream().filter(f ->
          dev.mapsafe.knowledge.catalog.Pattern.byCheckName(f.check()).orElseThrow().enabledByDefault()).toList();
      assertEquals(onByDefault, findings(defaults));
      assertEquals(onByDefault.isEmpty() ? 0 : 1, defaults.exit(), defaults.err());
      JsonNode report = SarifReportsIT.read(sarif); // valid SARIF 2.1.0
      Set<String> rules = new TreeSet<>();
      report.at("/runs/0/results").forEach(r -> rules.add(r.get("ruleId").asText()));
      Set<String> expectedRules = new TreeSet<>();
      expected.forEach(f -> expectedRules.add(
          dev.mapsafe.knowledge.catalog.Pattern.byCheckName(f.check()).orElseThrow().bugType()));
      assertEquals(expectedRules, rules);
      assertEquals(expected.size(), report.at("/runs/0/results").size());
      // the tool is mapsafe, with this build's version; SpotBugs is named as an extension
      assertEquals("mapsafe", report.at("/runs/0/tool/driver/name").asText());
      assertEquals(dev.mapsafe.knowledge.catalog.Project.VERSION, report.at("/runs/0/tool/driver/version").asText());
      List<String> extensions = new ArrayList<>();
      report.at("/runs/0/tool/extensions").forEach(e -> extensions.add(e.path("name").asText()));
      assertTrue(extensions.contains("SpotBugs"), extensions.toString());
    }));
  }

  @Test
  void exitCodes(@TempDir Path temp) throws Exception {
    Path jar = jarOf(SampleProject.all().get(0));
    assertEquals(0, lint("--fail-on", "error", jar.toString()).exit(), "no finding is an error by default");
    Run missing = lint(temp.resolve("absent.jar").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().startsWith("mapsafe-lint: input " + temp.resolve("absent.jar") + " does not exist"),
        missing.err());
    Path notAJar = Files.writeString(temp.resolve("notes.jar"), "not a zip");
    Run corrupt = lint(notAJar.toString());
    assertEquals(2, corrupt.exit());
    assertTrue(corrupt.err().contains("is not a jar, a class file or a folder of classes"), corrupt.err());
    assertFalse(corrupt.err().contains("Exception"), corrupt.err());
    assertEquals(2, lint("--fail-on", "sometimes", jar.toString()).exit());
    assertEquals(2, lint("--sarif", temp.resolve("no/such/out.sarif").toString(), jar.toString()).exit());
    // a CI step pointed at the wrong folder fails instead of passing with no finding
    Path noClasses = Files.createDirectories(temp.resolve("build/classes"));
    Files.writeString(noClasses.resolve("README.txt"), "not a class");
    Run empty = lint(noClasses.toString());
    assertEquals(2, empty.exit());
    assertTrue(empty.err().contains("holds no class files"), empty.err());
    Run version = lint("--version");
    assertEquals(0, version.exit(), version.err());
    assertEquals("mapsafe-lint " + dev.mapsafe.knowledge.catalog.Project.VERSION, version.out());
    // the options are the system properties the SpotBugs plugin reads: skipping the samples' package leaves nothing
    Run skipped = run(List.of("-Dmapsafe.SkipPackages=example"), jar.toString());
    assertEquals(0, skipped.exit(), skipped.err());
    assertEquals("", skipped.out());
  }

  /** A class file that cannot be read is named and skipped; the rest of the jar is still analysed. */
  @Test
  void skipsAnUnreadableClassAndAnalysesTheRest(@TempDir Path temp) throws Exception {
    SampleProject sample = SampleProject.all().get(0);
    Path broken = temp.resolve("broken.jar");
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jarOf(sample)));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(broken))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(in.readAllBytes());
      }
      out.putNextEntry(new ZipEntry("example/Garbage.class"));
      out.write("this is not a class file".getBytes(StandardCharsets.UTF_8));
    }
    Run run = lint("--all-checks", broken.toString());
    assertEquals(1, run.exit(), run.err());
    assertTrue(run.err().contains("example/Garbage.class") || run.err().contains("example.Garbage"), run.err());
    assertEquals(sample.expected().size(), run.out().split("\n").length, run.out());
  }

  /** The findings a run printed, sorted. */
  private static List<Finding> findings(Run run) {
    List<Finding> found = new ArrayList<>();
    java.util.regex.Pattern line = java.util.regex.Pattern.compile("^(\\S+\\.(?:java|kt)):(\\d+): \\[(\\w+)\\] .+");
    for (String printed : run.out().split("\n")) {
      if (printed.isEmpty()) {
        continue;
      }
      Matcher m = line.matcher(printed);
      assertTrue(m.matches(), "not a finding line: " + printed);
      found.add(new Finding(m.group(1), Integer.parseInt(m.group(2)), m.group(3)));
    }
    java.util.Collections.sort(found);
    return found;
  }

  private static Path jarOf(SampleProject project) throws IOException {
    try (Stream<Path> files = Files.list(project.dir().resolve("target"))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).findFirst().orElseThrow();
    }
  }

  /** JDK 17 if this machine has one (the lowest the lint supports), else the JDK running the tests. */
  private static Path java() {
    for (String candidate : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-17-jdk-amd64")) {
      Path java = Paths.get(candidate, "bin/java");
      if (Files.isExecutable(java)) {
        return java;
      }
    }
    return Paths.get(System.getProperty("java.home"), "bin/java");
  }

  private static Run lint(String... args) throws Exception {
    return run(List.of(), args);
  }

  private static Run run(List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java().toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", LINT.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    int exit = process.waitFor();
    return new Run(exit, out.strip(), err.get());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
