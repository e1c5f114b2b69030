package dev.mapsafe.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mapsafe.knowledge.docs.MapApiTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/map-api.md is the map API model, rendered. */
class MapApiPageTest {
  private static final Path PAGE = Path.of("map-api.md");

  @Test
  void pageMatchesTheModel() throws IOException {
    String rendered = MapApiTable.markdown();
    if (Boolean.getBoolean("mapsafe.docs.update")) {
      Files.writeString(PAGE, rendered, StandardCharsets.UTF_8);
    }
    String page = Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "";
    assertEquals(rendered, page,
        "docs/map-api.md is out of date: regenerate it as docs/README.md says (-Dmapsafe.docs.update=true)");
  }
}
