package dev.mapsafe.knowledge.mapapi;

/**
 * Whether a write changes the structure of a map (adds or removes an entry), which makes the map's
 * fail-fast iterators throw {@code ConcurrentModificationException} on their next step.
 */
public enum StructuralChange {
  /** Removes or may add entries whatever the key: {@code remove}, {@code clear}, {@code putAll}, view writes. */
  ALWAYS,
  /**
   * Adds an entry only when its key is absent: {@code put}, {@code putIfAbsent}, {@code merge},
   * {@code compute*}. On the key the loop is visiting it only replaces the value (a {@code compute} function
   * returning null would remove it; the model does not claim that).
   */
  UNLESS_KEY_PRESENT,
  /** Replaces values only: {@code replace}, {@code replaceAll}. */
  NEVER
}
