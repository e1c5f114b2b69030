package dev.mapsafe.errorprone.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options that add to the thread vocabulary and skip packages ({@code -XepOpt:Mapsafe:TaskLaunchers},
 * {@code ThreadSafeAnnotations}, {@code SingletonAnnotations}, {@code SkipPackages}); the SpotBugs plugin takes the
 * same names as {@code mapsafe.<name>} system properties ({@code VocabularyPropertiesTest} there).
 */
class VocabularyOptionsTest {
  static final String JOBS = String.join("\n",
      "package com.acme.jobs;",
      "import java.util.*;",
      "public class Jobs {",
      "  public interface WorkerPool { void dispatch(Runnable task); }",
      "  private final Map<String, Integer> done = new HashMap<>();",
      "  private final WorkerPool pool;",
      "  public Jobs(WorkerPool pool) { this.pool = pool; }",
      "  public void finish(String id) { pool.dispatch(() -> done.put(id, 1)); }",
      "  public Integer result(String id) { return done.get(id); }",
      "}");
  static final String REGISTRY = String.join("\n",
      "package com.acme.jobs;",
      "import java.util.*;",
      "@Registry.Concurrent",
      "public class Registry {",
      "  public @interface Concurrent {}",
      "  private final Map<String, String> owners = new HashMap<>();",
      "  public void claim(String job, String owner) { owners.put(job, owner); }",
      "  public String owner(String job) { return owners.get(job); }",
      "}");

  @Test
  void taskLaunchersThreadSafeAnnotationsAndSkippedPackages(@TempDir Path temp) throws Exception {
    Path dir = temp.resolve("com/acme/jobs");
    Files.createDirectories(dir);
    List<Path> sources = List.of(Files.writeString(dir.resolve("Jobs.java"), JOBS),
        Files.writeString(dir.resolve("Registry.java"), REGISTRY));

    assertEquals(List.of(), Javac.compile(temp.resolve("c0"), sources).findings(), "unknown pool, plain class");

    Javac.Run added = Javac.compile(temp.resolve("c1"), sources,
        "-XepOpt:Mapsafe:TaskLaunchers=com.acme.jobs.Jobs$WorkerPool#dispatch",
        "-XepOpt:Mapsafe:ThreadSafeAnnotations=com.acme.jobs.Registry$Concurrent");
    assertEquals(List.of("Jobs.java:8: [UnguardedSharedMap]", "Registry.java:7: [UnguardedSharedMap]"),
        added.findings(), added.output());

    Javac.Run skipped = Javac.compile(temp.resolve("c2"), sources,
        "-XepOpt:Mapsafe:TaskLaunchers=com.acme.jobs.Jobs$WorkerPool#dispatch",
        "-XepOpt:Mapsafe:ThreadSafeAnnotations=com.acme.jobs.Registry$Concurrent",
        "-XepOpt:Mapsafe:SkipPackages=com.acme");
    assertEquals(List.of(), skipped.findings(), skipped.output());
  }

  @Test
  void aLauncherWithoutMethodIsAClearError(@TempDir Path temp) throws Exception {
    Path source = Files.writeString(temp.resolve("Clean.java"), "public class Clean {}");
    Javac.Run run = Javac.compile(temp.resolve("c"), List.of(source), "-XepOpt:Mapsafe:TaskLaunchers=com.acme.Pool");
    assertFalse(run.success());
    assertTrue(run.output().contains("mapsafe: -XepOpt:Mapsafe:TaskLaunchers: 'com.acme.Pool' is not owner#method"),
        run.output());
  }
}
