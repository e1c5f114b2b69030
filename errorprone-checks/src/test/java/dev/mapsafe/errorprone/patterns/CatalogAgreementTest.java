package dev.mapsafe.errorprone.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.errorprone.BugPattern;
import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Every registered check's @BugPattern says what the catalog says. */
class CatalogAgreementTest {
  @Test
  void registeredChecksMatchTheCatalog() {
    List<String> seen = new ArrayList<>();
    for (ServiceLoader.Provider<BugChecker> provider : ServiceLoader.load(BugChecker.class).stream().toList()) {
      Class<? extends BugChecker> type = provider.type();
      if (!type.getPackageName().startsWith("dev.mapsafe")) {
        continue;
      }
      BugPattern annotation = type.getAnnotation(BugPattern.class);
      String name = annotation.name().isEmpty() ? type.getSimpleName() : annotation.name();
      Pattern pattern =
          Pattern.byCheckName(name).orElseThrow(() -> new AssertionError(name + " is not in the catalog"));
      assertEquals(pattern.summary(), annotation.summary(), name);
      assertEquals(pattern.defaultSeverity().name(), annotation.severity().name(), name);
      assertEquals(BugPattern.LinkType.CUSTOM, annotation.linkType(), name);
      assertEquals(pattern.docsUrl(), annotation.link(), name);
      seen.add(name);
    }
    assertFalse(seen.isEmpty(), "no mapsafe check is registered through AutoService");
    assertTrue(seen.contains("UnlockedMapIteration"), seen.toString());
  }
}
