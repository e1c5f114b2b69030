package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.util.ClassName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, once every class of the analysis has been seen, which origins are self-locked maps
 * ({@code Collections.synchronized*} wrappers, {@code Hashtable}): the bytecode counterpart of the Error
 * Prone engine's analysis of the same name, with the same rules. A field counts when its declared type is
 * self-locked, or when it is private or final and every value stored into it creates a wrapper. A map
 * created in a method counts only when it escapes the method. A method result counts when the method cannot
 * be overridden and always returns one self-locked field.
 */
public final class SelfLockedMaps {

  /** What makes a map self-locked; {@code deliberate} for a synchronized wrapper, false for a Hashtable. */
  public static final class Kind {
    public final String description;
    public final boolean deliberate;

    Kind(String description, boolean deliberate) {
      this.description = description;
      this.deliberate = deliberate;
    }
  }

  /** A self-locked map: the object it is (for lock matching), what makes it self-locked, its field if any. */
  public static final class Resolved {
    public final Origin identity;
    public final Kind kind;
    public final XField field;

    Resolved(Origin identity, Kind kind, XField field) {
      this.identity = identity;
      this.kind = kind;
      this.field = field;
    }
  }

  private final TypeHierarchy hierarchy;
  private final Map<XField, List<Origin>> storedValues = new HashMap<>();
  private final Map<XMethod, List<Origin>> returnedValues = new HashMap<>();
  private final List<Origin> monitored = new ArrayList<>();

  public SelfLockedMaps(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  public void add(MapValues method) {
    for (MapValues.FieldStore store : method.stores()) {
      storedValues.computeIfAbsent(store.field, f -> new ArrayList<>()).add(store.value);
    }
    returnedValues.computeIfAbsent(method.method(), m -> new ArrayList<>()).addAll(method.returns());
    monitored.addAll(method.monitored());
  }

  /**
   * Whether some {@code synchronized (...)} of the analysed code locks the map (its field, directly or through
   * an accessor, or the created map itself): the author treats it as shared.
   */
  public boolean isLockedSomewhere(Resolved map) {
    for (Origin locked : monitored) {
      if (locked == map.identity) {
        return true;
      }
      Optional<Origin.FieldLoad> field = asField(locked);
      if (field.isPresent() && map.field != null && field.get().field().equals(map.field)) {
        return true;
      }
    }
    return false;
  }

  /** The self-locked map behind a traversed subject of {@code where}, or empty. */
  public Optional<Resolved> resolve(Origin subject, MapValues where) {
    Origin root = subject.root();
    if (root instanceof Origin.Created) {
      Origin.Created created = (Origin.Created) root;
      return where.escapes(created)
          ? Optional.of(new Resolved(created, new Kind(created.kind(), created.deliberate()), null))
          : Optional.empty();
    }
    if (root instanceof Origin.FieldLoad) {
      Origin.FieldLoad load = (Origin.FieldLoad) root;
      return fieldKind(load.field()).map(kind -> new Resolved(load, kind, load.field()));
    }
    if (root instanceof Origin.MethodResult) {
      Origin.MethodResult result = (Origin.MethodResult) root;
      XMethod called = result.method();
      if (called.isStatic() && called.getNumParams() == 0) {
        Optional<String> properties = MapTypes.systemPropertiesBeforeJdk9(
            new ApiMethod(CallKind.STATIC, called.getClassName(), called.getName(), List.of()), where.classVersion());
        if (properties.isPresent()) {
          return Optional.of(new Resolved(result, new Kind(properties.get(), true), null));
        }
      }
      return accessedField(result.method())
          .flatMap(field -> fieldKind(field).map(kind ->
              new Resolved(
                  new Origin.FieldLoad(field, result.receiver(), result.onThis(), result.value()), kind, field)));
    }
    return Optional.empty();
  }

  /** Whether {@code held}, a monitor held in the same method, is the resolved map (a re-load, an accessor). */
  public boolean sameObject(Origin held, Resolved map) {
    if (held.value().equals(map.identity.value())) {
      return true;
    }
    Optional<Origin.FieldLoad> heldField = asField(held);
    return heldField.isPresent()
        && map.identity instanceof Origin.FieldLoad
        && heldField.get().sameFieldOfSameObject((Origin.FieldLoad) map.identity);
  }

  /**
   * Whether {@code held}, a monitor held in another method that runs the map's method inline (a lambda's
   * creator), is the resolved map: the same static field, or the same field of {@code this}.
   */
  public boolean sameObjectFromCaller(Origin held, Resolved map) {
    Optional<Origin.FieldLoad> heldField = asField(held);
    return heldField.isPresent()
        && map.identity instanceof Origin.FieldLoad
        && heldField.get().sameFieldOfThis((Origin.FieldLoad) map.identity);
  }

  /** A field load, or an accessor call standing for the field it returns. */
  private Optional<Origin.FieldLoad> asField(Origin origin) {
    if (origin instanceof Origin.FieldLoad) {
      return Optional.of((Origin.FieldLoad) origin);
    }
    if (origin instanceof Origin.MethodResult) {
      Origin.MethodResult call = (Origin.MethodResult) origin;
      return accessedField(call.method())
          .map(field -> new Origin.FieldLoad(field, call.receiver(), call.onThis(), call.value()));
    }
    return Optional.empty();
  }

  private Optional<Kind> fieldKind(XField field) {
    String type = ClassName.fromFieldSignatureToDottedClassName(field.getSignature());
    if (type != null && MapTypes.isSelfLockedMapType(type, hierarchy)) {
      return Optional.of(new Kind(type.substring(type.lastIndexOf('.') + 1), false));
    }
    if (!field.isPrivate() && !field.isFinal()) {
      return Optional.empty(); // other classes may assign it
    }
    List<Origin> values = storedValues.getOrDefault(field, List.of());
    Kind kind = null;
    for (Origin value : values) {
      if (!(value instanceof Origin.Created)) {
        return Optional.empty();
      }
      Origin.Created created = (Origin.Created) value;
      kind = kind == null ? new Kind(created.kind(), created.deliberate()) : kind;
    }
    return Optional.ofNullable(kind);
  }

  /** The one field a non-overridable method of the analysed code always returns. */
  private Optional<XField> accessedField(XMethod method) {
    List<Origin> returned = returnedValues.get(method);
    if (returned == null || returned.isEmpty() || !(method.isPrivate() || method.isStatic() || method.isFinal())) {
      return Optional.empty();
    }
    XField field = null;
    for (Origin o : returned) {
      if (!(o instanceof Origin.FieldLoad) || (field != null && !field.equals(((Origin.FieldLoad) o).field()))) {
        return Optional.empty();
      }
      field = ((Origin.FieldLoad) o).field();
    }
    return Optional.ofNullable(field);
  }
}
