package dev.mapsafe.knowledge.catalog;

import static dev.mapsafe.knowledge.catalog.Pattern.Default.OFF;
import static dev.mapsafe.knowledge.catalog.Pattern.Default.ON;

import java.util.Locale;
import java.util.Optional;

/**
 * The mapsafe bug-pattern catalog: the one home of each pattern's ids, summary, severity and docs page.
 *
 * <p>Error Prone names its checks by {@link #checkName()}, SpotBugs by {@link #bugType()}; tests in both
 * engines fail when their metadata disagrees with this catalog.
 */
public enum Pattern {
  UNGUARDED_SHARED_MAP(
      OFF, "Non-thread-safe map used by several threads, at least one writing, with no common lock"),
  UNLOCKED_MAP_ITERATION(OFF, "Map traversed (explicitly or implicitly) without the lock that guards it"),
  MAP_WRITE_UNDER_READ_LOCK(OFF, "Non-concurrent map written while holding only a read lock"),
  MAP_MODIFIED_DURING_ITERATION(
      ON, "Fail-fast map structurally modified while it or one of its views is being iterated"),
  SHALLOW_MAP_COPY_LEAK(
      ON, "Defensive copy of a map whose mutable values stay shared with the original, and the copy escapes"),
  GUARDED_MAP_ESCAPE(
      OFF, "Internal map of a guarded or thread-safe class, or a live view of it, handed out; or a caller's map"
          + " stored without a copy"),
  NON_ATOMIC_MAP_UPDATE(
      OFF, "Check-then-act or read-modify-write on a concurrent or synchronized map that must be one atomic call"),
  RECURSIVE_MAP_COMPUTE(ON, "computeIfAbsent/compute/merge function modifies the same map"),
  MUTATED_MAP_SNAPSHOT(
      ON, "Copy-on-write map mutated in place after publication through a volatile field or AtomicReference");

  /** Where the pattern pages live, relative to the root of the mapsafe distribution. */
  public static final String DOCS_DIRECTORY = "docs/patterns/";

  /** SpotBugs category of every mapsafe pattern. */
  public static final String SPOTBUGS_CATEGORY = "MT_CORRECTNESS";

  /** SpotBugs bug code (abbreviation) shared by every mapsafe pattern. */
  public static final String SPOTBUGS_BUG_CODE = "MAPSAFE";

  /**
   * Whether a pattern runs when the user names no check: only patterns whose judged findings on real code are at
   * least 90% true ({@code bench/ledger.tsv}, checked by the docs tests) run by default; the others run when the
   * user turns them on by name or with {@link #ALL_CHECKS_OPTION}.
   */
  public enum Default { ON, OFF }

  /** The option, in every engine, that turns on the patterns that are off by default. */
  public static final String ALL_CHECKS_OPTION = "AllChecks";

  private final Default byDefault;
  private final String summary;
  private final String checkName;

  Pattern(Default byDefault, String summary) {
    this.byDefault = byDefault;
    this.summary = summary;
    StringBuilder camel = new StringBuilder();
    for (String word : name().split("_")) {
      camel.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    this.checkName = camel.toString();
  }

  /** The Error Prone check name, e.g. {@code UnlockedMapIteration}. */
  public String checkName() {
    return checkName;
  }

  /** The SpotBugs bug type, e.g. {@code MAPSAFE_UNLOCKED_MAP_ITERATION}. */
  public String bugType() {
    return "MAPSAFE_" + name();
  }

  /** Whether the pattern runs when the user names no check (see {@link Default}). */
  public boolean enabledByDefault() {
    return byDefault == Default.ON;
  }

  public String summary() {
    return summary;
  }

  /** Every pattern defaults to a warning: users promote checks to errors with their engine's flags. */
  public Severity defaultSeverity() {
    return Severity.WARNING;
  }

  /** The docs page's source, relative to the repository root, e.g. {@code docs/patterns/UnlockedMapIteration.md}. */
  public String docsPage() {
    return DOCS_DIRECTORY + checkName() + ".md";
  }

  /** The page users open from a finding: the docs site's page of the pattern ({@link Project#PATTERN_PAGES}). */
  public String docsUrl() {
    return Project.PATTERN_PAGES + checkName() + ".html";
  }

  /**
   * The Error Prone flags that run mapsafe's checks and none of Error Prone's own (whose defaults can fail a build
   * for reasons unrelated to maps): the checks on by default, or all of them.
   */
  public static String errorProneFlagsForMapsafeOnly(boolean allChecks) {
    StringBuilder flags = new StringBuilder("-XepDisableAllChecks");
    for (Pattern p : values()) {
      if (allChecks || p.enabledByDefault()) {
        flags.append(" -Xep:").append(p.checkName()).append(":WARN");
      }
    }
    return flags.toString();
  }

  public static Optional<Pattern> byCheckName(String checkName) {
    for (Pattern p : values()) {
      if (p.checkName().equals(checkName)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public static Optional<Pattern> byBugType(String bugType) {
    for (Pattern p : values()) {
      if (p.bugType().equals(bugType)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
