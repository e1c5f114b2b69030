package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.catalog.Project;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Maven guide shows exactly what the sample project builds with. */
class InstallGuideTest {
  private static final Path SAMPLE_POM = Path.of("../samples/session-registry/pom.xml");
  private static final Path GUIDE = Path.of("install-maven.md");

  @Test
  void snippetsAreTheSamplesConfiguration() throws IOException {
    String pom = Files.readString(SAMPLE_POM, StandardCharsets.UTF_8);
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    for (String region : List.of("error-prone", "spotbugs")) {
      Matcher m =
          java.util.regex.Pattern.compile(
                  "<!-- \\[install-maven:" + region + "\\] -->\\n(.*?)\\n\\s*<!-- \\[/install-maven:" + region + "\\] -->",
                  java.util.regex.Pattern.DOTALL)
              .matcher(pom);
      assertTrue(m.find(), "region " + region + " not marked in " + SAMPLE_POM);
      String snippet = dedent(m.group(1));
      assertTrue(guide.contains("```xml\n" + snippet + "\n```"),
          "docs/install-maven.md must show the sample's " + region + " configuration verbatim:\n" + snippet);
    }
  }

  @Test
  void jvmConfigIsTheBuildsOwn() throws IOException {
    String jvmConfig = Files.readString(Path.of("../.mvn/jvm.config"), StandardCharsets.UTF_8).strip();
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    assertTrue(guide.contains("```\n" + jvmConfig + "\n```"), "docs/install-maven.md must show .mvn/jvm.config");
  }

  /**
   * What a user copies must build on its own: every plugin of the guide's snippets names its version, the one this
   * build runs (an unpinned spotbugs-maven-plugin once resolved to a release whose SpotBugs was not published), and
   * the versions the guide asks for are this release's and its Error Prone's.
   */
  @Test
  void snippetsPinTheVersionsThisBuildUses() throws IOException {
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    String parent = Files.readString(Path.of("../pom.xml"), StandardCharsets.UTF_8);
    Matcher plugins = java.util.regex.Pattern.compile(
            "<plugin>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*(?:<version>([^<]+)</version>)?")
        .matcher(guide);
    int seen = 0;
    while (plugins.find()) {
      String plugin = plugins.group(1) + ":" + plugins.group(2);
      if (plugins.group(1).equals("dev.mapsafe")) {
        continue; // the SpotBugs plugin's own plugin list: its version is mapsafe.version
      }
      assertNotNull(plugins.group(3), plugin + " has no <version> in docs/install-maven.md");
      assertEquals(managedVersion(parent, plugins.group(2)), plugins.group(3), plugin + "'s version");
      seen++;
    }
    assertEquals(3, seen, "the guide's build plugins: the compiler (twice: JDK 21+ and JDK 17) and SpotBugs");
    assertTrue(guide.contains("<mapsafe.version>" + Project.VERSION + "</mapsafe.version>"), "mapsafe.version");
    assertTrue(guide.contains("<errorprone.version>" + property(parent, "errorprone.version") + "</errorprone.version>"),
        "errorprone.version");
  }

  /** The "mapsafe only" flags shown are the ones DefaultChecksTest compiles with. */
  @Test
  void mapsafeOnlyFlagsAreTheTestedOnes() throws IOException {
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    for (boolean all : new boolean[] {false, true}) {
      String line = "-Xplugin:ErrorProne " + dev.mapsafe.knowledge.catalog.Pattern.errorProneFlagsForMapsafeOnly(all) + " ";
      assertTrue(guide.contains("```\n" + line), "docs/install-maven.md shows " + line);
    }
  }

  /** The version the parent pom's pluginManagement gives a plugin, its properties resolved. */
  private static String managedVersion(String pom, String artifactId) {
    Matcher m = java.util.regex.Pattern.compile(
            "<artifactId>" + java.util.regex.Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(pom);
    assertTrue(m.find(), artifactId + " is not managed by the parent pom");
    String version = m.group(1);
    return version.startsWith("${") ? property(pom, version.substring(2, version.length() - 1)) : version;
  }

  private static String property(String pom, String name) {
    Matcher m = java.util.regex.Pattern.compile("<" + java.util.regex.Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertTrue(m.find(), name + " is not a property of the parent pom");
    return m.group(1);
  }

  private static String dedent(String block) {
    List<String> lines = Arrays.asList(block.split("\n", -1));
    int indent =
        lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).collect(Collectors.joining("\n"));
  }
}
