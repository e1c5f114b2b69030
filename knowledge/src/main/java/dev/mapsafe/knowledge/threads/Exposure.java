package dev.mapsafe.knowledge.threads;

import java.util.Collection;

/**
 * Whether a method is called by code outside its own, which is what makes a returned map or copy escape. Private
 * methods are not; neither are members that exist for tests ({@code @VisibleForTesting}, whose callers are tests)
 * nor Kotlin {@code internal} members, which are public in bytecode but callable only from their own module: the
 * Kotlin compiler gives internal functions and accessors a name ending in {@code $<module>}.
 */
public final class Exposure {
  private static final String TEST_ONLY = "VisibleForTesting";

  private Exposure() {}

  /**
   * @param isPrivate whether the method is private
   * @param name its name as the class file or the compiler has it
   * @param kotlin whether its class was compiled by Kotlin (carries {@code kotlin.Metadata})
   * @param annotations the binary names of its annotation types
   */
  public static boolean calledFromOutside(boolean isPrivate, String name, boolean kotlin, Collection<String> annotations) {
    if (isPrivate || (kotlin && name.indexOf('$') > 0)) {
      return false;
    }
    for (String annotation : annotations) {
      if (annotation.endsWith("." + TEST_ONLY) || annotation.endsWith("$" + TEST_ONLY)) {
        return false;
      }
    }
    return true;
  }
}
