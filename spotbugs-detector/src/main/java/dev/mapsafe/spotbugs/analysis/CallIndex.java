package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every call site of the analysed code, with its calling method, by the callee's name and signature: the calls that
 * may run a method whatever class they name (an override, an inherited method). The Error Prone engine finds the
 * same in its compilation-wide {@code Declarations}.
 */
final class CallIndex {
  private final TypeHierarchy hierarchy;
  private final Map<String, List<Map.Entry<MethodDescriptor, MapValues.CallSite>>> byName = new HashMap<>();

  CallIndex(TypeHierarchy hierarchy) {
    this.hierarchy = hierarchy;
  }

  void add(MethodDescriptor caller, MapValues.CallSite call) {
    byName.computeIfAbsent(call.callee.getName() + call.callee.getSignature(), k -> new ArrayList<>())
        .add(Map.entry(caller, call));
  }

  /** The calls naming a method of this name and signature, on any class. */
  List<Map.Entry<MethodDescriptor, MapValues.CallSite>> named(MethodDescriptor m) {
    return byName.getOrDefault(m.getName() + m.getSignature(), List.of());
  }

  /** The calls that may run the method: its name and signature, on its class, a subclass or a superclass. */
  List<Map.Entry<MethodDescriptor, MapValues.CallSite>> to(MethodDescriptor m) {
    List<Map.Entry<MethodDescriptor, MapValues.CallSite>> calls = new ArrayList<>();
    String owner = dotted(m);
    for (Map.Entry<MethodDescriptor, MapValues.CallSite> call : named(m)) {
      String named = dotted(call.getValue().callee);
      if (named.equals(owner) || hierarchy.isSubtype(owner, named) || hierarchy.isSubtype(named, owner)) {
        calls.add(call);
      }
    }
    return calls;
  }

  static String dotted(MethodDescriptor m) {
    return m.getSlashedClassName().replace('/', '.');
  }
}
