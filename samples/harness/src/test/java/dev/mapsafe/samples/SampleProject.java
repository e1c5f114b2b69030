package dev.mapsafe.samples;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.comments.Comment;
import dev.mapsafe.knowledge.catalog.ExpectMarkers;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A sample project under samples/: its sources and the findings its markers expect. */
record SampleProject(Path dir) {
  static List<SampleProject> all() {
    Path samples = Paths.get(System.getProperty("mapsafe.samples.dir", ".."));
    try (Stream<Path> dirs = Files.list(samples)) {
      return dirs.filter(d -> Files.isDirectory(d.resolve("src/main/java")) || Files.isDirectory(d.resolve(KOTLIN)))
          .sorted()
          .map(SampleProject::new)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final String KOTLIN = "src/main/kotlin";

  /** A Java sample, which both engines check; a Kotlin sample is for the bytecode engine only. */
  boolean isJava() {
    return !Files.isDirectory(dir.resolve(KOTLIN));
  }

  /** The Java samples. */
  static List<SampleProject> java() {
    return all().stream().filter(SampleProject::isJava).collect(Collectors.toList());
  }

  String name() {
    return dir.getFileName().toString();
  }

  /** The {@code maven.compiler.release} its pom sets. */
  String release() {
    try {
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("<maven.compiler.release>(\\d+)</maven.compiler.release>")
          .matcher(Files.readString(dir.resolve("pom.xml"), StandardCharsets.UTF_8));
      if (!m.find()) {
        throw new IllegalStateException(name() + "/pom.xml sets no maven.compiler.release");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path sourceRoot() {
    return dir.resolve(isJava() ? "src/main/java" : KOTLIN);
  }

  List<Path> sources() {
    try (Stream<Path> files = Files.walk(sourceRoot())) {
      return files.filter(f -> f.toString().endsWith(isJava() ? ".java" : ".kt")).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String relative(Path source) {
    return sourceRoot().relativize(source).toString().replace('\\', '/');
  }

  /** The findings the {@code // mapsafe-expect:} markers of the sources ask for. */
  List<Finding> expected() {
    JavaParser parser =
        new JavaParser(new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21));
    List<Finding> result = new ArrayList<>();
    for (Path source : sources()) {
      try {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        if (!isJava()) {
          result.addAll(kotlinMarkers(source, lines));
          continue;
        }
        ParseResult<CompilationUnit> parsed = parser.parse(source);
        CompilationUnit unit =
            parsed.getResult().filter(u -> parsed.isSuccessful())
                .orElseThrow(() -> new IllegalStateException(source + ": " + parsed.getProblems()));
        for (Comment comment : unit.getAllContainedComments()) {
          List<Pattern> patterns = ExpectMarkers.patternsIn(comment.getContent());
          if (patterns.isEmpty()) {
            continue;
          }
          var begin = comment.getRange().orElseThrow().begin;
          int line = ExpectMarkers.findingLine(lines, begin.line, begin.column);
          for (Pattern p : patterns) {
            result.add(new Finding(relative(source), line, p.checkName()));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result.stream().sorted().collect(Collectors.toList());
  }

  /** Kotlin has Java's comments: a {@code //} comment holding a marker, found line by line. */
  private List<Finding> kotlinMarkers(Path source, List<String> lines) {
    List<Finding> result = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int comment = lines.get(i).indexOf("// " + ExpectMarkers.PREFIX);
      if (comment < 0) {
        continue;
      }
      int line = ExpectMarkers.findingLine(lines, i + 1, comment + 1);
      for (Pattern p : ExpectMarkers.patternsIn(lines.get(i).substring(comment))) {
        result.add(new Finding(relative(source), line, p.checkName()));
      }
    }
    return result;
  }

  /** The sample's compile classpath, as its build wrote it. */
  String classpath() {
    Path file = dir.resolve("target/mapsafe-classpath.txt");
    try {
      return Files.exists(file) ? Files.readString(file).trim() : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
