package dev.mapsafe.knowledge.catalog;

/** Default severity of a pattern; Error Prone maps it to its SeverityLevel, SpotBugs to a priority. */
public enum Severity {
  WARNING,
  ERROR
}
