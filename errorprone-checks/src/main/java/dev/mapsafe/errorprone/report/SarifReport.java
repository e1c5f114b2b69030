package dev.mapsafe.errorprone.report;

import com.contrastsecurity.sarif.ArtifactChange;
import com.contrastsecurity.sarif.ArtifactContent;
import com.contrastsecurity.sarif.ArtifactLocation;
import com.contrastsecurity.sarif.Fix;
import com.contrastsecurity.sarif.Location;
import com.contrastsecurity.sarif.LogicalLocation;
import com.contrastsecurity.sarif.Message;
import com.contrastsecurity.sarif.MultiformatMessageString;
import com.contrastsecurity.sarif.PartialFingerprints;
import com.contrastsecurity.sarif.PhysicalLocation;
import com.contrastsecurity.sarif.Region;
import com.contrastsecurity.sarif.Replacement;
import com.contrastsecurity.sarif.ReportingConfiguration;
import com.contrastsecurity.sarif.ReportingDescriptor;
import com.contrastsecurity.sarif.Result;
import com.contrastsecurity.sarif.Run;
import com.contrastsecurity.sarif.SarifSchema210;
import com.contrastsecurity.sarif.Tool;
import com.contrastsecurity.sarif.ToolComponent;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.catalog.Project;
import dev.mapsafe.knowledge.catalog.Severity;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The SARIF 2.1.0 report of one compilation, with the model of {@code java-sarif}. Rule ids are the catalog's bug
 * types ({@code MAPSAFE_UNGUARDED_SHARED_MAP}), the ids the SpotBugs plugin's SARIF uses, so that a code-scanning
 * dashboard shows both engines as one set of rules; the Error Prone check name is the rule's {@code name}.
 */
public final class SarifReport {
  private static final URI SCHEMA = URI.create("https://json.schemastore.org/sarif-2.1.0.json");

  private SarifReport() {}

  public static void write(Path file, Collection<Finding> findings) throws IOException {
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing(Finding::artifactUri).thenComparingInt(Finding::line)
        .thenComparingInt(Finding::column).thenComparing(f -> f.pattern().checkName()).thenComparing(Finding::message));
    Set<ReportingDescriptor> rules = new LinkedHashSet<>();
    List<Pattern> patterns = List.of(Pattern.values());
    for (Pattern pattern : patterns) {
      rules.add(new ReportingDescriptor()
          .withId(pattern.bugType())
          .withName(pattern.checkName())
          .withShortDescription(new MultiformatMessageString().withText(pattern.summary()))
          .withHelp(new MultiformatMessageString().withText(pattern.summary() + ". See " + pattern.docsUrl() + "."))
          .withHelpUri(URI.create(pattern.docsUrl()))
          .withDefaultConfiguration(new ReportingConfiguration().withLevel(
              ReportingConfiguration.Level.fromValue(level(pattern)))));
    }
    List<Result> results = new ArrayList<>();
    for (Finding finding : sorted) {
      results.add(result(finding, patterns.indexOf(finding.pattern())));
    }
    SarifSchema210 sarif = new SarifSchema210()
        .with$schema(SCHEMA)
        .withVersion(SarifSchema210.Version._2_1_0)
        .withRuns(List.of(new Run()
            .withTool(new Tool().withDriver(new ToolComponent()
                .withName("mapsafe")
                .withFullName("mapsafe " + Project.VERSION + " (Error Prone engine)")
                .withVersion(Project.VERSION)
                .withInformationUri(URI.create(Project.DOCS_SITE))
                .withRules(rules)))
            .withColumnKind(Run.ColumnKind.UTF_16_CODE_UNITS)
            .withResults(results)));
    ObjectMapper json = new ObjectMapper()
        .setSerializationInclusion(JsonInclude.Include.NON_NULL)
        .enable(SerializationFeature.INDENT_OUTPUT);
    Files.write(file, json.writeValueAsBytes(sarif));
  }

  private static Result result(Finding finding, int ruleIndex) {
    Result result = new Result()
        .withRuleId(finding.pattern().bugType())
        .withRuleIndex(ruleIndex)
        .withLevel(Result.Level.fromValue(finding.level()))
        .withMessage(new Message().withText(finding.message()))
        .withLocations(List.of(new Location()
            .withPhysicalLocation(new PhysicalLocation()
                .withArtifactLocation(new ArtifactLocation().withUri(finding.artifactUri()))
                .withRegion(new Region()
                    .withStartLine(finding.line()).withStartColumn(finding.column())
                    .withEndLine(finding.endLine()).withEndColumn(finding.endColumn())))
            .withLogicalLocations(Set.of(new LogicalLocation()
                .withFullyQualifiedName(finding.className()
                    + (finding.methodName().isEmpty() ? "" : "." + finding.methodName()))
                .withKind(finding.methodName().isEmpty() ? "type" : "function")))))
        .withPartialFingerprints(new PartialFingerprints()
            .withAdditionalProperty("mapsafeFingerprint/v1", sha256(Baseline.fingerprint(finding))));
    Set<Fix> fixes = new LinkedHashSet<>();
    for (List<Finding.Edit> edits : finding.fixes()) {
      List<Replacement> replacements = new ArrayList<>();
      for (Finding.Edit edit : edits) {
        replacements.add(new Replacement()
            .withDeletedRegion(new Region().withCharOffset(edit.start()).withCharLength(edit.end() - edit.start()))
            .withInsertedContent(new ArtifactContent().withText(edit.text())));
      }
      fixes.add(new Fix()
          .withDescription(new Message().withText("mapsafe's suggested fix (Error Prone applies it with"
              + " -XepPatchChecks:" + finding.pattern().checkName() + ")"))
          .withArtifactChanges(Set.of(new ArtifactChange()
              .withArtifactLocation(new ArtifactLocation().withUri(finding.artifactUri()))
              .withReplacements(replacements))));
    }
    return fixes.isEmpty() ? result : result.withFixes(fixes);
  }

  private static String level(Pattern pattern) {
    return pattern.defaultSeverity() == Severity.ERROR ? "error" : "warning";
  }

  /** The checks' version, from the jar's manifest when packaged. */
  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
