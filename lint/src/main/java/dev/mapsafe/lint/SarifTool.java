package dev.mapsafe.lint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.mapsafe.knowledge.catalog.Project;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lint's SARIF names mapsafe as its tool: SpotBugs writes itself as the driver, and a code-scanning service
 * groups and labels findings by the driver. SpotBugs stays in the report, as an extension with its version; the
 * rules, results and their indices are left as SpotBugs wrote them.
 */
final class SarifTool {
  private SarifTool() {}

  static void nameMapsafe(Path sarif) throws IOException {
    JsonObject report;
    try (Reader in = Files.newBufferedReader(sarif, StandardCharsets.UTF_8)) {
      report = JsonParser.parseReader(in).getAsJsonObject();
    }
    for (JsonElement run : report.getAsJsonArray("runs")) {
      JsonObject tool = run.getAsJsonObject().getAsJsonObject("tool");
      JsonObject driver = tool.getAsJsonObject("driver");
      JsonObject spotbugs = new JsonObject();
      spotbugs.addProperty("name", driver.get("name").getAsString());
      spotbugs.addProperty("version", driver.get("version").getAsString());
      if (driver.has("informationUri")) {
        spotbugs.add("informationUri", driver.get("informationUri"));
      }
      driver.addProperty("name", "mapsafe");
      driver.addProperty("fullName", "mapsafe " + Project.VERSION + " (SpotBugs engine, "
          + spotbugs.get("name").getAsString() + " " + spotbugs.get("version").getAsString() + ")");
      driver.addProperty("version", Project.VERSION);
      driver.addProperty("informationUri", Project.DOCS_SITE);
      JsonArray extensions = tool.has("extensions") ? tool.getAsJsonArray("extensions") : new JsonArray();
      extensions.add(spotbugs);
      tool.add("extensions", extensions);
    }
    Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    try (Writer out = Files.newBufferedWriter(sarif, StandardCharsets.UTF_8)) {
      gson.toJson(report, out);
    }
  }
}
