package dev.mapsafe.knowledge.catalog;

/**
 * The finding messages, shared by both engines so a finding reads the same in the compiler output, the
 * SpotBugs report and SARIF. Arguments are the evidence each engine found.
 */
public final class Messages {
  private Messages() {}

  /**
   * @param map how the code names the map ({@code sessions}, {@code Registry.ACTIVE}, {@code snapshot()})
   * @param mapKind what makes it self-locked ({@code Collections.synchronizedMap wrapper}, {@code Hashtable})
   * @param traversed the traversed collection ({@code sessions.keySet()})
   * @param traversal the call that walks it ({@code Iterable.iterator()}, {@code new HashSet(Collection)})
   */
  public static String unlockedMapIteration(String map, String mapKind, String traversed, String traversal) {
    return String.format(
        "%s is traversed by %s without holding the monitor of %s (a %s): a concurrent write can throw"
            + " ConcurrentModificationException or corrupt the traversal. Hold synchronized (%s) around the"
            + " traversal, or traverse a copy taken by a call the map synchronizes itself"
            + " (new ArrayList<>(...), List.copyOf(...), Map.copyOf(...) use its toArray).",
        traversed, traversal, map, mapKind, map);
  }

  /**
   * @param map how the code names the map ({@code cache})
   * @param update the update call ({@code Map.computeIfAbsent(Object, Function)})
   * @param write the write its function makes to the same map, with its line ({@code Map.put(Object, Object) at
   *     line 21})
   * @param via the methods the write is reached through, or an empty string when it is in the function itself
   */
  public static String recursiveMapCompute(String map, String update, String write, String via) {
    return String.format(
        "the function passed to %s on %s updates %s itself (%s%s): HashMap and TreeMap throw"
            + " ConcurrentModificationException, ConcurrentHashMap throws IllegalStateException: Recursive update"
            + " (or hangs on JDK 8). Compute the value first and then putIfAbsent it, or memoise with a structure"
            + " that allows recursion.",
        update, map, map, write, via.isEmpty() ? "" : ", through " + via);
  }
}
