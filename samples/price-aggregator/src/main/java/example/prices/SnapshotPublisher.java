package example.prices;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Builds end-of-day snapshots on virtual threads. */
public final class SnapshotPublisher {
  private final Map<String, BigDecimal> marks = new HashMap<>();
  private final Map<String, BigDecimal> draft = new HashMap<>();

  /** Correct: the map is filled before the task starts, and the task only reads it. */
  public void publish(Map<String, BigDecimal> closing) {
    marks.putAll(closing);
    Thread.ofVirtual().start(() -> System.out.println("marks: " + marks.size()));
  }

  /** Correct: the caller waits for the task before it reads the result. */
  public BigDecimal total(List<Quote> quotes) throws InterruptedException, ExecutionException {
    try (ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> building = vt.submit(() -> quotes.forEach(q -> draft.put(q.symbol(), q.price())));
      building.get();
      return switch (draft.size()) {
        case 0 -> BigDecimal.ZERO;
        default -> draft.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      };
    }
  }
}
