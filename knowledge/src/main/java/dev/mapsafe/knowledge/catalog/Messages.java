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
}
