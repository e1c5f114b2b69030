package dev.mapsafe.release;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** A copy of this repository's sources, and commands run as a user runs them, on the JDK running the tests. */
final class Checkout {
  /** The local Maven repository of the build running the tests (surefire passes it). */
  static final String LOCAL_REPOSITORY = System.getProperty("mapsafe.localRepository");

  private Checkout() {}

  /** The repository's files without build output, so what runs in the copy builds from sources only. */
  static Path copy(Path to) throws IOException {
    Path from = Path.of("..").toRealPath();
    Set<String> skipped = Set.of("target", ".git", ".idea");
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (skipped.contains(dir.getFileName().toString()) && !dir.equals(from)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }
    });
    return to;
  }

  /** Runs a command in a folder, its output into the log; fails the test, with the log's end, unless it succeeds. */
  static void run(Path dir, Map<String, String> environment, Path log, String... command) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    boolean done = process.waitFor(15, TimeUnit.MINUTES);
    if (!done) {
      process.destroyForcibly();
    }
    assertTrue(done && process.exitValue() == 0, () -> String.join(" ", command) + " failed:\n" + tail(log));
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
