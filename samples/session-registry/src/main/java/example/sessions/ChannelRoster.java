package example.sessions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * Who is in which chat channel: a plain map behind a read-write lock, read by the message fan-out threads and
 * written by joins and leaves. Some of its methods keep the map behind the lock; some let it out.
 */
public final class ChannelRoster {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, String> channelOf = new HashMap<>();

  public void join(String user, String channel) {
    lock.writeLock().lock();
    try {
      channelOf.put(user, channel);
    } finally {
      lock.writeLock().unlock();
    }
  }

  public void leave(String user) {
    lock.writeLock().lock();
    try {
      channelOf.remove(user);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Handed to the admin console, which renders it while users keep joining. */
  public Set<String> onlineUsers() {
    lock.readLock().lock();
    try {
      return channelOf.keySet(); // mapsafe-expect: GuardedMapEscape
    } finally {
      lock.readLock().unlock();
    }
  }

  /** "Read-only", but a live view: the caller still reads it without the lock. */
  public Map<String, String> assignments() {
    return Collections.unmodifiableMap(channelOf); // mapsafe-expect: GuardedMapEscape
  }

  /** The fan-out walks the roster without the lock: a join during the walk can corrupt it. */
  public List<String> membersOf(String channel) {
    List<String> members = new ArrayList<>();
    for (Map.Entry<String, String> e : channelOf.entrySet()) { // mapsafe-expect: UnlockedMapIteration
      if (e.getValue().equals(channel)) {
        members.add(e.getKey());
      }
    }
    return members;
  }

  /** The stream is built under the lock but runs when count() is called, after the unlock. */
  public long channelCount() {
    Stream<String> channels;
    lock.readLock().lock();
    try {
      channels = channelOf.values().stream().distinct(); // mapsafe-expect: UnlockedMapIteration
    } finally {
      lock.readLock().unlock();
    }
    return channels.count();
  }

  /** Correct: a copy taken under the read lock. */
  public Map<String, String> snapshot() {
    lock.readLock().lock();
    try {
      return Collections.unmodifiableMap(new LinkedHashMap<>(channelOf));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Correct: the whole walk runs under the read lock. */
  public int sizeOf(String channel) {
    lock.readLock().lock();
    try {
      int n = 0;
      for (String c : channelOf.values()) {
        if (c.equals(channel)) {
          n++;
        }
      }
      return n;
    } finally {
      lock.readLock().unlock();
    }
  }
}
