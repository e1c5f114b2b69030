package dev.mapsafe.knowledge.mapapi;

/** How a method is invoked; decides how the declaring type of a fact is matched against a call. */
public enum CallKind {
  /** Matches calls whose receiver type is the fact's owner or a subtype (the most specific owner wins). */
  INSTANCE,
  /** Matches only the fact's exact owner. */
  STATIC,
  /** Matches only the fact's exact owner: constructors are not inherited. */
  CONSTRUCTOR
}
