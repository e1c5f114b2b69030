package dev.mapsafe.knowledge.mapapi;

/** How a condition tests what a single-key call saw of an entry. */
public enum EntryTest {
  /** {@code containsKey(k)}. */
  PRESENCE,
  /** {@code get(k) == null}, {@code v != null}. */
  NULL,
  /** {@code get(k) == x}, {@code x.equals(get(k))}, {@code get(k) > 3}: compared with another value. */
  VALUE
}
