package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.threads.Exposure;
import dev.mapsafe.knowledge.threads.Lifecycles;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.Overlap.Kind;
import dev.mapsafe.knowledge.threads.TaskLaunchers;
import com.sun.tools.javac.code.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * On which threads a piece of code may run: in a task (a function object {@link TaskLaunches} finds launched, or a
 * {@code Thread} subclass's {@code run()}), in the callers of a non-private method, or during construction. Private
 * methods run in the contexts of their callers in the same file. Knows nothing of maps or patterns.
 */
public final class ThreadReach {

  /**
   * One context.
   *
   * @param kind what runs it
   * @param anchor the launching call (TASK) or the method (CALLER, CONSTRUCTION); contexts are equal when their
   *     anchors are
   * @param description for messages: "the task passed to pool.execute(..) at line 27", "callers of latest()"
   * @param selfConcurrent whether several runs of it may overlap (launched in a loop, repeating, parallel)
   * @param parallelStream whether it is an operation of a parallel stream
   * @param launcher the method that launches the task (TASK only), and whether it waits for it before returning
   * @param serialExecutor the field of the executor that runs the task, when it only holds executors running their
   *     tasks one at a time ({@code newSingleThreadExecutor()}); else null
   * @param throughBackReference whether the task reaches the code on an object through a {@link BackReferences back
   *     reference}: it then shares only that object's own maps ({@link #forMap})
   * @param forkJoin whether it is a fork-join task's computation, whose runs overlap on different task objects
   *     ({@link #forMap})
   * @param callback whether it is the callbacks a launcher makes on an object it was given ({@link
   *     TaskLaunchers#callsBack}): code that first waits, in any method, runs after them ({@link #waitedBefore})
   */
  public record Context(
      Kind kind, Tree anchor, String description, boolean selfConcurrent, boolean parallelStream,
      TreePath launcher, boolean joined, Symbol serialExecutor, boolean throughBackReference, boolean forkJoin,
      boolean callback)
      implements Overlap.Side {
    Context(Kind kind, Tree anchor, String description, boolean selfConcurrent, boolean parallelStream,
        TreePath launcher, boolean joined, Symbol serialExecutor) {
      this(kind, anchor, description, selfConcurrent, parallelStream, launcher, joined, serialExecutor, false, false,
          false);
    }

    /** The callbacks a launcher makes on an object it was given: one at a time, so never beside each other. */
    Context callbacks() {
      return new Context(kind, anchor, Messages.callbacksOf(description), false, false, launcher, joined,
          serialExecutor, false, false, true);
    }

    Context(Kind kind, Tree anchor, String description, boolean selfConcurrent, boolean parallelStream,
        TreePath launcher, boolean joined) {
      this(kind, anchor, description, selfConcurrent, parallelStream, launcher, joined, null);
    }
  }

  /**
   * The contexts of an access to a map: those of the code, less the tasks that reach it through a back reference when
   * the map is not the object's own ({@code ownMap}: a field of {@code this}, or a static one), and less fork-join
   * computations when it is an instance field of {@code this}. A back-reference task runs the code on the object that
   * made its own, and the maps of other objects the code is given (a new one per task) are not shared through it; the
   * runs of a fork-join computation overlap on different task objects, each with its own fields (merged after a
   * join). The bytecode engine's counterpart has the name.
   */
  public static List<Context> forMap(List<Context> contexts, boolean ownMap, boolean instanceFieldOfThis) {
    return contexts.stream()
        .filter(c -> (ownMap || !c.throughBackReference()) && !(instanceFieldOfThis && c.forkJoin()))
        .toList();
  }

  private static final int MAX_CALLER_DEPTH = 6; // as the bytecode engine's ThreadReach

  private ThreadReach() {}

  /** The contexts the code at {@code path} may run in (at least one). */
  public static List<Context> of(TreePath path, VisitorState state) {
    List<Context> result = new ArrayList<>();
    collect(path, state, result, new HashSet<>(), 0, true);
    return result;
  }

  /**
   * The contexts of the code itself: those of {@link #of}, less the tasks that reach a non-private method through
   * calls (a task's body calling it on its object, a back reference). Those only ever add to the contexts of the
   * method's callers, so this answers as {@link #of} does whether code runs only during construction or while the
   * object is in use, at a fraction of the cost.
   */
  public static List<Context> direct(TreePath path, VisitorState state) {
    List<Context> result = new ArrayList<>();
    collect(path, state, result, new HashSet<>(), 0, false);
    return result;
  }

  private static void collect(TreePath path, VisitorState state, List<Context> out, Set<Tree> seen, int depth,
      boolean reaching) {
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; child = p.getLeaf(), p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof LambdaExpressionTree || node instanceof MemberReferenceTree) {
        Optional<Context> task = TaskLaunches.taskOf(p, state);
        if (task.isPresent()) {
          out.add(task.get());
          return;
        }
      } else if (node instanceof NewClassTree creation && creation.getClassBody() == child) {
        Optional<Context> task = TaskLaunches.taskOf(p, state);
        if (task.isPresent()) {
          out.add(task.get());
          return;
        }
      } else if (node instanceof MethodTree method) {
        methodContexts(p, method, state, out, seen, depth, reaching);
        return;
      } else if (node instanceof VariableTree && p.getParentPath().getLeaf() instanceof ClassTree) {
        out.add(new Context(Kind.CONSTRUCTION, node, "field initializer", false, false, null, false));
        return;
      } else if (node instanceof BlockTree && p.getParentPath().getLeaf() instanceof ClassTree) {
        out.add(new Context(Kind.CONSTRUCTION, node, "initializer", false, false, null, false));
        return;
      } else if (node instanceof ClassTree) {
        return;
      }
    }
  }

  private static void methodContexts(TreePath methodPath, MethodTree method, VisitorState state, List<Context> out,
      Set<Tree> seen, int depth, boolean reaching) {
    MethodSymbol sym = ASTHelpers.getSymbol(method);
    if (sym == null) {
      return;
    }
    if (sym.isConstructor()) {
      out.add(new Context(Kind.CONSTRUCTION, method, "the constructor", false, false, null, false));
      return;
    }
    Tree owner = methodPath.getParentPath().getLeaf();
    if (owner instanceof ClassTree && methodPath.getParentPath().getParentPath().getLeaf() instanceof NewClassTree) {
      // A method of an anonymous class runs where the anonymous object runs it: a launcher, or its creator.
      collect(methodPath.getParentPath(), state, out, seen, depth, reaching);
      return;
    }
    if (owner instanceof ClassTree cls && TaskLaunchers.isForkJoinComputation(((ClassSymbol) sym.owner).flatName()
            .toString(), sym.getSimpleName().toString(), sym.getParameters().size(), JavacApi.hierarchy(state))
        && forksOwnKind(cls, state)) {
      // Its runs overlap each other; the pool's callers wait for it (invoke, join): it is taken as racing only with
      // tasks (precision first).
      out.add(new Context(Kind.TASK, method, "the fork-join task's " + sym.owner.getSimpleName() + ".compute()", true,
          false, null, true, null, false, true, false));
      return;
    }
    Optional<Context> callbacks = TaskLaunches.callbacksOf(sym, state);
    if (callbacks.isPresent()) {
      out.add(callbacks.get());
      return;
    }
    if (isThreadRun(sym, state)) {
      // Where it is started and joined is not known: it is taken as racing only with tasks (precision first).
      out.add(new Context(Kind.TASK, method, "the thread's run()", false, false, null, true));
      return;
    }
    if (orderedWithUse(sym, state)) {
      out.add(new Context(Kind.LIFECYCLE, method, sym.getSimpleName() + "()", false, false, null, false));
      return;
    }
    if (testHook(sym, state, new HashSet<>())) {
      out.add(new Context(Kind.LIFECYCLE, method, sym.getSimpleName() + "() (for tests)", false, false, null, false));
      return;
    }
    List<TreePath> calls = sym.isPrivate() ? Declarations.of(state).invocations(sym) : List.of();
    if (!calls.isEmpty() && depth < MAX_CALLER_DEPTH) {
      int before = out.size();
      if (seen.add(method)) { // else reached again: its contexts are collected on the first path, or a cycle
        for (TreePath call : calls) {
          for (TreePath runsIn : makersIfNested(call, sym, state, new HashSet<>())) {
            collect(runsIn, state, out, seen, depth + 1, reaching);
          }
        }
      }
      if (out.size() > before || depth > 0) {
        return;
      }
    }
    if (!sym.isPrivate() && setUpOfNewObjects(sym, state)) {
      out.add(new Context(Kind.CONSTRUCTION, method, sym.getSimpleName() + "() on a new object", false, false, null,
          false));
      return;
    }
    out.add(new Context(Kind.CALLER, method, "callers of " + sym.getSimpleName() + "()", false, false, null, false));
    if (!reaching) {
      return;
    }
    tasksCallingOnThis(sym, method, state, seen, depth).stream().filter(c -> !out.contains(c)).forEach(out::add);
    if (!sym.isStatic()) {
      BackReferenceTasks.of(sym, state).stream().filter(c -> !out.contains(c)).forEach(out::add);
    }
  }

  /**
   * Where a call of {@code callee} runs: at the call, unless the call is made by the constructor of a class nested in
   * the callee's, on its enclosing instance (a nested object acting on its outer object as it is made, such as an
   * accessor that fills its outer provider's cache): that runs where the nested object is made, at its
   * constructions (through its other constructors' {@code this(..)}), not while the outer object is. The bytecode
   * engine's counterpart has the name.
   */
  private static List<TreePath> makersIfNested(TreePath call, MethodSymbol callee, VisitorState state,
      Set<MethodSymbol> seen) {
    MethodTree enclosing = ASTHelpers.findEnclosingNode(call, MethodTree.class);
    MethodSymbol constructor = enclosing == null ? null : ASTHelpers.getSymbol(enclosing);
    if (constructor == null || !constructor.isConstructor() || !(callee.owner instanceof ClassSymbol outer)
        || constructor.owner.equals(outer) || !constructor.owner.isEnclosedBy(outer)
        || !(call.getLeaf() instanceof MethodInvocationTree invocation) || !onEnclosing(invocation)
        || ASTHelpers.findEnclosingNode(call, LambdaExpressionTree.class) != null) {
      return List.of(call);
    }
    List<TreePath> makers = new ArrayList<>();
    if (!seen.add(constructor)) {
      return makers;
    }
    makers.addAll(Declarations.of(state).constructions(constructor));
    for (TreePath delegating : Declarations.of(state).invocations(constructor)) { // this(..) and super(..)
      MethodTree from = ASTHelpers.findEnclosingNode(delegating, MethodTree.class);
      MethodSymbol other = from == null ? null : ASTHelpers.getSymbol(from);
      if (other != null && other.isConstructor() && other.owner.equals(constructor.owner)) {
        makers.addAll(makersIfNested(delegating, callee, state, seen));
      } else {
        makers.add(delegating);
      }
    }
    return makers;
  }

  /** Whether the call is on the enclosing instance: no receiver, or {@code Outer.this}. */
  private static boolean onEnclosing(MethodInvocationTree call) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return receiver == null
        || receiver instanceof MemberSelectTree select && select.getIdentifier().contentEquals("this");
  }

  /**
   * The tasks whose own body calls a non-private method on their object (a lambda's {@code () -> reload()} in the
   * method's class): besides its callers', the method runs on their threads. Only the body itself (a task reaching it
   * through other methods is most often a later phase the analysis cannot order). The bytecode engine's counterpart
   * has the name.
   */
  private static List<Context> tasksCallingOnThis(
      MethodSymbol sym, MethodTree method, VisitorState state, Set<Tree> seen, int depth) {
    List<Context> tasks = new ArrayList<>();
    if (sym.isStatic() || depth >= MAX_CALLER_DEPTH || !seen.add(method)) {
      return tasks;
    }
    for (TreePath call : Declarations.of(state).invocations(sym)) {
      if (!onThis(call, sym)) {
        continue;
      }
      List<Context> found = new ArrayList<>();
      collect(call, state, found, seen, MAX_CALLER_DEPTH, true);
      found.stream().filter(c -> c.kind() == Kind.TASK && !tasks.contains(c)).forEach(tasks::add);
    }
    return tasks;
  }

  /** A call on the caller's own {@code this} (implicit or explicit), made in the method's own class. */
  private static boolean onThis(TreePath call, MethodSymbol method) {
    if (!(call.getLeaf() instanceof MethodInvocationTree invocation)) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(invocation);
    ClassTree enclosing = ASTHelpers.findEnclosingNode(call, ClassTree.class);
    return (receiver == null || receiver instanceof IdentifierTree id && id.getName().contentEquals("this"))
        && enclosing != null && method.owner.equals(ASTHelpers.getSymbol(enclosing));
  }

  /**
   * Whether the compilation calls the method only on objects the caller has just constructed, to set them up
   * before they are used ({@code r = new MapRegister(); r.load(old); register = r;}): it then runs as part of their
   * construction. As for the locks of the compilation's calls ({@link CallerLocks}), the method must override only
   * methods compiled here, and no method reference may name it.
   */
  private static boolean setUpOfNewObjects(MethodSymbol method, VisitorState state) {
    if (method.isStatic()) {
      return false;
    }
    List<MethodSymbol> dispatching = new ArrayList<>(List.of(method));
    for (MethodSymbol overridden : ASTHelpers.findSuperMethods(method, state.getTypes())) {
      if (!Declarations.compiledHere(overridden, state)) {
        return false;
      }
      dispatching.add(overridden);
    }
    Declarations compilation = Declarations.ofCompilation(state);
    boolean called = false;
    for (MethodSymbol m : dispatching) {
      if (!compilation.references(m).isEmpty()) {
        return false;
      }
      for (TreePath call : compilation.invocations(m)) {
        if (!onNewObject(call, state)) {
          return false;
        }
        called = true;
      }
    }
    return called;
  }

  /**
   * Whether a call's receiver is an object made there ({@code new Summary().add(..)}), or a local variable that
   * holds a {@code new} object there: the closest statement
   * before the call, in its block or an enclosing one, that assigns the variable assigns a {@code new} object
   * ({@code v = cache.get(k); if (v == null) { v = new V(); v.setUp(..); }}); or, when none does, every value of the
   * variable is one.
   */
  private static boolean onNewObject(TreePath call, VisitorState state) {
    ExpressionTree receiver = call.getLeaf() instanceof MethodInvocationTree invocation
        ? ASTHelpers.getReceiver(invocation) : null;
    if (receiver != null && MapIdentity.strip(receiver) instanceof NewClassTree) {
      return true;
    }
    if (!(receiver instanceof IdentifierTree)
        || !(ASTHelpers.getSymbol(receiver) instanceof Symbol.VarSymbol local)
        || local.getKind() != ElementKind.LOCAL_VARIABLE) {
      return false;
    }
    for (TreePath p = call; p.getParentPath() != null && !(p.getLeaf() instanceof MethodTree); p = p.getParentPath()) {
      if (!(p.getParentPath().getLeaf() instanceof BlockTree block)) {
        continue;
      }
      int at = block.getStatements().indexOf(p.getLeaf());
      for (int i = at - 1; i >= 0; i--) {
        ExpressionTree assigned = assignedIn(block.getStatements().get(i), local);
        if (assigned != null) {
          return MapIdentity.strip(assigned) instanceof NewClassTree;
        }
        if (assignsAnywhere(block.getStatements().get(i), local)) {
          return false; // assigned on some path only: not known to be the new object
        }
      }
    }
    List<TreePath> values = Declarations.declaring(local, state).assignedValues(local);
    return !values.isEmpty()
        && values.stream().allMatch(v -> MapIdentity.strip((ExpressionTree) v.getLeaf()) instanceof NewClassTree);
  }

  /** Whether the statement assigns the variable somewhere inside it. */
  private static boolean assignsAnywhere(Tree statement, Symbol.VarSymbol local) {
    Boolean found = new com.sun.source.util.TreeScanner<Boolean, Void>() {
      @Override
      public Boolean visitAssignment(AssignmentTree assignment, Void unused) {
        return ASTHelpers.getSymbol(assignment.getVariable()) == local || super.visitAssignment(assignment, unused);
      }

      @Override
      public Boolean reduce(Boolean a, Boolean b) {
        return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
      }
    }.scan(statement, null);
    return Boolean.TRUE.equals(found);
  }

  /** The value a statement assigns to the variable when it is its declaration or a plain assignment of it; else null. */
  private static ExpressionTree assignedIn(Tree statement, Symbol.VarSymbol local) {
    if (statement instanceof VariableTree declared && ASTHelpers.getSymbol(declared) == local) {
      return declared.getInitializer();
    }
    if (statement instanceof ExpressionStatementTree expression
        && expression.getExpression() instanceof AssignmentTree assignment
        && ASTHelpers.getSymbol(assignment.getVariable()) == local) {
      return assignment.getExpression();
    }
    return null;
  }

  /**
   * Whether only tests run the method: it exists for tests ({@link Exposure#existsForTests}) and every caller in this
   * file is such a method too.
   */
  private static boolean testHook(MethodSymbol method, VisitorState state, Set<MethodSymbol> seen) {
    if (!Exposure.existsForTests(JavacApi.annotationNames(method))) {
      return false;
    }
    if (!seen.add(method)) {
      return true; // test hooks calling each other
    }
    for (TreePath call : Declarations.of(state).invocations(method)) {
      MethodTree caller = ASTHelpers.findEnclosingNode(call, MethodTree.class);
      MethodSymbol callerSym = caller == null ? null : ASTHelpers.getSymbol(caller);
      if (callerSym == null || !testHook(callerSym, state, seen)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a contract orders the method with the object's use ({@link Lifecycles}). */
  private static boolean orderedWithUse(MethodSymbol method, VisitorState state) {
    if (!(method.owner instanceof ClassSymbol cls)) {
      return false;
    }
    return Lifecycles.orderedWithUse(cls.flatName().toString(), method.getSimpleName().toString(),
        method.getParameters().size(), JavacApi.annotationNames(method), JavacApi.hierarchy(state));
  }

  /**
   * Whether a fork-join task's class forks tasks of its own class (or a subclass): {@code fork()} on one, or one
   * given to {@code ForkJoinTask.invokeAll(..)}. The bytecode engine's counterpart has the name.
   */
  private static boolean forksOwnKind(ClassTree task, VisitorState state) {
    ClassSymbol cls = ASTHelpers.getSymbol(task);
    if (cls == null) {
      return false;
    }
    Types types = state.getTypes();
    boolean[] found = {false};
    new com.sun.source.util.TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        Optional<dev.mapsafe.knowledge.mapapi.ApiMethod> api = JavacApi.call(call, state);
        if (api.isPresent() && TaskLaunchers.forks(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))) {
          List<? extends ExpressionTree> tasks = api.get().name().equals("fork")
              ? (ASTHelpers.getReceiver(call) == null ? List.of() : List.of(ASTHelpers.getReceiver(call)))
              : call.getArguments();
          for (ExpressionTree t : tasks) {
            com.sun.tools.javac.code.Type type = ASTHelpers.getType(t);
            found[0] |= type != null && type.tsym instanceof ClassSymbol forked && forked.isSubClass(cls, types);
          }
        }
        return super.visitMethodInvocation(call, null);
      }
    }.scan(task, null);
    return found[0];
  }

  private static boolean isThreadRun(MethodSymbol method, VisitorState state) {
    return method.getSimpleName().contentEquals("run")
        && method.getParameters().isEmpty()
        && method.owner instanceof ClassSymbol cls
        && JavacApi.hierarchy(state).isSubtype(cls.flatName().toString(), "java.lang.Thread");
  }

  /** Whether a wait call lies in the launching method between the launch and {@code at}. */
  public static boolean waitedBetween(Context task, TreePath at, VisitorState state) {
    if (task.launcher() == null) {
      return false;
    }
    long from = ASTHelpers.getStartPosition(task.anchor());
    long to = ASTHelpers.getStartPosition(at.getLeaf());
    return TaskLaunches.waitsIn(task.launcher().getLeaf(), call -> ASTHelpers.getStartPosition(call) < to
        && (ASTHelpers.getStartPosition(call) > from || TaskLaunches.onChainOf(call, task.anchor())), state);
  }

  /**
   * Whether the method of {@code at} waits (a latch, a future) before it: for an object's callbacks, the code then
   * runs after them (the object's completion, which they signal).
   */
  public static boolean waitedBefore(TreePath at, VisitorState state) {
    TreePath method = enclosingMethod(at);
    long to = ASTHelpers.getStartPosition(at.getLeaf());
    return method != null
        && TaskLaunches.waitsIn(method.getLeaf(), call -> ASTHelpers.getStartPosition(call) < to, state);
  }

  /** Whether {@code at} is in the launching method of the task (so their order is known). */
  public static boolean inLauncher(Context task, TreePath at) {
    return task.launcher() != null && enclosingMethod(at) != null
        && enclosingMethod(at).getLeaf() == task.launcher().getLeaf();
  }

  static TreePath enclosingMethod(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodTree) {
        return p;
      }
      if (p.getLeaf() instanceof ClassTree) {
        return null;
      }
    }
    return null;
  }

}
