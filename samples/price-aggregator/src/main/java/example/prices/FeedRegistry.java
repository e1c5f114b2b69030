package example.prices;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Scope;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Service;

/** Which feeds are connected. Admin requests register and drop feeds while quote requests look them up. */
@Service
public class FeedRegistry {
  private final Map<String, Feed> byName = new LinkedHashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Object failuresLock = new Object();

  public void register(Feed feed) {
    byName.put(feed.name(), feed); // mapsafe-expect: UnguardedSharedMap
  }

  public Feed feed(String name) {
    return byName.get(name);
  }

  public List<String> names() {
    synchronized (byName) {
      return new ArrayList<>(byName.keySet());
    }
  }

  /** Locked here, so the author knows it is shared... */
  public void failed(String feed) {
    synchronized (failuresLock) {
      failures.merge(feed, 1, Integer::sum);
    }
  }

  /** ...and forgot the lock here. */
  public void reset(String feed) {
    failures.remove(feed); // mapsafe-expect: UnguardedSharedMap
  }

  /** Correct: every access holds the lock. */
  public int failuresOf(String feed) {
    synchronized (failuresLock) {
      return failures.getOrDefault(feed, 0);
    }
  }

  /** Correct: one instance per request, never shared between threads. */
  @Component
  @Scope("prototype")
  public static class RequestContext {
    private final Map<String, String> attributes = new HashMap<>();

    public void put(String key, String value) {
      attributes.put(key, value);
    }

    public String get(String key) {
      return attributes.get(key);
    }
  }
}
