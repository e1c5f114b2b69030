package dev.mapsafe.errorprone.report;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Runs the real javac with Error Prone and the mapsafe checks as a build does ({@code -Xplugin:ErrorProne}, the
 * checks found on the class path), with only mapsafe's checks on.
 */
final class Javac {
  record Run(boolean success, String output) {
    /** The mapsafe warnings printed, as {@code File.java:line: [Check]}. */
    List<String> findings() {
      List<String> result = new ArrayList<>();
      for (String line : output.split("\n")) {
        java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("([A-Za-z]+\\.java):(\\d+): (?:warning|error): \\[(\\w+)\\]").matcher(line);
        if (m.find()) {
          result.add(m.group(1) + ":" + m.group(2) + ": [" + m.group(3) + "]");
        }
      }
      return result;
    }
  }

  private Javac() {}

  /** Every mapsafe check on by name, Error Prone's own off, and the given options. */
  static Run compile(Path out, List<Path> sources, String... mapsafeOptions) throws IOException {
    StringBuilder plugin = new StringBuilder("-XepDisableAllChecks");
    for (Pattern pattern : Pattern.values()) {
      plugin.append(" -Xep:").append(pattern.checkName()).append(":WARN");
    }
    for (String option : mapsafeOptions) {
      plugin.append(' ').append(option);
    }
    return compileWith(out, sources, plugin.toString());
  }

  /** Error Prone with exactly the given flags ({@code -Xplugin:ErrorProne <flags>}), as a user's build gives them. */
  static Run compileWith(Path out, List<Path> sources, String flags) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String plugin = ("-Xplugin:ErrorProne " + flags).strip();
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-classpath",
        System.getProperty("java.class.path"), "-XDcompilePolicy=simple", "--should-stop=ifError=FLOW",
        "-processorpath", System.getProperty("java.class.path"), "-proc:none", plugin));
    StringWriter output = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      boolean success =
          javac.getTask(output, files, null, args, null, files.getJavaFileObjectsFromPaths(sources)).call();
      return new Run(success, output.toString());
    }
  }
}
