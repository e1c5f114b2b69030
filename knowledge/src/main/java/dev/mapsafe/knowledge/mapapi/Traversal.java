package dev.mapsafe.knowledge.mapapi;

/**
 * How a traversal reaches the elements. The distinction decides whether a synchronized wrapper protects it:
 * every method of a {@code Collections.synchronized*} wrapper and of its views runs under the wrapper's
 * mutex, so only a traversal that walks an iterator, spliterator or stream after the call returned is
 * unprotected (JDK {@code Collections.SynchronizedCollection}: "Must be manually synched by user").
 */
public enum Traversal {
  /** The caller walks an iterator, spliterator or stream: no call of the collection spans the walk. */
  EXTERNAL,
  /** The collection walks itself inside one of its own methods ({@code toArray}, {@code forEach}, ...). */
  INTERNAL
}
