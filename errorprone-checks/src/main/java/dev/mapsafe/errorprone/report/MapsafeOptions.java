package dev.mapsafe.errorprone.report;

import com.google.errorprone.ErrorProneFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.threads.UserVocabulary;

/**
 * The {@code -XepOpt:Mapsafe:...} options of one compilation: where to write the SARIF report, the baseline whose
 * findings are not reported, where to write a baseline of this compilation's findings, and what the team adds to
 * the thread vocabulary ({@link UserVocabulary}, the same option names as the SpotBugs plugin's), and whether to run
 * the checks that are off by default ({@code AllChecks}). {@code Debug}
 * (print the failures of mapsafe's own analyses) is only checked here, and read by {@link #debug}.
 */
public record MapsafeOptions(
    Optional<Path> sarifOutput, Optional<Path> baseline, Optional<Path> writeBaseline, UserVocabulary vocabulary,
    boolean allChecks) {
  static final String PREFIX = "Mapsafe:";
  static final String SARIF_OUTPUT = PREFIX + "SarifOutput";
  static final String BASELINE = PREFIX + "Baseline";
  static final String WRITE_BASELINE = PREFIX + "WriteBaseline";
  static final String DEBUG = PREFIX + "Debug";
  static final String ALL_CHECKS = PREFIX + Pattern.ALL_CHECKS_OPTION;
  private static final List<String> KNOWN = Stream.concat(
      Stream.of(SARIF_OUTPUT, BASELINE, WRITE_BASELINE, DEBUG, ALL_CHECKS),
      UserVocabulary.NAMES.stream().map(n -> PREFIX + n)).toList();

  /** No options. */
  static MapsafeOptions none() {
    return new MapsafeOptions(Optional.empty(), Optional.empty(), Optional.empty(), UserVocabulary.none(), false);
  }

  /** An option with a value that cannot work; the message names the option and says what is wrong. */
  public static final class BadOption extends Exception {
    BadOption(String message) {
      super(message);
    }
  }

  /** Reads and checks the options, before anything is analysed. */
  public static MapsafeOptions of(ErrorProneFlags flags) throws BadOption {
    for (String name : flags.getFlagsMap().keySet()) {
      if (name.startsWith(PREFIX) && !KNOWN.contains(name)) {
        throw new BadOption("unknown option -XepOpt:" + name + " (mapsafe knows " + String.join(", ",
            KNOWN.stream().map(k -> "-XepOpt:" + k).toList()) + ")");
      }
    }
    trueOrFalse(flags, DEBUG);
    boolean allChecks = trueOrFalse(flags, ALL_CHECKS);
    Optional<Path> sarif = path(flags, SARIF_OUTPUT);
    Optional<Path> baseline = path(flags, BASELINE);
    Optional<Path> writeBaseline = path(flags, WRITE_BASELINE);
    requireFolder(SARIF_OUTPUT, sarif);
    requireFolder(WRITE_BASELINE, writeBaseline);
    if (baseline.isPresent() && !Files.isReadable(baseline.get())) {
      throw new BadOption("-XepOpt:" + BASELINE + "=" + baseline.get() + ": no such readable file (write one with"
          + " -XepOpt:" + WRITE_BASELINE + "=<file>)");
    }
    UserVocabulary vocabulary;
    try {
      vocabulary = UserVocabulary.parse(name -> flags.get(PREFIX + name));
    } catch (IllegalArgumentException bad) {
      throw new BadOption("-XepOpt:" + PREFIX + bad.getMessage());
    }
    return new MapsafeOptions(sarif, baseline, writeBaseline, vocabulary, allChecks);
  }

  private static boolean trueOrFalse(ErrorProneFlags flags, String name) throws BadOption {
    Optional<String> value = flags.get(name);
    if (value.isPresent() && !value.get().equalsIgnoreCase("true") && !value.get().equalsIgnoreCase("false")) {
      throw new BadOption("-XepOpt:" + name + "=" + value.get() + ": the value is true or false");
    }
    return value.filter(v -> v.equalsIgnoreCase("true")).isPresent();
  }

  /**
   * Whether {@code -XepOpt:Mapsafe:Debug=true}: print the failures of mapsafe's own analyses. Read apart from
   * {@link #of}, so that a failure while reading the other options can be printed too; a bad value counts as
   * false here, and {@link #of} reports it.
   */
  static boolean debug(ErrorProneFlags flags) {
    return flags.get(DEBUG).filter(value -> value.equalsIgnoreCase("true")).isPresent();
  }

  private static void requireFolder(String option, Optional<Path> file) throws BadOption {
    Path folder = file.map(p -> p.toAbsolutePath().getParent()).orElse(null);
    if (folder != null && !Files.isDirectory(folder)) {
      throw new BadOption("-XepOpt:" + option + "=" + file.get() + ": the folder " + folder
          + " does not exist (create it first, or write into target/)");
    }
  }

  private static Optional<Path> path(ErrorProneFlags flags, String name) throws BadOption {
    Optional<String> value = flags.get(name);
    if (value.isPresent() && value.get().isBlank()) {
      throw new BadOption("-XepOpt:" + name + " needs a file path");
    }
    try {
      return value.map(Paths::get);
    } catch (RuntimeException invalid) {
      throw new BadOption("-XepOpt:" + name + "=" + value.get() + ": not a valid path");
    }
  }
}
