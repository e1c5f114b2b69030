package dev.mapsafe.spotbugs.analysis;

import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.vna.ValueNumber;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.util.BootstrapMethodsUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.bcel.classfile.Constant;
import org.apache.bcel.classfile.ConstantInvokeDynamic;
import org.apache.bcel.generic.ConstantPoolGen;
import org.apache.bcel.generic.INVOKEDYNAMIC;

/**
 * The function objects one method makes with {@code invokedynamic} (lambdas, method references): the methods each
 * runs (its targets, in any class; its bodies, the targets among this class's own methods) and the values it
 * captures. {@link MapValues} keeps one per method; the launches, publications and updates it finds ask it what a
 * function argument runs.
 */
final class FunctionObjects {
  private final Map<ValueNumber, List<MethodDescriptor>> bodies = new HashMap<>();
  private final Map<ValueNumber, List<MethodDescriptor>> targets = new HashMap<>();
  private final Map<ValueNumber, List<ValueNumber>> captured = new HashMap<>();
  private final List<MethodDescriptor> made = new ArrayList<>();

  /** Notes the function object an {@code invokedynamic} makes, capturing {@code args}. */
  void made(ClassContext context, INVOKEDYNAMIC invoke, ConstantPoolGen cpg, ValueNumber function, ValueNumber[] args) {
    List<MethodDescriptor> runs = targets(context, invoke, cpg);
    List<MethodDescriptor> own = runs.stream()
        .filter(t -> t.getSlashedClassName().equals(context.getClassDescriptor().getClassName()))
        .collect(Collectors.toList());
    bodies.put(function, own);
    targets.put(function, runs);
    captured.put(function, Arrays.asList(args.clone()));
    made.addAll(own);
  }

  /** Whether the value is a function object this method made. */
  boolean isFunction(ValueNumber value) {
    return bodies.containsKey(value);
  }

  /** The methods of this class the function object runs (lambda bodies, method references to its methods). */
  List<MethodDescriptor> bodiesOf(ValueNumber function) {
    return bodies.getOrDefault(function, List.of());
  }

  /** The methods the function object runs, in any class (a method reference to another class's method too). */
  List<MethodDescriptor> targetsOf(ValueNumber function) {
    return targets.getOrDefault(function, List.of());
  }

  /** The values the function object captured, in order (an instance lambda's receiver first). */
  List<ValueNumber> capturedBy(ValueNumber function) {
    return captured.getOrDefault(function, List.of());
  }

  /** The methods of this class that the function objects made here run. */
  List<MethodDescriptor> madeBodies() {
    return made;
  }

  /** The methods an invokedynamic's function object runs: lambda bodies, method references' targets. */
  private static List<MethodDescriptor> targets(ClassContext context, INVOKEDYNAMIC invoke, ConstantPoolGen cpg) {
    Constant constant = cpg.getConstant(invoke.getIndex());
    if (!(constant instanceof ConstantInvokeDynamic)) {
      return List.of();
    }
    return new ArrayList<>(BootstrapMethodsUtil.getInvokedMethodTargets(context.getJavaClass(),
        ((ConstantInvokeDynamic) constant).getBootstrapMethodAttrIndex(), cpg.getConstantPool()));
  }
}
