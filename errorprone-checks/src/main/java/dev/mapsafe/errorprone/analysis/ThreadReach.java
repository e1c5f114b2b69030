package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.threads.Exposure;
import dev.mapsafe.knowledge.threads.HappensBefore;
import dev.mapsafe.knowledge.threads.InlineCallbacks;
import dev.mapsafe.knowledge.threads.Lifecycles;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.Overlap.Kind;
import dev.mapsafe.knowledge.threads.TaskLaunchers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * On which threads a piece of code may run: in a task (a lambda, method reference or anonymous class given to a
 * launcher of the thread vocabulary, or an operation of a parallel stream, or a {@code Thread} subclass's
 * {@code run()}), in the callers of a non-private method, or during construction. Private methods run in the
 * contexts of their callers in the same file. Knows nothing of maps or patterns.
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
   */
  public record Context(
      Kind kind, Tree anchor, String description, boolean selfConcurrent, boolean parallelStream,
      TreePath launcher, boolean joined) implements Overlap.Side {}

  private static final int MAX_CALLER_DEPTH = 6; // as the bytecode engine's ThreadReach

  private ThreadReach() {}

  /** The contexts the code at {@code path} may run in (at least one). */
  public static List<Context> of(TreePath path, VisitorState state) {
    List<Context> result = new ArrayList<>();
    collect(path, state, result, new HashSet<>(), 0);
    return result;
  }

  private static void collect(TreePath path, VisitorState state, List<Context> out, Set<Tree> seen, int depth) {
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; child = p.getLeaf(), p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof LambdaExpressionTree || node instanceof MemberReferenceTree) {
        Optional<Context> task = taskOf(p, state);
        if (task.isPresent()) {
          out.add(task.get());
          return;
        }
      } else if (node instanceof NewClassTree creation && creation.getClassBody() == child) {
        Optional<Context> task = taskOf(p, state);
        if (task.isPresent()) {
          out.add(task.get());
          return;
        }
      } else if (node instanceof MethodTree method) {
        methodContexts(p, method, state, out, seen, depth);
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

  private static void methodContexts(
      TreePath methodPath, MethodTree method, VisitorState state, List<Context> out, Set<Tree> seen, int depth) {
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
      collect(methodPath.getParentPath(), state, out, seen, depth);
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
          collect(call, state, out, seen, depth + 1);
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
    tasksCallingOnThis(sym, method, state, seen, depth).stream().filter(c -> !out.contains(c)).forEach(out::add);
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
      collect(call, state, found, seen, MAX_CALLER_DEPTH);
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
   * Whether a call's receiver is a local variable that holds a {@code new} object there: the closest statement
   * before the call, in its block or an enclosing one, that assigns the variable assigns a {@code new} object
   * ({@code v = cache.get(k); if (v == null) { v = new V(); v.setUp(..); }}); or, when none does, every value of the
   * variable is one.
   */
  private static boolean onNewObject(TreePath call, VisitorState state) {
    ExpressionTree receiver = call.getLeaf() instanceof MethodInvocationTree invocation
        ? ASTHelpers.getReceiver(invocation) : null;
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

  private static boolean isThreadRun(MethodSymbol method, VisitorState state) {
    return method.getSimpleName().contentEquals("run")
        && method.getParameters().isEmpty()
        && method.owner instanceof ClassSymbol cls
        && JavacApi.hierarchy(state).isSubtype(cls.flatName().toString(), "java.lang.Thread");
  }

  /** The task a function object at {@code fn} (lambda, method reference, anonymous class) is, if launched. */
  static Optional<Context> taskOf(TreePath fn, VisitorState state) {
    Tree parent = fn.getParentPath().getLeaf();
    if (!(parent instanceof MethodInvocationTree || parent instanceof NewClassTree)) {
      return Optional.empty();
    }
    ExpressionTree call = (ExpressionTree) parent;
    Optional<ApiMethod> api = JavacApi.call(call, state);
    if (api.isEmpty()) {
      return Optional.empty();
    }
    String owner = api.get().owner();
    String name = api.get().name();
    TreePath callPath = fn.getParentPath();
    // The line of the function argument: a call chain starts lines earlier, bytecode names the call's own line.
    long line = line(fn.getLeaf(), state);
    if (TaskLaunchers.launches(owner, name, JavacApi.hierarchy(state))) {
      boolean repeats = inLoop(callPath) && !waitedForEachRound(callPath, state);
      String launched = call instanceof MethodInvocationTree invocation && ASTHelpers.getReceiver(invocation) != null
          ? state.getSourceForNode(ASTHelpers.getReceiver(invocation)) + "." + name
          : name.equals("<init>") ? "new " + simple(owner) : simple(owner) + "." + name;
      TreePath launcher = enclosingMethod(callPath);
      return Optional.of(
          new Context(Kind.TASK, call, "the task passed to " + launched + "(..) at line " + line, repeats, false,
              launcher, launcher != null
                  && (call instanceof MethodInvocationTree invocation && waits(invocation, state)
                      || waitsAfter(launcher, call, state))));
    }
    if (call instanceof MethodInvocationTree stage
        && TaskLaunchers.runsOnCompletingThread(owner, name, JavacApi.hierarchy(state))
        && followsAsyncStage(ASTHelpers.getReceiver(stage), state, 0)) {
      TreePath launcher = enclosingMethod(callPath);
      return Optional.of(
          new Context(Kind.TASK, call, "the stage passed to " + simple(owner) + "." + name + "(..) at line " + line
              + " after an async one", inLoop(callPath) && !waitedForEachRound(callPath, state), false, launcher,
              launcher != null && waitsAfter(launcher, call, state)));
    }
    if (call instanceof MethodInvocationTree add && name.equals("add") && add.getArguments().size() == 1
        && JavacApi.hierarchy(state).isSubtype(owner, "java.util.Collection")
        && ASTHelpers.getReceiver(add) != null
        && ASTHelpers.getSymbol(ASTHelpers.getReceiver(add)) instanceof Symbol.VarSymbol tasks
        && tasks.getKind() == ElementKind.LOCAL_VARIABLE) {
      return collectedTask(callPath, tasks, state);
    }
    if (call instanceof MethodInvocationTree invocation && isParallelStream(invocation, state)) {
      return Optional.of(
          new Context(Kind.TASK, call, "the parallel stream's " + name + "(..) at line " + line, true, true,
              enclosingMethod(callPath), false));
    }
    return Optional.empty();
  }

  /**
   * The task a function object added to the local collection {@code tasks} at {@code add} is, when the method then
   * gives that collection to a launcher ({@code pool.invokeAll(tasks)}): the collected tasks run at once, each
   * with the others when the method adds several or adds in a loop.
   */
  private static Optional<Context> collectedTask(TreePath add, Symbol.VarSymbol tasks, VisitorState state) {
    TreePath method = enclosingMethod(add);
    if (method == null) {
      return Optional.empty();
    }
    List<MethodInvocationTree> launches = new ArrayList<>();
    int[] added = {0};
    new com.sun.source.util.TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        Optional<ApiMethod> api = JavacApi.call(tree, state);
        boolean passesTasks = tree.getArguments().stream().anyMatch(a -> ASTHelpers.getSymbol(a) == tasks);
        if (passesTasks && api.isPresent()
            && TaskLaunchers.launches(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))) {
          launches.add(tree);
        }
        if (ASTHelpers.getReceiver(tree) != null && ASTHelpers.getSymbol(ASTHelpers.getReceiver(tree)) == tasks
            && tree.getArguments().size() == 1
            && (tree.getArguments().get(0) instanceof LambdaExpressionTree
                || tree.getArguments().get(0) instanceof MemberReferenceTree)
            && api.isPresent() && api.get().name().equals("add")) {
          added[0]++;
        }
        return super.visitMethodInvocation(tree, null);
      }
    }.scan(method, null);
    if (launches.isEmpty()) {
      return Optional.empty();
    }
    MethodInvocationTree launch = launches.get(0);
    ExpressionTree receiver = ASTHelpers.getReceiver(launch);
    String launched = (receiver == null ? "" : state.getSourceForNode(receiver) + ".")
        + ASTHelpers.getSymbol(launch).getSimpleName();
    return Optional.of(
        new Context(Kind.TASK, launch, "the tasks passed to " + launched + "(..) at line " + line(launch, state),
            added[0] > 1 || inLoop(add), false, method,
            waits(launch, state) || waitsAfter(method, launch, state)));
  }

  /**
   * Whether {@code future} is completed by a launched task: an async stage ({@code supplyAsync(..)}), a stage that
   * follows one, or an effectively final local holding one.
   */
  private static boolean followsAsyncStage(ExpressionTree future, VisitorState state, int depth) {
    if (depth > 16 || future == null) {
      return false;
    }
    ExpressionTree tree = MapIdentity.strip(future);
    if (ASTHelpers.getSymbol(tree) instanceof Symbol.VarSymbol local && MapIdentity.isEffectivelyFinalLocal(local)) {
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      return values.size() == 1 && followsAsyncStage((ExpressionTree) values.get(0).getLeaf(), state, depth + 1);
    }
    if (!(tree instanceof MethodInvocationTree call)) {
      return false;
    }
    Optional<ApiMethod> api = JavacApi.call(call, state);
    if (api.isEmpty()) {
      return false;
    }
    if (TaskLaunchers.completedByTask(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))) {
      return true;
    }
    return TaskLaunchers.runsOnCompletingThread(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))
        && followsAsyncStage(ASTHelpers.getReceiver(call), state, depth + 1);
  }

  /** Whether the call is an operation of a stream made parallel earlier in its chain. */
  private static boolean isParallelStream(MethodInvocationTree call, VisitorState state) {
    Optional<ApiMethod> operation = JavacApi.call(call, state);
    if (operation.isPresent() && TaskLaunchers.runsOneAtATime(
        operation.get().owner(), operation.get().name(), JavacApi.hierarchy(state))) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    for (int i = 0; i < 16 && receiver instanceof MethodInvocationTree previous; i++) {
      Optional<ApiMethod> api = JavacApi.call(previous, state);
      if (api.isPresent()
          && TaskLaunchers.startsParallelStream(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))) {
        return true;
      }
      if (api.isPresent()
          && (InlineCallbacks.runsCallbacksInline(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))
              || TaskLaunchers.endsParallelStream(api.get().owner(), api.get().name(), JavacApi.hierarchy(state)))) {
        return false;
      }
      receiver = ASTHelpers.getReceiver(previous);
    }
    return false;
  }

  /** Whether the launching method waits for launched work (get, join, awaitTermination..) after the launch. */
  private static boolean waitsAfter(TreePath method, Tree launch, VisitorState state) {
    long start = ASTHelpers.getStartPosition(launch);
    boolean[] found = {false};
    new com.sun.source.util.TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        if ((ASTHelpers.getStartPosition(tree) > start || onChainOf(tree, launch)) && waits(tree, state)) {
          found[0] = true;
        }
        return super.visitMethodInvocation(tree, null);
      }
    }.scan(method, null);
    return found[0];
  }

  /** Whether a wait call lies in the launching method between the launch and {@code at}. */
  public static boolean waitedBetween(Context task, TreePath at, VisitorState state) {
    if (task.launcher() == null) {
      return false;
    }
    long from = ASTHelpers.getStartPosition(task.anchor());
    long to = ASTHelpers.getStartPosition(at.getLeaf());
    boolean[] found = {false};
    new com.sun.source.util.TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        long p = ASTHelpers.getStartPosition(tree);
        if (p > from && p < to && waits(tree, state)) {
          found[0] = true;
        }
        return super.visitMethodInvocation(tree, null);
      }
    }.scan(task.launcher(), null);
    return found[0];
  }

  private static boolean waits(MethodInvocationTree call, VisitorState state) {
    Optional<ApiMethod> api = JavacApi.call(call, state);
    return api.isPresent() && HappensBefore.waitsForTasks(api.get().owner(), api.get().name(), JavacApi.hierarchy(state));
  }

  /** Whether {@code at} is in the launching method of the task (so their order is known). */
  public static boolean inLauncher(Context task, TreePath at) {
    return task.launcher() != null && enclosingMethod(at) != null
        && enclosingMethod(at).getLeaf() == task.launcher().getLeaf();
  }

  private static boolean inLoop(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof MethodTree || node instanceof ClassTree || node instanceof LambdaExpressionTree) {
        return false;
      }
      if (node instanceof ForLoopTree || node instanceof EnhancedForLoopTree || node instanceof WhileLoopTree
          || node instanceof DoWhileLoopTree) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a task launched in a loop is waited for before the next round: a wait chained on the launch
   * ({@code pool.submit(..).get()}), or a wait statement after it in the same block of the loop's body.
   */
  private static boolean waitedForEachRound(TreePath launch, VisitorState state) {
    TreePath statement = launch;
    while (statement != null && !(statement.getLeaf() instanceof com.sun.source.tree.StatementTree)) {
      if (statement.getLeaf() instanceof MethodInvocationTree wait && ASTHelpers.getReceiver(wait) == launch.getLeaf()
          && waits(wait, state)) {
        return true;
      }
      statement = statement.getParentPath();
    }
    if (statement == null || !(statement.getParentPath().getLeaf() instanceof BlockTree block)) {
      return false;
    }
    boolean after = false;
    for (com.sun.source.tree.StatementTree next : block.getStatements()) {
      if (after && next instanceof ExpressionStatementTree expression
          && MapIdentity.strip(expression.getExpression()) instanceof MethodInvocationTree wait && waits(wait, state)) {
        return true;
      }
      after |= next == statement.getLeaf();
    }
    return false;
  }

  /** Whether {@code launch} is a receiver of {@code call}, or of a call it is chained on ({@code submit(..).get()}). */
  private static boolean onChainOf(MethodInvocationTree call, Tree launch) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    for (int i = 0; i < 16 && receiver != null; i++) {
      if (receiver == launch) {
        return true;
      }
      receiver = receiver instanceof MethodInvocationTree previous ? ASTHelpers.getReceiver(previous) : null;
    }
    return false;
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

  private static long line(Tree tree, VisitorState state) {
    return state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  private static String simple(String binaryName) {
    return binaryName.substring(Math.max(binaryName.lastIndexOf('.'), binaryName.lastIndexOf('$')) + 1);
  }
}
