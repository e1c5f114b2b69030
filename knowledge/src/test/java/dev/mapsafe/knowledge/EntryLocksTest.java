package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mapsafe.knowledge.threads.EntryLocks;
import dev.mapsafe.knowledge.threads.EntryLocks.Call;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The locks held on entry of a helper, solved over call graphs written out by hand. */
class EntryLocksTest {
  private final Map<String, List<Call<String, String>>> calls = new HashMap<>();
  private final Set<String> open = new HashSet<>();
  private final Set<String> moduleUse = new HashSet<>();
  private final EntryLocks<String, String> entry = new EntryLocks<>(new EntryLocks.Graph<>() {
    @Override
    public EntryLocks.Callers callers(String method) {
      return open.contains(method) ? EntryLocks.Callers.UNKNOWN
          : moduleUse.contains(method) ? EntryLocks.Callers.MODULE_USE : EntryLocks.Callers.ALL;
    }

    @Override
    public List<Call<String, String>> callsOf(String method) {
      return calls.getOrDefault(method, List.of());
    }
  });

  private void call(String callee, String caller, String... held) {
    calls.computeIfAbsent(callee, c -> new java.util.ArrayList<>()).add(Call.from(caller, Set.of(held)));
  }

  @Test
  void aChainOfHelpersDeeperThanAFewCallsKeepsTheOuterLock() {
    open.add("api");
    call("h1", "api", "L");
    call("h2", "h1");
    call("h3", "h2");
    call("h4", "h3");
    call("h5", "h4");
    assertEquals(Set.of("L"), entry.of("h5"));
  }

  @Test
  void oneUnlockedCallerAnywhereInTheChainLosesTheLock() {
    open.add("api");
    open.add("other");
    call("h1", "api", "L");
    call("h2", "h1");
    call("h2", "other");
    call("h3", "h2");
    assertEquals(Set.of(), entry.of("h3"));
    assertEquals(Set.of("L"), entry.of("h1"));
  }

  @Test
  void recursionThroughHelpersIsCutNotTakenAsUnlocked() {
    open.add("api");
    call("find", "api", "L");
    call("find", "purge");
    call("purge", "find");
    assertEquals(Set.of("L"), entry.of("purge"));
    assertEquals(Set.of("L"), entry.of("find"));
  }

  @Test
  void constructionOnlyCallersConstrainNothingButGiveNoLockOfTheirOwn() {
    open.add("api");
    calls.put("load", List.of(Call.duringConstruction()));
    call("register", "load");
    call("register", "api", "L");
    assertEquals(Set.of("L"), entry.of("register"));
    assertEquals(Set.of(), entry.of("load"));
  }

  @Test
  void noVisibleCallOrARunAnywhereHoldsNothing() {
    open.add("api");
    call("h", "api", "L");
    assertEquals(Set.of(), entry.of("dead"));
    calls.computeIfAbsent("h", c -> new java.util.ArrayList<>()).add(Call.anywhere());
    assertEquals(Set.of(), entry.of("h"));
  }

  @Test
  void aMethodWhoseCallersAreNotAllVisibleHoldsNothingEvenIfEveryKnownCallLocks() {
    open.add("api");
    open.add("public");
    call("public", "api", "L");
    assertEquals(Set.of(), entry.of("public"));
  }

  @Test
  void differentLocksOnTwoPathsHaveNoneInCommon() {
    open.add("a");
    open.add("b");
    call("h", "a", "L", "M");
    call("h", "b", "M");
    assertEquals(Set.of("M"), entry.of("h"));
  }

  @Test
  void aPublicMethodEveryModuleCallOfWhichLocksRunsUnderTheLockThroughItsHelpers() {
    open.add("api");
    moduleUse.add("register");
    call("register", "api", "L");
    call("register", "reload", "L");
    call("h", "register");
    open.add("reload");
    assertEquals(Set.of("L"), entry.of("register"));
    assertEquals(Set.of("L"), entry.of("h"));
  }

  @Test
  void aPublicMethodWithOneUnlockedModuleCallHoldsNothing() {
    open.add("api");
    open.add("other");
    moduleUse.add("register");
    call("register", "api", "L");
    call("register", "other");
    assertEquals(Set.of(), entry.of("register"));
  }

  @Test
  void aPublicMethodTheModuleNeverCallsOnceBuiltHoldsNothing() {
    moduleUse.add("neverCalled");
    moduleUse.add("calledInConstruction");
    calls.put("calledInConstruction", List.of(Call.duringConstruction()));
    assertEquals(Set.of(), entry.of("neverCalled"));
    assertEquals(Set.of(), entry.of("calledInConstruction"));
  }
}
