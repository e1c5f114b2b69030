package dev.mapsafe.errorprone.report;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.util.List;

/**
 * One finding of a mapsafe check, as the reports need it.
 *
 * @param sourcePath the file's path under its source root ({@code example/sessions/RoleGrants.java}): the same
 *     wherever the build runs
 * @param artifactUri the file as SARIF names it: relative to the working directory when the file is under it
 *     (a build run from the repository root gives repository paths), else an absolute {@code file:} URI
 * @param level the SARIF level of the check's effective severity: {@code error}, {@code warning} or {@code note}
 * @param className the enclosing top-level or nested class, binary name
 * @param methodName the enclosing method, or empty outside methods
 * @param fixes the suggested fixes, each a list of text replacements
 */
public record Finding(
    Pattern pattern,
    String sourcePath,
    String artifactUri,
    String level,
    int line,
    int column,
    int endLine,
    int endColumn,
    String className,
    String methodName,
    String message,
    List<List<Edit>> fixes) {

  /** Replace the characters {@code [start, end)} (offsets into the file) with {@code text}. */
  public record Edit(int start, int end, int startLine, int startColumn, String text) {}
}
