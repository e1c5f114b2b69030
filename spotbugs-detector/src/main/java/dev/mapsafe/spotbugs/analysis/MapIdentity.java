package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.SharedInstances;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.XFactory;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.InvokeInstruction;

/**
 * Which object each reference value of one method is: its {@link Origin} (a field load, a map made here, a
 * synchronized wrapper, a view, a method's result, a class literal), the maps of unknown source told apart
 * ({@link UntrackedMaps}), and the constants a store may choose ({@code null}, {@code Map.of()}). Fed instruction by
 * instruction by {@link MapValues}. The bytecode counterpart of Error Prone's {@code MapIdentity}.
 */
final class MapIdentity {
  private final Map<ValueNumber, Origin> origins = new HashMap<>();
  private final UntrackedMaps untracked = new UntrackedMaps();
  private final Set<ValueNumber> nulls = new HashSet<>();
  private final Set<ValueNumber> trues = new HashSet<>();
  /** Values that are immutable empty maps ({@code Map.of()}): placeholders when stored into a field. */
  private final Set<ValueNumber> placeholders = new HashSet<>();
  /** Values that hold an object this method constructed ({@code Optional.of(new X())}), with its class. */
  private final Map<ValueNumber, String> heldNew = new HashMap<>();
  /** Collectors of known maps ({@code Collectors.toMap(k, v)}): the class of the map each one collects into. */
  private final Map<ValueNumber, String> mapCollectors = new HashMap<>();
  /** The method's {@code this}, null in a static method. */
  private final ValueNumber thisValue;

  MapIdentity(ValueNumber thisValue) {
    this.thisValue = thisValue;
  }

  /** The origin of a value, or null when unknown. */
  Origin originOf(ValueNumber value) {
    return origins.get(value);
  }

  /** Every value's origin, as the analysis goes on (read only). */
  Map<ValueNumber, Origin> origins() {
    return Collections.unmodifiableMap(origins);
  }

  /** The origin of a value, or else an {@link Origin.Untracked} map (or view of one) that tells it apart. */
  Origin identityOf(ValueNumber value) {
    Origin view = untracked.of(value); // a view of such a map also has a MethodResult origin: the view says more
    return view != null ? view : origins.get(value);
  }

  boolean isThis(ValueNumber value) {
    return value != null && value.equals(thisValue);
  }

  boolean isNull(ValueNumber value) {
    return nulls.contains(value);
  }

  /** Whether the value is an immutable empty map ({@code Map.of()}). */
  boolean isPlaceholder(ValueNumber value) {
    return placeholders.contains(value);
  }

  /** The class of the object this method constructed that the value holds ({@code Optional.of(new X())}), or null. */
  String heldNewOf(ValueNumber value) {
    return heldNew.get(value);
  }

  void fieldLoaded(XField field, ValueNumber base, ValueNumber value) {
    origins.putIfAbsent(value, new Origin.FieldLoad(field, base, isThis(base), value));
  }

  void classLiteral(String className, ValueNumber value) {
    origins.put(value, new Origin.ClassLiteral(className, value));
  }

  void nullLoaded(ValueNumber value) {
    nulls.add(value);
  }

  void trueLoaded(ValueNumber value) {
    trues.add(value);
  }

  /** A value loaded from a local: named if it turns out to be a map of unknown source. */
  void localLoaded(ValueNumber value, Location load) {
    untracked.loaded(value, load);
  }

  /**
   * A call of a map effect on {@code operand} that has no origin, or is a view of such a map: makes it known as an
   * untracked map (a parameter, a merged local), and the view it returns.
   */
  void untrackedMapCalled(Method method, ValueNumber operand, ApiMethod api, Effect effect, ValueNumber result,
      TypeHierarchy hierarchy) {
    untracked.called(method, operand, api, effect, result, hierarchy);
  }

  boolean isUntrackedView(ValueNumber value) {
    return untracked.isView(value);
  }

  /** A live view of {@code subject} that the call returns ({@code keySet}, {@code unmodifiableMap}). */
  void viewMade(ValueNumber result, Origin subject, ApiMethod api, Effect effect, InvokeInstruction invoke,
      ConstantPoolGen cpg, TypeHierarchy hierarchy) {
    String owner = invoke.getClassName(cpg);
    String viewCall = effect.operand().isReceiver() ? invoke.getMethodName(cpg)
        : owner.substring(owner.lastIndexOf('.') + 1) + "." + invoke.getMethodName(cpg);
    origins.put(result, new Origin.View(subject, viewCall, effect.operand().isReceiver(),
        MapApi.viewWalksByIterator(api), MapApi.makesEntryView(api, hierarchy), result));
  }

  /**
   * What a call's receiver or result is, once its effects are seen: a synchronized wrapper, a map constructed here
   * (or self-locked), a stream collected into a map of a known class, a method's result, a field an accessor reads;
   * and the placeholders and holders of new objects it returns.
   */
  void called(InvokeInstruction invoke, ConstantPoolGen cpg, MethodDescriptor callee, ApiMethod call,
      ValueNumber receiver, ValueNumber[] args, ValueNumber result, Location location, TypeHierarchy hierarchy) {
    if (result != null && MapTypes.isEmptyPlaceholder(BytecodeApi.call(callee))) {
      placeholders.add(result);
    }
    if (result != null && receiver == null && args.length == 1 && origins.get(args[0]) instanceof Origin.Constructed
        && SharedInstances.holdsArgument(callee.getSlashedClassName().replace('/', '.'), callee.getName())) {
      heldNew.put(result, ((Origin.Constructed) origins.get(args[0])).className());
    }
    if (call != null) {
      made(invoke, cpg, call, receiver, args, result, location, hierarchy);
    }
    if (result != null) {
      SyntheticAccessors.fieldReadBy(invoke, cpg).ifPresent(field -> {
        ValueNumber base = field.isStatic() || args.length == 0 ? null : args[0];
        origins.put(result, new Origin.FieldLoad(field, base, isThis(base), result));
      });
    }
  }

  private void made(InvokeInstruction invoke, ConstantPoolGen cpg, ApiMethod call, ValueNumber receiver,
      ValueNumber[] args, ValueNumber result, Location location, TypeHierarchy hierarchy) {
    if (MapTypes.createsSynchronizedWrapper(call) && result != null) {
      origins.put(result, new Origin.Created(MapTypes.wrapperDescription(call), true, result));
    } else if (call.kind() == CallKind.CONSTRUCTOR && receiver != null
        && MapTypes.isSelfLockedMapType(call.owner(), hierarchy)) {
      origins.put(receiver, new Origin.Created(selfLockedKind(call.owner()), false, receiver));
    } else if (call.kind() == CallKind.CONSTRUCTOR && receiver != null && !origins.containsKey(receiver)) {
      int lastBoolean = call.params().lastIndexOf("boolean");
      boolean lastTrue = lastBoolean >= 0 && lastBoolean < args.length && trues.contains(args[lastBoolean]);
      origins.put(receiver, new Origin.Constructed(call.owner(), lastTrue, receiver, location));
    } else if (result != null && call.kind() == CallKind.STATIC && call.owner().equals(MapTypes.COLLECTORS)) {
      MapTypes.collectedMapClass(call.name(), args.length).ifPresent(c -> mapCollectors.put(result, c));
    } else if (result != null && !origins.containsKey(result) && call.name().equals("collect") && args.length == 1
        && mapCollectors.containsKey(args[0]) && (call.owner().equals("java.util.stream.Stream")
            || hierarchy.isSubtype(call.owner(), "java.util.stream.Stream"))) {
      // a stream collected into a map of a known class: as good as constructing one here
      origins.put(result, new Origin.Constructed(mapCollectors.get(args[0]), false, result, location));
    } else if (result != null && !origins.containsKey(result)) {
      origins.put(
          result, new Origin.MethodResult(XFactory.createXMethod(invoke, cpg), receiver, isThis(receiver), result));
    }
  }

  private static String selfLockedKind(String owner) {
    return owner.equals(MapTypes.HASHTABLE) || owner.contains("$") ? "Hashtable" : owner.substring(owner.lastIndexOf('.') + 1);
  }
}
