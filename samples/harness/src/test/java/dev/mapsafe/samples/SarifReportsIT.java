package dev.mapsafe.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.catalog.Project;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The SARIF files the sample builds write, one per engine (Error Prone's {@code -XepOpt:Mapsafe:SarifOutput},
 * spotbugs-maven-plugin's {@code sarifOutput}): both valid SARIF 2.1.0, both with one result per marked finding,
 * under the same rule ids, so a code-scanning dashboard shows one tool.
 */
class SarifReportsIT {
  @TestFactory
  Stream<DynamicTest> bothEnginesWriteValidSarifWithTheSameRuleIds() {
    return SampleProject.java().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
      JsonNode errorProne = read(p.dir().resolve("target/mapsafe-errorprone.sarif"));
      JsonNode spotBugs = read(p.dir().resolve("target/spotbugsSarif.json"));
      List<String> errorProneRules = mapsafeRuleIds(errorProne);
      List<String> spotBugsRules = mapsafeRuleIds(spotBugs);
      Set<String> expectedRules = new TreeSet<>();
      p.expected().forEach(f -> expectedRules.add(Pattern.byCheckName(f.check()).orElseThrow().bugType()));
      assertFalse(expectedRules.isEmpty());
      assertEquals(p.expected().size(), errorProneRules.size(), "Error Prone SARIF results of " + p.name());
      assertEquals(p.expected().size(), spotBugsRules.size(), "SpotBugs SARIF results of " + p.name());
      assertEquals(expectedRules, new TreeSet<>(errorProneRules));
      assertEquals(new TreeSet<>(errorProneRules), new TreeSet<>(spotBugsRules));
    }));
  }

  /**
   * Each report names mapsafe with this build's version and links every mapsafe rule to a page of the docs site:
   * Error Prone to the pattern's page, SpotBugs (which builds the link from the plugin's BugsUrl and the bug type)
   * to the pattern index's anchor for it.
   */
  @TestFactory
  Stream<DynamicTest> reportsNameMapsafeAndLinkEveryRuleToItsPage() {
    return SampleProject.java().stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
      JsonNode errorProne = read(p.dir().resolve("target/mapsafe-errorprone.sarif")).at("/runs/0/tool/driver");
      assertEquals("mapsafe", errorProne.get("name").asText());
      assertEquals(Project.VERSION, errorProne.get("version").asText());
      int linked = 0;
      for (JsonNode rule : errorProne.get("rules")) {
        Pattern pattern = Pattern.byBugType(rule.get("id").asText()).orElseThrow();
        assertEquals(pattern.docsUrl(), rule.get("helpUri").asText(), rule.get("id").asText());
        linked++;
      }
      assertEquals(Pattern.values().length, linked, "Error Prone's SARIF lists every rule");

      JsonNode spotBugs = read(p.dir().resolve("target/spotbugsSarif.json")).at("/runs/0/tool");
      JsonNode plugin = null;
      for (JsonNode extension : spotBugs.path("extensions")) {
        if (extension.path("name").asText().equals("dev.mapsafe.spotbugs")) {
          plugin = extension;
        }
      }
      assertTrue(plugin != null, "SpotBugs' SARIF lists the mapsafe plugin");
      assertEquals(Project.VERSION, plugin.get("version").asText());
      linked = 0;
      for (JsonNode rule : spotBugs.at("/driver/rules")) {
        String id = rule.get("id").asText();
        if (id.startsWith("MAPSAFE_")) {
          assertEquals(Project.PATTERN_INDEX + "#" + id, rule.path("helpUri").asText(), id);
          linked++;
        }
      }
      assertTrue(linked > 0, "SpotBugs' SARIF has mapsafe rules");
    }));
  }

  private static List<String> mapsafeRuleIds(JsonNode sarif) {
    List<String> ids = new ArrayList<>();
    for (JsonNode run : sarif.get("runs")) {
      for (JsonNode result : run.path("results")) {
        if (result.path("ruleId").asText().startsWith("MAPSAFE_")) {
          ids.add(result.get("ruleId").asText());
        }
      }
    }
    return ids;
  }

  static JsonNode read(Path file) throws Exception {
    assertTrue(Files.isRegularFile(file), file + " was not written by the sample's build");
    JsonNode sarif = new ObjectMapper().readTree(file.toFile());
    try (InputStream schema = SarifReportsIT.class.getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
      JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
      assertEquals(Set.of(), validator.validate(sarif), file + " is not valid SARIF 2.1.0");
    }
    return sarif;
  }
}
