package dev.mapsafe.knowledge.mapapi;

/**
 * The engine's view of the class hierarchy, by binary class name ({@code java.util.Map$Entry}). Error Prone
 * answers from javac symbols, SpotBugs from its class repository. Unknown classes answer {@code false}.
 */
public interface TypeHierarchy {
  boolean isSubtype(String type, String supertype);
}
