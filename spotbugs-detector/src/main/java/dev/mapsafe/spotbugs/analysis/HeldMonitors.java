package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.LockDataflow;
import edu.umd.cs.findbugs.ba.LockSet;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.ba.vna.ValueNumberDataflow;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import org.apache.bcel.Const;
import org.apache.bcel.classfile.Method;

/**
 * Which monitors are held at each instruction of a method, from SpotBugs' own {@link LockDataflow} (monitor
 * counts per value number; a {@code synchronized} method holds {@code this}) and value numbering. A method that is
 * not {@code synchronized} and has no {@code monitorenter} holds none, and its lock dataflow is not computed.
 */
public final class HeldMonitors {
  private final LockDataflow locks; // null: no monitor is ever held
  private final ValueNumberDataflow values;

  public HeldMonitors(ClassContext context, Method method) throws CFGBuilderException, DataflowAnalysisException {
    BitSet opcodes = context.getBytecodeSet(method);
    boolean locksAny = method.isSynchronized() || opcodes == null || opcodes.get(Const.MONITORENTER);
    this.locks = locksAny ? context.getLockDataflow(method) : null;
    this.values = context.getValueNumberDataflow(method);
  }

  /** The value numbers of the objects whose monitor is held at the location (those still in the frame). */
  public Collection<ValueNumber> at(Location location) throws DataflowAnalysisException {
    if (locks == null) {
      return List.of();
    }
    LockSet lockSet = locks.getFactAtLocation(location);
    ValueNumberFrame frame = values.getFactAtLocation(location);
    if (lockSet == null || frame == null || !frame.isValid() || lockSet.isTop() || lockSet.isEmpty()) {
      return List.of();
    }
    return lockSet.getLockedValueNumbers(frame);
  }

  /** Whether {@code value}'s monitor is held, also when it was loaded again from the same field. */
  public boolean holds(Location location, ValueNumber value) throws DataflowAnalysisException {
    ValueNumberFrame frame = values.getFactAtLocation(location);
    for (ValueNumber locked : at(location)) {
      if (locked.equals(value) || frame.veryFuzzyMatch(locked, value)) {
        return true;
      }
    }
    return false;
  }
}
