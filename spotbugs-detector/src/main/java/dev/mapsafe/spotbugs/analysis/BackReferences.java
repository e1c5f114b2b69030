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

  /** For each field, the constructor parameters stored into it ({@link ConstructorArguments#key}). */
  private final Map<XField, List<String>> fromConstructorParameters = new HashMap<>();
  /** Fields something other than a constructor's parameter is stored into. */
  private final Set<XField> storedOtherwise = new HashSet<>();
  private final ConstructorArguments arguments = new ConstructorArguments();

  public void add(MapValues method) {
    arguments.add(method);
    MethodDescriptor self = method.method().getMethodDescriptor();
    boolean constructor = self.getName().equals("<init>");
    for (MapValues.FieldStore store : method.stores()) {
      if (constructor && store.parameter != null && !store.field.isStatic()) {
        fromConstructorParameters.computeIfAbsent(store.field, f -> new ArrayList<>())
            .add(ConstructorArguments.key(self, store.parameterIndex));
      } else {
        storedOtherwise.add(store.field);
      }
    }
  }

  /** Whether the field points back to the object that made the field's own (see the class comment). */
  public boolean pointsBack(XField field) {
    List<String> parameters = fromConstructorParameters.get(field);
    return parameters != null && !field.isStatic() && !field.isSynthetic() && (field.isFinal() || field.isPrivate())
        && !storedOtherwise.contains(field)
        && parameters.stream().allMatch(p -> givenThis(p, 0));
  }

  /** Whether every call of the constructor (one at least) gives the parameter the caller's {@code this} or null. */
  private boolean givenThis(String parameter, int depth) {
    List<ConstructorArguments.Given> values = arguments.givenTo(parameter);
    if (values.isEmpty() || depth > MAX_CHAIN) {
      return false;
    }
    for (ConstructorArguments.Given value : values) {
      if (!value.self && !value.none && (value.passedOn == null || !givenThis(value.passedOn, depth + 1))) {
        return false;
      }
    }
    return true;
  }
}
