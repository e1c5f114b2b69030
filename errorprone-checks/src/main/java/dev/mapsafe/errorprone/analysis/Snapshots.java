package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapCopies;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Publication;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * Copy-on-write maps ({@link Publication}): which expression names a published map (a {@code volatile} map field,
 * {@code ref.get()} of an {@code AtomicReference} of a map, the current value an update function receives), and
 * where a local map was published (assigned to such a field, possibly as a live view, or given to {@code set}).
 */
public final class Snapshots {

  /** A published map an expression names, and how it is published (for messages). */
  public record Published(String map, String publication) {}

  private static final int MAX_DEPTH = 8;

  private Snapshots() {}

  /** The published map an expression (a map or a view of one) names, if any. */
  public static Optional<Published> named(TreePath expression, VisitorState state) {
    TreePath map = MapEffects.viewedMap(expression, state);
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) map.getLeaf());
    Symbol sym = ASTHelpers.getSymbol(tree);
    if (sym instanceof VarSymbol field && field.getKind() == ElementKind.FIELD && isPublishingField(field, state)
        && constructedIntoField(field, state)
            .filter(classes -> Publication.publishesPlainMaps(classes, hierarchy(state))).isPresent()) {
      return Optional.of(new Published(field.getSimpleName().toString(),
          "the volatile field " + field.getSimpleName()));
    }
    if (tree instanceof MethodInvocationTree call
        && JavacApi.call(call, state).filter(api -> Publication.reads(api.owner(), api.name(), hierarchy(state)))
            .isPresent()
        && ASTHelpers.getSymbol(ASTHelpers.getReceiver(call)) instanceof VarSymbol ref
        && ref.getKind() == ElementKind.FIELD
        && holdsMutableMap(ref.type, state)
        && Publication.publishesPlainMaps(constructedInto(ref, state), hierarchy(state))) {
      return Optional.of(new Published(state.getSourceForNode(call), "the AtomicReference " + ref.getSimpleName()));
    }
    if (sym instanceof VarSymbol parameter && parameter.getKind() == ElementKind.PARAMETER) {
      return updateFunctionOf(parameter, map, state)
          .map(update -> new Published(parameter.getSimpleName().toString(),
              "the AtomicReference whose " + update + " function received it"));
    }
    return Optional.empty();
  }

  /**
   * The inner map of a published map of maps an expression names: {@code routes.get(host)} of a published {@code
   * routes}, or {@code next.get(host)} of a local {@code next} that is a shallow copy of it (the copy shares the
   * inner maps with the published map) and is never written itself (a copy that replaced an inner map first is
   * not followed). The inner maps must be maps that can be changed in place.
   */
  public static Optional<Published> innerMapOf(TreePath expression, VisitorState state) {
    TreePath map = MapEffects.viewedMap(expression, state);
    if (!(MapIdentity.strip((ExpressionTree) map.getLeaf()) instanceof MethodInvocationTree get)
        || !Publication.readsInnerMap(ASTHelpers.getSymbol(get).getSimpleName().toString())
        || ASTHelpers.getReceiver(get) == null || !holdsMutableMaps(ASTHelpers.getType(ASTHelpers.getReceiver(get)), state)) {
      return Optional.empty();
    }
    ExpressionTree outer = ASTHelpers.getReceiver(get);
    Optional<Published> published = named(new TreePath(map, outer), state);
    if (published.isPresent()) {
      return Optional.of(new Published(Publication.innerMapOf(published.get().map(), null),
          published.get().publication()));
    }
    if (!(ASTHelpers.getSymbol(MapIdentity.strip(outer)) instanceof VarSymbol local)
        || !MapIdentity.isEffectivelyFinalLocal(local) || writtenItself(local, state)) {
      return Optional.empty();
    }
    List<TreePath> values = Declarations.of(state).assignedValues(local);
    ExpressionTree copy = values.size() == 1 ? MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()) : null;
    Optional<ApiMethod> api = copy instanceof NewClassTree || copy instanceof MethodInvocationTree
        ? JavacApi.call(copy, state).filter(a -> MapCopies.isShallowCopy(a, hierarchy(state))) : Optional.empty();
    ExpressionTree source = api.map(a -> ShallowCopies.copiedMap(copy, a)).orElse(null);
    if (source == null) {
      return Optional.empty();
    }
    return named(new TreePath(values.get(0), source), state)
        .map(p -> new Published(Publication.innerMapOf(p.map(), local.getSimpleName().toString()), p.publication()));
  }

  /** A map type whose values are maps that can be changed in place ({@code Map<K, Map<K2, V>>}). */
  private static boolean holdsMutableMaps(Type type, VisitorState state) {
    Symbol mapClass = state.getSymbolFromString("java.util.Map");
    Type asMap = type == null || mapClass == null ? null : state.getTypes().asSuper(type, mapClass);
    return asMap != null && asMap.getTypeArguments().size() == 2 && Publication.isMutableMapType(
        JavacApi.binaryName(state.getTypes().erasure(asMap.getTypeArguments().get(1)), state.getTypes()),
        hierarchy(state));
  }

  /** Whether a local map is the subject of any write call ({@code next.put(k, ..)}). */
  private static boolean writtenItself(VarSymbol local, VisitorState state) {
    for (TreePath use : Declarations.of(state).uses(local)) {
      if (use.getParentPath().getLeaf() instanceof MemberSelectTree select && select.getExpression() == use.getLeaf()
          && use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree call
          && MapEffects.of(call, state).stream().anyMatch(a -> a.effect().kind() == MapEffect.WRITE
              && a.effect().operand().isReceiver())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The classes of the maps constructed and given to an {@code AtomicReference} field: in its {@code new
   * AtomicReference<>(new HashMap<>())}, and to its publishing calls ({@code ref.set(new HashMap<>())}, also through
   * a local holding one).
   */
  public static List<String> constructedInto(VarSymbol ref, VisitorState state) {
    List<String> classes = new ArrayList<>();
    Declarations declarations = Declarations.declaring(ref, state);
    for (TreePath value : declarations.assignedValues(ref)) {
      if (MapIdentity.strip((ExpressionTree) value.getLeaf()) instanceof NewClassTree creation
          && creation.getArguments().size() == 1) {
        constructed(new TreePath(value, creation.getArguments().get(0)), state).ifPresent(classes::add);
      }
    }
    for (TreePath use : declarations.uses(ref)) {
      if (use.getParentPath().getLeaf() instanceof MemberSelectTree select && select.getExpression() == use.getLeaf()
          && use.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree call) {
        int argument = JavacApi.call(call, state)
            .map(a -> Publication.publishedArgument(a.owner(), a.name(), hierarchy(state))).orElse(-1);
        if (argument >= 0 && argument < call.getArguments().size()) {
          constructed(new TreePath(use.getParentPath().getParentPath(), call.getArguments().get(argument)), state)
              .ifPresent(classes::add);
        }
      }
    }
    return classes;
  }

  /**
   * The classes of the maps assigned to a field, each a {@code new} expression or a local whose one value is one;
   * empty when some value is anything else (as bytecode sees the stores).
   */
  private static Optional<List<String>> constructedIntoField(VarSymbol field, VisitorState state) {
    List<String> classes = new ArrayList<>();
    for (TreePath value : Declarations.declaring(field, state).assignedValues(field)) {
      Optional<String> created = constructed(value, state);
      if (created.isEmpty()) {
        return Optional.empty();
      }
      classes.add(created.get());
    }
    return Optional.of(classes);
  }

  /** The class a {@code new} expression (or a local whose one value is one) constructs. */
  private static Optional<String> constructed(TreePath expression, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) expression.getLeaf());
    if (ASTHelpers.getSymbol(tree) instanceof VarSymbol local && MapIdentity.isEffectivelyFinalLocal(local)) {
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      tree = values.size() == 1 ? MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()) : tree;
    }
    Type type = tree instanceof NewClassTree ? ASTHelpers.getType(tree) : null;
    return type == null ? Optional.empty() : Optional.of(JavacApi.binaryName(state.getTypes().erasure(type), state.getTypes()));
  }

  /**
   * The {@code InheritableThreadLocal} field of a map that can be changed in place whose current value an expression
   * is: {@code local.get()}, or an effectively final local variable holding it; empty when an object the field is
   * given decides itself what a child thread gets (overrides {@code childValue}).
   */
  public static Optional<VarSymbol> inheritedThreadLocal(TreePath expression, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) MapEffects.viewedMap(expression, state).getLeaf());
    if (ASTHelpers.getSymbol(tree) instanceof VarSymbol local && MapIdentity.isEffectivelyFinalLocal(local)) {
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      tree = values.size() == 1 ? MapIdentity.strip((ExpressionTree) values.get(0).getLeaf()) : tree;
    }
    if (!(tree instanceof MethodInvocationTree call)
        || JavacApi.call(call, state)
            .filter(api -> Publication.readsThreadLocal(api.owner(), api.name(), hierarchy(state))).isEmpty()
        || !(ASTHelpers.getSymbol(ASTHelpers.getReceiver(call)) instanceof VarSymbol field)
        || field.getKind() != ElementKind.FIELD
        || !Publication.isInheritedByChildThreads(JavacApi.binaryName(field.type, state.getTypes()), hierarchy(state))
        || field.type.getTypeArguments().size() != 1
        || !Publication.isMutableMapType(
            JavacApi.binaryName(field.type.getTypeArguments().get(0), state.getTypes()), hierarchy(state))) {
      return Optional.empty();
    }
    for (TreePath value : Declarations.of(state).assignedValues(field)) {
      if (value.getLeaf() instanceof NewClassTree made && made.getClassBody() != null
          && made.getClassBody().getMembers().stream().anyMatch(member -> member instanceof MethodTree method
              && Publication.decidesChildValue(method.getName().toString(), method.getParameters().size()))) {
        return Optional.empty();
      }
    }
    return Optional.of(field);
  }

  /** A volatile field declared as a map that can be changed in place. */
  private static boolean isPublishingField(VarSymbol field, VisitorState state) {
    return (field.flags() & Flags.VOLATILE) != 0
        && Publication.isMutableMapType(JavacApi.binaryName(field.type, state.getTypes()), hierarchy(state))
        && MapImplementations.of(field, state)
            .map(classes -> classes.stream().noneMatch(c -> !Publication.isMutableMapType(c, hierarchy(state))))
            .orElse(true);
  }

  /** An {@code AtomicReference<M>} whose {@code M} is a map that can be changed in place. */
  private static boolean holdsMutableMap(Type type, VisitorState state) {
    if (type == null || !Publication.isAtomicReference(JavacApi.binaryName(type, state.getTypes()), hierarchy(state))
        || type.getTypeArguments().size() != 1) {
      return false;
    }
    return Publication.isMutableMapType(
        JavacApi.binaryName(type.getTypeArguments().get(0), state.getTypes()), hierarchy(state));
  }

  /**
   * The update call ({@code updateAndGet}) whose function's first parameter is {@code parameter}: the lambda is
   * that call's function argument on an {@code AtomicReference} of a map.
   */
  private static Optional<String> updateFunctionOf(VarSymbol parameter, TreePath use, VisitorState state) {
    for (TreePath p = use; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree lambda) {
        if (lambda.getParameters().isEmpty() || ASTHelpers.getSymbol(lambda.getParameters().get(0)) != parameter) {
          continue; // an inner lambda: the parameter belongs to an outer one
        }
        if (!(p.getParentPath().getLeaf() instanceof MethodInvocationTree call)) {
          return Optional.empty();
        }
        Optional<ApiMethod> api = JavacApi.call(call, state);
        ExpressionTree receiver = ASTHelpers.getReceiver(call);
        int function = api.map(a -> Publication.updateFunction(a.owner(), a.name(), hierarchy(state))).orElse(-1);
        return function >= 0 && function < call.getArguments().size()
                && call.getArguments().get(function) == lambda
                && receiver != null && holdsMutableMap(ASTHelpers.getType(receiver), state)
            ? Optional.of(api.get().name())
            : Optional.empty();
      }
      if (p.getLeaf() instanceof MethodTree) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Where, in the method, the local was published before {@code at} and not given another map since: an
   * assignment of it (or of a live view of it) to a volatile map field, or an {@code AtomicReference} call that
   * publishes it. The published map's description, with the line. A local given more than one map (lazy
   * initialisation: {@code m = field; if (m == null) { m = new HashMap<>(); field = m; } m.put(..)}) may hold the map
   * published long before, which its owner changes in place by design: not a snapshot (the bytecode engine sees a
   * value merged from both).
   */
  public static Optional<String> publishedBefore(VarSymbol local, TreePath at, VisitorState state) {
    MethodTree method = ASTHelpers.findEnclosingNode(at, MethodTree.class);
    if (method == null || method.getBody() == null) {
      return Optional.empty();
    }
    int position = ASTHelpers.getStartPosition(at.getLeaf());
    int[] published = {-1};
    String[] where = {null};
    Set<Integer> reassigned = new HashSet<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitAssignment(AssignmentTree assignment, Void unused) {
        Symbol target = ASTHelpers.getSymbol(assignment.getVariable());
        int start = ASTHelpers.getStartPosition(assignment);
        if (target == local) {
          reassigned.add(start);
        } else if (target instanceof VarSymbol field && field.getKind() == ElementKind.FIELD
            && isPublishingField(field, state) && start < position
            && isOrViews(new TreePath(getCurrentPath(), assignment.getExpression()), local, state)) {
          published[0] = start;
          where[0] = "the volatile field " + field.getSimpleName();
        }
        return super.visitAssignment(assignment, null);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        Optional<ApiMethod> api = JavacApi.call(call, state);
        int argument = api.map(a -> Publication.publishedArgument(a.owner(), a.name(), hierarchy(state))).orElse(-1);
        int start = ASTHelpers.getStartPosition(call);
        if (argument >= 0 && argument < call.getArguments().size() && start < position
            && ASTHelpers.getReceiver(call) != null
            && holdsMutableMap(ASTHelpers.getType(ASTHelpers.getReceiver(call)), state)
            && isOrViews(new TreePath(getCurrentPath(), call.getArguments().get(argument)), local, state)) {
          published[0] = start;
          where[0] = "the AtomicReference " + state.getSourceForNode(ASTHelpers.getReceiver(call));
        }
        return super.visitMethodInvocation(call, null);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree lambda, Void unused) {
        return null; // runs some other time
      }
    }.scan(TreePath.getPath(state.getPath().getCompilationUnit(), method.getBody()), null);
    if (published[0] < 0
        || reassigned.stream().anyMatch(r -> r > published[0] && r < position)
        || Declarations.of(state).assignedValues(local).size() > 1
        || insideLambda(at)) {
      return Optional.empty();
    }
    long line = state.getPath().getCompilationUnit().getLineMap().getLineNumber(published[0]);
    return Optional.of(where[0] + " at line " + line);
  }

  /** Whether the write is in a lambda of the method: it may run some other time. */
  private static boolean insideLambda(TreePath at) {
    for (TreePath p = at; p != null && !(p.getLeaf() instanceof MethodTree); p = p.getParentPath()) {
      if (p.getLeaf() instanceof LambdaExpressionTree) {
        return true;
      }
    }
    return false;
  }

  /** Whether an expression is the local, or a live view of it ({@code Collections.unmodifiableMap(local)}). */
  private static boolean isOrViews(TreePath expression, VarSymbol local, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) expression.getLeaf());
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      if (ASTHelpers.getSymbol(tree) == local && !(tree instanceof MethodInvocationTree)) {
        return true;
      }
      if (!(tree instanceof MethodInvocationTree call)) {
        return false;
      }
      Optional<ApiMethod> api = JavacApi.call(call, state);
      Optional<Effect> view = api.flatMap(a -> MapApi.effectsOf(a, hierarchy(state)).stream()
          .filter(e -> e.kind() == MapEffect.VIEW).findFirst());
      if (view.isEmpty()) {
        return false;
      }
      ExpressionTree next = view.get().operand().isReceiver()
          ? ASTHelpers.getReceiver(call)
          : view.get().operand().argIndex() < call.getArguments().size()
              ? call.getArguments().get(view.get().operand().argIndex()) : null;
      if (next == null) {
        return false;
      }
      tree = MapIdentity.strip(next);
    }
    return false;
  }

  /** Whether every access of the field's map holds one common lock: then it is not a lock-free snapshot. */
  public static boolean alwaysLocked(VarSymbol field, VisitorState state) {
    Set<String> common = null;
    for (FieldAccesses.Access access : FieldAccesses.of(field, state)) {
      Set<String> names = new HashSet<>();
      for (GuardedByExpression lock : access.protection()) {
        names.add(Races.lockName(lock));
      }
      if (common == null) {
        common = names;
      } else {
        common.retainAll(names);
      }
    }
    return common != null && !common.isEmpty();
  }

  private static TypeHierarchy hierarchy(VisitorState state) {
    return JavacApi.hierarchy(state);
  }
}
