package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.docs.site.SiteGenerator;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.catalog.Project;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docs site, generated from this folder as the build does: every link a finding carries (Error Prone's
 * {@link Pattern#docsUrl}, SpotBugs' {@link Project#PATTERN_INDEX} anchor) is a page of it, and no page links to a
 * page or anchor that is not there.
 */
class SiteTest {
  private static final java.util.regex.Pattern HREF = java.util.regex.Pattern.compile("href=\"([^\"]*)\"");
  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("id=\"([^\"]*)\"");

  @TempDir static Path site;

  @BeforeAll
  static void generate() throws IOException {
    SiteGenerator.main(new String[] {".", site.toString()});
  }

  @Test
  void everyFindingsLinkIsAPage() throws IOException {
    for (Pattern pattern : Pattern.values()) {
      assertTrue(pattern.docsUrl().startsWith(Project.DOCS_SITE), pattern.docsUrl());
      Path page = site.resolve(pattern.docsUrl().substring(Project.DOCS_SITE.length()));
      assertTrue(Files.isRegularFile(page), "no site page for " + pattern + " at " + page);
      assertTrue(Files.readString(page).contains("<h1 id=\"" + pattern.checkName().toLowerCase() + "\">"), page.toString());
    }
    Path index = site.resolve(Project.PATTERN_INDEX.substring(Project.DOCS_SITE.length()));
    List<String> ids = ids(index);
    for (Pattern pattern : Pattern.values()) {
      assertTrue(ids.contains(pattern.bugType()), "SpotBugs links to " + Project.PATTERN_INDEX + "#" + pattern.bugType());
    }
  }

  @Test
  void everyPageOfTheDocsIsOnTheSite() throws IOException {
    try (Stream<Path> markdown = Files.list(Path.of("."))) {
      for (Path page : markdown.filter(p -> p.toString().endsWith(".md")).collect(Collectors.toList())) {
        String name = page.getFileName().toString();
        String html = name.equals("README.md") ? "index.html" : name.replaceFirst("\\.md$", ".html");
        assertTrue(Files.isRegularFile(site.resolve(html)), name + " is not on the site");
      }
    }
  }

  /** Links between pages resolve, with their anchors; links to the repository's other files name files that exist. */
  @Test
  void everyLinkResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    try (Stream<Path> pages = Files.walk(site)) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".html")).collect(Collectors.toList())) {
        Matcher m = HREF.matcher(Files.readString(page, StandardCharsets.UTF_8));
        while (m.find()) {
          String href = m.group(1).replace("&amp;", "&");
          String problem = problem(page, href);
          if (problem != null) {
            broken.add(site.relativize(page) + ": " + href + " (" + problem + ")");
          }
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  /** The link rewriting the pages rely on. */
  @Test
  void linksBetweenMarkdownPagesBecomeLinksBetweenHtmlPages() {
    assertEquals("bugpattern/NonAtomicMapUpdate.html", SiteGenerator.siteName("patterns/NonAtomicMapUpdate.md"));
    assertEquals("../real-code.html#the-bar", rewrite("patterns/UnguardedSharedMap.md", "../real-code.md#the-bar"));
    assertEquals("bugpattern/RecursiveMapCompute.html", rewrite("README.md", "patterns/RecursiveMapCompute.md"));
    assertEquals("NonAtomicMapUpdate.html", rewrite("patterns/RecursiveMapCompute.md", "NonAtomicMapUpdate.md"));
    assertEquals("index.html", rewrite("lint.md", "README.md"));
    assertEquals("https://github.com/mapsafe-dev/mapsafe/blob/main/bench/ledger.tsv",
        rewrite("real-code.md", "../bench/ledger.tsv"));
    assertEquals("#reproduce", rewrite("real-code.md", "#reproduce"));
    assertEquals("https://errorprone.info/", rewrite("README.md", "https://errorprone.info/"));
  }

  private static String rewrite(String from, String destination) {
    return SiteGenerator.rewrite(from, destination);
  }

  private static String problem(Path page, String href) throws IOException {
    if (href.startsWith("https://github.com/mapsafe-dev/mapsafe/blob/main/")) {
      String path = href.substring("https://github.com/mapsafe-dev/mapsafe/blob/main/".length()).replaceFirst("#.*", "");
      return Files.exists(Path.of("..").resolve(path)) ? null : "no such file in the repository";
    }
    if (href.matches("^[a-z]+:.*")) {
      return null; // another site
    }
    int hash = href.indexOf('#');
    String path = hash < 0 ? href : href.substring(0, hash);
    Path target = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
    if (path.endsWith(".md")) {
      return "a Markdown link left unconverted";
    }
    if (!Files.isRegularFile(target)) {
      return "no such page";
    }
    if (hash >= 0 && !ids(target).contains(href.substring(hash + 1))) {
      return "no such anchor";
    }
    return null;
  }

  private static List<String> ids(Path page) throws IOException {
    List<String> ids = new ArrayList<>();
    Matcher m = ID.matcher(Files.readString(page, StandardCharsets.UTF_8));
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }
}
