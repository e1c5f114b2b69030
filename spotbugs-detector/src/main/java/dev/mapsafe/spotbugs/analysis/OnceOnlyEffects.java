package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.CreatedValues;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import edu.umd.cs.findbugs.ba.Location;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.bcel.Const;
import org.apache.bcel.generic.InstructionHandle;

/**
 * The methods of one class that make a call which must not run twice ({@link CreatedValues#onceOnlyEffect}: a
 * thread started, a task launched, a counter's number used), directly or through other methods of the class: a
 * value created through such a helper makes that happen twice when two threads create it at once. The bytecode
 * counterpart of the Error Prone analysis's walk of the helpers a creation calls ({@code KeyedCalls}).
 */
public final class OnceOnlyEffects {
  private final Map<MethodDescriptor, String> effects = new HashMap<>();

  private OnceOnlyEffects() {}

  /** Nothing known: no helper makes such a call. */
  public static OnceOnlyEffects none() {
    return new OnceOnlyEffects();
  }

  /** The helpers of one class, from the facts of its methods. */
  public static OnceOnlyEffects ofClass(Collection<MapValues> methods, TypeHierarchy hierarchy) {
    OnceOnlyEffects result = new OnceOnlyEffects();
    for (MapValues method : methods) {
      for (MapValues.CallSite call : method.callSites()) {
        Optional<String> effect = direct(call.callee.getClassDescriptor().getDottedClassName(), call.callee.getName(),
            resultUsed(call.location, !call.callee.getSignature().endsWith(")V")), hierarchy);
        if (effect.isPresent()) {
          result.effects.putIfAbsent(method.method().getMethodDescriptor(), effect.get());
          break;
        }
      }
    }
    for (boolean changed = true; changed; ) { // through helpers of the class, to a fixpoint
      changed = false;
      for (MapValues method : methods) {
        MethodDescriptor self = method.method().getMethodDescriptor();
        for (MapValues.CallSite call : result.effects.containsKey(self) ? List.<MapValues.CallSite>of()
            : method.callSites()) {
          if (result.effects.containsKey(call.callee)) {
            result.effects.put(self, result.effects.get(call.callee));
            changed = true;
            break;
          }
        }
      }
    }
    return result;
  }

  /** What a call of the method does, inside it, that must happen once; empty when nothing. */
  public Optional<String> of(MethodDescriptor method) {
    return Optional.ofNullable(effects.get(method));
  }

  /** What a call of {@code owner.name} does that must happen once ({@link CreatedValues#onceOnlyEffect}). */
  public static Optional<String> direct(String owner, String name, boolean resultUsed, TypeHierarchy hierarchy) {
    return CreatedValues.onceOnlyEffect(owner, name, resultUsed, hierarchy);
  }

  /** Whether the value a call returns is used: it returns one, and the next instruction does not drop it. */
  public static boolean resultUsed(Location call, boolean returnsValue) {
    InstructionHandle next = call.getHandle().getNext();
    return returnsValue && next != null
        && next.getInstruction().getOpcode() != Const.POP && next.getInstruction().getOpcode() != Const.POP2;
  }
}
