package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/real-code.md's figures are the judged ledger's (bench/ledger.tsv, written by bench/ledger.py): the page shows
 * per pattern how many findings the current code reports on the corpus, how many were judged, true and false.
 */
class RealCodePageTest {
  private static final Path PAGE = Path.of("real-code.md");
  private static final Path LEDGER = Path.of("../bench/ledger.tsv");
  private static final String START = "<!-- ledger table: rendered from bench/ledger.tsv by RealCodePageTest -->\n";
  private static final String END = "<!-- end of ledger table -->";
  private static final Set<String> VERDICTS = Set.of("true", "false", "unsure");
  private static final String DEFAULTS = "**the checks on by default**";
  private static final String ALL = "**all checks**";

  /** One ledger row: the columns the page needs. */
  private static final class Row {
    final String library;
    final String pattern;
    final boolean reported;
    final String verdict;

    Row(String[] columns) {
      library = columns[1];
      pattern = columns[4];
      reported = columns[7].equals("reported");
      verdict = columns[8];
    }
  }

  @Test
  void ledgerRowsAreWellFormed() throws IOException {
    for (Row row : rows()) {
      assertTrue(Pattern.byCheckName(row.pattern).isPresent(), "unknown pattern " + row.pattern);
      assertTrue(row.verdict.isEmpty() || VERDICTS.contains(row.verdict), "bad verdict " + row.verdict);
    }
  }

  @Test
  void pageShowsTheLedgersFigures() throws IOException {
    String table = table(rows());
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    int start = page.indexOf(START);
    int end = page.indexOf(END);
    assertTrue(start >= 0 && end > start, "docs/real-code.md has no ledger table markers");
    String updated = page.substring(0, start + START.length()) + table + page.substring(end);
    if (Boolean.getBoolean("mapsafe.docs.update")) {
      Files.writeString(PAGE, updated, StandardCharsets.UTF_8);
    }
    assertEquals(updated, page, "docs/real-code.md's table is out of date: regenerate it with"
        + " -Dmapsafe.docs.update=true (docs/README.md)");
  }

  /**
   * A pattern is on by default exactly when at most 10% of its judged findings on real code are false (the bar of
   * issue 15): a noisy pattern must be off, and a pattern that became precise is turned on.
   */
  @Test
  void onByDefaultExactlyThePatternsPreciseOnRealCode() throws IOException {
    List<Row> rows = rows();
    for (Pattern pattern : Pattern.values()) {
      List<Row> selected = rows.stream().filter(r -> r.pattern.equals(pattern.checkName()))
          .collect(Collectors.toList());
      long judged = selected.stream().filter(r -> r.reported && !r.verdict.isEmpty()).count();
      long falsePositives = count(selected, "false");
      boolean precise = falsePositives * 10 <= judged;
      assertEquals(precise, pattern.enabledByDefault(), pattern.checkName() + ": " + falsePositives + " of " + judged
          + " judged findings are false, so it must be " + (precise ? "on" : "off")
          + " by default (knowledge/catalog/Pattern, findbugs.xml)");
    }
  }

  private static List<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(LEDGER, StandardCharsets.UTF_8)) {
      if (!line.startsWith("#") && !line.isBlank()) {
        rows.add(new Row(line.split("\t", -1)));
      }
    }
    return rows;
  }

  /** Per pattern (in catalog order) and in all: reported findings, judged, true, false, unsure, precision. */
  static String table(List<Row> rows) {
    StringBuilder out = new StringBuilder(
        "| pattern | on by default | findings | judged | true | false | unsure | precision (true / judged) |"
            + " judged false, no longer reported |\n|---|---|---|---|---|---|---|---|---|\n");
    List<String> names = new ArrayList<>();
    for (Pattern p : Pattern.values()) {
      names.add(p.checkName());
    }
    names.add(DEFAULTS);
    names.add(ALL);
    for (String name : names) {
      List<Row> selected = rows.stream()
          .filter(r -> name.equals(ALL) || r.pattern.equals(name)
              || name.equals(DEFAULTS) && Pattern.byCheckName(r.pattern).orElseThrow().enabledByDefault())
          .collect(Collectors.toList());
      if (selected.isEmpty()) {
        continue;
      }
      long reported = selected.stream().filter(r -> r.reported).count();
      long judged = selected.stream().filter(r -> r.reported && !r.verdict.isEmpty()).count();
      long truePositives = count(selected, "true");
      long falsePositives = count(selected, "false");
      long unsure = count(selected, "unsure");
      long removed = selected.stream().filter(r -> !r.reported && r.verdict.equals("false")).count();
      String precision = judged == 0 ? "-" : Math.round(100.0 * truePositives / judged) + "%";
      String onByDefault = Pattern.byCheckName(name).map(p -> p.enabledByDefault() ? "yes" : "no").orElse("");
      out.append(String.format("| %s | %s | %d | %d | %d | %d | %d | %s | %d |%n", name, onByDefault,
          reported, judged, truePositives, falsePositives, unsure, precision, removed));
    }
    return out.toString();
  }

  private static long count(List<Row> rows, String verdict) {
    return rows.stream().filter(r -> r.reported && r.verdict.equals(verdict)).count();
  }
}
