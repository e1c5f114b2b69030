package dev.mapsafe.knowledge.docs;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CheckThenAct;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.Traversal;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders the map API model as the docs page {@code docs/map-api.md}; the docs module's test fails when the
 * page and the model differ, and rewrites it when run with {@code -Dmapsafe.docs.update=true} (docs/README.md).
 */
public final class MapApiTable {
  private MapApiTable() {}

  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# The map API model\n\n")
        .append("<!-- Generated from knowledge/src/main/java/dev/mapsafe/knowledge/mapapi by MapApiTable;")
        .append(" do not edit by hand. -->\n\n")
        .append("Both engines ask this one model what a call does to the maps, map views and collections")
        .append(" it is given. A call that is not listed has no known effect and is never reported.\n\n")
        .append("*Traversal* `EXTERNAL` means the caller walks an iterator, spliterator or stream after the")
        .append(" call returned, so a `Collections.synchronized*` wrapper or `Hashtable` does **not** hold its")
        .append(" monitor for it; `INTERNAL` means the collection walks itself inside one of its own methods,")
        .append(" which such a map runs under its monitor. Instance facts apply to subtypes of the owner;")
        .append(" the most specific owner wins.\n\n")
        .append("## Map types\n\n| type | concurrency | iteration |\n|---|---|---|\n");
    for (MapTypes.MapType t : MapTypes.types()) {
      sb.append("| `").append(t.name()).append("` | ").append(t.concurrency()).append(" | ")
          .append(t.iteration()).append(" |\n");
    }
    sb.append("\nSynchronized wrapper factories (their result is its own mutex): ")
        .append(
            MapTypes.synchronizedWrapperFactories().stream()
                .map(m -> "`" + m.display() + "`")
                .collect(Collectors.joining(", ")))
        .append(". `Hashtable` and its subclasses lock themselves, except `java.util.Properties`, which")
        .append(" keeps its entries in a `ConcurrentHashMap` since JDK 9.\n\n")
        .append("## Which calls a self-locked map synchronizes itself\n\n")
        .append("Read off `java.util.Collections` and `java.util.Hashtable` (JDK 17 and 25):\n\n")
        .append("- every method of `SynchronizedMap`, `SynchronizedSortedMap` and `SynchronizedNavigableMap`")
        .append(" runs under the mutex, including `forEach`, `replaceAll`, `compute*`, `merge`, `putIfAbsent`,")
        .append(" `toString`, `equals`, `hashCode`; the views and sub-maps they return share the same mutex;\n")
        .append("- every method of the views (`SynchronizedCollection`, `SynchronizedSet`, sorted and navigable")
        .append(" sets) runs under the mutex, including `toArray`, `forEach`, `removeIf`, `containsAll`,")
        .append(" `toString`, `equals`, `hashCode`, **except** `iterator()`, `spliterator()`, `stream()`,")
        .append(" `parallelStream()` (and `descendingIterator()`), which return unsynchronized walkers:")
        .append(" \"Must be manually synched by user!\";\n")
        .append("- every public method of `Hashtable` is `synchronized`; its `keySet()`, `values()` and")
        .append(" `entrySet()` are `Collections.synchronizedSet`/`synchronizedCollection` views whose mutex")
        .append(" is the table, so the same rule applies. `keys()` and `elements()` enumerations are not")
        .append(" fail-fast and are not modelled.\n\n")
        .append("So a traversal is safe without `synchronized (map)` exactly when it is `INTERNAL` below;")
        .append(" `toString` is not listed because `Object` declares it, and it is internal for these maps.\n\n")
        .append("## Calls\n\n")
        .append("*Structural* says whether a write adds or removes entries (what makes fail-fast iterators")
        .append(" throw): `ALWAYS`, `UNLESS_KEY_PRESENT` (only replaces the value of a present key) or `NEVER`.")
        .append(" *Key* says what a single-key call does with its key, for check-then-act sequences.\n\n")
        .append("| call | kind | effects | structural | key |\n|---|---|---|---|---|\n");
    TypeHierarchy exact = (type, supertype) -> false; // each fact is asked about itself
    for (Map.Entry<ApiMethod, List<Effect>> e : MapApi.facts().entrySet()) {
      sb.append("| `").append(e.getKey().display()).append("` | ")
          .append(e.getKey().kind().name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
          .append(e.getValue().stream().map(MapApiTable::describe).collect(Collectors.joining("; ")))
          .append(" | ").append(MapApi.structuralChange(e.getKey(), exact).map(Enum::name).orElse(""))
          .append(" | ").append(MapApi.keyUse(e.getKey(), exact).map(Enum::name).orElse(""))
          .append(" |\n");
    }
    sb.append("\n## Check-then-act sequences and their atomic call\n\n| sequence | fix |\n|---|---|\n");
    for (CheckThenAct sequence : CheckThenAct.values()) {
      sb.append("| ").append(sequence.sequence()).append(" | ").append(sequence.advice()).append(" |\n");
    }
    return sb.toString();
  }

  private static String describe(Effect effect) {
    String what = effect.kind().name();
    if (effect.traversal() != null) {
      what += effect.traversal() == Traversal.EXTERNAL ? " (EXTERNAL)" : " (INTERNAL)";
    }
    return what + " " + effect.operand();
  }
}
