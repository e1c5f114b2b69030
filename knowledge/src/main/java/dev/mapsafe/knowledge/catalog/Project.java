package dev.mapsafe.knowledge.catalog;

/** Where users reach the mapsafe project. */
public final class Project {
  private Project() {}

  /** The issue tracker: where a failure of mapsafe itself is to be reported. */
  public static final String ISSUES = "https://github.com/mapsafe-dev/mapsafe/issues";
}
