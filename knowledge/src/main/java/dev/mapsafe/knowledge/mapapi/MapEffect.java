package dev.mapsafe.knowledge.mapapi;

/** What a call does to the map (or map view) that is one of its operands. */
public enum MapEffect {
  /** Looks up state without traversing it ({@code get}, {@code size}, {@code containsKey}). */
  READ,
  /** Changes the map ({@code put}, {@code remove}, {@code clear}, {@code compute*}, {@code merge}). */
  WRITE,
  /** Visits every entry; see {@link Traversal} for whether the collection does it inside its own call. */
  ITERATE,
  /** Returns a live view backed by the operand ({@code keySet}, {@code headMap}, unmodifiable wrappers). */
  VIEW
}
