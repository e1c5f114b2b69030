package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Every pattern either engine implements has a complete page, linked from the index. */
class PatternPagesTest {
  private static final String[] SECTIONS = {
    "## The problem", "## Example", "## Fix", "## What is reported, and what is not", "## Suppression", "## Engine notes"
  };

  @Test
  void implementedPatternsHavePages() throws Exception {
    Set<Pattern> implemented = new TreeSet<>();
    for (ServiceLoader.Provider<BugChecker> p : ServiceLoader.load(BugChecker.class).stream().toList()) {
      if (p.type().getPackageName().startsWith("dev.mapsafe")) {
        implemented.add(Pattern.byCheckName(p.type().getSimpleName()).orElseThrow());
      }
    }
    try (InputStream in = getClass().getResourceAsStream("/findbugs.xml")) {
      NodeList patterns =
          DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getElementsByTagName("BugPattern");
      for (int i = 0; i < patterns.getLength(); i++) {
        implemented.add(Pattern.byBugType(((Element) patterns.item(i)).getAttribute("type")).orElseThrow());
      }
    }
    assertFalse(implemented.isEmpty());
    String index = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    for (Pattern pattern : implemented) {
      Path page = Path.of("..").resolve(pattern.docsPage());
      assertTrue(Files.exists(page), "no docs page " + pattern.docsPage());
      String text = Files.readString(page, StandardCharsets.UTF_8);
      assertTrue(text.startsWith("# " + pattern.checkName() + "\n"), page + " must start with its check name");
      assertTrue(text.contains(pattern.bugType()), page + " must name the SpotBugs type");
      String row = text.lines().skip(4).findFirst().orElse("");
      assertTrue(row.endsWith(pattern.enabledByDefault() ? "| yes |" : "(../real-code.md#which-checks-are-on-by-default) |"),
          page + "'s table must say whether the check is on by default, as the catalog does: " + row);
      for (String section : SECTIONS) {
        assertTrue(text.contains("\n" + section + "\n"), page + " lacks section " + section);
      }
      assertTrue(index.contains("(patterns/" + pattern.checkName() + ".md)"), "docs/README.md must link " + page);
    }
  }

  /** Suppression works the same in every pattern (SuppressionTest, the fixtures.suppression fixtures): so do the pages. */
  @Test
  void everyPageSaysHowToSuppressInTheSameWords() throws IOException {
    Set<String> texts = new TreeSet<>();
    for (Pattern pattern : Pattern.values()) {
      String text = Files.readString(Path.of("..").resolve(pattern.docsPage()), StandardCharsets.UTF_8);
      int start = text.indexOf("\n## Suppression\n");
      String section = text.substring(start, text.indexOf("\n## ", start + 1));
      assertTrue(section.contains("on the map field"), pattern + ": " + section);
      texts.add(section.replace(pattern.bugType(), "TYPE").replace(pattern.checkName(), "NAME"));
    }
    assertEquals(1, texts.size(), "the Suppression sections differ: " + texts);
  }

  @Test
  void indexListsTheWholeCatalog() throws IOException {
    String index = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    for (Pattern pattern : Pattern.values()) {
      assertTrue(index.contains("`" + pattern.bugType() + "`"), pattern + " missing from docs/README.md");
    }
  }
}
