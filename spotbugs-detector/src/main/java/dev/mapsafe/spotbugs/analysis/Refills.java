package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import edu.umd.cs.findbugs.ba.XField;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A map cleared and filled again by one method while other methods read it: the new contents replace the old in
 * two steps, and a reader in between finds entries missing that are only being replaced. The bytecode counterpart
 * of the Error Prone analysis of the same name.
 */
public final class Refills {

  /**
   * A refill: the {@code clear()}, the first write after it in the same method when it fills the map whole (a
   * putAll, a helper that puts into the map it is given), and a read that may run between.
   */
  public static final class Refill {
    public final Races.Site clear;
    public final Races.Site fill;
    public final Races.Site reader;

    Refill(Races.Site clear, Races.Site fill, Races.Site reader) {
      this.clear = clear;
      this.fill = fill;
      this.reader = reader;
    }
  }

  private Refills() {}

  /**
   * The refills of a field's map. The map's per-call thread safety is taken as the author's word that threads
   * share it.
   */
  public static List<Refill> of(XField field, Races races) {
    List<Races.Site> all = races.sitesOf(field);
    List<Refill> found = new ArrayList<>();
    for (Races.Site clear : all) {
      if (!isClear(clear) || !Races.runsWhileInUse(clear)) {
        continue;
      }
      int at = clear.access.location.getHandle().getPosition();
      Optional<Races.Site> fill = all.stream()
          .filter(s -> s.kind() == MapEffect.WRITE && !MapApi.mayRemoveEntries(s.access.effect.fact().name())
              && s.where == clear.where && s.access.location.getHandle().getPosition() > at)
          .findFirst()
          .filter(Refills::fillsWhole);
      Optional<Races.Site> reader = all.stream()
          .filter(s -> s.kind() != MapEffect.WRITE && s.where != clear.where && races.mayRace(clear, s, true))
          .findFirst();
      if (fill.isPresent() && reader.isPresent()) {
        found.add(new Refill(clear, fill.get(), reader.get()));
      }
    }
    return found;
  }

  /**
   * Whether the write puts new contents prepared whole: a {@code putAll}, or a call of a helper that fills the map it
   * is given. Refills by single puts are left out: on real code they were set-up or ran under locks the analysis does
   * not see (locks taken in helpers), see docs/real-code.md.
   */
  private static boolean fillsWhole(Races.Site fill) {
    String name = fill.access.effect.fact().name();
    return MapApi.putsAllOf(name) || fill.where.callSites().stream()
        .anyMatch(c -> c.location.equals(fill.access.location) && !c.callee.getName().equals(name));
  }

  private static boolean isClear(Races.Site site) {
    return MapApi.empties(site.access.effect.fact().name());
  }
}
