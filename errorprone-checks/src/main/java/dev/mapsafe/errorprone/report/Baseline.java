package dev.mapsafe.errorprone.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A baseline: the fingerprints of findings a team accepted when it adopted mapsafe; they are not reported again.
 * A fingerprint is the check, the file under its source root, the enclosing class and method and the message with
 * its line numbers taken out (the message names the map, the access kinds and the locks). It survives lines moving
 * and methods being added elsewhere; it changes when the finding itself does. One line per fingerprint, sorted,
 * so the file diffs well in review.
 */
public final class Baseline {
  private static final String HEADER =
      "# mapsafe baseline: findings accepted when mapsafe was adopted; they are not reported. One per line:"
          + " check, file, class#method, message (line numbers removed). Delete a line to see the finding again.";
  private static final Pattern LINE_NUMBERS = Pattern.compile("\\blines? \\d+(?:(?:, | and )\\d+)*");

  private Baseline() {}

  public static String fingerprint(Finding finding) {
    String message = LINE_NUMBERS.matcher(finding.message()).replaceAll("line _");
    return String.join("\t", finding.pattern().checkName(), finding.sourcePath(),
        finding.className() + "#" + finding.methodName(), message.replace('\t', ' ').replace('\n', ' '));
  }

  public static Set<String> read(Path file) throws IOException {
    Set<String> fingerprints = new TreeSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("#")) {
        fingerprints.add(line);
      }
    }
    return fingerprints;
  }

  public static void write(Path file, Collection<Finding> findings) throws IOException {
    Set<String> fingerprints = new TreeSet<>();
    findings.forEach(f -> fingerprints.add(fingerprint(f)));
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    lines.addAll(fingerprints);
    Files.write(file, lines, StandardCharsets.UTF_8);
  }
}
