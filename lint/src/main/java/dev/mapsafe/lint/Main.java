package dev.mapsafe.lint;

import dev.mapsafe.knowledge.catalog.Project;
import dev.mapsafe.knowledge.catalog.Severity;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * {@code java -jar mapsafe-lint.jar [--sarif out.sarif] [--aux <classpath>] [--fail-on warning|error] [--all-checks]
 * <jar|dir>...} (or {@code --version}): the mapsafe bytecode checks as a CI step for builds that are not Maven, and for third-party jars;
 * the checks that are off by default run with {@code --all-checks}.
 *
 * <p>Exit codes: 0 when no finding at or above {@code --fail-on} (default: warning) remains, 1 when one does, 2 on a
 * usage or input error, an input with no class file included (one line on stderr, never a stack trace).
 */
public final class Main {
  static final String USAGE = "usage: java -jar mapsafe-lint.jar [--sarif out.sarif] [--aux <classpath>]"
      + " [--fail-on warning|error] [--all-checks] <jar|dir>... | --version | --help";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Path sarif = null;
    List<Path> aux = new ArrayList<>();
    List<Path> inputs = new ArrayList<>();
    Severity failOn = Severity.WARNING;
    boolean allChecks = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--sarif":
            sarif = Paths.get(value(args, ++i, "--sarif"));
            break;
          case "--aux":
            for (String entry : value(args, ++i, "--aux").split(java.io.File.pathSeparator)) {
              if (!entry.isEmpty()) {
                aux.add(existing(Paths.get(entry), "--aux entry"));
              }
            }
            break;
          case "--fail-on":
            String level = value(args, ++i, "--fail-on");
            if (!level.equals("warning") && !level.equals("error")) {
              throw new UsageError("--fail-on takes warning or error, not '" + level + "'");
            }
            failOn = level.equals("error") ? Severity.ERROR : Severity.WARNING;
            break;
          case "--all-checks":
            allChecks = true;
            break;
          case "-h":
          case "--help":
            out.println(USAGE);
            return 0;
          case "--version":
            out.println("mapsafe-lint " + Project.VERSION);
            return 0;
          default:
            if (args[i].startsWith("-")) {
              throw new UsageError("unknown option " + args[i]);
            }
            inputs.add(input(Paths.get(args[i])));
        }
      }
      if (inputs.isEmpty()) {
        throw new UsageError("no jar or class folder given");
      }
      if (sarif != null && sarif.toAbsolutePath().getParent() != null
          && !Files.isDirectory(sarif.toAbsolutePath().getParent())) {
        throw new UsageError("--sarif " + sarif + ": the folder " + sarif.toAbsolutePath().getParent()
            + " does not exist");
      }
    } catch (UsageError e) {
      err.println("mapsafe-lint: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      List<BytecodeLint.Finding> findings = BytecodeLint.run(inputs, aux, sarif, allChecks, err);
      boolean failing = false;
      for (BytecodeLint.Finding finding : findings) {
        out.println(finding.format());
        failing |= failOn == Severity.WARNING || finding.pattern().defaultSeverity() == Severity.ERROR;
      }
      err.println("mapsafe-lint: " + findings.size() + (findings.size() == 1 ? " finding" : " findings")
          + (sarif == null ? "" : ", SARIF written to " + sarif));
      return failing ? 1 : 0;
    } catch (Exception | LinkageError e) {
      err.println("mapsafe-lint: analysis failed: " + e);
      return 2;
    }
  }

  private static String value(String[] args, int i, String option) throws UsageError {
    if (i >= args.length) {
      throw new UsageError(option + " needs a value");
    }
    return args[i];
  }

  private static Path existing(Path path, String what) throws UsageError {
    if (!Files.exists(path)) {
      throw new UsageError(what + " " + path + " does not exist");
    }
    return path;
  }

  /**
   * A folder or a jar (or zip) holding class files, or a class file; anything else is an input error, so that a
   * wrong path in a CI step fails instead of passing with no finding.
   */
  private static Path input(Path path) throws UsageError {
    existing(path, "input");
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.walk(path)) {
        if (files.noneMatch(f -> f.getFileName().toString().endsWith(".class"))) {
          throw new UsageError("input " + path + " holds no class files");
        }
      } catch (IOException | UncheckedIOException unreadable) {
        throw new UsageError("input " + path + " cannot be read (" + unreadable.getMessage() + ")");
      }
      return path;
    }
    String name = path.getFileName().toString();
    if (name.endsWith(".class")) {
      return path;
    }
    try (ZipFile zip = new ZipFile(path.toFile())) {
      if (zip.stream().noneMatch(e -> e.getName().endsWith(".class"))) {
        throw new UsageError("input " + path + " holds no class files");
      }
      return path;
    } catch (IOException notAJar) {
      throw new UsageError("input " + path + " is not a jar, a class file or a folder of classes ("
          + notAJar.getMessage() + ")");
    }
  }

  private static final class UsageError extends Exception {
    UsageError(String message) {
      super(message);
    }
  }
}
