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

  /** The class of a binary name as the model writes it: {@code java.lang.Object[]}, {@code int}. */
  static Class<?> classOf(String binaryName) throws ClassNotFoundException {
    switch (binaryName) {
      case "int": return int.class;
      case "long": return long.class;
      case "boolean": return boolean.class;
      default:
        if (binaryName.endsWith("[]")) {
          Class<?> component = classOf(binaryName.substring(0, binaryName.length() - 2));
          return java.lang.reflect.Array.newInstance(component, 0).getClass();
        }
        return Class.forName(binaryName);
    }
  }
}
