package dev.mapsafe.knowledge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.CallKind;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.Traversal;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Vector;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Checks every traversal claim of the map API model against the JDK that runs the test: a synchronized
 * wrapper around a probe map records, for each walk of its entries, whether the walking thread held the
 * wrapper's monitor. EXTERNAL must walk without it, INTERNAL only with it. Run on JDK 25 by CI; the same
 * test passed on JDK 17 (see the closing note of the foundation issue for the command).
 */
class TraversalBehaviourTest {
  /** A map whose entries record each walk over them, and whether the wrapper's monitor was held. */
  static final class ProbeMap extends AbstractMap<String, String> {
    final List<Map.Entry<String, String>> entries =
        new ArrayList<>(List.of(new SimpleEntry<>("k1", "v1")));
    final List<Boolean> walks = new ArrayList<>();
    Object monitor;

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, String>> iterator() {
          walks.add(Thread.holdsLock(monitor));
          return entries.iterator();
        }

        @Override
        public int size() {
          return entries.size();
        }
      };
    }
  }

  /** Concrete receivers for instance facts whose owner is a type, for testing an argument's traversal. */
  private static Object receiverFor(String owner) {
    switch (owner) {
      case "java.util.Map": return new HashMap<String, String>();
      case "java.util.AbstractCollection": return new HashSet<>(List.of("k1"));
      case "java.util.ArrayList": return new ArrayList<String>();
      case "java.util.LinkedList": return new LinkedList<String>();
      case "java.util.Vector": return new Vector<String>();
      case "java.util.ArrayDeque": return new ArrayDeque<String>();
      default: return null;
    }
  }

  @Test
  void everyTraversalClaimHoldsOnThisJdk() throws Exception {
    int checked = 0;
    List<String> failures = new ArrayList<>();
    for (Map.Entry<ApiMethod, List<Effect>> fact : MapApi.facts().entrySet()) {
      for (Effect effect : fact.getValue()) {
        if (effect.kind() != MapEffect.ITERATE) {
          continue;
        }
        ProbeMap probe = new ProbeMap();
        Map<String, String> wrapper = Collections.synchronizedMap(probe);
        probe.monitor = wrapper;
        if (!run(fact.getKey(), effect, wrapper)) {
          continue; // a form this test cannot build (sorted maps, enum keys, Hashtable receivers)
        }
        checked++;
        boolean external = probe.walks.contains(false);
        boolean internal = !probe.walks.isEmpty() && !external;
        if (effect.traversal() == Traversal.EXTERNAL ? !external : !internal) {
          failures.add(fact.getKey().display() + " " + effect + ": walks with monitor held = " + probe.walks);
        }
      }
    }
    assertTrue(failures.isEmpty(), "the JDK disagrees with the model:\n" + String.join("\n", failures));
    assertTrue(checked >= 40, "only " + checked + " traversal facts could be checked");
  }

  /** Makes the call with the wrapper (or its key set) as the operand; false when it cannot. */
  private static boolean run(ApiMethod api, Effect effect, Map<String, String> wrapper) throws Exception {
    if (api.owner().equals("java.util.EnumMap")) {
      return false; // needs enum keys; its copy constructor is putAll, checked through Map.putAll
    }
    Class<?> owner = Class.forName(api.owner());
    Class<?>[] params = new Class<?>[api.params().size()];
    for (int i = 0; i < params.length; i++) {
      params[i] = JdkHierarchy.classOf(api.params().get(i));
    }
    Object[] args = new Object[params.length];
    for (int i = 0; i < params.length; i++) {
      boolean operand = !effect.operand().isReceiver() && effect.operand().argIndex() == i;
      args[i] = operand ? operandFor(params[i], wrapper) : neutralFor(params[i], owner);
      if (args[i] == null) {
        return false;
      }
    }
    Object result;
    try {
      if (api.kind() == CallKind.CONSTRUCTOR) {
        Constructor<?> c = owner.getConstructor(params);
        result = c.newInstance(args);
      } else {
        Method m = owner.getMethod(api.name(), params);
        Object receiver =
            api.kind() == CallKind.STATIC
                ? null
                : effect.operand().isReceiver() ? operandFor(owner, wrapper) : receiverFor(api.owner());
        if (api.kind() == CallKind.INSTANCE && receiver == null) {
          return false;
        }
        result = m.invoke(receiver, args);
      }
    } catch (InvocationTargetException e) {
      throw new AssertionError(api.display() + " threw", e.getCause());
    }
    consume(result); // an iterator, spliterator or stream walks when used, after the call returned
    return true;
  }

  private static Object operandFor(Class<?> type, Map<String, String> wrapper) {
    if (type.isInstance(wrapper)) {
      return wrapper;
    }
    Set<String> keys = wrapper.keySet(); // a synchronized view sharing the wrapper's mutex
    return type.isInstance(keys) ? keys : null;
  }

  /** An argument that makes the call do its full work: {@code equals} gets an equal map or set. */
  private static Object neutralFor(Class<?> type, Class<?> owner) {
    if (type == Object.class) {
      return Collection.class.isAssignableFrom(owner) ? Set.of("k1") : Map.of("k1", "v1");
    }
    if (type == CharSequence.class) {
      return ",";
    }
    if (type == Comparator.class) {
      return Comparator.naturalOrder();
    }
    if (type == Object[].class) {
      return new Object[0];
    }
    if (type == Collection.class) {
      return List.of("k1");
    }
    if (type == java.util.function.IntFunction.class) {
      return (java.util.function.IntFunction<Object[]>) Object[]::new;
    }
    if (type == java.util.function.Consumer.class) {
      return (java.util.function.Consumer<Object>) x -> { };
    }
    if (type == java.util.function.BiConsumer.class) {
      return (java.util.function.BiConsumer<Object, Object>) (k, v) -> { };
    }
    if (type == java.util.function.Predicate.class) {
      return (java.util.function.Predicate<Object>) x -> false;
    }
    if (type == java.util.function.BiFunction.class) {
      return (java.util.function.BiFunction<Object, Object, Object>) (k, v) -> v;
    }
    return null;
  }

  private static void consume(Object result) {
    if (result instanceof Iterator) {
      ((Iterator<?>) result).hasNext();
    } else if (result instanceof Spliterator) {
      ((Spliterator<?>) result).forEachRemaining(x -> { });
    } else if (result instanceof Stream) {
      ((Stream<?>) result).forEach(x -> { });
    }
  }

  @Test
  void theProbeSeesBothKinds() {
    ProbeMap probe = new ProbeMap();
    Map<String, String> wrapper = Collections.synchronizedMap(probe);
    probe.monitor = wrapper;
    new HashMap<>(wrapper);
    assertTrue(probe.walks.contains(false), "an unsynchronized walk must be seen");
    probe.walks.clear();
    Map.copyOf(wrapper);
    assertFalse(probe.walks.isEmpty() || probe.walks.contains(false), "a synchronized walk must be seen");
  }
}
