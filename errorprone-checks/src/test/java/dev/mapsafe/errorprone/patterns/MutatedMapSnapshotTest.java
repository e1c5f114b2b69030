package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.CompilationTestHelper;
import dev.mapsafe.knowledge.catalog.Pattern;
import org.junit.jupiter.api.Test;

class MutatedMapSnapshotTest {
  private final CompilationTestHelper helper =
      CompilationTestHelper.newInstance(MutatedMapSnapshot.class, getClass());

  /** The same text as the SpotBugs plugin's for this write (its test asserts it too). */
  @Test
  void messageNamesThePublicationAndTheWrite() {
    SharedFixtures.add(helper, Pattern.MUTATED_MAP_SNAPSHOT, "fixtures.snapshot.RouteTable", 33,
            "Map.put(Object, Object) at line 33 changes next in place after it was published at line 32, but it is"
                + " published through the volatile field routes: readers use it without a lock and rely on it"
                + " never changing, so they race with this write (lost entries, ConcurrentModificationException, a"
                + " corrupted table) or see a half-built state.")
        .doTest();
  }
}
