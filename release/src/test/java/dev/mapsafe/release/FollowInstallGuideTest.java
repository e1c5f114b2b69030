package dev.mapsafe.release;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/install-maven.md followed as a new user follows it: its install step run in a copy of this repository into
 * a local repository that holds no mapsafe, then a project of one's own made of the guide's snippets, copied
 * verbatim (the versions, .mvn/jvm.config, both plugins), built with {@code mvn verify}: both engines must report
 * the seeded bug. Third-party artifacts come from the build's own local repository, read-only
 * ({@code maven.repo.local.tail}), so nothing of mapsafe can come from there.
 */
class FollowInstallGuideTest {
  private static final Path GUIDE = Path.of("../docs/install-maven.md");
  private static final String BUG = String.join("\n",
      "package com.example;",
      "",
      "import java.util.HashMap;",
      "import java.util.Map;",
      "",
      "public class Stock {",
      "  private final Map<String, Integer> counts = new HashMap<>();",
      "",
      "  public void dropEmpty() {",
      "    for (String item : counts.keySet()) {",
      "      if (counts.get(item) == 0) {",
      "        counts.remove(item);",
      "      }",
      "    }",
      "  }",
      "}",
      "");

  @TempDir Path work;

  @Test
  void theGuidesStepsBuildAndReport() throws Exception {
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    Path mapsafe = Checkout.copy(work.resolve("mapsafe"));
    Path repository = Files.createDirectories(work.resolve("m2"));
    List<String> repositoryFlags =
        List.of("-Dmaven.repo.local=" + repository, "-Dmaven.repo.local.tail=" + Checkout.LOCAL_REPOSITORY);

    // the install step, as the guide writes it (the clone is the copy)
    String install = indentedLines(section(guide, "## Where the artifacts come from")).stream()
        .filter(l -> l.contains("mvnw")).findFirst().orElseThrow(() -> new AssertionError("no install command"));
    Checkout.run(mapsafe, Map.of(), work.resolve("install.log"),
        "bash", "-c", install + " " + String.join(" ", repositoryFlags));

    // a project of one's own, from the guide's snippets: Maven on JDK 21+, and Maven on JDK 17 forking javac
    List<String> xml = blocks(guide, "xml");
    String properties = xml.get(0).replace("<properties>", "").replace("</properties>", "").strip();
    Path shop = project(work.resolve("shop"), mapsafe, properties, xml.get(1), xml.get(3));
    Files.writeString(shop.resolve(".mvn/jvm.config"), blocks(guide, "").get(0) + "\n");
    assertReports(build(shop, Path.of(System.getProperty("java.home")), Map.of(), repositoryFlags));

    Path shop17 = project(work.resolve("shop17"), mapsafe, properties, xml.get(2), xml.get(3));
    assertReports(build(shop17, jdk17(),
        Map.of("JAVA21_HOME", System.getProperty("java.home")), repositoryFlags));
  }

  /** A project with the seeded bug, the given build plugins, and the user's own Maven (this repository's wrapper). */
  private static Path project(Path dir, Path mapsafe, String properties, String... plugins) throws Exception {
    String pom = String.join("\n",
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">",
        "<modelVersion>4.0.0</modelVersion>",
        "<groupId>com.example</groupId><artifactId>shop</artifactId><version>1.0</version>",
        "<properties>",
        properties,
        "<maven.compiler.release>17</maven.compiler.release>",
        "<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>",
        "</properties>",
        "<build><plugins>",
        String.join("\n", plugins),
        "</plugins></build>",
        "</project>");
    Files.createDirectories(dir.resolve(".mvn/wrapper"));
    Files.writeString(dir.resolve("pom.xml"), pom);
    Files.copy(mapsafe.resolve(".mvn/wrapper/maven-wrapper.properties"), dir.resolve(".mvn/wrapper/maven-wrapper.properties"));
    Files.copy(mapsafe.resolve("mvnw"), dir.resolve("mvnw"), StandardCopyOption.COPY_ATTRIBUTES);
    Path source = Files.createDirectories(dir.resolve("src/main/java/com/example")).resolve("Stock.java");
    Files.writeString(source, BUG);
    return dir;
  }

  private static Path build(Path project, Path javaHome, Map<String, String> environment, List<String> flags)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("./mvnw", "-B", "verify"));
    command.addAll(flags);
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("JAVA_HOME", javaHome.toString());
    Path log = project.resolve("build.log");
    Checkout.run(project, env, log, command.toArray(String[]::new));
    return log;
  }

  private static void assertReports(Path log) throws Exception {
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Path project = log.getParent();
    assertTrue(Pattern.compile("Stock\\.java:\\[12,\\d+\\] \\[MapModifiedDuringIteration\\]").matcher(output).find(),
        "Error Prone reports in " + project + ":\n" + Checkout.tail(log));
    assertTrue(output.contains("MAPSAFE_MAP_MODIFIED_DURING_ITERATION"), "SpotBugs reports:\n" + Checkout.tail(log));
    assertTrue(Files.isRegularFile(project.resolve("target/mapsafe-errorprone.sarif")), "the Error Prone SARIF");
    assertTrue(Files.isRegularFile(project.resolve("target/spotbugsSarif.json")), "the SpotBugs SARIF");
  }

  /** A JDK 17 of this machine: the guide's recipe is for teams whose Maven runs on 17. */
  private static Path jdk17() throws Exception {
    for (String root : List.of("/usr/lib/jvm", "/opt/java", "/Library/Java/JavaVirtualMachines")) {
      Path dir = Path.of(root);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (var candidates = Files.list(dir)) {
        for (Path jdk : candidates.sorted().toList()) {
          Path release = jdk.resolve("release");
          if (Files.isRegularFile(release) && Files.isExecutable(jdk.resolve("bin/javac"))
              && Files.readString(release).contains("JAVA_VERSION=\"17")) {
            return jdk;
          }
        }
      }
    }
    throw new AssertionError("the JDK 17 recipe of docs/install-maven.md is tested with a JDK 17; none was found");
  }

  /** The text of a section, up to the next heading of the same level. */
  private static String section(String page, String heading) {
    int start = page.indexOf("\n" + heading + "\n");
    assertTrue(start >= 0, "the guide has no section " + heading);
    int end = page.indexOf("\n## ", start + 1);
    return page.substring(start, end < 0 ? page.length() : end);
  }

  /** The lines of the section's indented code block. */
  private static List<String> indentedLines(String section) {
    List<String> lines = new ArrayList<>();
    for (String line : section.split("\n")) {
      if (line.startsWith("    ")) {
        lines.add(line.substring(4));
      }
    }
    return lines;
  }

  /** The fenced code blocks of the given language ("" for none), in order. */
  private static List<String> blocks(String page, String language) {
    List<String> blocks = new ArrayList<>();
    StringBuilder block = null;
    String open = null;
    for (String line : page.split("\n")) {
      if (block == null && line.startsWith("```")) {
        open = line.substring(3).strip();
        block = new StringBuilder();
      } else if (block != null && line.equals("```")) {
        if (open.equals(language)) {
          blocks.add(block.toString().stripTrailing());
        }
        block = null;
      } else if (block != null) {
        block.append(line).append('\n');
      }
    }
    return blocks;
  }
}
