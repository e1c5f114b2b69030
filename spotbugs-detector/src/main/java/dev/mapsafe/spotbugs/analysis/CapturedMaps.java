package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a method makes and gives to code that runs on several threads at once: a local map that the operations of a
 * parallel stream, a task launched in a loop, or tasks collected for {@code invokeAll} capture and write with no
 * lock held (there, or in the private
 * helpers they pass it to, {@link MapSummaries}). Knows nothing of patterns; the Error Prone counterpart has the
 * same name.
 */
public final class CapturedMaps {

  /** The first unlocked write of one captured map by code whose runs overlap. */
  public static final class SharedWrite {
    public final MapValues launcher;
    public final TaskLaunches.Launch launch;
    public final TaskLaunches.CapturedMap captured;
    public final MapSummaries.Site write;

    SharedWrite(MapValues launcher, TaskLaunches.Launch launch, TaskLaunches.CapturedMap captured,
        MapSummaries.Site write) {
      this.launcher = launcher;
      this.launch = launch;
      this.captured = captured;
      this.write = write;
    }

    /** Whether the runs overlap because one launch call runs in a loop (not a stream's, not collected tasks). */
    public boolean launchedInLoop() {
      return !launch.parallelStream && !launch.collected;
    }
  }

  private final TypeHierarchy hierarchy;
  private final MapSummaries summaries = new MapSummaries();
  private final List<MapValues> launchers = new ArrayList<>();

  public CapturedMaps(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** Records one method's facts and lock regions. */
  public void add(MapValues method, HeldLocks locks) {
    summaries.add(method, locks);
    if (method.launches().stream().anyMatch(l -> l.selfConcurrent && !l.capturedMaps.isEmpty())) {
      launchers.add(method);
    }
  }

  /**
   * For each non-thread-safe map a method made and gave to self-overlapping code (a parallel stream's operation, a
   * task launched in a loop), its first write there (by line) with no lock held; in the order the methods were added.
   */
  public List<SharedWrite> writes() {
    List<SharedWrite> result = new ArrayList<>();
    for (MapValues launcher : launchers) {
      Map<Origin.Constructed, SharedWrite> first = new LinkedHashMap<>();
      for (TaskLaunches.Launch launch : launcher.launches()) {
        if (!launch.selfConcurrent) {
          continue;
        }
        for (TaskLaunches.CapturedMap captured : launch.capturedMaps) {
          if (!MapTypes.isNotThreadSafe(captured.map.className(), hierarchy)) {
            continue;
          }
          for (MapSummaries.Site site : summaries.sitesOnParameter(captured.body, captured.parameter)) {
            SharedWrite known = first.get(captured.map);
            if (site.effect.kind() == MapEffect.WRITE
                && (known == null || site.line.getStartLine() < known.write.line.getStartLine())) {
              first.put(captured.map, new SharedWrite(launcher, launch, captured, site));
            }
          }
        }
      }
      result.addAll(first.values());
    }
    return result;
  }
}
