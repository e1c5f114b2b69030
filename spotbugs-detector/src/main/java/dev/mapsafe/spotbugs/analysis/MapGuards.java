package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Guards;
import dev.mapsafe.knowledge.threads.Overlap;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.util.ClassName;
import edu.umd.cs.findbugs.classfile.analysis.AnnotationValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which lock guards a map field, over all analysed classes: the bytecode counterpart of the Error Prone analysis
 * of the same name, deciding with the same rules ({@link Guards}) on the accesses and locks of {@link Races}.
 */
public final class MapGuards {

  /** A guard: the lock's simple name, why it guards the map, and the map's writes after construction. */
  public static final class Guard {
    public final String lock;
    public final String evidence;
    public final List<Races.Site> writes;

    Guard(String lock, String evidence, List<Races.Site> writes) {
      this.lock = lock;
      this.evidence = evidence;
      this.writes = writes;
    }

    /** For messages: {@code lock (held at every write)}. */
    public String describe() {
      return lock + " (" + evidence + ")";
    }

    /** Whether one of these lock names is this guard's. */
    public boolean heldAmong(Collection<String> lockNames) {
      return lockNames.stream().anyMatch(l -> HeldLocks.display(l).equals(lock));
    }
  }

  private final Races races;
  private final MapImplementations implementations;
  private final TypeHierarchy hierarchy;
  private final Map<XField, Optional<Guard>> known = new HashMap<>();

  public MapGuards(Races races, MapImplementations implementations, TypeHierarchy hierarchy) {
    this.races = races;
    this.implementations = implementations;
    this.hierarchy = hierarchy;
  }

  /** The guard of a field's map, once every class has been added to the races and implementations. */
  public Optional<Guard> of(XField field) {
    return known.computeIfAbsent(field, this::compute);
  }

  private Optional<Guard> compute(XField field) {
    if (field.isVolatile() || field.isSynthetic()) {
      return Optional.empty();
    }
    Optional<String> annotated = guardedBy(field.getAnnotations(), field.getName());
    // An annotation is the author's word even when the map's class is unknown.
    if (!needsLock(field)
        && (annotated.isEmpty() || implementations.of(field).isPresent() || implementations.republished(field))) {
      return Optional.empty();
    }
    List<Races.Site> writes = writesWhileInUse(field);
    return Guards.of(annotated, field.getName(), writes, MapGuards::simpleNames)
        .map(g -> new Guard(g.lock(), g.evidence(), writes));
  }

  /** Whether the field's map needs a lock for concurrent use ({@link Guards#needsLock}). */
  public boolean needsLock(XField field) {
    String declared = ClassName.fromFieldSignatureToDottedClassName(field.getSignature());
    return declared != null
        && Guards.needsLock(implementations.of(field), implementations.storedKinds(field),
            implementations.republished(field), declared,
            field.isPrivate() || field.isFinal(), hierarchy);
  }

  /**
   * The writes of a field's map that may run while its object is in use: not those of its construction, nor those
   * only in methods a contract orders with its use (set-up, tear-down, test hooks: {@code Overlap.Kind.LIFECYCLE}).
   * A map written only there needs no lock, and a lock every other write holds guards it.
   */
  public List<Races.Site> writesWhileInUse(XField field) {
    List<Races.Site> writes = new ArrayList<>();
    for (Races.Site site : races.sitesOf(field)) {
      if (site.kind() == MapEffect.WRITE && site.contexts.stream()
          .anyMatch(c -> c.kind() != Overlap.Kind.CONSTRUCTION && c.kind() != Overlap.Kind.LIFECYCLE)) {
        writes.add(site);
      }
    }
    return writes;
  }

  /** Whether the site runs only while its object or class is constructed. */
  public static boolean constructionOnly(Races.Site site) {
    return site.contexts.stream().allMatch(c -> c.kind() == Overlap.Kind.CONSTRUCTION);
  }

  /** The lock a {@code @GuardedBy} among the annotations (of a field, or of a method whose callers hold it) names. */
  static Optional<String> guardedBy(Collection<AnnotationValue> annotations, String fieldName) {
    for (AnnotationValue a : annotations) {
      if (Guards.isGuardedBy(a.getAnnotationClass().getDottedClassName())) {
        Object value = a.getValue("value");
        if (value instanceof Object[] && ((Object[]) value).length > 0) {
          value = ((Object[]) value)[0];
        }
        return value == null ? Optional.empty() : Guards.lockNamedBy(value.toString(), fieldName);
      }
    }
    return Optional.empty();
  }

  /** The locks held at a site, as the messages name them; locks of one call ({@link Guards#isPerCallLock}) left out. */
  private static Set<String> simpleNames(Races.Site site) {
    Set<String> names = new HashSet<>();
    site.locks.stream().map(HeldLocks::display).filter(l -> !Guards.isPerCallLock(l, false)).forEach(names::add);
    return names;
  }
}
