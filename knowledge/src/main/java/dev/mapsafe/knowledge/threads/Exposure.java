package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.Collection;

/**
 * Whether a method hands what it returns to code beyond the class, which is what makes a returned map or copy
 * escape: public and protected methods, and package-private ones that the analysed code calls. Not: private
 * methods; package-private ones nothing analysed calls (tests call them); members that exist for tests
 * ({@code @VisibleForTesting}); Kotlin {@code internal} members, which are public in bytecode but callable only from
 * their own module: the Kotlin compiler gives internal functions and accessors a name ending in {@code $<module>}.
 */
public final class Exposure {
  private static final String TEST_ONLY = "VisibleForTesting";

  private Exposure() {}

  /**
   * @param outsidePackage whether the method is public or protected
   * @param calledInPackage whether it is package-private and some analysed code calls it
   * @param name its name as the class file or the compiler has it
   * @param kotlin whether its class was compiled by Kotlin (carries {@code kotlin.Metadata})
   * @param annotations the binary names of its annotation types
   */
  public static boolean calledFromOutside(
      boolean outsidePackage, boolean calledInPackage, String name, boolean kotlin, Collection<String> annotations) {
    if (!(outsidePackage || calledInPackage) || (kotlin && name.indexOf('$') > 0)) {
      return false;
    }
    return !existsForTests(annotations);
  }

  /**
   * Whether a member exists for tests ({@code @VisibleForTesting}, any package). When nothing but other such members
   * calls it, only a test runs it, while the test drives the object: its accesses are not the object's use by other
   * threads (the thread vocabulary takes it as a lifecycle step, {@link Overlap.Kind#LIFECYCLE}).
   */
  public static boolean existsForTests(Collection<String> annotations) {
    for (String annotation : annotations) {
      if (annotation.endsWith("." + TEST_ONLY) || annotation.endsWith("$" + TEST_ONLY)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether every call of a method is in the code of its own module, so that an analysis of the whole module sees
   * them all: private and package-private methods (a package is not split across modules), Kotlin {@code internal}
   * ones, and the public methods of a class no code outside the package can name (nor any subclass of it), when
   * each method they override is itself called only in the module (a handler's {@code public} override of its
   * package-private base's abstract method).
   *
   * @param hiddenClass whether the method's class and every subclass of it are not public
   * @param overridesOnlyModuleMethods whether every method it overrides is one this method answers true for
   */
  public static boolean callableOnlyInModule(boolean isPrivate, boolean packagePrivate, String name, boolean kotlin,
      boolean hiddenClass, boolean overridesOnlyModuleMethods) {
    return isPrivate || packagePrivate || (kotlin && name.indexOf('$') > 0)
        || (hiddenClass && overridesOnlyModuleMethods);
  }

  /**
   * Whether code of class {@code caller} calling a method of class {@code callee} may be one object calling its own
   * method, so that a lock it holds is the callee object's lock: the same class, a subclass or superclass, or a class
   * nested in the other (an inner class locks {@code Outer.this}). Calls from other classes hold their own
   * objects' locks as often as not (every caller object its own monitor), which exclude nothing: the module's calls
   * of a public method ({@link EntryLocks.Callers#MODULE_USE}) protect it only from such a family.
   */
  public static boolean sameObjectFamily(String caller, String callee, TypeHierarchy hierarchy) {
    return caller.equals(callee) || caller.startsWith(callee + "$") || callee.startsWith(caller + "$")
        || hierarchy.isSubtype(caller, callee) || hierarchy.isSubtype(callee, caller);
  }
}
