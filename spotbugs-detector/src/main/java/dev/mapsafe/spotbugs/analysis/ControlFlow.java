package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.BasicBlock;
import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.Edge;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.ba.vna.ValueNumberDataflow;
import edu.umd.cs.findbugs.ba.vna.ValueNumberFrame;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Questions about a method's control flow graph, on normal (non-exception) edges unless said otherwise. */
final class ControlFlow {
  private ControlFlow() {}

  /** Whether a path of one or more edges leads from {@code from} to {@code to}. */
  static boolean reachable(CFG cfg, BasicBlock from, BasicBlock to) {
    return reachableAvoiding(cfg, from, to, null);
  }

  /** Whether a path of one or more edges, exception edges included, leads from {@code from} to {@code to}. */
  static boolean reachableWithHandlers(CFG cfg, BasicBlock from, BasicBlock to) {
    return search(cfg, from, to, null, true);
  }

  /** Whether a path of one or more edges leads from {@code from} to {@code to} without entering {@code avoid}. */
  static boolean reachableAvoiding(CFG cfg, BasicBlock from, BasicBlock to, BasicBlock avoid) {
    return search(cfg, from, to, avoid, false);
  }

  private static boolean search(CFG cfg, BasicBlock from, BasicBlock to, BasicBlock avoid, boolean handlers) {
    Deque<BasicBlock> work = new ArrayDeque<>();
    Set<Integer> visited = new HashSet<>();
    work.add(from);
    while (!work.isEmpty()) {
      BasicBlock block = work.removeFirst();
      for (Iterator<Edge> edges = cfg.outgoingEdgeIterator(block); edges.hasNext(); ) {
        Edge edge = edges.next();
        BasicBlock next = edge.getTarget();
        if (edge.isExceptionEdge() && !handlers || next == avoid || !visited.add(next.getLabel())) {
          continue;
        }
        if (next == to) {
          return true;
        }
        work.add(next);
      }
    }
    return false;
  }

  /** How many blocks {@link #incomingFrames} looks through before it gives up. */
  private static final int MAX_MERGE_BLOCKS = 16;

  /**
   * The value frames the paths into a block bring, at the end of each non-empty block before it: a merge may happen
   * in empty blocks before this one (SpotBugs puts one before each instruction that may throw), so those are looked
   * through. Only frames of {@code entry}'s shape.
   */
  static List<ValueNumberFrame> incomingFrames(CFG cfg, ValueNumberDataflow vna, BasicBlock block,
      ValueNumberFrame entry) {
    List<ValueNumberFrame> frames = new ArrayList<>();
    Deque<BasicBlock> work = new ArrayDeque<>();
    Set<Integer> visited = new HashSet<>();
    work.add(block);
    while (!work.isEmpty() && visited.size() < MAX_MERGE_BLOCKS) {
      BasicBlock current = work.removeFirst();
      for (Iterator<Edge> edges = cfg.incomingEdgeIterator(current); edges.hasNext(); ) {
        Edge edge = edges.next();
        BasicBlock source = edge.getSource();
        if (edge.isExceptionEdge() || !visited.add(source.getLabel())) {
          continue;
        }
        if (source.isEmpty()) {
          work.add(source);
          continue;
        }
        ValueNumberFrame incoming = vna.getResultFact(source);
        if (incoming != null && incoming.isValid() && incoming.getNumSlots() == entry.getNumSlots()) {
          frames.add(incoming);
        }
      }
    }
    return frames;
  }

  /**
   * The values that the paths into {@code block} bring for a value merged at its entry (a phi: {@code c ? a : b}, a
   * local assigned in both branches of an {@code if}); empty when the value is not merged there or a path brings
   * it back (a loop).
   */
  static List<ValueNumber> mergedValues(CFG cfg, ValueNumberDataflow vna, BasicBlock block, ValueNumber merged)
      throws DataflowAnalysisException {
    ValueNumberFrame entry = vna.getStartFact(block);
    int slot = -1;
    for (int i = 0; entry.isValid() && i < entry.getNumSlots() && slot < 0; i++) {
      if (entry.getValue(i).equals(merged)) {
        slot = i;
      }
    }
    List<ValueNumberFrame> frames = slot < 0 ? List.of() : incomingFrames(cfg, vna, block, entry);
    if (frames.size() < 2) {
      return List.of();
    }
    List<ValueNumber> values = new ArrayList<>();
    for (ValueNumberFrame frame : frames) {
      ValueNumber incoming = frame.getValue(slot);
      if (incoming.equals(merged)) {
        return List.of(); // a loop brings the merged value back: not a choice between values
      }
      values.add(incoming);
    }
    return values;
  }
}
