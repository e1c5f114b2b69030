package dev.mapsafe.docs.site;

import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.catalog.Project;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The docs site: every page of {@code docs/} as HTML, laid out like errorprone.info's: the guides at the root
 * ({@code docs/README.md} is {@code index.html}), one page per pattern at {@code bugpattern/<CheckName>.html}, and
 * {@code bugpatterns.html}, the index of all patterns with an anchor per SpotBugs bug type. Diagnostics, SARIF
 * rules and SpotBugs messages link to these pages under {@link Project#DOCS_SITE}. A link to another docs page
 * becomes a link to its HTML page; a link to a file of the repository outside {@code docs/} goes to the
 * repository on GitHub.
 *
 * <p>Usage: {@code SiteGenerator <docs folder> <output folder>}.
 */
public final class SiteGenerator {
  /** Where links to the repository's other files go. */
  static final String REPOSITORY_FILES = "https://github.com/mapsafe-dev/mapsafe/blob/main/";
  static final String PATTERN_FOLDER = "bugpattern";
  static final String PATTERN_INDEX = "bugpatterns.html";

  private static final List<Extension> EXTENSIONS =
      List.of(TablesExtension.create(), HeadingAnchorExtension.create());
  private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
  private final HtmlRenderer renderer = HtmlRenderer.builder().extensions(EXTENSIONS).build();
  private final Path docs;
  private final Path out;

  SiteGenerator(Path docs, Path out) {
    this.docs = docs;
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: SiteGenerator <docs folder> <output folder>");
    }
    new SiteGenerator(Path.of(args[0]), Path.of(args[1])).generate();
  }

  void generate() throws IOException {
    for (Path page : markdownPages()) {
      String relative = docs.relativize(page).toString().replace('\\', '/');
      String target = siteName(relative);
      String markdown = Files.readString(page, StandardCharsets.UTF_8);
      Node document = parser.parse(markdown);
      document.accept(new LinkRewriter(relative));
      write(target, title(document), renderer.render(document));
    }
    write(PATTERN_INDEX, "mapsafe bug patterns", patternIndex());
  }

  private List<Path> markdownPages() throws IOException {
    try (Stream<Path> files = Files.walk(docs)) {
      return files
          .filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !docs.relativize(p).startsWith("target") && !docs.relativize(p).startsWith("src"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /** Where a docs page lands: {@code README.md} is the index, {@code patterns/X.md} is {@code bugpattern/X.html}. */
  public static String siteName(String docsRelative) {
    if (docsRelative.equals("README.md")) {
      return "index.html";
    }
    if (docsRelative.startsWith("patterns/")) {
      return PATTERN_FOLDER + "/" + docsRelative.substring("patterns/".length()).replaceFirst("\\.md$", ".html");
    }
    return docsRelative.replaceFirst("\\.md$", ".html");
  }

  private String patternIndex() {
    StringBuilder html = new StringBuilder();
    html.append("<h1>mapsafe bug patterns</h1>\n<table>\n<thead><tr><th>check (Error Prone)</th>"
        + "<th>bug type (SpotBugs)</th><th>on by default</th><th>what it finds</th></tr></thead>\n<tbody>\n");
    for (Pattern pattern : Pattern.values()) {
      String page = PATTERN_FOLDER + "/" + pattern.checkName() + ".html";
      html.append("<tr id=\"").append(pattern.bugType()).append("\"><td><a href=\"").append(page).append("\">")
          .append(pattern.checkName()).append("</a></td><td><code>").append(pattern.bugType())
          .append("</code></td><td>").append(pattern.enabledByDefault() ? "yes" : "no").append("</td><td>")
          .append(escape(pattern.summary())).append("</td></tr>\n");
    }
    html.append("</tbody>\n</table>\n");
    return html.toString();
  }

  private void write(String target, String title, String body) throws IOException {
    Path file = out.resolve(target);
    Files.createDirectories(file.getParent());
    String root = "../".repeat((int) target.chars().filter(c -> c == '/').count());
    String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>" + escape(title) + "</title>\n<style>" + STYLE + "</style>\n</head>\n<body>\n"
        + "<nav><a href=\"" + root + "index.html\">mapsafe</a> · <a href=\"" + root + PATTERN_INDEX
        + "\">bug patterns</a> · <a href=\"" + root + "install-maven.html\">install</a></nav>\n<main>\n"
        + body + "</main>\n<footer>mapsafe " + escape(Project.VERSION) + " · <a href=\"" + Project.ISSUES
        + "\">report a problem</a></footer>\n</body>\n</html>\n";
    Files.writeString(file, page, StandardCharsets.UTF_8);
  }

  private static String title(Node document) {
    for (Node n = document.getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof Heading && ((Heading) n).getLevel() == 1) {
        StringBuilder text = new StringBuilder();
        collectText(n, text);
        return text.toString();
      }
    }
    return "mapsafe";
  }

  private static void collectText(Node node, StringBuilder text) {
    for (Node n = node.getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof Text) {
        text.append(((Text) n).getLiteral());
      } else if (n instanceof org.commonmark.node.Code) {
        text.append(((org.commonmark.node.Code) n).getLiteral());
      } else {
        collectText(n, text);
      }
    }
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Turns links between Markdown pages into links between the site's pages. */
  private static final class LinkRewriter extends AbstractVisitor {
    private final String page;

    LinkRewriter(String page) {
      this.page = page;
    }

    @Override
    public void visit(Link link) {
      link.setDestination(rewrite(page, link.getDestination()));
      visitChildren(link);
    }
  }

  /**
   * A link of the page {@code from} (relative to {@code docs/}), as the site needs it: to another docs page, that
   * page's HTML (relative to where {@code from} lands); to another file of the repository, that file on GitHub;
   * anything absolute or an anchor of the same page, unchanged.
   */
  public static String rewrite(String from, String destination) {
    if (destination.isEmpty() || destination.startsWith("#") || destination.matches("^[a-z][a-z0-9+.-]*:.*")) {
      return destination;
    }
    int hash = destination.indexOf('#');
    String path = hash < 0 ? destination : destination.substring(0, hash);
    String anchor = hash < 0 ? "" : destination.substring(hash);
    String fromDir = from.contains("/") ? from.substring(0, from.lastIndexOf('/') + 1) : "";
    String target = normalize("docs/" + fromDir + path);
    if (target == null) {
      return destination;
    }
    if (target.startsWith("docs/") && target.endsWith(".md")) {
      return relative(siteName(from), siteName(target.substring("docs/".length()))) + anchor;
    }
    return REPOSITORY_FILES + target + anchor;
  }

  /** The link from the site page {@code from} to the site page {@code to}. */
  private static String relative(String from, String to) {
    List<String> source = new ArrayList<>(List.of(from.split("/")));
    source.remove(source.size() - 1);
    List<String> target = List.of(to.split("/"));
    int common = 0;
    while (common < source.size() && common < target.size() - 1 && source.get(common).equals(target.get(common))) {
      common++;
    }
    return "../".repeat(source.size() - common) + String.join("/", target.subList(common, target.size()));
  }

  /** {@code a/b/../c} as {@code a/c}; null when it leaves the repository. */
  private static String normalize(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(part);
      }
    }
    return String.join("/", parts);
  }

  private static final String STYLE =
      "body{font-family:system-ui,sans-serif;max-width:58rem;margin:0 auto;padding:1rem 1.5rem;line-height:1.5;"
          + "color:#222}nav{border-bottom:1px solid #ddd;padding-bottom:.5rem;margin-bottom:1rem}"
          + "footer{border-top:1px solid #ddd;margin-top:2rem;padding-top:.5rem;color:#666;font-size:.9rem}"
          + "code,pre{font-family:ui-monospace,monospace;font-size:.92em}pre{background:#f6f8fa;padding:.8rem;"
          + "overflow:auto}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .5rem;"
          + "vertical-align:top}th{background:#f6f8fa}";
}
