package dev.mapsafe.knowledge.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * The one syntax that marks expected findings in sample projects and test fixtures, for both engines:
 * {@code // mapsafe-expect: UnlockedMapIteration} (several check names separated by commas). A marker after
 * code on a line expects the findings on that line; a marker on a line of its own expects them on the next
 * line that holds code.
 */
public final class ExpectMarkers {
  public static final String PREFIX = "mapsafe-expect:";

  private ExpectMarkers() {}

  /** The patterns a comment's text expects, or an empty list if it is no marker. Unknown names throw. */
  public static List<Pattern> patternsIn(String commentText) {
    int at = commentText.indexOf(PREFIX);
    if (at < 0) {
      return List.of();
    }
    List<Pattern> result = new ArrayList<>();
    for (String name : commentText.substring(at + PREFIX.length()).split(",")) {
      String trimmed = name.trim();
      result.add(
          Pattern.byCheckName(trimmed)
              .orElseThrow(() -> new IllegalArgumentException("unknown check name in marker: '" + trimmed + "'")));
    }
    return result;
  }

  /**
   * The line a marker applies to.
   *
   * @param lines the file's lines
   * @param commentLine 1-based line of the comment
   * @param commentColumn 1-based column where the comment starts
   */
  public static int findingLine(List<String> lines, int commentLine, int commentColumn) {
    String before = lines.get(commentLine - 1).substring(0, Math.max(0, commentColumn - 1));
    if (!before.isBlank()) {
      return commentLine;
    }
    for (int i = commentLine; i < lines.size(); i++) {
      String code = lines.get(i).trim();
      if (!code.isEmpty() && !code.startsWith("//")) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("marker at line " + commentLine + " is followed by no code");
  }
}
