package example.prices;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.stereotype.Service;

/**
 * Polls every feed on a pool and keeps the latest price per symbol for the REST controllers. The pool's
 * tasks write while request threads read.
 */
@Service
public class PriceAggregator {
  private final ExecutorService pollers = Executors.newFixedThreadPool(8);
  private final Map<String, Quote> latest = new HashMap<>();
  private final TreeMap<String, BigDecimal> closing = new TreeMap<>();
  private final Map<String, Quote> latestSafely = new ConcurrentHashMap<>();

  /** Each feed is polled on its own pool thread, and each writes the same HashMap. */
  public void pollAll(List<Feed> feeds, List<String> symbols) {
    for (Feed feed : feeds) {
      pollers.execute(() -> {
        for (Quote q : feed.poll(symbols)) {
          latest.put(q.symbol(), q); // mapsafe-expect: UnguardedSharedMap
        }
      });
    }
  }

  public Optional<Quote> latest(String symbol) {
    return Optional.ofNullable(latest.get(symbol));
  }

  /** Request threads of a singleton write the sorted map while others read it. */
  public void close(String symbol, BigDecimal price) {
    closing.put(symbol, price); // mapsafe-expect: UnguardedSharedMap
  }

  public BigDecimal closingPrice(String symbol) {
    return closing.get(symbol);
  }

  /** Correct: a ConcurrentHashMap written by every poller. */
  public void pollAllSafely(List<Feed> feeds, List<String> symbols) {
    for (Feed feed : feeds) {
      pollers.execute(() -> feed.poll(symbols).forEach(q -> latestSafely.merge(q.symbol(), q, PriceAggregator::newer)));
    }
  }

  public Optional<Quote> latestSafely(String symbol) {
    return Optional.ofNullable(latestSafely.get(symbol));
  }

  private static Quote newer(Quote a, Quote b) {
    return a.at().isAfter(b.at()) ? a : b;
  }
}
