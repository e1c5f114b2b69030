package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.vna.ValueNumberDataflow;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The walk every per-method scan makes: each instruction once, in bytecode order, with its value numbers. */
final class Instructions {
  /** What a scan does at one instruction, given the value numbers before and after it. */
  interface Step {
    void at(Location location, ValueNumberFrame before, ValueNumberFrame after) throws DataflowAnalysisException;
  }

  private Instructions() {}

  /**
   * Runs {@code step} at each instruction of the method whose value numbers are known, in bytecode order: in
   * javac output a value is defined before the instructions that use it. An instruction the CFG holds twice (a
   * {@code finally} copied) is visited once.
   */
  static void inBytecodeOrder(CFG cfg, ValueNumberDataflow vna, Step step) throws DataflowAnalysisException {
    List<Location> locations = new ArrayList<>();
    cfg.locationIterator().forEachRemaining(locations::add);
    locations.sort(Comparator.comparingInt(l -> l.getHandle().getPosition()));
    Set<Integer> seen = new HashSet<>();
    for (Location location : locations) {
      if (!seen.add(location.getHandle().getPosition())) {
        continue;
      }
      ValueNumberFrame before = vna.getFactAtLocation(location);
      ValueNumberFrame after = vna.getFactAfterLocation(location);
      if (before != null && after != null && before.isValid() && after.isValid()) {
        step.at(location, before, after);
      }
    }
  }
}
