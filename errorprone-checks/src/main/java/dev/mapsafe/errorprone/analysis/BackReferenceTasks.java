package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Types;
import dev.mapsafe.errorprone.analysis.ThreadReach.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * The tasks that run a method on an object they reach through a {@link BackReferences back reference}: a call
 * {@code handler.closeConnection()} through a field pointing back to the handler that made the task's objects (or a
 * parameter its callers give such a field), made by a task object's method or one it reaches on itself and the
 * objects its fields hold, reaches the method on the handler directly or through calls the handler makes on itself.
 * Calls of the method and of those it overrides, a few deep; memoized per method and compilation. {@link ThreadReach}
 * adds them to a method's contexts. The bytecode engine's counterpart has the name.
 */
final class BackReferenceTasks {
  private static final int MAX_DEPTH = 6; // as the bytecode engine's

  private static final com.sun.tools.javac.util.Context.Key<Map<MethodSymbol, List<Context>>> KNOWN =
      new com.sun.tools.javac.util.Context.Key<>();

  private BackReferenceTasks() {}

  private static final com.sun.tools.javac.util.Context.Key<Set<ClassSymbol>> TARGETS =
      new com.sun.tools.javac.util.Context.Key<>();

  /** The tasks that run the method through a back reference, marked so ({@link ThreadReach#forMap}). */
  static List<Context> of(MethodSymbol method, VisitorState state) {
    Map<MethodSymbol, List<Context>> known = state.context.get(KNOWN);
    if (known == null) {
      known = new HashMap<>();
      state.context.put(KNOWN, known);
    }
    Types types = state.getTypes();
    if (!(method.owner instanceof ClassSymbol cls) || targets(state).stream().noneMatch(t ->
        cls.isSubClass(t, types) || t.isSubClass(cls, types) || cls.isInterface() || t.isInterface())) {
      return List.of(); // no object a back reference points to can run the method: its class and the field's are
                        // two unrelated classes, which no class extends both of
    }
    return known.computeIfAbsent(method, m -> tasksThroughBackReferences(m, state, 0, new HashSet<>()).stream()
        .map(c -> new Context(c.kind(), c.anchor(), c.description(), c.selfConcurrent(), c.parallelStream(),
            c.launcher(), c.joined(), c.serialExecutor(), true, c.forkJoin(), c.callback()))
        .toList());
  }

  private static List<Context> tasksThroughBackReferences(MethodSymbol m, VisitorState state, int depth,
      Set<MethodSymbol> seen) {
    List<Context> tasks = new ArrayList<>();
    if (depth > MAX_DEPTH || !seen.add(m)) {
      return tasks;
    }
    for (TreePath call : callsOf(m, state)) {
      MethodSymbol caller = callingMethod(call);
      if (caller == null) {
        continue;
      }
      ExpressionTree receiver = ASTHelpers.getReceiver((MethodInvocationTree) call.getLeaf());
      List<Context> found = new ArrayList<>();
      if (onOwnObject(call, caller, state.getTypes())) {
        found = tasksThroughBackReferences(caller, state, depth + 1, seen);
      } else if (fieldOfThis(receiver, call, state.getTypes()) instanceof VarSymbol field
          && BackReferences.pointsBack(field, state)) {
        found = tasksRunning(caller, (ClassSymbol) caller.owner, state, depth + 1, new HashSet<>());
      } else if (receiver != null && ASTHelpers.getSymbol(receiver) instanceof VarSymbol parameter
          && caller.getParameters().contains(parameter)) { // doRetry(url, registry): what its callers give
        int index = caller.getParameters().indexOf(parameter);
        for (TreePath passing : callsOf(caller, state)) {
          MethodSymbol passer = callingMethod(passing);
          List<? extends ExpressionTree> arguments = ((MethodInvocationTree) passing.getLeaf()).getArguments();
          if (passer != null && index < arguments.size()
              && fieldOfThis(arguments.get(index), passing, state.getTypes()) instanceof VarSymbol field
              && BackReferences.pointsBack(field, state)) {
            found.addAll(tasksRunning(passer, (ClassSymbol) passer.owner, state, depth + 2, new HashSet<>()));
          }
        }
      }
      found.stream().filter(c -> !tasks.contains(c)).forEach(tasks::add);
    }
    return tasks;
  }

  /**
   * The launches of task objects that run the method on an object of class {@code bound} (or a subclass): it is the
   * method the launcher runs on them, or a method they reach on themselves and on the objects their fields hold.
   */
  private static List<Context> tasksRunning(MethodSymbol m, ClassSymbol bound, VisitorState state, int depth,
      Set<MethodSymbol> seen) {
    List<Context> tasks = new ArrayList<>();
    if (depth > MAX_DEPTH || !seen.add(m)) {
      return tasks;
    }
    Types types = state.getTypes();
    for (TaskLaunches.TaskObject launched : TaskLaunches.taskObjects(state)) {
      if (launched.method().getSimpleName().equals(m.getSimpleName())
          && launched.method().getParameters().size() == m.getParameters().size()
          && launched.cls().isSubClass(bound, types) && launched.cls().isSubClass(m.owner, types)
          && !tasks.contains(launched.launch())) {
        tasks.add(launched.launch());
      }
    }
    for (TreePath call : callsOf(m, state)) {
      MethodSymbol caller = callingMethod(call);
      if (caller == null) {
        continue;
      }
      ExpressionTree receiver = ASTHelpers.getReceiver((MethodInvocationTree) call.getLeaf());
      ClassSymbol callerClass = (ClassSymbol) caller.owner;
      List<Context> found = onOwnObject(call, caller, state.getTypes())
          ? tasksRunning(caller, callerClass.isSubClass(bound, types) ? callerClass : bound, state, depth + 1, seen)
          : fieldOfThis(receiver, call, state.getTypes()) != null
              ? tasksRunning(caller, callerClass, state, depth + 1, seen)
              : List.of();
      found.stream().filter(c -> !tasks.contains(c)).forEach(tasks::add);
    }
    return tasks;
  }

  /**
   * The classes the compilation's calls reach through back references: the declared classes of the back-reference
   * fields the calls are made on or pass on. A method runs on an object reached so only when its class is related
   * to one of them (or one of the two is an interface, which an object of any class may implement). Found once per
   * compilation.
   */
  private static Set<ClassSymbol> targets(VisitorState state) {
    Set<ClassSymbol> targets = state.context.get(TARGETS);
    if (targets != null) {
      return targets;
    }
    Set<ClassSymbol> found = new HashSet<>();
    Map<VarSymbol, Boolean> pointsBack = new HashMap<>();
    Types types = state.getTypes();
    for (TreePath call : Declarations.ofCompilation(state).calls()) {
      List<ExpressionTree> used = new ArrayList<>();
      if (call.getLeaf() instanceof MethodInvocationTree invocation) {
        used.add(ASTHelpers.getReceiver(invocation));
        used.addAll(invocation.getArguments());
      }
      for (ExpressionTree expression : used) {
        if (fieldOfThis(expression, call, types) instanceof VarSymbol field && field.type.tsym instanceof ClassSymbol
            && pointsBack.computeIfAbsent(field, f -> BackReferences.pointsBack(f, state))) {
          found.add((ClassSymbol) field.type.tsym);
        }
      }
    }
    state.context.put(TARGETS, found);
    return found;
  }

  /** The invocations in the compilation of the method and of the methods it overrides. */
  private static List<TreePath> callsOf(MethodSymbol m, VisitorState state) {
    Declarations compilation = Declarations.ofCompilation(state);
    List<TreePath> calls = new ArrayList<>(compilation.invocations(m));
    for (MethodSymbol overridden : ASTHelpers.findSuperMethods(m, state.getTypes())) {
      calls.addAll(compilation.invocations(overridden));
    }
    return calls;
  }

  /** The method whose own body makes the call (not a lambda's or a nested class's in it), or null. */
  private static MethodSymbol callingMethod(TreePath call) {
    for (TreePath p = call.getParentPath(); p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof LambdaExpressionTree || node instanceof ClassTree) {
        return null;
      }
      if (node instanceof MethodTree method) {
        MethodSymbol sym = ASTHelpers.getSymbol(method);
        return sym != null && sym.owner instanceof ClassSymbol ? sym : null;
      }
    }
    return null;
  }

  /** Whether the call is on the calling method's own object: no receiver or {@code this}, a method of its class. */
  private static boolean onOwnObject(TreePath call, MethodSymbol caller, Types types) {
    ExpressionTree receiver = ASTHelpers.getReceiver((MethodInvocationTree) call.getLeaf());
    return (receiver == null || receiver instanceof IdentifierTree id && id.getName().contentEquals("this"))
        && ASTHelpers.getSymbol(call.getLeaf()) instanceof MethodSymbol callee && !callee.isStatic()
        && caller.owner instanceof ClassSymbol cls && callee.owner instanceof ClassSymbol declaring
        && cls.isSubClass(declaring, types);
  }

  /**
   * The instance field of the calling method's own object an expression reads ({@code stream}, {@code this.stream}),
   * or null.
   */
  private static VarSymbol fieldOfThis(ExpressionTree expression, TreePath at, Types types) {
    if (expression == null) {
      return null;
    }
    ExpressionTree tree = MapIdentity.strip(expression);
    boolean onThis = tree instanceof IdentifierTree
        || tree instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree base
            && base.getName().contentEquals("this");
    if (!onThis || !(ASTHelpers.getSymbol(tree) instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD
        || field.isStatic()) {
      return null;
    }
    ClassTree enclosing = ASTHelpers.findEnclosingNode(at, ClassTree.class);
    ClassSymbol cls = enclosing == null ? null : ASTHelpers.getSymbol(enclosing);
    return cls != null && field.owner instanceof ClassSymbol declaring && cls.isSubClass(declaring, types)
        ? field : null;
  }
}
