package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which lock guards a map field: the vocabulary of the annotations users already write ({@code @GuardedBy},
 * {@code @ThreadSafe}, {@code @NotThreadSafe}), and the rule both engines apply to the locks they find at the
 * field's writes. Locks are compared by their simple name ({@code lock}, {@code this}, the map field's own
 * name for its monitor), as messages name them.
 */
public final class Guards {

  /** {@code @GuardedBy} in its common spellings; the value names the lock. */
  private static final List<String> GUARDED_BY =
      List.of(
          "com.google.errorprone.annotations.concurrent.GuardedBy",
          "javax.annotation.concurrent.GuardedBy",
          "net.jcip.annotations.GuardedBy",
          "org.checkerframework.checker.lock.qual.GuardedBy");

  /** Annotations saying a class is not meant for concurrent use: its internals are nobody's lock's business. */
  private static final List<String> NOT_THREAD_SAFE =
      List.of("javax.annotation.concurrent.NotThreadSafe", "net.jcip.annotations.NotThreadSafe");

  /** A lock expression the analysis can name: a field of the class or {@code this}. */
  private static final Pattern SIMPLE_NAME = Pattern.compile("[A-Za-z_$][\\w$]*");

  private static final String MAP = "java.util.Map";

  private Guards() {}

  public static boolean isGuardedBy(String annotation) {
    return GUARDED_BY.contains(annotation);
  }

  public static boolean declaresNotThreadSafe(Collection<String> annotations) {
    return annotations.stream().anyMatch(NOT_THREAD_SAFE::contains);
  }

  /**
   * The lock a {@code @GuardedBy} value names, as a simple name, or empty when the analysis cannot identify
   * it (then nothing is reported). {@code "this"}, {@code "Outer.this"}, {@code "lock"}, {@code "this.lock"},
   * {@code "rw"}, {@code "rw.writeLock()"} and {@code "itself"} (the field's own monitor) are understood.
   */
  public static Optional<String> lockNamedBy(String value, String guardedField) {
    String lock = value.trim();
    if (lock.equals("itself")) {
      return Optional.of(guardedField);
    }
    if (lock.equals("this") || lock.endsWith(".this")) {
      return Optional.of("this");
    }
    lock = lock.replaceFirst("^this\\.", "").replaceFirst("\\.(readLock|writeLock)\\(\\)$", "");
    return SIMPLE_NAME.matcher(lock).matches() ? Optional.of(lock) : Optional.empty();
  }

  /**
   * Whether handing out live views is the contract of the class: a {@code Map} or {@code Collection} of its own
   * (its {@code keySet()}, {@code headMap(..)} or {@code iterator()} must be live), such as a map that delegates
   * to a guarded one. GuardedMapEscape does not look at its returns.
   */
  public static boolean viewsAreItsContract(String classType, TypeHierarchy hierarchy) {
    return hierarchy.isSubtype(classType, MAP) || hierarchy.isSubtype(classType, "java.util.Collection");
  }

  /**
   * Whether an instance map field of another class is state the using class keeps in a holder: the holder is
   * nested in the same top-level class, and every access of the map is in the using class (a per-loader record
   * of a log manager, whose maps the manager locks). The map is then guarded, and handed out, as its own.
   *
   * @param users the classes (binary names) whose methods access the map
   */
  public static boolean keptForItsUser(String holder, boolean isStatic, String user, java.util.Collection<String> users) {
    return !isStatic && !holder.equals(user) && topLevel(holder).equals(topLevel(user))
        && !users.isEmpty() && users.stream().allMatch(user::equals);
  }

  private static String topLevel(String className) {
    int nested = className.indexOf('$');
    return nested < 0 ? className : className.substring(0, nested);
  }

  /** In {@link #needsLock}: a value stored into the field that is a parameter of the storing method. */
  public static final String CALLERS_MAP = "";

  /**
   * Whether a map field needs a lock for concurrent use: its known classes are all not thread-safe; or it holds
   * callers' maps beside maps of its own: every value stored into it is a caller's map or a construction of a
   * class that is not thread-safe, one at least is such a construction (a field that only ever holds callers'
   * maps may hold synchronized or concurrent ones: precision first), its declared type is a map type that
   * promises no thread-safety, and no other class can store into it (the field is private or final). Not when the
   * field is republished: after construction it is given a map that is neither new nor a caller's (a copy made
   * from it, {@code map = temp} after {@code temp = map.clone(); temp.put(..)}): that is copy-on-write, whose
   * readers traverse a snapshot no writer changes (commons-collections' {@code FastHashMap}).
   *
   * @param classes the classes stored into the field, when known
   * @param stored otherwise, each value stored: the class constructed, {@link #CALLERS_MAP}, or null for any other
   * @param republished whether a value other than a construction or a parameter is stored after construction
   */
  public static boolean needsLock(Optional<List<String>> classes, List<String> stored, boolean republished,
      String declaredType, boolean privateOrFinal, TypeHierarchy hierarchy) {
    if (republished) {
      return false;
    }
    if (classes.isPresent()) {
      return classes.get().stream().allMatch(c -> MapTypes.isNotThreadSafe(c, hierarchy));
    }
    return privateOrFinal
        && stored.stream().anyMatch(v -> v != null && !v.equals(CALLERS_MAP))
        && stored.stream().allMatch(v -> v != null && (v.equals(CALLERS_MAP) || MapTypes.isNotThreadSafe(v, hierarchy)))
        && (declaredType.equals(MAP) || hierarchy.isSubtype(declaredType, MAP))
        && !MapTypes.isConcurrentMap(declaredType, hierarchy)
        && !MapTypes.isSelfLockedMapType(declaredType, hierarchy);
  }

  /** The lock that guards a map, and the evidence for it. */
  public static final class Guard {
    private final String lock;
    private final String evidence;

    Guard(String lock, String evidence) {
      this.lock = lock;
      this.evidence = evidence;
    }

    /** The lock's simple name. */
    public String lock() {
      return lock;
    }

    /** Why it guards the map: {@code @GuardedBy}, or {@code held at every write}. */
    public String evidence() {
      return evidence;
    }
  }

  /**
   * The lock that guards a map, from the writes made after construction (none: no guard, a map filled once and
   * then only read needs no lock). A {@code @GuardedBy} lock counts when it is seen held at one of those writes at
   * least: then the lock model can identify it (a lock it does not understand, such as Guava's {@code Monitor},
   * would make every access look unlocked). Otherwise the one lock held (in any mode) at every write; when several
   * are, the first by name, for deterministic messages. Otherwise the map's own monitor when some write holds it and
   * no write holds another lock: {@code synchronized (map)} around a write says which lock the author means, as
   * {@code @GuardedBy("itself")} would (the writes made without it are then unguarded ones, not evidence against it).
   *
   * @param annotated the lock a {@code @GuardedBy} on the field names, if any
   * @param ownMonitor the name the map's own monitor has among the locks (the field's name)
   * @param writes the field's writes outside constructors and initializers
   * @param locksAt the simple names of the locks held at a write
   */
  public static <W> Optional<Guard> of(
      Optional<String> annotated, String ownMonitor, List<W> writes, Function<W, Set<String>> locksAt) {
    if (annotated.isPresent()) {
      return writes.stream().anyMatch(w -> locksAt.apply(w).contains(annotated.get()))
          ? Optional.of(new Guard(annotated.get(), "@GuardedBy"))
          : Optional.empty();
    }
    Set<String> common = null;
    for (W write : writes) {
      Set<String> held = locksAt.apply(write);
      if (common == null) {
        common = new HashSet<>(held);
      } else {
        common.retainAll(held);
      }
    }
    if (common == null) {
      return Optional.empty();
    }
    if (common.isEmpty() && writes.stream().anyMatch(w -> locksAt.apply(w).contains(ownMonitor))
        && writes.stream().allMatch(w -> locksAt.apply(w).stream().allMatch(ownMonitor::equals))) {
      return Optional.of(new Guard(ownMonitor, "its own monitor, held at some writes and no other lock at any"));
    }
    return new TreeSet<>(common).stream().findFirst().map(lock -> new Guard(lock, "held at every write"));
  }

  /**
   * Whether a lock belongs to one call: a local variable or parameter, or one captured by a lambda or an inner
   * class ({@code synchronized (future)} in a listener; javac names the inner class's copy {@code val$future}).
   * It is not an object the field's owner guards its state with, so holding it at every write says nothing about
   * the field; the engines leave such locks out of {@link #of}.
   */
  public static boolean isPerCallLock(String name, boolean localVariable) {
    return localVariable || name.startsWith("val$") || name.contains(".val$");
  }
}
