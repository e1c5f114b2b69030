package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SpotBugsExtension.class)
class RecursiveMapComputeDetectorTest {
  @Test
  void recursiveMemoisationAndDirectWrites(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.recursive.Memo");
  }

  /** A loader, given as a method reference, that updates the same map (declared as ConcurrentMap) for other keys. */
  @Test
  void loaderUpdatesTheSameMap(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.recursive.Codecs");
  }

  /**
   * A loader that is another class's method (a method reference) and reaches the same map through a method its
   * builder inherits (resolved to its declaring class) is recursive; loaders of other classes that never come back,
   * or fill another map, are not.
   */
  @Test
  void loadersOfOtherClassesThroughInheritedMethods(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.recursive.Stashes");
  }

  /**
   * A Spring scope whose get runs its object factory inside computeIfAbsent: the factory may run get again, on any
   * map; not when the factory runs outside the update, nor outside a scope's get.
   */
  /** Registries whose update iterates a ServiceLoader (whose providers may call the registry), also a few calls deep. */
  @Test
  void serviceLoadersIteratedInTheUpdate(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.recursive.ServiceRegistries");
    String message = Fixtures.analyze(spotbugs, "fixtures.recursive.ServiceRegistries").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 40)
        .findFirst()
        .orElseThrow()
        .getMessageWithoutPrefix();
    assertTrue(message.startsWith("computeIfAbsent runs ServiceLoader.iterator() in its function (through new Loaders()"
        + " -> load()), which may run services() again"), message);
  }

  @Test
  void scopesWhoseFactoryReentersTheUpdate(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.recursive.ScopeReentry");
    String message = Fixtures.analyze(spotbugs, "fixtures.recursive.ScopeReentry").stream()
        .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 43)
        .findFirst()
        .orElseThrow()
        .getMessageWithoutPrefix();
    assertTrue(message.startsWith("computeIfAbsent runs ObjectFactory.getObject() in its function, which may run get()"
        + " again and update the same map before this computeIfAbsent returns (the factory creates the scoped bean"), message);
  }

  /**
   * A function that falls back to another object of the same class (a scope's parent, a new resolver) updates that
   * object's map, not this one; through {@code this} or on a static map it is the same map.
   */
  @Test
  void anotherObjectsMapIsAnotherMap(SpotBugsRunner spotbugs) {
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.recursive.ParentScopes");
  }

  @Test
  void negatives(SpotBugsRunner spotbugs) {
    assertTrue(Fixtures.expected("fixtures.recursive.MemoNegatives").isEmpty());
    Fixtures.assertExactlyMarked(spotbugs, "fixtures.recursive.MemoNegatives");
  }

  @Test
  void messageNamesTheMapTheWriteAndThePath(SpotBugsRunner spotbugs) {
    BugInstance resolve =
        Fixtures.analyze(spotbugs, "fixtures.recursive.Memo").stream()
            .filter(b -> b.getPrimarySourceLineAnnotation().getStartLine() == 24)
            .findFirst()
            .orElseThrow();
    String message = resolve.getMessageWithoutPrefix();
    assertTrue(message.contains("the function passed to Map.computeIfAbsent(Object, Function) on DEPS updates DEPS"
        + " itself (Map.computeIfAbsent(Object, Function) at line 24, through load() -> resolve())"), message);
  }
}
