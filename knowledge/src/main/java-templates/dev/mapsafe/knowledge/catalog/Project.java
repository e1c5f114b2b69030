package dev.mapsafe.knowledge.catalog;

/**
 * Where users reach the mapsafe project, and which build this is. The build fills in the values
 * ({@code knowledge/pom.xml}: the templates of {@code src/main/java-templates}); the docs site's address is the
 * build property {@code mapsafe.docs.baseUrl}.
 */
public final class Project {
  private Project() {}

  /** This build's version, as the release names it. */
  public static final String VERSION = "${project.version}";

  /** The issue tracker: where a failure of mapsafe itself is to be reported. */
  public static final String ISSUES = "https://github.com/mapsafe-dev/mapsafe/issues";

  /** The published docs site (ends with a slash); the docs module generates it from {@code docs/}. */
  public static final String DOCS_SITE = "${mapsafe.docs.baseUrl}";

  /** The folder of the site's pattern pages, one per check: {@code bugpattern/<CheckName>.html}. */
  public static final String PATTERN_PAGES = DOCS_SITE + "bugpattern/";

  /** The site's index of all patterns, with an anchor per SpotBugs bug type (SpotBugs links there). */
  public static final String PATTERN_INDEX = DOCS_SITE + "bugpatterns.html";
}
