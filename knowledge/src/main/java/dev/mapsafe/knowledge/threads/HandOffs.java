package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.List;
import java.util.Optional;

/**
 * Calls that hand a value they are given to other code that keeps or uses it elsewhere: to another thread (a
 * concurrent queue, an {@code Exchanger}, a {@code CompletableFuture} completed with it, a publisher), or to a
 * callback or listener the class notifies. A "defensive" copy given there has escaped its method as surely as
 * one returned.
 */
public final class HandOffs {

  private static final class HandOff {
    final String owner;
    final List<String> names;
    final boolean toThread;

    HandOff(String owner, boolean toThread, String... names) {
      this.owner = owner;
      this.toThread = toThread;
      this.names = List.of(names);
    }
  }

  private static final List<HandOff> HAND_OFFS = List.of(
      new HandOff("java.util.concurrent.BlockingQueue", true, "put", "offer", "add", "transfer", "tryTransfer"),
      new HandOff("java.util.concurrent.BlockingDeque", true, "putFirst", "putLast", "offerFirst", "offerLast",
          "addFirst", "addLast", "push"),
      new HandOff("java.util.concurrent.ConcurrentLinkedQueue", true, "offer", "add"),
      new HandOff("java.util.concurrent.ConcurrentLinkedDeque", true, "offer", "add", "push", "offerFirst",
          "offerLast", "addFirst", "addLast"),
      new HandOff("java.util.concurrent.Exchanger", true, "exchange"),
      new HandOff("java.util.concurrent.CompletableFuture", true, "complete", "completedFuture", "obtrudeValue"),
      new HandOff("java.util.concurrent.SubmissionPublisher", true, "submit", "offer"),
      new HandOff("java.util.function.Consumer", false, "accept"),
      new HandOff("java.util.function.BiConsumer", false, "accept"),
      new HandOff("java.util.concurrent.Flow$Subscriber", false, "onNext"));

  /** Simple-name endings of the types whose methods notify other code: listeners, observers, callbacks. */
  private static final List<String> CALLBACK_TYPE_ENDINGS = List.of("Listener", "Observer", "Callback");

  private HandOffs() {}

  /**
   * How a message says what the call does with its arguments ({@code "handed to another thread through
   * BlockingQueue.put(..)"}, {@code "passed to the callback ChangeListener.onChange(..)"}), or empty when the call
   * is not known to hand them anywhere.
   */
  public static Optional<String> of(String owner, String name, TypeHierarchy hierarchy) {
    String simple = owner.substring(Math.max(owner.lastIndexOf('.'), owner.lastIndexOf('$')) + 1);
    for (HandOff handOff : HAND_OFFS) {
      if (handOff.names.contains(name) && (owner.equals(handOff.owner) || hierarchy.isSubtype(owner, handOff.owner))) {
        return Optional.of((handOff.toThread ? "handed to another thread through " : "passed to the callback ")
            + simple + "." + name + "(..)");
      }
    }
    if (!name.equals("<init>") && CALLBACK_TYPE_ENDINGS.stream().anyMatch(simple::endsWith)) {
      return Optional.of("passed to the callback " + simple + "." + name + "(..)");
    }
    return Optional.empty();
  }
}
