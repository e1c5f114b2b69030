package example.prices;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** The most recent quotes per symbol, bounded: an LRU cache read by every request thread. */
public final class QuoteCache {
  private static final int CAPACITY = 10_000;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, Quote> recent = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Quote> eldest) {
      return size() > CAPACITY;
    }
  };
  private final Map<String, Quote> recentSafely = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Quote> eldest) {
      return size() > CAPACITY;
    }
  };

  /** Readers run together under the read lock, but an access-ordered get relinks the entry it finds. */
  public Quote get(String symbol) {
    lock.readLock().lock();
    try {
      return recent.get(symbol); // mapsafe-expect: MapWriteUnderReadLock
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The miss path writes under the read lock it already holds, through a helper. */
  public Quote getOrLoad(String symbol, Feed feed) {
    lock.readLock().lock();
    try {
      Quote q = recentSafely.containsKey(symbol) ? null : load(symbol, feed);
      return q;
    } finally {
      lock.readLock().unlock();
    }
  }

  private Quote load(String symbol, Feed feed) {
    Quote q = feed.poll(java.util.List.of(symbol)).get(0);
    recentSafely.put(symbol, q); // mapsafe-expect: MapWriteUnderReadLock
    return q;
  }

  /** Correct: an access-ordered map needs the write lock even to read. */
  public Quote getSafely(String symbol) {
    lock.writeLock().lock();
    try {
      return recentSafely.get(symbol);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Correct: writes under the write lock. */
  public void put(Quote quote) {
    lock.writeLock().lock();
    try {
      recent.put(quote.symbol(), quote);
      recentSafely.put(quote.symbol(), quote);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Correct: size() does not reorder an access-ordered map. */
  public int size() {
    lock.readLock().lock();
    try {
      return recent.size();
    } finally {
      lock.readLock().unlock();
    }
  }
}
