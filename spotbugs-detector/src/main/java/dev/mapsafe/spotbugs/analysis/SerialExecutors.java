package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.threads.TaskLaunchers;
import edu.umd.cs.findbugs.ba.XField;
import java.util.HashMap;
import java.util.Map;

/**
 * The executor fields of the analysed code that only ever hold an executor running its tasks one at a time on one
 * thread ({@code worker = Executors.newSingleThreadExecutor()}): tasks given to one never overlap each other. Decided
 * once every store into the field has been seen. The Error Prone engine answers the same question in its
 * {@code ThreadReach}.
 */
final class SerialExecutors {
  /** For each field stored into, whether every store is a serial executor's factory call. */
  private final Map<XField, Boolean> serial = new HashMap<>();

  void add(MapValues method) {
    for (MapValues.FieldStore store : method.stores()) {
      boolean made = store.value instanceof Origin.MethodResult && TaskLaunchers.makesSerialExecutor(
          ((Origin.MethodResult) store.value).method().getClassName(),
          ((Origin.MethodResult) store.value).method().getName());
      serial.merge(store.field, made, Boolean::logicalAnd);
    }
  }

  /** Whether the field holds only serial executors. */
  boolean serial(XField field) {
    return serial.getOrDefault(field, false);
  }
}
