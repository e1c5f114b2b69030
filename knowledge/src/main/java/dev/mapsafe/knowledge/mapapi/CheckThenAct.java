package dev.mapsafe.knowledge.mapapi;

/**
 * The two-call sequences on one key of a shared map that another thread can interleave, and the single
 * atomic call that replaces each. Both engines classify what they find into one of these.
 */
public enum CheckThenAct {
  /** {@code if (!m.containsKey(k)) m.put(k, v)}. */
  PUT_IF_ABSENT(
      "containsKey then put",
      "use putIfAbsent(k, v), or computeIfAbsent(k, key -> create()) when the value is built on demand"
          + " (replace(k, v) when the put is meant only for a present key)"),
  /** {@code V v = m.get(k); if (v == null) { v = create(); m.put(k, v); }}. */
  GET_OR_CREATE(
      "get, null check, then put",
      "use computeIfAbsent(k, key -> create()) and its result; if create() is slow or touches this map, build"
          + " the value first and keep what putIfAbsent(k, value) returns"),
  /** {@code m.put(k, m.get(k) + 1)}. */
  READ_MODIFY_WRITE(
      "get then put of a value computed from it",
      "use merge(k, delta, Integer::sum) or compute(k, (key, old) -> ...), which read and write in one step"),
  /**
   * {@code if (m.containsKey(k)) return m.get(k).foo();}, or {@code if (m.containsKey(k)) return m.get(k);} where a
   * missing key gets a new entry.
   */
  CHECK_THEN_GET(
      "containsKey then get, the result used as non-null",
      "call get(k) once and test the result for null: the entry can be removed between the two calls"),
  /** {@code if (m.get(k) == expected) m.remove(k)}. */
  CONDITIONAL_REMOVE(
      "get, compare, then remove", "use remove(k, expected), which removes only while k still maps to it"),
  /** {@code if (expected.equals(m.get(k))) m.put(k, next)}. */
  CONDITIONAL_REPLACE(
      "get, compare, then put",
      "use replace(k, expected, next), which replaces only while k still maps to expected"),
  /** {@code old = m.get(k); m.put(k, v); if (old != null) old.close();}: the found value taken as the replaced one. */
  FOUND_VALUE_TAKEN_AS_REPLACED(
      "get, then put, the value found taken as the one replaced",
      "use what put(k, v) returns: it is the value this put replaced (null when there was none)"),
  /** {@code m.clear(); m.putAll(loaded);}: the new contents replace the old in two steps, not one. */
  CLEAR_THEN_REFILL(
      "clear, then refill",
      "fill a new map and publish it in one step through a volatile field or AtomicReference (readers then see the old"
          + " contents or the new, never none), or put the new entries first and then remove the stale ones"
          + " (keySet().retainAll(newKeys))"),
  /**
   * {@code v = m.get(k); if (v == null) { synchronized (..) { if (!m.containsKey(k)) { ..put.. } } } return v;}: the
   * re-check finds the entry another thread put, skips the creation, and the code goes on with the null it read.
   */
  STALE_NULL_AFTER_RECHECK(
      "get, then a re-check that finds the entry, and the null from get used",
      "when the re-check finds the entry, read it again with get(k), or use computeIfAbsent(k, key -> create())"
          + " and its result"),
  /** {@code m.putIfAbsent(k, v); return v;}: when another thread's value won, the code goes on with its own. */
  IGNORED_PUT_IF_ABSENT(
      "putIfAbsent with its result ignored, then its own value used",
      "keep what putIfAbsent(k, v) returns and, when it is not null, go on with that value (another thread's, the"
          + " one in the map), or use computeIfAbsent(k, key -> create()) and its result");

  private final String sequence;
  private final String advice;

  CheckThenAct(String sequence, String advice) {
    this.sequence = sequence;
    this.advice = advice;
  }

  /**
   * The sequence formed by a call that runs only when a test of the same map and key succeeds (or fails), or
   * null when the pair is harmless: a {@code remove} after a presence test removes nothing that matters, and a
   * {@code get} after a test is a problem only when its result is relied on not to be null (dereferenced, or
   * returned where a missing key would get a new value).
   */
  public static CheckThenAct guarded(KeyUse act, EntryTest test, boolean actResultReliedOn) {
    switch (act) {
      case STORE:
        return test == EntryTest.PRESENCE ? PUT_IF_ABSENT : test == EntryTest.NULL ? GET_OR_CREATE : CONDITIONAL_REPLACE;
      case REMOVAL:
        return test == EntryTest.VALUE ? CONDITIONAL_REMOVE : null;
      case LOOKUP:
        return test != EntryTest.VALUE && actResultReliedOn ? CHECK_THEN_GET : null;
      default:
        return null;
    }
  }

  /** The sequence as the message names it, e.g. "containsKey then put". */
  public String sequence() {
    return sequence;
  }

  /** The atomic alternative, as the message and the docs state it. */
  public String advice() {
    return advice;
  }
}
