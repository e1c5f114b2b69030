package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mapsafe.<name>} system properties (spotbugs-maven-plugin's {@code jvmArgs}, {@code java -D..} for
 * mapsafe-lint): the same options, with the same code, as the Error Prone engine's {@code -XepOpt:Mapsafe:<name>}.
 */
@ExtendWith(SpotBugsExtension.class)
class VocabularyPropertiesTest {
  private static final String JOBS = String.join("\n",
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
  private static final String REGISTRY = String.join("\n",
      "package com.acme.jobs;",
      "import java.util.*;",
      "@Registry.Concurrent",
      "public class Registry {",
      "  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.CLASS)",
      "  public @interface Concurrent {}",
      "  private final Map<String, String> owners = new HashMap<>();",
      "  public void claim(String job, String owner) { owners.put(job, owner); }",
      "  public String owner(String job) { return owners.get(job); }",
      "}");

  @AfterEach
  void clearProperties() {
    for (String name : List.of("TaskLaunchers", "ThreadSafeAnnotations", "SkipPackages")) {
      System.clearProperty("mapsafe." + name);
    }
  }

  @Test
  void taskLaunchersThreadSafeAnnotationsAndSkippedPackages(SpotBugsRunner spotbugs, @TempDir Path temp)
      throws Exception {
    List<Path> classes = compile(temp);
    assertEquals(List.of(), findings(spotbugs, classes), "unknown pool, plain class");

    System.setProperty("mapsafe.TaskLaunchers", "com.acme.jobs.Jobs$WorkerPool#dispatch");
    System.setProperty("mapsafe.ThreadSafeAnnotations", "com.acme.jobs.Registry$Concurrent");
    assertEquals(List.of("Jobs.java:8 MAPSAFE_UNGUARDED_SHARED_MAP", "Registry.java:8 MAPSAFE_UNGUARDED_SHARED_MAP"),
        findings(spotbugs, classes));

    System.setProperty("mapsafe.SkipPackages", "com.acme");
    assertEquals(List.of(), findings(spotbugs, classes));
  }

  private static List<String> findings(SpotBugsRunner spotbugs, List<Path> classes) {
    List<String> found = new ArrayList<>();
    for (BugInstance bug : Fixtures.run(spotbugs, classes.toArray(Path[]::new))) {
      if (bug.getType().startsWith("MAPSAFE_")) {
        found.add(bug.getPrimarySourceLineAnnotation().getSourceFile() + ":"
            + bug.getPrimarySourceLineAnnotation().getStartLine() + " " + bug.getType());
      }
    }
    found.sort(null);
    return found;
  }

  private static List<Path> compile(Path temp) throws Exception {
    Path dir = temp.resolve("src/com/acme/jobs");
    Files.createDirectories(dir);
    Path jobs = Files.writeString(dir.resolve("Jobs.java"), JOBS);
    Path registry = Files.writeString(dir.resolve("Registry.java"), REGISTRY);
    Path out = temp.resolve("classes");
    Files.createDirectories(out);
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-g", "-d", out.toString(),
        jobs.toString(), registry.toString()));
    List<Path> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(out)) {
      files.filter(p -> p.toString().endsWith(".class")).sorted().forEach(classes::add);
    }
    return classes;
  }
}
