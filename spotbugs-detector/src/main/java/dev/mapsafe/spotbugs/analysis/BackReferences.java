package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fields that point back to the object that made theirs: final or private fields the source declares (not an inner
 * class's enclosing instance), assigned only by constructors, from a parameter that every
 * call of the constructor in the analysis gives its own {@code this} ({@code new Stream(id, this)}) or null, directly
 * or through {@code this(..)} and {@code super(..)}. A call through such a field acts on the maker: a task that reaches
 * it runs the maker's method on the task's thread. The bytecode counterpart of the Error Prone analysis of that name.
 */
public final class BackReferences {
  private static final int MAX_CHAIN = 4;

  /** For each field, the constructor parameters stored into it ({@link MapImplementations#parameterKey}). */
  private final Map<XField, List<String>> fromConstructorParameters = new HashMap<>();
  /** Fields something other than a constructor's parameter is stored into. */
  private final Set<XField> storedOtherwise = new HashSet<>();
  /**
   * For each constructor parameter, what each call gives there: {@link #THIS}, {@link #NULL}, the calling
   * constructor's parameter ({@code super(registry)}: its key), or {@link #OTHER}.
   */
  private final Map<String, List<String>> given = new HashMap<>();

  private static final String THIS = "this";
  private static final String OTHER = "other";
  /** The constant null: no object, so no call through the field is made on another one. */
  private static final String NULL = "null";

  public void add(MapValues method) {
    MethodDescriptor self = method.method().getMethodDescriptor();
    boolean constructor = self.getName().equals("<init>");
    for (MapValues.FieldStore store : method.stores()) {
      if (constructor && store.parameter != null && !store.field.isStatic()) {
        fromConstructorParameters.computeIfAbsent(store.field, f -> new ArrayList<>())
            .add(MapImplementations.parameterKey(self, store.parameterIndex));
      } else {
        storedOtherwise.add(store.field);
      }
    }
    for (MapValues.CallSite call : method.callSites()) {
      if (!call.callee.getName().equals("<init>")) {
        continue;
      }
      int arguments = call.argumentBodies.size();
      for (int i = 0; i < arguments; i++) {
        given.computeIfAbsent(MapImplementations.parameterKey(call.callee, i), k -> new ArrayList<>())
            .add(call.thisArguments.contains(i) ? THIS
                : call.nullArguments.contains(i) ? NULL : passedParameter(method, call, i));
      }
    }
  }

  /** The key of the calling constructor's parameter the call passes on as argument {@code i}, or {@link #OTHER}. */
  private static String passedParameter(MapValues method, MapValues.CallSite call, int i) {
    if (!method.method().getName().equals("<init>")) {
      return OTHER;
    }
    for (ParameterUses.ParameterPass pass : method.parameterPasses()) {
      if (pass.argument == i && pass.callee.equals(call.callee) && pass.location.equals(call.location)) {
        return MapImplementations.parameterKey(method.method().getMethodDescriptor(), pass.parameter);
      }
    }
    return OTHER;
  }

  /** Whether the field points back to the object that made the field's own (see the class comment). */
  public boolean pointsBack(XField field) {
    List<String> parameters = fromConstructorParameters.get(field);
    return parameters != null && !field.isStatic() && !field.isSynthetic() && (field.isFinal() || field.isPrivate())
        && !storedOtherwise.contains(field)
        && parameters.stream().allMatch(p -> givenThis(p, 0));
  }

  private boolean givenThis(String parameter, int depth) {
    List<String> values = given.getOrDefault(parameter, List.of());
    if (values.isEmpty() || depth > MAX_CHAIN) {
      return false;
    }
    for (String value : values) {
      if (value.equals(OTHER) || !value.equals(THIS) && !value.equals(NULL) && !givenThis(value, depth + 1)) {
        return false;
      }
    }
    return true;
  }
}
