package dev.mapsafe.samples;

import dev.mapsafe.knowledge.catalog.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Reads the mapsafe findings from the spotbugsXml.xml the sample's spotbugs-maven-plugin wrote. */
final class SpotBugsFindings {
  private SpotBugsFindings() {}

  static List<Finding> of(SampleProject project) throws Exception {
    Path xml = project.dir().resolve("target/spotbugsXml.xml");
    if (!Files.exists(xml)) {
      throw new AssertionError(
          xml + " is missing: the harness checks what the sample's own SpotBugs run reported,"
              + " so run it through 'verify' (./mvnw verify), not 'test'.");
    }
    NodeList bugs =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile()).getElementsByTagName("BugInstance");
    List<Finding> result = new ArrayList<>();
    for (int i = 0; i < bugs.getLength(); i++) {
      Element bug = (Element) bugs.item(i);
      Optional<Pattern> pattern = Pattern.byBugType(bug.getAttribute("type"));
      if (pattern.isEmpty()) {
        continue; // SpotBugs' own detectors: not mapsafe's business here
      }
      Element line = primarySourceLine(bug);
      result.add(
          new Finding(line.getAttribute("sourcepath"), Integer.parseInt(line.getAttribute("start")),
              pattern.get().checkName()));
    }
    return result.stream().sorted().toList();
  }

  /** The bug's own SourceLine (a direct child), not those of its class, method or field annotations. */
  private static Element primarySourceLine(Element bug) {
    for (Node n = bug.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals("SourceLine")) {
        return e;
      }
    }
    throw new AssertionError("a mapsafe bug without a source line: " + bug.getAttribute("type"));
  }
}
