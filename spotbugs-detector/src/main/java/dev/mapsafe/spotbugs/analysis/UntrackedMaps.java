package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import java.util.HashMap;
import java.util.Map;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ALOAD;

/**
 * The maps a method calls whose source {@link MapValues} does not track (parameters, locals merging a parameter
 * and a new map), and the views made on them: enough to tell that a walk and a removal are on the same map.
 */
final class UntrackedMaps {
  private final Map<ValueNumber, Origin> maps = new HashMap<>();
  /** Where each value was first loaded from a local variable ({@code aload}): its name, looked up when needed. */
  private final Map<ValueNumber, Location> loads = new HashMap<>();

  void loaded(ValueNumber value, Location load) {
    loads.putIfAbsent(value, load);
  }

  /**
   * A call of {@code name} on the map {@code receiver} of unknown source, through {@code type}: makes the map
   * known, and the view the call returns.
   */
  void called(Method method, ValueNumber receiver, ApiMethod call, Effect effect, ValueNumber result,
      TypeHierarchy hierarchy) {
    Origin map = maps.computeIfAbsent(receiver, v -> new Origin.Untracked(call.owner(), nameOf(method, v), v));
    if (effect.kind() == MapEffect.VIEW && result != null) {
      maps.putIfAbsent(result, new Origin.View(map, call.name(), true, false, MapApi.makesEntryView(call, hierarchy),
          result));
    }
  }

  /** Whether the value is a view made on an untracked map (further calls on it make views of that map). */
  boolean isView(ValueNumber value) {
    return maps.get(value) instanceof Origin.View;
  }

  Origin of(ValueNumber value) {
    return maps.get(value);
  }

  private String nameOf(Method method, ValueNumber value) {
    Location load = loads.get(value);
    return load == null ? null : MapValues.localName(method, ((ALOAD) load.getHandle().getInstruction()).getIndex(),
        load.getHandle().getPosition()).orElse(null);
  }
}
