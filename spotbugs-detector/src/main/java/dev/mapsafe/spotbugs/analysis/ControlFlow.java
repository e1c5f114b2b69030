package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.BasicBlock;
import edu.umd.cs.findbugs.ba.CFG;
import edu.umd.cs.findbugs.ba.Edge;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
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
}
