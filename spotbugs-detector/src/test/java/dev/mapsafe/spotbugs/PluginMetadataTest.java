package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.catalog.Project;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** findbugs.xml and messages.xml say what the catalog says, and the plugin loads on Java 11. */
class PluginMetadataTest {
  private static Document xml(String resource) throws Exception {
    try (InputStream in = PluginMetadataTest.class.getResourceAsStream("/" + resource)) {
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
    }
  }

  private static List<Element> elements(Document doc, String tag) {
    NodeList nodes = doc.getElementsByTagName(tag);
    return java.util.stream.IntStream.range(0, nodes.getLength())
        .mapToObj(i -> (Element) nodes.item(i))
        .collect(Collectors.toList());
  }

  @Test
  void patternsDetectorsAndMessagesAgreeWithTheCatalog() throws Exception {
    Document plugin = xml("findbugs.xml");
    Document messages = xml("messages.xml");
    Map<String, String> shortDescriptions = new HashMap<>();
    for (Element e : elements(messages, "BugPattern")) {
      shortDescriptions.put(
          e.getAttribute("type"), e.getElementsByTagName("ShortDescription").item(0).getTextContent());
    }
    List<Element> patterns = elements(plugin, "BugPattern");
    assertFalse(patterns.isEmpty());
    for (Element e : patterns) {
      String type = e.getAttribute("type");
      Pattern pattern = Pattern.byBugType(type).orElseThrow(() -> new AssertionError(type + " is not in the catalog"));
      assertEquals(Pattern.SPOTBUGS_CATEGORY, e.getAttribute("category"), type);
      assertEquals(Pattern.SPOTBUGS_BUG_CODE, e.getAttribute("abbrev"), type);
      assertEquals(pattern.summary(), shortDescriptions.get(type), type + " ShortDescription");
    }
    for (Element detector : elements(plugin, "Detector")) {
      Class.forName(detector.getAttribute("class")); // exists
      for (String type : detector.getAttribute("reports").split(",")) {
        Pattern pattern = Pattern.byBugType(type.trim()).orElseThrow(() -> new AssertionError(type));
        assertEquals(!pattern.enabledByDefault(), detector.getAttribute("disabled").equals("true"),
            detector.getAttribute("class") + " must be disabled=\"true\" exactly when the catalog has " + pattern
                + " off by default");
      }
    }
    assertEquals(
        Pattern.SPOTBUGS_BUG_CODE,
        elements(messages, "BugCode").get(0).getAttribute("abbrev"));
  }

  /**
   * Every message links to a page a user can open: the plugin to the docs site, each bug type's details to its
   * pattern's page, and SpotBugs' own link (the SARIF helpUri) to the pattern index's anchor; the plugin says its
   * version, which SpotBugs' SARIF reports.
   */
  @Test
  void messagesLinkToTheDocsSite() throws Exception {
    Document plugin = xml("findbugs.xml");
    Document messages = xml("messages.xml");
    assertEquals(Project.VERSION, plugin.getDocumentElement().getAttribute("version"));
    assertEquals(Project.DOCS_SITE, plugin.getDocumentElement().getAttribute("website"));
    assertTrue(Project.DOCS_SITE.startsWith("https://") && Project.DOCS_SITE.endsWith("/"), Project.DOCS_SITE);
    assertEquals(Project.PATTERN_INDEX, elements(messages, "BugsUrl").get(0).getTextContent().strip());
    for (Element e : elements(messages, "BugPattern")) {
      Pattern pattern = Pattern.byBugType(e.getAttribute("type")).orElseThrow();
      String details = e.getElementsByTagName("Details").item(0).getTextContent();
      assertTrue(details.contains("<a href=\"" + pattern.docsUrl() + "\">"), pattern + " links to its page: " + details);
    }
  }

  /** SpotBugs 4.10 runs on Java 11+: every class of the plugin must be Java 11 bytecode (knowledge: its own test). */
  @Test
  void pluginClassesLoadOnJava11() throws IOException {
    try (Stream<Path> files = Files.walk(Paths.get("target/classes"))) {
      for (Path c : files.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList())) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(c))) {
          in.readInt(); // magic
          in.readUnsignedShort(); // minor
          int major = in.readUnsignedShort();
          assertTrue(major <= 55, c + " has class-file version " + major + ", above Java 11 (55)");
        }
      }
    }
  }
}
