package dev.mapsafe.errorprone.testlib;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A timer as a library ships it, compiled apart from the code under test: its tasks run on the timer's thread. The
 * analysis knows it only by its signatures.
 */
public final class WheelTimer {
  /** What the timer runs. */
  public interface Task {
    void run(WheelTimer timer);
  }

  /** Schedules the task on the timer's thread after the delay. */
  public void newTimeout(Task task, long delay, TimeUnit unit) {
    task.run(this);
  }

  /** Waits until the condition holds or the time is up, evaluating it on the calling thread. */
  public boolean awaitCondition(Predicate<WheelTimer> condition, long timeout, TimeUnit unit) {
    return condition.test(this);
  }

  /** An event loop's thread: what it schedules runs on it, as the events of its channels do. */
  public static final class Loop extends Thread {
    /** Runs the task on this thread after the delay. */
    public void executeAfter(Runnable task, long delay, TimeUnit unit) {
      task.run();
    }
  }
}
