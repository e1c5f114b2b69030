package dev.mapsafe.samples;

/** One finding: a check name at a line of a source file (path relative to the source root). */
record Finding(String file, int line, String check) implements Comparable<Finding> {
  @Override
  public int compareTo(Finding o) {
    int c = file.compareTo(o.file);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(line, o.line);
    return c != 0 ? c : check.compareTo(o.check);
  }

  @Override
  public String toString() {
    return file + ":" + line + " " + check;
  }
}
