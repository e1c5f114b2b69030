package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Guards;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.util.ClassName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which map classes a field holds, from every class of the analysis: its declared type when that is a class,
 * otherwise the classes constructed and stored into it, when every value stored into it is such a construction
 * (or a map factory's result, {@code Maps.newHashMap()}) and no code outside the analysis can store into it (it is final, or not public: the analysed classes are
 * taken as the whole package and the whole hierarchy); each branch of a choice ({@code c ? new A() : new B()}) is a
 * value stored ({@link MapValues.FieldStore#choiceAt}). A constructor's parameter stored into it stands for the
 * maps its callers pass there, when the analysis sees callers and each passes a map it constructed (or collected
 * into a map of known class). An immutable empty map ({@code Map.of()}, {@code Collections.emptyMap()}) stored there
 * is a placeholder: the maps that replace it are the field's. The bytecode counterpart of the Error Prone analysis
 * of that name.
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

  /** For each field, the constructor parameters stored into it ({@link ConstructorArguments#key}). */
  private final Map<XField, List<String>> constructorParameters = new HashMap<>();
  /** What the constructors' callers ({@code new}, {@code this(..)}, {@code super(..)}) give their parameters. */
  private final ConstructorArguments arguments = new ConstructorArguments();

  public void add(MapValues method) {
    arguments.add(method);
    for (MapValues.FieldStore store : method.stores()) {
      if (store.parameter != null && method.method().getName().equals("<init>")) {
        constructorParameters.computeIfAbsent(store.field, f -> new ArrayList<>())
            .add(ConstructorArguments.key(method.method().getMethodDescriptor(), store.parameterIndex));
      } else if (!store.storesPlaceholder) { // Map.of() until a mutable map replaces it: no write reaches it
        stored.computeIfAbsent(store.field, f -> new ArrayList<>()).add(store.value);
      }
      String kind = store.parameter != null ? Guards.CALLERS_MAP : madeClass(store.value);
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
    List<String> parameters = constructorParameters.getOrDefault(field, List.of());
    for (Origin value : stored.getOrDefault(field, List.of())) {
      String made = madeClass(value);
      if (made == null) {
        return Optional.empty();
      }
      classes.add(made);
    }
    for (String parameter : parameters) { // a constructor's parameter: the maps its callers pass
      List<String> given = new ArrayList<>();
      arguments.givenTo(parameter).forEach(g -> given.add(g.constructed));
      if (given.isEmpty() || given.contains(null)) {
        return Optional.empty();
      }
      classes.addAll(given);
    }
    return classes.isEmpty() ? Optional.empty() : Optional.of(classes.stream().distinct().collect(Collectors.toList()));
  }

  /**
   * The class of the new map a value is: constructed with {@code new} (or collected into a known map), or returned by a
   * map factory ({@code Maps.newHashMap()}, {@link MapTypes#factoryMapClass}); null for any other value.
   */
  private static String madeClass(Origin value) {
    if (value instanceof Origin.Constructed) {
      return ((Origin.Constructed) value).className();
    }
    return value instanceof Origin.MethodResult
        ? MapTypes.factoryMapClass(BytecodeApi.call(((Origin.MethodResult) value).method().getMethodDescriptor()))
            .orElse(null)
        : null;
  }

  /**
   * Whether every call of the constructor in the analysis (one at least) passes, for the parameter, a map it has just
   * constructed: the field then holds a map its object's makers made for it, not one they share.
   */
  public boolean givenNewMaps(MethodDescriptor constructor, int parameterIndex) {
    List<String> given = arguments.constructedFor(constructor, parameterIndex);
    return !given.isEmpty() && !given.contains(null);
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
