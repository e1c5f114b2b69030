package dev.mapsafe.knowledge;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;

/** The running JDK's own class hierarchy, so the tests check the model against real types. */
final class JdkHierarchy implements TypeHierarchy {
  @Override
  public boolean isSubtype(String type, String supertype) {
    try {
      return Class.forName(supertype).isAssignableFrom(Class.forName(type));
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
