package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.catalog.Project;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** The compatibility table names the versions this build is tested with, and the changelog has this release. */
class CompatibilityPageTest {
  @Test
  void theTableRowOfThisReleaseNamesTheBuildsVersions() throws IOException {
    String page = Files.readString(Path.of("compatibility.md"), StandardCharsets.UTF_8);
    String parent = Files.readString(Path.of("../pom.xml"), StandardCharsets.UTF_8);
    String kotlinSample = Files.readString(Path.of("../samples/kotlin-inventory/pom.xml"), StandardCharsets.UTF_8);
    String row = page.lines().filter(l -> l.startsWith("| " + Project.VERSION + " |")).findFirst()
        .orElseThrow(() -> new AssertionError("compatibility.md has no row for " + Project.VERSION));
    String newestErrorProne = parent.substring(parent.indexOf("<id>newest-errorprone</id>"));
    for (String version : new String[] {property(parent, "errorprone.version"), property(newestErrorProne, "errorprone.version"),
        property(parent, "spotbugs.version"),
        property(parent, "spotbugs-maven-plugin.version"), property(kotlinSample, "kotlin.version")}) {
      assertTrue(row.contains(version), "the row of " + Project.VERSION + " names " + version + ": " + row);
    }
  }

  @Test
  void theChangelogHasThisRelease() throws IOException {
    String changelog = Files.readString(Path.of("../CHANGELOG.md"), StandardCharsets.UTF_8);
    assertTrue(changelog.contains("\n## " + Project.VERSION + " "), "CHANGELOG.md has no section for " + Project.VERSION);
  }

  private static String property(String pom, String name) {
    Matcher m = java.util.regex.Pattern.compile("<" + java.util.regex.Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertTrue(m.find(), name);
    return m.group(1);
  }
}
