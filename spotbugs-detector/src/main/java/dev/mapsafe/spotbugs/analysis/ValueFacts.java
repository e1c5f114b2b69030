package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CreatedValues;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.mapapi.ValueTypes;
import dev.mapsafe.knowledge.threads.HandOffs;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.bcel.generic.INVOKEDYNAMIC;

/**
 * What one method shows about the values maps hold and where values go: the shallow copies it makes
 * ({@link ShallowCopies}), the values it hands to another thread or a callback ({@link HandOffs}), and the map
 * fields whose values it shows to be mutable (it puts a new container there to be filled, or changes a value it
 * gets). Part of {@link MapValues}' scan, reading its origins.
 */
public final class ValueFacts {

  /** A value given to a call that hands it to another thread or a callback ({@link HandOffs}). */
  public static final class HandedOff {
    public final Origin value;
    /** What the call does with it, for messages, with its line. */
    public final String handOff;

    HandedOff(Origin value, String handOff) {
      this.value = value;
      this.handOff = handOff;
    }
  }

  private final Map<ValueNumber, Origin> origins;
  private final ShallowCopies copies;
  private final List<HandedOff> handOffs = new ArrayList<>();
  private final Set<XField> valuesShownMutable = new HashSet<>();

  ValueFacts(Map<ValueNumber, Origin> origins) {
    this.origins = origins;
    this.copies = new ShallowCopies(origins);
  }

  /** The shallow copy an origin is (or is an unmodifiable view of), or null. */
  ShallowCopies.Copy copyOf(Origin origin) {
    return copies.of(origin);
  }

  List<HandedOff> handOffs() {
    return handOffs;
  }

  /** Map fields whose values the method shows to be mutable. */
  Set<XField> valuesShownMutable() {
    return valuesShownMutable;
  }

  /** A function object made by invokedynamic: a copying value function, for {@link ShallowCopies}. */
  void functionObject(ValueNumber value, INVOKEDYNAMIC invoke) {
    copies.functionObject(value, invoke);
  }

  /** A call of the map or collection API at {@code line}. */
  void called(ClassContext context, ApiMethod call, ValueNumber receiver, ValueNumber result, ValueNumber[] args,
      SourceLineAnnotation line, TypeHierarchy hierarchy) {
    copies.note(context, call, receiver, result, args, line, hierarchy);
    Optional<String> handOff = HandOffs.of(call.owner(), call.name(), hierarchy);
    if (handOff.isPresent()) {
      for (ValueNumber arg : args) {
        if (origins.get(arg) != null) {
          handOffs.add(new HandedOff(origins.get(arg), handOff.get() + " at line " + line.getStartLine()));
        }
      }
    }
    Origin on = receiver == null ? null : origins.get(receiver);
    if ((call.name().equals("put") || call.name().equals("putIfAbsent")) && args.length == 2
        && on instanceof Origin.FieldLoad && origins.get(args[1]) instanceof Origin.Constructed
        && CreatedValues.isMutableContainer(((Origin.Constructed) origins.get(args[1])).className(), hierarchy)) {
      valuesShownMutable.add(((Origin.FieldLoad) on).field()); // put(k, new ArrayList<>()): there to be filled
    }
    if (ValueTypes.mutatesInPlace(call.name())) {
      changedInPlace(on); // field.get(k).add(v), field.computeIfAbsent(k, ..).add(v)
    }
  }

  /** Notes the map field whose value {@code changed} is, when it is one ({@code field.get(k)}). */
  void changedInPlace(Origin changed) {
    if (changed instanceof Origin.MethodResult
        && List.of("get", "getOrDefault", "computeIfAbsent").contains(((Origin.MethodResult) changed).method().getName())
        && ((Origin.MethodResult) changed).receiver() != null
        && origins.get(((Origin.MethodResult) changed).receiver()) instanceof Origin.FieldLoad) {
      valuesShownMutable.add(((Origin.FieldLoad) origins.get(((Origin.MethodResult) changed).receiver())).field());
    }
  }
}
