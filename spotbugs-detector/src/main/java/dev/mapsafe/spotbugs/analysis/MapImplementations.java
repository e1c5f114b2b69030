package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Guards;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.util.ClassName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which map classes a field holds, from every class of the analysis: its declared type when that is a class,
 * otherwise the classes constructed and stored into it, when every value stored into it is such a construction
 * (or a map factory's result, {@code Maps.newHashMap()}, or a private method's whose every return is one of
 * these) and no code outside the analysis can store into it (it is final, or not public: the analysed classes are
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
  /** Each store into a field other than a constructor's of its parameter, with whether a constructor made it. */
  private final Map<XField, List<Map.Entry<MapValues.FieldStore, Boolean>>> stores = new HashMap<>();
  /** What each private method of the analysis returns: a private factory of maps returns new ones. */
  private final Map<MethodDescriptor, List<Origin>> privateReturns = new HashMap<>();

  public MapImplementations(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  /** For each field, the constructor parameters stored into it ({@link ConstructorArguments#key}). */
  private final Map<XField, List<String>> constructorParameters = new HashMap<>();
  /** What the constructors' callers ({@code new}, {@code this(..)}, {@code super(..)}) give their parameters. */
  private final ConstructorArguments arguments = new ConstructorArguments();

  public void add(MapValues method) {
    arguments.add(method);
    if (method.method().isPrivate() && !method.returns().isEmpty()) {
      privateReturns.put(method.method().getMethodDescriptor(), method.returns());
    }
    String name = method.method().getName();
    for (MapValues.FieldStore store : method.stores()) {
      if (store.parameter != null && name.equals("<init>")) {
        constructorParameters.computeIfAbsent(store.field, f -> new ArrayList<>())
            .add(ConstructorArguments.key(method.method().getMethodDescriptor(), store.parameterIndex));
      } else if (!store.storesPlaceholder) { // Map.of() until a mutable map replaces it: no write reaches it
        stored.computeIfAbsent(store.field, f -> new ArrayList<>()).add(store.value);
      }
      stores.computeIfAbsent(store.field, f -> new ArrayList<>())
          .add(Map.entry(store, name.equals("<init>") || name.equals("<clinit>")));
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
      List<String> made = madeClasses(value);
      if (made.isEmpty()) {
        return Optional.empty();
      }
      classes.addAll(made);
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
   * The classes of the new map a value is: constructed with {@code new} (or collected into a known map), returned by a
   * map factory ({@code Maps.newHashMap()}, {@link MapTypes#factoryMapClass}), or by a private method of the analysis
   * whose every return is one of those; empty for any other value.
   */
  private List<String> madeClasses(Origin value) {
    List<String> made = new ArrayList<>();
    if (value instanceof Origin.MethodResult) {
      MethodDescriptor method = ((Origin.MethodResult) value).method().getMethodDescriptor();
      for (Origin returned : privateReturns.getOrDefault(method, List.of())) {
        String one = madeClass(returned);
        if (one == null) {
          return List.of();
        }
        made.add(one);
      }
    }
    if (made.isEmpty()) {
      String one = madeClass(value);
      return one == null ? List.of() : List.of(one);
    }
    return made.stream().distinct().collect(Collectors.toList());
  }

  /** The class of a map made with {@code new} or a map factory, or null. */
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
    return stores.getOrDefault(field, List.of()).stream()
        .anyMatch(s -> !s.getValue() && kind(s.getKey()) == null && !s.getKey().storesNull);
  }

  /** Each value stored into the field: the class made, {@link Guards#CALLERS_MAP}, or null for others. */
  public List<String> storedKinds(XField field) {
    List<String> kinds = new ArrayList<>();
    stores.getOrDefault(field, List.of()).forEach(s -> kinds.add(kind(s.getKey())));
    return kinds;
  }

  /** A store as {@link Guards#needsLock} takes it: a caller's map, the one class of a new map, or null. */
  private String kind(MapValues.FieldStore store) {
    if (store.parameter != null) {
      return Guards.CALLERS_MAP;
    }
    List<String> made = madeClasses(store.value);
    return made.size() == 1 ? made.get(0) : null;
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
