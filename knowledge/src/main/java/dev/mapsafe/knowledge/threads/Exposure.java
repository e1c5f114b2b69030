package dev.mapsafe.knowledge.threads;

import java.util.Collection;

/**
 * Whether a method is called by code outside its own, which is what makes a returned map or copy escape: only public
 * and protected methods are. Private and package-private ones are called by the library's own code (which the
 * analysis sees, and which often locks what they return); members that exist for tests ({@code @VisibleForTesting})
 * are called by tests; Kotlin {@code internal} members are public in bytecode but callable only from their own module:
 * the Kotlin compiler gives internal functions and accessors a name ending in {@code $<module>}.
 */
public final class Exposure {
  private static final String TEST_ONLY = "VisibleForTesting";

  private Exposure() {}

  /**
   * @param outsidePackage whether the method is public or protected
   * @param name its name as the class file or the compiler has it
   * @param kotlin whether its class was compiled by Kotlin (carries {@code kotlin.Metadata})
   * @param annotations the binary names of its annotation types
   */
  public static boolean calledFromOutside(
      boolean outsidePackage, String name, boolean kotlin, Collection<String> annotations) {
    if (!outsidePackage || (kotlin && name.indexOf('$') > 0)) {
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
