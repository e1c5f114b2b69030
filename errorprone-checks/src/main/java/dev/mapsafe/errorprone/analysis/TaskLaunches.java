package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
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
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.threads.HappensBefore;
import dev.mapsafe.knowledge.threads.InlineCallbacks;
import dev.mapsafe.knowledge.threads.Overlap.Kind;
import dev.mapsafe.knowledge.threads.TaskLaunchers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;

/**
 * Which function objects a method launches on other threads, as the thread vocabulary ({@link TaskLaunchers},
 * {@link HappensBefore}) names the calls: a lambda, method reference or anonymous class given to a launcher, added
 * to a collection the method gives to one ({@code invokeAll(tasks)}), given to a stage that follows an async one,
 * or to an operation of a parallel stream; whether its runs overlap each other and whether the launcher waits for
 * it. {@link ThreadReach} reads it; the bytecode engine's counterpart has the same name.
 */
final class TaskLaunches {
  private TaskLaunches() {}

  /** The task a function object at {@code fn} (lambda, method reference, anonymous class) is, if launched. */
  static Optional<ThreadReach.Context> taskOf(TreePath fn, VisitorState state) {
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
    long line = line(fn.getLeaf(), fn);
    int argument = arguments(call).indexOf(fn.getLeaf());
    boolean direct = launchesDirectly(call, state);
    if (direct || forwards(ASTHelpers.getSymbol(call), argument, state, 0)) {
      ThreadReach.Context task = launch(callPath, api.get(), direct, line, state);
      return Optional.of(direct && callsBack(call, argument, state) ? task.callbacks() : task);
    }
    if (call instanceof MethodInvocationTree stage
        && TaskLaunchers.runsOnCompletingThread(owner, name, JavacApi.hierarchy(state))
        && followsAsyncStage(ASTHelpers.getReceiver(stage), state, 0)) {
      TreePath launcher = ThreadReach.enclosingMethod(callPath);
      return Optional.of(
          new ThreadReach.Context(Kind.TASK, call,
              "the stage passed to " + simple(owner) + "." + name + "(..) at line " + line + " after an async one",
              inLoop(callPath) && !waitedForEachRound(callPath, state), false, launcher,
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
          new ThreadReach.Context(Kind.TASK, call, "the parallel stream's " + name + "(..) at line " + line, true,
              true, ThreadReach.enclosingMethod(callPath), false));
    }
    return Optional.empty();
  }

  /**
   * The task a call launches: "the task passed to pool.execute(..) at line 27", whether its runs overlap (a launcher
   * of the vocabulary or a library's scheduler called in a loop; not a method of the compilation passing it on), and
   * whether the launching method waits for it.
   */
  private static ThreadReach.Context launch(TreePath callPath, ApiMethod api, boolean direct, long line,
      VisitorState state) {
    ExpressionTree call = (ExpressionTree) callPath.getLeaf();
    String name = api.name();
    boolean repeats = direct && inLoop(callPath) && !waitedForEachRound(callPath, state);
    String launched = call instanceof MethodInvocationTree invocation && ASTHelpers.getReceiver(invocation) != null
        ? source(ASTHelpers.getReceiver(invocation), callPath, state) + "." + name
        : name.equals("<init>") ? "new " + simple(api.owner()) : simple(api.owner()) + "." + name;
    TreePath launcher = ThreadReach.enclosingMethod(callPath);
    return new ThreadReach.Context(Kind.TASK, call, "the task passed to " + launched + "(..) at line " + line, repeats,
        false, launcher, launcher != null
            && (call instanceof MethodInvocationTree invocation && waits(invocation, state)
                || waitsAfter(launcher, call, state)),
        serialExecutor(call, state));
  }

  /**
   * Whether the call runs its function arguments on another thread: a launcher of the thread vocabulary, or a method
   * of a library (not compiled here) that schedules by its signature ({@link TaskLaunchers#schedulesBySignature}).
   * The bytecode engine's {@code BytecodeApi.launches}.
   */
  private static boolean launchesDirectly(ExpressionTree call, VisitorState state) {
    Optional<ApiMethod> api = JavacApi.call(call, state);
    if (api.isEmpty() || !(ASTHelpers.getSymbol(call) instanceof MethodSymbol callee)) {
      return false;
    }
    if (TaskLaunchers.launches(api.get().owner(), api.get().name(), JavacApi.hierarchy(state))) {
      return true;
    }
    if (Declarations.compiledHere(callee, state)) {
      return false;
    }
    List<Type> types = callee.erasure(state.getTypes()).getParameterTypes();
    return TaskLaunchers.schedulesBySignature(api.get().owner(), api.get().params(),
        first -> taskMethod(types.get(0), state).isPresent(), JavacApi.hierarchy(state));
  }

  /**
   * Whether a method compiled here passes its parameter {@code index} on to a launcher ({@code execute(Runnable task)
   * { executor.execute(task); }}), or to another such method, a few deep. The bytecode engine's counterpart is
   * {@code ThreadReach}'s forwarded launches.
   */
  private static boolean forwards(Symbol callee, int index, VisitorState state, int depth) {
    if (!(callee instanceof MethodSymbol method) || depth > 2 || index < 0
        || index >= method.getParameters().size() || !Declarations.compiledHere(method, state)) {
      return false;
    }
    VarSymbol parameter = method.getParameters().get(index);
    for (TreePath use : Declarations.declaring(method, state).uses(parameter)) {
      Tree parent = use.getParentPath().getLeaf();
      int at = parent instanceof ExpressionTree call ? arguments(call).indexOf(use.getLeaf()) : -1;
      if (at >= 0 && (launchesDirectly((ExpressionTree) parent, state)
          || forwards(ASTHelpers.getSymbol(parent), at, state, depth + 1))) {
        return true;
      }
    }
    return false;
  }

  private static List<? extends ExpressionTree> arguments(ExpressionTree call) {
    return call instanceof MethodInvocationTree invocation ? invocation.getArguments()
        : call instanceof NewClassTree created ? created.getArguments() : List.of();
  }

  /**
   * The method a task object of the type runs: the single abstract method of a functional interface, when it has a
   * task's shape ({@link TaskLaunchers#isTaskMethod}); else empty. The bytecode engine's
   * {@code BytecodeApi.taskMethod}.
   */
  private static Optional<MethodSymbol> taskMethod(Type type, VisitorState state) {
    if (type == null || !(type.tsym instanceof ClassSymbol cls) || !cls.isInterface()) {
      return Optional.empty();
    }
    try {
      return state.getTypes().findDescriptorSymbol(cls) instanceof MethodSymbol method
              && TaskLaunchers.isTaskMethod(method.getReturnType().getKind() == TypeKind.VOID,
                  method.getParameters().size())
          ? Optional.of(method) : Optional.empty();
    } catch (RuntimeException notFunctional) { // javac's FunctionDescriptorLookupError
      return Optional.empty();
    }
  }

  /**
   * An object of a class the compilation constructs and launches as a task ({@code pool.execute(new
   * StreamTask(stream))}, directly or through an effectively final local), with its launch and the method the
   * launcher runs on it: its implementation in the class or a superclass is where the task starts.
   */
  record TaskObject(ThreadReach.Context launch, ClassSymbol cls, MethodSymbol method) {}

  private static final com.sun.tools.javac.util.Context.Key<List<TaskObject>> TASK_OBJECTS =
      new com.sun.tools.javac.util.Context.Key<>();

  /** The objects the compilation launches as tasks, found once per compilation. */
  static List<TaskObject> taskObjects(VisitorState state) {
    List<TaskObject> objects = state.context.get(TASK_OBJECTS);
    if (objects != null) {
      return objects;
    }
    objects = new ArrayList<>();
    for (TreePath callPath : Declarations.ofCompilation(state).calls()) {
      ExpressionTree call = (ExpressionTree) callPath.getLeaf();
      Optional<ApiMethod> api = JavacApi.call(call, state);
      if (api.isEmpty() || !(ASTHelpers.getSymbol(call) instanceof MethodSymbol callee)) {
        continue;
      }
      List<? extends ExpressionTree> arguments = arguments(call);
      for (int i = 0; i < arguments.size() && i < callee.getParameters().size(); i++) {
        if (callsBack(call, i, state) && launchesDirectly(call, state)) {
          addCallbacks(callPath, api.get(), i, state, objects);
          continue;
        }
        Optional<ClassSymbol> made = constructed(new TreePath(callPath, arguments.get(i)), state);
        if (made.isEmpty()) {
          continue;
        }
        boolean direct = launchesDirectly(call, state);
        if (!direct && !forwards(callee, i, state, 0)) {
          continue;
        }
        Optional<MethodSymbol> runs = taskMethod(callee.getParameters().get(i).type, state);
        if (runs.isPresent()) {
          objects.add(new TaskObject(launch(callPath, api.get(), direct, line(arguments.get(i), callPath), state),
              made.get(), runs.get()));
        }
      }
    }
    state.context.put(TASK_OBJECTS, objects);
    return objects;
  }

  /**
   * Whether the call's launcher calls back the object it is given as argument {@code index} ({@link
   * TaskLaunchers#callsBack}: {@code subscribe(Flow.Subscriber)}).
   */
  private static boolean callsBack(ExpressionTree call, int index, VisitorState state) {
    return ASTHelpers.getSymbol(call) instanceof MethodSymbol callee && index >= 0
        && index < callee.getParameters().size() && TaskLaunchers.callsBack(
            JavacApi.binaryName(callee.getParameters().get(index).type, state.getTypes()));
  }

  /**
   * The callbacks of a named class's object, constructed there or {@code this}, given to a launcher that calls it
   * back: a task object for each method of the interface, launched as the callbacks ({@link #callbacksOf}). An
   * anonymous class's methods are all in the task already ({@link #taskOf}).
   */
  private static void addCallbacks(TreePath callPath, ApiMethod api, int index, VisitorState state,
      List<TaskObject> objects) {
    ExpressionTree argument = arguments((ExpressionTree) callPath.getLeaf()).get(index);
    Optional<ClassSymbol> made = MapIdentity.strip(argument) instanceof IdentifierTree id
            && id.getName().contentEquals("this") && ASTHelpers.getSymbol(id) != null
            && ASTHelpers.getSymbol(id).type.tsym instanceof ClassSymbol self
        ? Optional.of(self) : constructed(new TreePath(callPath, argument), state);
    MethodSymbol callee = (MethodSymbol) ASTHelpers.getSymbol(callPath.getLeaf());
    if (made.isEmpty() || made.get().isAnonymous()
        || !(callee.getParameters().get(index).type.tsym instanceof ClassSymbol callbackInterface)) {
      return;
    }
    ThreadReach.Context callbacks =
        launch(callPath, api, true, line(argument, callPath), state).callbacks();
    for (Symbol member : callbackInterface.getEnclosedElements()) {
      if (member instanceof MethodSymbol method && method.isAbstract() && !method.isStatic()) {
        objects.add(new TaskObject(callbacks, made.get(), method));
      }
    }
  }

  /**
   * The callbacks a launcher makes on objects of the method's class that the compilation gives it, when the method
   * is one of them (same name and number of parameters as a method of the interface), or empty.
   */
  static Optional<ThreadReach.Context> callbacksOf(MethodSymbol method, VisitorState state) {
    if (method.isStatic() || !(method.owner instanceof ClassSymbol cls) || state.getTypes().closure(cls.type).stream()
        .noneMatch(t -> TaskLaunchers.callsBack(JavacApi.binaryName(t, state.getTypes())))) {
      return Optional.empty(); // cheap first: the class implements no interface a launcher calls back
    }
    return taskObjects(state).stream()
        .filter(o -> o.launch().callback() && o.cls().equals(cls)
            && o.method().getSimpleName().equals(method.getSimpleName())
            && o.method().getParameters().size() == method.getParameters().size())
        .map(TaskObject::launch).findFirst();
  }

  /** The class of the object an argument constructs there, or through a local assigned once, or empty. */
  private static Optional<ClassSymbol> constructed(TreePath argument, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) argument.getLeaf());
    // One assignment, not javac's effectively-final flag: the objects are found once for the whole compilation,
    // maybe before javac's flow analysis has reached the file of the call and set it.
    if (ASTHelpers.getSymbol(tree) instanceof VarSymbol local && local.getKind() == ElementKind.LOCAL_VARIABLE) {
      List<TreePath> initial = Declarations.declaring(local, state).assignedValues(local);
      tree = initial.size() == 1 ? MapIdentity.strip((ExpressionTree) initial.get(0).getLeaf()) : null;
    }
    return tree instanceof NewClassTree created && ASTHelpers.getSymbol(created) instanceof MethodSymbol constructor
            && constructor.owner instanceof ClassSymbol cls
        ? Optional.of(cls) : Optional.empty();
  }

  /**
   * The field a launch's executor is read from ({@code worker.execute(..)}), when every value the compilation gives
   * that field is an executor running its tasks one at a time ({@code Executors.newSingleThreadExecutor()}); else
   * null. The bytecode engine's {@code SerialExecutors}.
   */
  private static Symbol serialExecutor(ExpressionTree call, VisitorState state) {
    if (!(call instanceof MethodInvocationTree invocation) || ASTHelpers.getReceiver(invocation) == null
        || !(ASTHelpers.getSymbol(ASTHelpers.getReceiver(invocation)) instanceof Symbol.VarSymbol field)
        || field.getKind() != ElementKind.FIELD) {
      return null;
    }
    List<TreePath> values = Declarations.ofCompilation(state).assignedValues(field);
    boolean serial = !values.isEmpty() && values.stream().allMatch(value ->
        MapIdentity.strip((ExpressionTree) value.getLeaf()) instanceof MethodInvocationTree made
            && JavacApi.call(made, state)
                .filter(api -> TaskLaunchers.makesSerialExecutor(api.owner(), api.name())).isPresent());
    return serial ? field : null;
  }

  /**
   * The task a function object added to the local collection {@code tasks} at {@code add} is, when the method then
   * gives that collection to a launcher ({@code pool.invokeAll(tasks)}): the collected tasks run at once, each
   * with the others when the method adds several or adds in a loop.
   */
  private static Optional<ThreadReach.Context> collectedTask(
      TreePath add, Symbol.VarSymbol tasks, VisitorState state) {
    TreePath method = ThreadReach.enclosingMethod(add);
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
    String launched = (receiver == null ? "" : source(receiver, method, state) + ".")
        + ASTHelpers.getSymbol(launch).getSimpleName();
    return Optional.of(
        new ThreadReach.Context(Kind.TASK, launch,
            "the tasks passed to " + launched + "(..) at line " + line(launch, method), added[0] > 1 || inLoop(add),
            false, method,
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
    return waitsIn(method.getLeaf(),
        call -> ASTHelpers.getStartPosition(call) > start || onChainOf(call, launch), state);
  }

  /** Whether the code under {@code scope} makes a call that waits for launched work where {@code at} holds. */
  static boolean waitsIn(Tree scope, java.util.function.Predicate<MethodInvocationTree> at, VisitorState state) {
    boolean[] found = {false};
    new com.sun.source.util.TreeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
        found[0] |= at.test(tree) && waits(tree, state);
        return super.visitMethodInvocation(tree, null);
      }
    }.scan(scope, null);
    return found[0];
  }

  /** Whether the call waits for launched work ({@link HappensBefore}). */
  static boolean waits(MethodInvocationTree call, VisitorState state) {
    Optional<ApiMethod> api = JavacApi.call(call, state);
    return api.isPresent()
        && HappensBefore.waitsForTasks(api.get().owner(), api.get().name(), JavacApi.hierarchy(state));
  }

  private static boolean inLoop(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof MethodTree || node instanceof ClassTree || node instanceof LambdaExpressionTree) {
        return false;
      }
      if (isLoop(node)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the tree is a loop statement: code in its body may run again before code after it. */
  static boolean isLoop(Tree node) {
    return node instanceof ForLoopTree || node instanceof EnhancedForLoopTree || node instanceof WhileLoopTree
        || node instanceof DoWhileLoopTree;
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
  static boolean onChainOf(MethodInvocationTree call, Tree launch) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    for (int i = 0; i < 16 && receiver != null; i++) {
      if (receiver == launch) {
        return true;
      }
      receiver = receiver instanceof MethodInvocationTree previous ? ASTHelpers.getReceiver(previous) : null;
    }
    return false;
  }

  /** The line of a tree of the file of {@code in}, which may be another file of the compilation than the state's. */
  private static long line(Tree tree, TreePath in) {
    return in.getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  /** A tree as written, when it is in the state's file; else as javac prints it. */
  private static String source(ExpressionTree tree, TreePath in, VisitorState state) {
    String written = in.getCompilationUnit() == state.getPath().getCompilationUnit() ? state.getSourceForNode(tree)
        : null;
    return written != null ? written : tree.toString();
  }

  private static String simple(String binaryName) {
    return binaryName.substring(Math.max(binaryName.lastIndexOf('.'), binaryName.lastIndexOf('$')) + 1);
  }
}
