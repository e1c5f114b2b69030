package dev.mapsafe.samples;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a sample with javac and Error Prone, as its Maven build does (same javac flags, the release its pom
 * sets, default checks plus mapsafe's), and returns the mapsafe diagnostics.
 */
final class ErrorProneFindings {
  private static final java.util.regex.Pattern CHECK = java.util.regex.Pattern.compile("^\\[(\\w+)\\]");

  private ErrorProneFindings() {}

  static List<Finding> of(SampleProject project) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path out = Files.createTempDirectory("mapsafe-harness");
    String processorPath = System.getProperty("java.class.path");
    List<String> options =
        List.of(
            "--release", project.release(),
            "-d", out.toString(),
            "-cp", project.classpath(),
            "-processorpath", processorPath,
            "-XDcompilePolicy=simple",
            "--should-stop=ifError=FLOW",
            "-Xplugin:ErrorProne -XepOpt:Mapsafe:AllChecks=true", // as the samples' poms turn on every check
            "-Xmaxwarns", "10000");
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      StringWriter output = new StringWriter();
      boolean ok =
          javac.getTask(output, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(project.sources()))
              .call();
      if (!ok) {
        throw new AssertionError("the sample " + project.name() + " does not compile:\n" + diagnostics.getDiagnostics() + output);
      }
    }
    List<Finding> result = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      Matcher m = CHECK.matcher(d.getMessage(Locale.ROOT));
      if (d.getSource() != null && m.find() && Pattern.byCheckName(m.group(1)).isPresent()) {
        Path source = Path.of(d.getSource().toUri());
        result.add(new Finding(project.relative(source), (int) d.getLineNumber(), m.group(1)));
      }
    }
    return result.stream().sorted().toList();
  }
}
