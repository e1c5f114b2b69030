package dev.mapsafe.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.io.InputStream;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Both engines implement the same patterns: a user never finds a check in one engine only. */
class EnginesAgreeIT {
  @Test
  void sameCatalogEntriesInBothEngines() throws Exception {
    Set<Pattern> errorProne = new TreeSet<>();
    for (ServiceLoader.Provider<BugChecker> p : ServiceLoader.load(BugChecker.class).stream().toList()) {
      if (p.type().getPackageName().startsWith("dev.mapsafe")) {
        errorProne.add(Pattern.byCheckName(p.type().getSimpleName()).orElseThrow());
      }
    }
    Set<Pattern> spotBugs = new TreeSet<>();
    try (InputStream in = getClass().getResourceAsStream("/findbugs.xml")) {
      NodeList patterns =
          DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getElementsByTagName("BugPattern");
      for (int i = 0; i < patterns.getLength(); i++) {
        spotBugs.add(Pattern.byBugType(((Element) patterns.item(i)).getAttribute("type")).orElseThrow());
      }
    }
    assertFalse(errorProne.isEmpty());
    assertEquals(errorProne, spotBugs, "Error Prone implements " + errorProne + ", SpotBugs " + spotBugs);
  }
}
