package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;
import java.util.Map;

/**
 * Methods that run the lambda or callback they are given before they return, on the calling thread. Code
 * in such a lambda runs with the locks of its call site held; code in any other lambda may run later or
 * elsewhere, with no lock of its creator held.
 */
public final class InlineCallbacks {
  private static final Map<String, List<String>> METHODS_BY_OWNER =
      Map.of(
          "java.lang.Iterable", List.of("forEach"),
          "java.util.Iterator", List.of("forEachRemaining"),
          "java.util.Collection", List.of("removeIf"),
          "java.util.List", List.of("replaceAll", "sort"),
          "java.util.Map",
              List.of("forEach", "replaceAll", "computeIfAbsent", "computeIfPresent", "compute", "merge"),
          "java.util.Optional",
              List.of("ifPresent", "ifPresentOrElse", "filter", "map", "flatMap", "or", "orElseGet", "orElseThrow"));

  private InlineCallbacks() {}

  /** Whether a call of {@code name} on a receiver of type {@code owner} runs its callbacks inline. */
  public static boolean runsCallbacksInline(String owner, String name, TypeHierarchy hierarchy) {
    for (Map.Entry<String, List<String>> e : METHODS_BY_OWNER.entrySet()) {
      if (e.getValue().contains(name)
          && (owner.equals(e.getKey()) || hierarchy.isSubtype(owner, e.getKey()))) {
        return true;
      }
    }
    return false;
  }
}
