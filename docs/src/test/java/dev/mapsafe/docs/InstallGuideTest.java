package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

  private static String dedent(String block) {
    List<String> lines = Arrays.asList(block.split("\n", -1));
    int indent =
        lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).collect(Collectors.joining("\n"));
  }
}
