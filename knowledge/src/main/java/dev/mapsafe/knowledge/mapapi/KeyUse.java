package dev.mapsafe.knowledge.mapapi;

/**
 * What a single-key call does with its key (always argument 0). Two such calls on the same map and key form
 * the check-then-act and read-modify-write sequences that must be one atomic call on a shared map.
 */
public enum KeyUse {
  /** {@code containsKey(k)}. */
  PRESENCE_TEST,
  /** {@code get(k)}, {@code getOrDefault(k, d)}: the result also tells presence (null when absent). */
  LOOKUP,
  /** {@code put(k, v)}. */
  STORE,
  /** {@code remove(k)}. */
  REMOVAL,
  /**
   * {@code putIfAbsent(k, v)}: atomic by itself, but what it returns says which value is in the map; code that
   * ignores it and goes on with {@code v} may hold another value than the map's.
   */
  STORE_IF_ABSENT;

  /** Whether the call stores its second argument as the key's value: {@code put}, {@code putIfAbsent}. */
  public boolean storesValue() {
    return this == STORE || this == STORE_IF_ABSENT;
  }

  /** Whether the call may change the map: a store or a removal. */
  public boolean writes() {
    return this == STORE || this == REMOVAL || this == STORE_IF_ABSENT;
  }
}
