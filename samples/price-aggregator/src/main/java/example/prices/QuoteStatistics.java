package example.prices;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/** Statistics over a day of quotes, computed in parallel. */
public final class QuoteStatistics {
  private final Map<String, Integer> ticksPerFeed = new HashMap<>();
  private final Map<String, Integer> ticksPerSymbol = new HashMap<>();

  /** The parallel stream's forEach runs on many pool threads at once, all writing one HashMap. */
  public Map<String, Integer> countByFeed(List<Quote> day) {
    day.parallelStream()
        .filter(q -> q.price().signum() > 0)
        .forEach(q -> ticksPerFeed.merge(q.feed(), 1, Integer::sum)); // mapsafe-expect: UnguardedSharedMap
    return ticksPerFeed;
  }

  /** Correct: the collector builds a concurrent map itself. */
  public ConcurrentMap<String, Long> countBySymbol(List<Quote> day) {
    return day.parallelStream().collect(Collectors.groupingByConcurrent(Quote::symbol, Collectors.counting()));
  }

  /** Correct: the async task fills the map and the caller reads it only after join(). */
  public int distinctSymbols(List<Quote> day) {
    CompletableFuture<Void> counting =
        CompletableFuture.runAsync(() -> day.forEach(q -> ticksPerSymbol.merge(q.symbol(), 1, Integer::sum)));
    counting.join();
    return ticksPerSymbol.size();
  }

  /** Correct: a sequential stream stays on the caller's thread. */
  public Map<String, Integer> countSequentially(List<Quote> day) {
    Map<String, Integer> counts = new HashMap<>();
    day.stream().forEach(q -> counts.merge(q.symbol(), 1, Integer::sum));
    return counts;
  }
}
