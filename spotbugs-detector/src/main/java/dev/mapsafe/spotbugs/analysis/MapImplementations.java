package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Guards;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.util.ClassName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which map classes a field holds, from every class of the analysis: its declared type when that is a class,
 * otherwise the classes constructed and stored into it, when every value stored into it is such a construction
 * and no code outside the analysis can store into it (it is final, or not public: the analysed classes are
 * taken as the whole package and the whole hierarchy). The bytecode counterpart of the Error Prone analysis of that name.
 */
public final class MapImplementations {
  private final TypeHierarchy hierarchy;
  private final Map<XField, List<Origin>> stored = new HashMap<>();
  /** Each value stored into a field, as {@link Guards#needsLock} takes it. */
  private final Map<XField, List<String>> storedKinds = new HashMap<>();
  /** Fields a method other than a constructor gives a map that is neither new nor a parameter (copy-on-write). */
  private final Set<XField> republished = new HashSet<>();

  public MapImplementations(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  public void add(MapValues method) {
    for (MapValues.FieldStore store : method.stores()) {
      stored.computeIfAbsent(store.field, f -> new ArrayList<>()).add(store.value);
      String kind = store.parameter != null ? Guards.CALLERS_MAP
          : store.value instanceof Origin.Constructed ? ((Origin.Constructed) store.value).className() : null;
      storedKinds.computeIfAbsent(store.field, f -> new ArrayList<>()).add(kind);
      String name = method.method().getName();
      if (kind == null && !store.storesNull && !name.equals("<init>") && !name.equals("<clinit>")) {
        republished.add(store.field);
      }
    }
  }

  /** Binary class names, or empty when they cannot be known. */
  public Optional<List<String>> of(XField field) {
    String declared = ClassName.fromFieldSignatureToDottedClassName(field.getSignature());
    if (declared != null && isConcreteClass(declared)) {
      return Optional.of(List.of(declared));
    }
    if (field.isPublic() && !field.isFinal()) {
      return Optional.empty(); // code outside the analysed classes may assign it
    }
    List<String> classes = new ArrayList<>();
    for (Origin value : stored.getOrDefault(field, List.of())) {
      if (!(value instanceof Origin.Constructed)) {
        return Optional.empty();
      }
      classes.add(((Origin.Constructed) value).className());
    }
    return classes.isEmpty() ? Optional.empty() : Optional.of(classes);
  }

  /** Whether a method other than a constructor stores into the field a map that is neither new nor a parameter. */
  public boolean republished(XField field) {
    return republished.contains(field);
  }

  /** Each value stored into the field: the class constructed, {@link Guards#CALLERS_MAP}, or null for others. */
  public List<String> storedKinds(XField field) {
    return storedKinds.getOrDefault(field, List.of());
  }

  /** Whether some map stored into the field was constructed with a last argument {@code true} (accessOrder). */
  public boolean lastBooleanArgumentTrue(XField field) {
    return stored.getOrDefault(field, List.of()).stream()
        .anyMatch(o -> o instanceof Origin.Constructed && ((Origin.Constructed) o).lastBooleanArgumentTrue());
  }

  /**
   * Whether the declared type is the class of every value: not an interface ({@code Map}, {@code ConcurrentMap},
   * a project's own) nor abstract. A class SpotBugs cannot load is taken as concrete unless it is a supertype of
   * {@code Map}.
   */
  private boolean isConcreteClass(String type) {
    return BytecodeApi.isConcreteClass(type)
        .orElseGet(() -> !hierarchy.isSubtype("java.util.Map", type) && !type.equals("java.util.Map"));
  }
}
