package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Publication;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one method publishes to other threads without a lock, as the vocabulary of {@link Publication} names it:
 * values stored into {@code volatile} fields or given to a publishing call ({@code ref.set(v)}, the initial value of
 * a new {@code AtomicReference} stored into a field), and the functions given to update calls
 * ({@code ref.updateAndGet(f)}). Part of {@link MapValues}' scan; the Error Prone engine answers the same questions
 * in its {@code Snapshots}.
 */
public final class Publications {

  /**
   * A value handed to other threads without a lock: stored into a {@code volatile} field, or given to a call that
   * publishes it ({@code ref.set(v)}); {@code field} is the field, or {@code reference} the origin of the
   * reference object, and {@code call} the publishing call.
   */
  public static final class PublishedValue {
    public final Origin value;
    public final XField field;
    public final Origin reference;
    public final String call;
    public final Location location;
    public final SourceLineAnnotation line;
    /** The monitors held there, and whether {@code this} is one. */
    public final List<Origin> heldOrigins;
    public final boolean thisHeld;

    PublishedValue(Origin value, XField field, Origin reference, String call, Location location,
        SourceLineAnnotation line, List<Origin> heldOrigins, boolean thisHeld) {
      this.value = value;
      this.field = field;
      this.reference = reference;
      this.heldOrigins = heldOrigins;
      this.thisHeld = thisHeld;
      this.call = call;
      this.location = location;
      this.line = line;
    }
  }

  /**
   * A function object given to an update call ({@code ref.updateAndGet(f)}) that passes the current value as the
   * function's first parameter: the bodies it runs, and where that parameter is among their parameters.
   */
  public static final class UpdateFunction {
    public final List<MethodDescriptor> bodies;
    public final int parameter;
    public final Origin reference;
    public final String call;

    UpdateFunction(List<MethodDescriptor> bodies, int parameter, Origin reference, String call) {
      this.bodies = bodies;
      this.parameter = parameter;
      this.reference = reference;
      this.call = call;
    }
  }

  /** Values given to a new {@code AtomicReference}, by the reference's value number. */
  private final Map<ValueNumber, Origin> atomicInitialValues = new HashMap<>();
  private final List<PublishedValue> published = new ArrayList<>();
  private final List<UpdateFunction> updateFunctions = new ArrayList<>();

  List<PublishedValue> published() {
    return published;
  }

  List<UpdateFunction> updateFunctions() {
    return updateFunctions;
  }

  /** Notes a store of {@code value} (of origin {@code origin}, may be null) into a reference field. */
  void stored(XField field, ValueNumber value, Origin origin, Location location, SourceLineAnnotation line,
      List<Origin> heldOrigins, boolean thisHeld) {
    if (atomicInitialValues.containsKey(value)) { // field = new AtomicReference<>(initial): initial is published
      published.add(new PublishedValue(atomicInitialValues.get(value), null,
          new Origin.FieldLoad(field, null, true, value), "<init>", location, line, heldOrigins, thisHeld));
    }
    if (field.isVolatile() && origin != null) {
      published.add(new PublishedValue(origin, field, null, null, location, line, heldOrigins, thisHeld));
    }
  }

  /**
   * Notes a call on {@code receiver}: a new {@code AtomicReference}'s initial value, a publishing call's value, an
   * update call's function ({@code functions} says what each function object runs and captures).
   */
  void called(ApiMethod call, ValueNumber receiver, ValueNumber[] args, Map<ValueNumber, Origin> origins,
      FunctionObjects functions, Location location, SourceLineAnnotation line, List<Origin> heldOrigins, boolean thisHeld,
      TypeHierarchy hierarchy) {
    if (call.kind() == CallKind.CONSTRUCTOR && args.length == 1 && origins.get(args[0]) != null
        && Publication.isAtomicReference(call.owner(), hierarchy)) {
      atomicInitialValues.put(receiver, origins.get(args[0]));
    }
    int value = Publication.publishedArgument(call.owner(), call.name(), hierarchy);
    if (value >= 0 && value < args.length && origins.get(args[value]) != null) {
      published.add(new PublishedValue(origins.get(args[value]), null, origins.get(receiver), call.name(), location,
          line, heldOrigins, thisHeld));
    }
    int function = Publication.updateFunction(call.owner(), call.name(), hierarchy);
    if (function >= 0 && function < args.length && functions.isFunction(args[function])) {
      updateFunctions.add(new UpdateFunction(functions.bodiesOf(args[function]),
          functions.capturedBy(args[function]).size(), origins.get(receiver), call.name()));
    }
  }
}
