package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.XMethod;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import java.util.Objects;

/** Where a reference value of a method comes from, as far as the map analyses care. */
public abstract class Origin {
  private final ValueNumber value;

  Origin(ValueNumber value) {
    this.value = value;
  }

  /** The value number of this value in its method; null for the field a {@link MapDelegates} call stands for. */
  public ValueNumber value() {
    return value;
  }

  /** The map a view chain starts from; the origin itself when it is not a view. */
  public Origin root() {
    return this;
  }

  /** Whether two origins of one method are views of (or are) the same map object. */
  public static boolean sameObject(Origin a, Origin b) {
    Origin x = a.root();
    Origin y = b.root();
    return x.value() != null && x.value().equals(y.value())
        || (x instanceof FieldLoad && y instanceof FieldLoad && ((FieldLoad) x).sameFieldOfSameObject((FieldLoad) y));
  }

  /** How the source code names the value, for messages. */
  public abstract String display();

  /** A value loaded from a field; {@code base} is the object's value number, null for a static field. */
  public static final class FieldLoad extends Origin {
    private final XField field;
    private final ValueNumber base;
    private final boolean onThis;

    FieldLoad(XField field, ValueNumber base, boolean onThis, ValueNumber value) {
      super(value);
      this.field = field;
      this.base = base;
      this.onThis = onThis;
    }

    public XField field() {
      return field;
    }

    /** Whether both denote the same field of the same object. */
    public boolean sameFieldOfSameObject(FieldLoad other) {
      return field.equals(other.field) && Objects.equals(base, other.base);
    }

    /** Whether the field is read from {@code this} (or an inner class's enclosing instance). */
    public boolean onThis() {
      return onThis;
    }

    /**
     * Whether both denote the same field of the same object when they come from different methods: a
     * static field, or an instance field of {@code this} in both (a lambda body and its creator share it).
     */
    public boolean sameFieldOfThis(FieldLoad other) {
      return field.equals(other.field) && (field.isStatic() || (onThis && other.onThis));
    }

    @Override
    public String display() {
      return field.getName();
    }
  }

  /**
   * A map created in the method; {@code kind} says what makes it self-locked, {@code deliberate} whether it is
   * a synchronized wrapper (chosen for sharing) rather than a type that merely locks (a Hashtable).
   */
  public static final class Created extends Origin {
    private final String kind;
    private final boolean deliberate;
    private String name;

    Created(String kind, boolean deliberate, ValueNumber value) {
      super(value);
      this.kind = kind;
      this.deliberate = deliberate;
    }

    public String kind() {
      return kind;
    }

    public boolean deliberate() {
      return deliberate;
    }

    void nameIfUnnamed(String localName) {
      if (name == null) {
        name = localName;
      }
    }

    @Override
    public String display() {
      return name != null ? name : "a new " + kind;
    }
  }

  /** The object whose method this is, when its class is a map ({@code super.get(key)} in a LinkedHashMap subclass). */
  public static final class This extends Origin {
    private final String className;

    This(String className, ValueNumber value) {
      super(value);
      this.className = className;
    }

    @Override
    public String display() {
      return "this " + className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }
  }

  /**
   * A map the method holds whose source is not tracked (a parameter, a local that merges several values), known
   * only by its value and the type the code calls it through. Kept apart from the other origins: only the
   * analyses of one method's own walks ask for it ({@link MapValues#identityOf}).
   */
  public static final class Untracked extends Origin {
    private final String type;
    private final String name;

    Untracked(String type, String name, ValueNumber value) {
      super(value);
      this.type = type;
      this.name = name;
    }

    /** The class or interface the method calls the map through ({@code java.util.Map}). */
    public String type() {
      return type;
    }

    @Override
    public String display() {
      return name != null ? name : "a map";
    }
  }

  /** A class literal ({@code Foo.class}); as a monitor, the lock of Foo's static synchronized methods. */
  public static final class ClassLiteral extends Origin {
    private final String className;

    ClassLiteral(String className, ValueNumber value) {
      super(value);
      this.className = className;
    }

    public String className() {
      return className;
    }

    @Override
    public String display() {
      return className.substring(className.lastIndexOf('.') + 1) + ".class";
    }
  }

  /** An object constructed in the method with {@code new}, of a class that is not self-locked. */
  public static final class Constructed extends Origin {
    private final String className;
    private final boolean lastBooleanArgumentTrue;
    private final Location constructedAt;
    private String localName;

    Constructed(String className, boolean lastBooleanArgumentTrue, ValueNumber value, Location constructedAt) {
      super(value);
      this.className = className;
      this.lastBooleanArgumentTrue = lastBooleanArgumentTrue;
      this.constructedAt = constructedAt;
    }

    public String className() {
      return className;
    }

    /**
     * Whether the constructor's last {@code boolean} argument was the constant {@code true}: for a
     * {@code LinkedHashMap} (or an anonymous subclass, whose constructor passes its arguments on before the values
     * it captures) that is {@code accessOrder}.
     */
    public boolean lastBooleanArgumentTrue() {
      return lastBooleanArgumentTrue;
    }

    /** The local variable the object was first stored in (from the LocalVariableTable), or null. */
    public String localName() {
      return localName;
    }

    void nameIfUnnamed(String name) {
      if (localName == null) {
        localName = name;
      }
    }

    /** The constructor call, in the method that made the object. */
    Location constructedAt() {
      return constructedAt;
    }

    @Override
    public String display() {
      return "a new " + className.substring(className.lastIndexOf('.') + 1);
    }
  }

  /** The result of calling a method that may return a shared map; {@code receiver} is null for static. */
  public static final class MethodResult extends Origin {
    private final XMethod method;
    private final ValueNumber receiver;
    private final boolean onThis;

    MethodResult(XMethod method, ValueNumber receiver, boolean onThis, ValueNumber value) {
      super(value);
      this.method = method;
      this.receiver = receiver;
      this.onThis = onThis;
    }

    public XMethod method() {
      return method;
    }

    public ValueNumber receiver() {
      return receiver;
    }

    /** Whether the method was called on {@code this}. */
    public boolean onThis() {
      return onThis;
    }

    @Override
    public String display() {
      return method.getName() + "()";
    }
  }

  /** A live view of another origin, made by {@code call} ({@code keySet}, {@code unmodifiableSet}, ...). */
  public static final class View extends Origin {
    private final Origin of;
    private final String call;
    private final boolean onReceiver;
    private final boolean walksByIterator;
    private final boolean entries;

    View(Origin of, String call, boolean onReceiver, boolean walksByIterator, boolean entries, ValueNumber value) {
      super(value);
      this.of = of;
      this.call = call;
      this.onReceiver = onReceiver;
      this.walksByIterator = walksByIterator;
      this.entries = entries;
    }

    /** Whether this is the map's own {@code entrySet()} ({@link dev.mapsafe.knowledge.mapapi.MapApi#makesEntryView}). */
    public boolean isEntryView() {
      return entries;
    }

    /**
     * Whether this view, or one it is made from, walks its map by iterator in its own bulk operations
     * ({@link dev.mapsafe.knowledge.mapapi.MapApi#viewWalksByIterator}).
     */
    public boolean walksByIterator() {
      return walksByIterator || of instanceof View && ((View) of).walksByIterator();
    }

    /** The viewed origin. */
    public Origin of() {
      return of;
    }

    /** The call that made the view ({@code keySet}; a wrapper's with its class, {@code Collections.unmodifiableMap}). */
    public String call() {
      return call;
    }

    /** Whether the view was made by a call on the viewed map ({@code keySet}) rather than a wrapper around it. */
    public boolean onReceiver() {
      return onReceiver;
    }

    @Override
    public Origin root() {
      return of.root();
    }

    @Override
    public String display() {
      return onReceiver ? of.display() + "." + call + "()" : call + "(" + of.display() + ")";
    }
  }
}
