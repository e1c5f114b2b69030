package dev.mapsafe.knowledge.mapapi;

import java.util.Optional;

/**
 * What goes wrong, visibly, when another thread runs between the two calls of a {@link CheckThenAct}. A sequence
 * with no consequence is not a bug: two threads that both miss a memoized value and both store one computed from
 * the key alone only compute it twice. Both engines gather the {@link StoredValue} facts; this class decides.
 */
public enum RaceConsequence {
  /** Another thread's value for the key is overwritten, or the removal drops a value another thread stored. */
  LOST_UPDATE("lost update", "another thread can change the entry between the two calls, and its update is lost"),
  /** Each thread puts its own new container and fills it: what goes into the one replaced is lost. */
  LOST_ADDS(
      "lost adds",
      "two threads can each put their own new %s, and what is added to the one that the other put replaces is"
          + " lost"),
  /** The value's creation does something that must happen once. */
  DUPLICATE_CREATION(
      "duplicate creation", "two threads can both create the value, and what creating it does (%s) happens twice"),
  /** Each thread goes on with its own instance while only one is in the map, and the code relies on one. */
  IDENTITY(
      "two identities",
      "two threads can each go on with their own instance while only one of them is in the map, and the code"
          + " relies on there being one (%s)"),
  /** The value the code takes as the one its put replaced is not: another thread's put came in between. */
  STALE_OLD_VALUE(
      "stale old value",
      "another thread can put between the two calls, so the value the code goes on with as the one its put"
          + " replaced may not be: what it does with it (release, notify, return) is done twice for one value and"
          + " never for the other"),
  /** The entry the check saw can be removed before the second call, which then returns null. */
  ENTRY_REMOVED(
      "entry removed in between",
      "another thread can remove the entry between the two calls (this map has removals), so the second call"
          + " returns null"),
  /** The re-check finds the entry another thread put, and the code goes on with the null the first call returned. */
  STALE_NULL(
      "null result",
      "another thread can put the entry between the two calls: the re-check then finds it and skips the creation,"
          + " and the code goes on with the null the first call returned (%s)"),
  /** Readers run between the clear and the refill, and find entries missing that are only being replaced. */
  PARTIAL_CONTENTS(
      "partial contents",
      "a thread reading the map between the two (%s) finds it empty or half filled: entries that are only being"
          + " replaced are missing for it");

  private final String name;
  private final String explanation;

  RaceConsequence(String name, String explanation) {
    this.name = name;
    this.explanation = explanation;
  }

  /** How messages and the docs name it: "lost update", "lost adds", ... */
  public String displayName() {
    return name;
  }

  /** The sentence a message gives, with the detail of {@link StoredValue} filled in where it has one. */
  public String explain(String detail) {
    return explanation.contains("%s") ? String.format(explanation, detail) : explanation;
  }

  /**
   * What the code does with the value a check-then-act stores (for a {@code put} guarded by a presence or null
   * test).
   */
  public static final class StoredValue {
    final boolean fromKeyOnly;
    final String freshContainer;
    final String identityUse;
    final String onceOnlyEffect;
    final boolean foundValueUsed;
    final String distinctObject;

    /**
     * Gathered by each engine from the code around the two calls.
     *
     * @param fromKeyOnly the value is computed only from what the key is computed from, constants and the object's
     *     fields (not from another parameter or an unrelated local)
     * @param freshContainer the simple name of the new mutable container stored ({@code ArrayList}), or null
     * @param identityUse how the code relies on one instance ({@code used as a lock}, {@code the key itself is
     *     stored}), or null
     * @param onceOnlyEffect a call between the two that must not run twice ({@code Thread.start()}), or null
     * @param foundValueUsed the code goes on with the value the lookup found, when there is one, instead of computing
     *     its own ({@code v = m.get(k); if (v == null) {..} return v;}): for the code, the value in the map and the
     *     one it computes are interchangeable, whatever the computation reads
     * @param distinctObject the simple name of the new object's class when {@link CreatedValues#isDistinctObject}
     *     says two of them are two different things ({@code Key}), or null
     */
    public StoredValue(boolean fromKeyOnly, String freshContainer, String identityUse, String onceOnlyEffect,
        boolean foundValueUsed, String distinctObject) {
      this.fromKeyOnly = fromKeyOnly;
      this.freshContainer = freshContainer;
      this.identityUse = identityUse;
      this.onceOnlyEffect = onceOnlyEffect;
      this.foundValueUsed = foundValueUsed;
      this.distinctObject = distinctObject;
    }

    /** A store that is not part of a guarded sequence, or stores nothing: nothing to decide on. */
    public static StoredValue none() {
      return new StoredValue(true, null, null, null, false, null);
    }

    /** Whether a value computed now may stand in for the one in the map: a race then only computes it twice. */
    boolean interchangeable(CheckThenAct kind) {
      return fromKeyOnly || kind == CheckThenAct.GET_OR_CREATE && foundValueUsed;
    }
  }

  /**
   * The consequence of a sequence, or empty when the interleaving is harmless.
   *
   * @param mapHasRemovals whether entries of the map can be removed (else an entry once seen stays)
   * @param mapUpdatedElsewhere whether the map is written other than by memoizing stores and removals: a memoizing
   *     store can then overwrite a value another write put in between
   * @param mapIsCache whether the map is a field written only by memoizing stores (and removals)
   */
  public static Optional<Consequence> of(CheckThenAct kind, StoredValue stored, boolean mapHasRemovals,
      boolean mapUpdatedElsewhere, boolean mapIsCache) {
    switch (kind) {
      case PUT_IF_ABSENT:
      case GET_OR_CREATE:
        return ofGuardedStore(kind, stored, mapUpdatedElsewhere);
      case IGNORED_PUT_IF_ABSENT:
        return ofOwnValueKept(stored);
      case FOUND_VALUE_TAKEN_AS_REPLACED:
        return Optional.of(new Consequence(STALE_OLD_VALUE, null));
      case CHECK_THEN_GET:
        return mapHasRemovals ? Optional.of(new Consequence(ENTRY_REMOVED, null)) : Optional.empty();
      case STALE_NULL_AFTER_RECHECK:
        return Optional.empty(); // its consequence needs where the null is used: ofStaleNull
      case CONDITIONAL_REMOVE:
        // In a cache, removing another thread's fresh entry costs a recomputation, nothing else.
        return mapIsCache ? Optional.empty() : Optional.of(new Consequence(LOST_UPDATE, null));
      default:
        return Optional.of(new Consequence(LOST_UPDATE, null));
    }
  }

  /**
   * The consequence of clearing a map and filling it again ({@link CheckThenAct#CLEAR_THEN_REFILL}) while another
   * thread reads it, or empty for a cache (a map its readers fill on a miss): a reader that finds no entry only
   * computes it again.
   *
   * @param reader the read that can run in between, for the message ({@code containsKey in hasConfig() at line 73})
   */
  public static Optional<Consequence> ofRefill(String reader, boolean mapIsCache) {
    return mapIsCache ? Optional.empty() : Optional.of(new Consequence(PARTIAL_CONTENTS, reader));
  }

  /**
   * The consequence of going on with the null a lookup returned after a re-check found the entry
   * ({@link CheckThenAct#STALE_NULL_AFTER_RECHECK}).
   *
   * @param use where the code goes on with it, for the message ({@code the use of sf at line 96})
   */
  public static Consequence ofStaleNull(String use) {
    return new Consequence(STALE_NULL, use);
  }

  /** Whether a guarded store only memoizes: a race stores an equal value twice, and nothing else is lost. */
  public static boolean memoizes(CheckThenAct kind, StoredValue stored) {
    return (kind == CheckThenAct.PUT_IF_ABSENT || kind == CheckThenAct.GET_OR_CREATE)
        && stored.identityUse == null && stored.freshContainer == null && stored.onceOnlyEffect == null
        && stored.interchangeable(kind);
  }

  /**
   * Whether a store, guarded or not, puts a value computed only from what its key is computed from (and is no new
   * container or identity): such stores put the same value for a key, so a memoizing store that races one of them
   * loses nothing. A cache filled by such stores alone is not updated elsewhere. The engines ask it only for values
   * not read from a map (a value moved from another key is no function of the new key).
   */
  public static boolean storesKeyDeterminedValue(StoredValue stored) {
    return stored.fromKeyOnly && stored.identityUse == null && stored.freshContainer == null
        && stored.onceOnlyEffect == null && stored.distinctObject == null;
  }

  private static Optional<Consequence> ofGuardedStore(
      CheckThenAct kind, StoredValue stored, boolean mapUpdatedElsewhere) {
    if (stored.identityUse != null) {
      return Optional.of(new Consequence(IDENTITY, stored.identityUse));
    }
    if (stored.freshContainer != null) {
      return Optional.of(new Consequence(LOST_ADDS, stored.freshContainer));
    }
    if (stored.onceOnlyEffect != null) {
      return Optional.of(new Consequence(DUPLICATE_CREATION, stored.onceOnlyEffect));
    }
    // A value from the key alone, or one the code takes as interchangeable with the one found, in a map nothing
    // else updates: a race only stores an equivalent value twice.
    return stored.interchangeable(kind) && !mapUpdatedElsewhere
        ? Optional.empty()
        : Optional.of(new Consequence(LOST_UPDATE, null));
  }

  /**
   * The code chose putIfAbsent, so one value per key is meant; going on with its own value hurts when that value is a
   * container it fills, an object used for its identity, or one with state and no equals of its own. A value equal to
   * the map's (a string, a value class) only duplicates it.
   */
  private static Optional<Consequence> ofOwnValueKept(StoredValue stored) {
    if (stored.identityUse != null) {
      return Optional.of(new Consequence(IDENTITY, stored.identityUse));
    }
    if (stored.freshContainer != null) {
      return Optional.of(new Consequence(LOST_ADDS, stored.freshContainer));
    }
    if (stored.distinctObject != null) {
      return Optional.of(new Consequence(IDENTITY, "a new " + stored.distinctObject
          + " has state and no equals of its own: the one this thread keeps and the one in the map are two"));
    }
    return Optional.empty();
  }

  /** A consequence and its detail ({@code ArrayList}, {@code used as a lock}), for the message. */
  public static final class Consequence {
    private final RaceConsequence kind;
    private final String detail;

    Consequence(RaceConsequence kind, String detail) {
      this.kind = kind;
      this.detail = detail;
    }

    public RaceConsequence kind() {
      return kind;
    }

    public String explanation() {
      return kind.explain(detail);
    }
  }
}
