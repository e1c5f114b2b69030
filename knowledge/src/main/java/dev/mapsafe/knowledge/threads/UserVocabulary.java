package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a team adds to mapsafe's thread vocabulary, and the packages it does not want reported: the options, under
 * the same names in every engine (Error Prone {@code -XepOpt:Mapsafe:<name>=..}, the SpotBugs plugin and
 * mapsafe-lint the system property {@code mapsafe.<name>}). Values are comma-separated.
 */
public final class UserVocabulary {
  /** Annotations (binary names) that declare a class thread-safe, like {@code @ThreadSafe}. */
  public static final String THREAD_SAFE_ANNOTATIONS = "ThreadSafeAnnotations";
  /** Annotations that make a class's instance shared by all threads, like Spring's {@code @Service}. */
  public static final String SINGLETON_ANNOTATIONS = "SingletonAnnotations";
  /** {@code owner#method} entries: calls that run the function objects they are given on other threads. */
  public static final String TASK_LAUNCHERS = "TaskLaunchers";
  /** Packages (and their subpackages) whose findings are not reported, e.g. generated code. */
  public static final String SKIP_PACKAGES = "SkipPackages";
  public static final List<String> NAMES =
      List.of(THREAD_SAFE_ANNOTATIONS, SINGLETON_ANNOTATIONS, TASK_LAUNCHERS, SKIP_PACKAGES);
  public static final String SYSTEM_PROPERTY_PREFIX = "mapsafe.";

  private static final UserVocabulary NONE = new UserVocabulary(List.of(), List.of(), List.of(), List.of());
  /** The Error Prone engine's setting for the compilation running on this thread. */
  private static final ThreadLocal<UserVocabulary> COMPILATION = new ThreadLocal<>();
  private static final List<String> PROPERTY_KEYS =
      NAMES.stream().map(n -> SYSTEM_PROPERTY_PREFIX + n).collect(Collectors.toUnmodifiableList());
  /** The vocabulary parsed from the system properties, with the values it was parsed from. */
  private static volatile FromProperties fromProperties = new FromProperties(new String[NAMES.size()], NONE);

  private static final class FromProperties {
    final String[] values;
    final UserVocabulary vocabulary;

    FromProperties(String[] values, UserVocabulary vocabulary) {
      this.values = values;
      this.vocabulary = vocabulary;
    }

    /** Whether the system properties still have the values this vocabulary was parsed from (no allocation). */
    boolean current() {
      for (int i = 0; i < values.length; i++) {
        if (!Objects.equals(System.getProperty(PROPERTY_KEYS.get(i)), values[i])) {
          return false;
        }
      }
      return true;
    }
  }

  private final List<String> threadSafeAnnotations;
  private final List<String> singletonAnnotations;
  private final List<String> taskLaunchers;
  private final List<String> skipPackages;

  private UserVocabulary(List<String> threadSafeAnnotations, List<String> singletonAnnotations,
      List<String> taskLaunchers, List<String> skipPackages) {
    this.threadSafeAnnotations = threadSafeAnnotations;
    this.singletonAnnotations = singletonAnnotations;
    this.taskLaunchers = taskLaunchers;
    this.skipPackages = skipPackages;
  }

  /**
   * Reads the options through {@code option} (name to value).
   *
   * @throws IllegalArgumentException naming the option, for a value that cannot work
   */
  public static UserVocabulary parse(Function<String, Optional<String>> option) {
    List<String> launchers = list(option.apply(TASK_LAUNCHERS));
    for (String launcher : launchers) {
      int hash = launcher.indexOf('#');
      if (hash <= 0 || hash == launcher.length() - 1) {
        throw new IllegalArgumentException(TASK_LAUNCHERS + ": '" + launcher
            + "' is not owner#method (for example com.acme.WorkerPool#dispatch)");
      }
    }
    return new UserVocabulary(list(option.apply(THREAD_SAFE_ANNOTATIONS)), list(option.apply(SINGLETON_ANNOTATIONS)),
        launchers, list(option.apply(SKIP_PACKAGES)));
  }

  private static List<String> list(Optional<String> value) {
    return value.map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toList())).orElse(List.of());
  }

  /** Sets the vocabulary of the compilation that runs on this thread (the Error Prone engine). */
  public static void useForThisThread(UserVocabulary vocabulary) {
    COMPILATION.set(vocabulary);
  }

  /**
   * The vocabulary in force: the compilation's on this thread, else the one of the {@code mapsafe.<name>} system
   * properties (the SpotBugs plugin and mapsafe-lint); an unusable property value is ignored there, as the
   * command line of SpotBugs gives a plugin no way to stop the run.
   */
  public static UserVocabulary current() {
    UserVocabulary compilation = COMPILATION.get();
    if (compilation != null) {
      return compilation;
    }
    FromProperties cached = fromProperties;
    if (!cached.current()) {
      String[] values = PROPERTY_KEYS.stream().map(System::getProperty).toArray(String[]::new);
      UserVocabulary parsed;
      try {
        parsed = parse(n -> Optional.ofNullable(System.getProperty(SYSTEM_PROPERTY_PREFIX + n)));
      } catch (IllegalArgumentException unusable) {
        parsed = NONE;
      }
      cached = new FromProperties(values, parsed);
      fromProperties = cached;
    }
    return cached.vocabulary;
  }

  public boolean declaresThreadSafe(String annotation) {
    return threadSafeAnnotations.contains(annotation);
  }

  public boolean declaresSingleton(String annotation) {
    return singletonAnnotations.contains(annotation);
  }

  /** Whether {@code owner#name} was declared a task launcher (subtypes of the owner match too). */
  public boolean launches(String owner, String name, TypeHierarchy hierarchy) {
    for (String launcher : taskLaunchers) {
      int hash = launcher.indexOf('#');
      String type = launcher.substring(0, hash);
      if (launcher.substring(hash + 1).equals(name) && (owner.equals(type) || hierarchy.isSubtype(owner, type))) {
        return true;
      }
    }
    return false;
  }

  /** Whether findings in this package (or a subpackage of a skipped one) are not reported. */
  public boolean skipsPackage(String packageName) {
    return skipPackages.stream().anyMatch(p -> packageName.equals(p) || packageName.startsWith(p + "."));
  }

  /** Whether findings in this class (binary name) are not reported. */
  public boolean skipsClass(String className) {
    int dot = className.lastIndexOf('.');
    return skipsPackage(dot < 0 ? "" : className.substring(0, dot));
  }

  /** No additions. */
  public static UserVocabulary none() {
    return NONE;
  }
}
