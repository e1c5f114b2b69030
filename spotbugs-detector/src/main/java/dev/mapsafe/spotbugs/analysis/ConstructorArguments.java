package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every call of a constructor in the analysis ({@code new}, {@code this(..)}, {@code super(..)}) gives each of
 * its parameters, and the instance fields each parameter is stored into: the one index of constructor arguments that
 * {@link MapImplementations} (the maps callers make for a field), {@link BackReferences} (fields given their maker's
 * {@code this}) and UnguardedSharedMap (components kept through constructors) ask.
 */
public final class ConstructorArguments {

  /** What one call gives a parameter. */
  public static final class Given {
    /** The class of the object the caller constructed there, or null. */
    public final String constructed;
    /** Whether it is the caller's own {@code this}. */
    public final boolean self;
    /** Whether it is the constant null. */
    public final boolean none;
    /** The calling constructor's parameter passed on ({@code super(registry)}), as a {@link #key}, or null. */
    public final String passedOn;

    Given(String constructed, boolean self, boolean none, String passedOn) {
      this.constructed = constructed;
      this.self = self;
      this.none = none;
      this.passedOn = passedOn;
    }
  }

  private final Map<String, List<Given>> given = new HashMap<>();
  private final Map<String, List<XField>> storedInto = new HashMap<>();

  public void add(MapValues method) {
    MethodDescriptor self = method.method().getMethodDescriptor();
    boolean constructor = self.getName().equals("<init>");
    for (MapValues.CallSite call : method.callSites()) {
      if (!call.callee.getName().equals("<init>")) {
        continue;
      }
      for (int i = 0; i < call.argumentBodies.size(); i++) {
        given.computeIfAbsent(key(call.callee, i), k -> new ArrayList<>()).add(new Given(
            call.constructedArguments.get(i), call.thisArguments.contains(i), call.nullArguments.contains(i),
            constructor ? passedParameter(method, call, i) : null));
      }
    }
    if (constructor) {
      for (MapValues.FieldStore store : method.stores()) {
        if (store.parameterIndex >= 0 && !store.field.isStatic()) {
          storedInto.computeIfAbsent(key(self, store.parameterIndex), k -> new ArrayList<>()).add(store.field);
        }
      }
    }
  }

  /** The calling constructor's parameter the call passes on as argument {@code i}, as a key, or null. */
  private static String passedParameter(MapValues method, MapValues.CallSite call, int i) {
    for (ParameterUses.ParameterPass pass : method.parameterPasses()) {
      if (pass.argument == i && pass.callee.equals(call.callee) && pass.location.equals(call.location)) {
        return key(method.method().getMethodDescriptor(), pass.parameter);
      }
    }
    return null;
  }

  /** What each call of the constructor in the analysis gives the parameter, by its {@link #key}. */
  public List<Given> givenTo(String parameter) {
    return given.getOrDefault(parameter, List.of());
  }

  /** The classes of the objects the callers construct for the parameter (null for a call giving another value). */
  public List<String> constructedFor(MethodDescriptor constructor, int parameterIndex) {
    List<String> classes = new ArrayList<>();
    givenTo(key(constructor, parameterIndex)).forEach(g -> classes.add(g.constructed));
    return classes;
  }

  /**
   * The objects callers construct and pass straight to a constructor that stores them (a builder's product kept by
   * what it builds): each constructed class with a field it is kept in.
   */
  public List<Map.Entry<String, XField>> keptConstructedObjects() {
    List<Map.Entry<String, XField>> kept = new ArrayList<>();
    given.forEach((parameter, calls) -> calls.stream().map(g -> g.constructed).filter(Objects::nonNull).distinct()
        .forEach(made -> storedInto.getOrDefault(parameter, List.of()).forEach(f -> kept.add(Map.entry(made, f)))));
    return kept;
  }

  /** A constructor's parameter, as a key: its class, signature and index. */
  public static String key(MethodDescriptor constructor, int parameterIndex) {
    return constructor.getSlashedClassName() + "." + constructor.getSignature() + "#" + parameterIndex;
  }
}
