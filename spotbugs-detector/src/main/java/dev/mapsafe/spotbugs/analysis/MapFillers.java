package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The methods of one class that put entries into each of its map fields themselves: a call of one, where a key was
 * found missing, creates the entry there (a get-or-create whose put sits in a helper). The Error Prone counterpart
 * is {@code KeyedCalls.fillsWhenMissing}.
 */
public final class MapFillers {
  private final Map<MethodDescriptor, Set<XField>> filled = new HashMap<>();

  private MapFillers() {}

  /** The fillers of one class, from the facts of its methods. */
  public static MapFillers ofClass(Collection<MapValues> methods, TypeHierarchy hierarchy) {
    MapFillers result = new MapFillers();
    for (MapValues method : methods) {
      for (MapValues.Access access : method.accesses()) {
        KeyUse use = access.effect.operand().isReceiver()
            ? MapApi.keyUse(access.effect.fact(), hierarchy).orElse(null) : null;
        if ((use == KeyUse.STORE || use == KeyUse.STORE_IF_ABSENT) && access.subject.root() instanceof Origin.FieldLoad) {
          result.filled.computeIfAbsent(method.method().getMethodDescriptor(), m -> new HashSet<>())
              .add(((Origin.FieldLoad) access.subject.root()).field());
        }
      }
    }
    return result;
  }

  /** Whether a call of {@code callee} puts an entry into the map of {@code field}. */
  public boolean fills(MethodDescriptor callee, XField field) {
    return filled.getOrDefault(callee, Set.of()).contains(field);
  }
}
