package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.Effect;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one method does with the values it receives as parameters: the calls it makes on them, the map effects it has
 * on them, the calls it passes them on to, and which ones escape (stored, captured, passed on), by each parameter's
 * entry value. Part of a method's {@link MapValues}; {@link MapSummaries} and {@link CallerLocks} read it.
 */
public final class ParameterUses {
  /**
   * A call on one of the method's parameters ({@code body.get()} in a {@code withRead(Supplier)} helper), with
   * the monitors held there.
   */
  public static final class ParameterCall {
    public final int parameter;
    public final Location location;
    public final List<Origin> heldOrigins;
    public final boolean thisHeld;

    ParameterCall(int parameter, Location location, List<Origin> heldOrigins, boolean thisHeld) {
      this.parameter = parameter;
      this.location = location;
      this.heldOrigins = heldOrigins;
      this.thisHeld = thisHeld;
    }
  }

  /**
   * A read, write or traversal of a map (or view, or collection) the method received as a parameter, with the
   * monitors held there: what {@link MapSummaries} says a call of the method does to the map it passes.
   */
  public static final class ParameterEffect {
    public final int parameter;
    public final String name;
    public final Effect effect;
    public final SourceLineAnnotation line;
    public final Location location;
    public final boolean monitorHeld;

    ParameterEffect(int parameter, String name, Effect effect, SourceLineAnnotation line, Location location,
        boolean monitorHeld) {
      this.parameter = parameter;
      this.name = name;
      this.effect = effect;
      this.line = line;
      this.location = location;
      this.monitorHeld = monitorHeld;
    }
  }

  /**
   * A parameter of the method passed on as argument {@code argument} of a call of {@code callee}, with whether a
   * monitor is held there.
   */
  public static final class ParameterPass {
    public final int parameter;
    public final MethodDescriptor callee;
    public final int argument;
    public final SourceLineAnnotation line;
    public final Location location;
    public final boolean monitorHeld;

    ParameterPass(int parameter, MethodDescriptor callee, int argument, SourceLineAnnotation line,
        Location location, boolean monitorHeld) {
      this.parameter = parameter;
      this.callee = callee;
      this.argument = argument;
      this.line = line;
      this.location = location;
      this.monitorHeld = monitorHeld;
    }
  }

  /** The entry values of the parameters, with their names (or {@code arg0..} without debug information). */
  private final Map<ValueNumber, String> names = new HashMap<>();
  private final Map<ValueNumber, Integer> indexes = new HashMap<>();
  private final List<ParameterCall> calls = new ArrayList<>();
  private final List<ParameterEffect> effects = new ArrayList<>();
  private final List<ParameterPass> passes = new ArrayList<>();
  /** Parameters passed to a call, stored or captured: their function objects may run anywhere. */
  private final Set<Integer> escaped = new HashSet<>();

  void declare(ValueNumber entry, int index, String name) {
    names.put(entry, name);
    indexes.put(entry, index);
  }

  boolean isParameter(ValueNumber value) {
    return value != null && indexes.containsKey(value);
  }

  /** The parameter's name, or null when the value is none. */
  String nameOf(ValueNumber value) {
    return names.get(value);
  }

  /** The parameter's index, or -1 when the value is none. */
  int indexOf(ValueNumber value) {
    return indexes.getOrDefault(value, -1);
  }

  /** The value is stored or captured: when it is a parameter, its function object may run anywhere. */
  void escaped(ValueNumber value) {
    if (isParameter(value)) {
      escaped.add(indexes.get(value));
    }
  }

  void called(ValueNumber receiver, Location location, List<Origin> heldOrigins, boolean thisHeld) {
    calls.add(new ParameterCall(indexes.get(receiver), location, heldOrigins, thisHeld));
  }

  void passed(ValueNumber argument, MethodDescriptor callee, int index, SourceLineAnnotation line, Location location,
      boolean monitorHeld) {
    escaped(argument);
    passes.add(new ParameterPass(indexes.get(argument), callee, index, line, location, monitorHeld));
  }

  void affected(ValueNumber operand, Effect effect, SourceLineAnnotation line, Location location,
      boolean monitorHeld) {
    effects.add(new ParameterEffect(indexes.get(operand), names.get(operand), effect, line, location, monitorHeld));
  }

  /** The calls on parameters whose function objects run only there (not passed on, stored or captured). */
  List<ParameterCall> callsRunningOnlyHere() {
    List<ParameterCall> result = new ArrayList<>();
    for (ParameterCall call : calls) {
      if (!escaped.contains(call.parameter)) {
        result.add(call);
      }
    }
    return result;
  }

  List<ParameterEffect> effects() {
    return effects;
  }

  List<ParameterPass> passes() {
    return passes;
  }
}
