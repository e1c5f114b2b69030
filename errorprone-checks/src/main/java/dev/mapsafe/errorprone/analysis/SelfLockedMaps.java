package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * Finds the self-locked map ({@code Collections.synchronized*} wrapper or {@code Hashtable}) behind an
 * expression: the map itself, a view of it (views of views, unmodifiable wrappers of views), a local that
 * holds one, or a non-overridable method of the same compilation unit that returns one.
 *
 * <p>A field counts when its declared type is self-locked, or when it is private or final and every value
 * this compilation unit assigns to it creates a wrapper. A local counts when its single value does.
 */
public final class SelfLockedMaps {

  /**
   * What makes a map self-locked.
   *
   * @param description for messages: "Collections.synchronizedMap wrapper", "Hashtable"
   * @param deliberate whether the code chose a synchronized wrapper (a statement that the map is shared), rather
   *     than a type that merely happens to lock (legacy code uses Hashtable as its everyday map)
   */
  public record Kind(String description, boolean deliberate) {}

  /**
   * A self-locked map reached from an operand.
   *
   * @param map the expression naming the map, and its path (where it can be bound as a lock)
   * @param kind what makes it self-locked
   * @param confined whether it is a local created in the method that never leaves it
   */
  public record Subject(TreePath map, Kind kind, boolean confined) {}

  private static final int MAX_DEPTH = 8;

  private SelfLockedMaps() {}

  /**
   * Whether the operand is a view made, directly or through views of it, by a view that walks its map by iterator in
   * its own bulk operations ({@link MapApi#viewWalksByIterator}, Guava's {@code Maps.filterValues}): a traversal
   * inside the view's method is then a walk of the map from outside. The bytecode engine's {@code
   * Origin.View.walksByIterator}.
   */
  public static boolean walkedByIterator(ExpressionTree operand, VisitorState state) {
    ExpressionTree tree = MapIdentity.strip(operand);
    for (int depth = 0; depth < MAX_DEPTH && tree instanceof MethodInvocationTree call; depth++) {
      Optional<ApiMethod> api = JavacApi.call(call, state);
      Optional<Effect> view = api.stream().flatMap(a -> MapApi.effectsOf(a, JavacApi.hierarchy(state)).stream())
          .filter(e -> e.kind() == MapEffect.VIEW).findFirst();
      if (view.isEmpty()) {
        return false;
      }
      if (MapApi.viewWalksByIterator(api.get())) {
        return true;
      }
      ExpressionTree viewed = viewed(call, view.get());
      tree = viewed == null ? null : MapIdentity.strip(viewed);
    }
    return false;
  }

  public static Optional<Subject> behind(TreePath operand, VisitorState state) {
    Type type = ASTHelpers.getType(operand.getLeaf());
    if (type == null
        || !MapTypes.mayHoldMapOrView(JavacApi.binaryName(type, state.getTypes()), JavacApi.hierarchy(state))) {
      return Optional.empty();
    }
    return resolve(operand, state, 0);
  }

  private static Optional<Subject> resolve(TreePath operand, VisitorState state, int depth) {
    if (depth > MAX_DEPTH) {
      return Optional.empty();
    }
    ExpressionTree tree = MapIdentity.strip((ExpressionTree) operand.getLeaf());
    TreePath path = new TreePath(operand.getParentPath(), tree);
    Symbol sym = ASTHelpers.getSymbol(tree);
    if (tree instanceof MethodInvocationTree call) {
      Optional<ApiMethod> api = JavacApi.call(call, state);
      if (api.isPresent()) {
        for (Effect effect : MapApi.effectsOf(api.get(), JavacApi.hierarchy(state))) {
          if (effect.kind() == MapEffect.VIEW) {
            ExpressionTree viewed = viewed(call, effect);
            return viewed == null ? Optional.empty() : resolve(subPath(path, viewed), state, depth + 1);
          }
        }
      }
      Optional<String> properties =
          api.flatMap(a -> MapTypes.systemPropertiesBeforeJdk9(a, JavacApi.classVersion(state)));
      if (properties.isPresent()) {
        return Optional.of(new Subject(path, new Kind(properties.get(), true), false));
      }
      return sym instanceof MethodSymbol method
          ? kindReturnedBy(method, state, depth).map(kind -> new Subject(path, kind, false))
          : Optional.empty();
    }
    if (!(sym instanceof VarSymbol var)) {
      return Optional.empty();
    }
    if (var.getKind() == ElementKind.FIELD) {
      return fieldKind(var, state).map(kind -> new Subject(path, kind, false));
    }
    if (!MapIdentity.isEffectivelyFinalLocal(var)) {
      return Optional.empty();
    }
    List<TreePath> values = Declarations.of(state).assignedValues(var);
    if (values.size() != 1) {
      return Optional.empty();
    }
    TreePath value = values.get(0);
    Optional<Kind> created = createdKind((ExpressionTree) value.getLeaf(), state);
    if (created.isPresent()) {
      return Optional.of(new Subject(path, created.get(), !escapes(var, state)));
    }
    return resolve(value, state, depth + 1);
  }

  /** The map or view a view call is made from: its receiver ({@code keySet}) or argument ({@code unmodifiableMap}). */
  private static ExpressionTree viewed(MethodInvocationTree call, Effect view) {
    return view.operand().isReceiver() ? ASTHelpers.getReceiver(call)
        : call.getArguments().get(view.operand().argIndex());
  }

  private static TreePath subPath(TreePath parent, Tree child) {
    TreePath found = TreePath.getPath(parent, child);
    return found != null ? found : new TreePath(parent, child);
  }

  /** The kind of a self-locked field, or empty. */
  private static Optional<Kind> fieldKind(VarSymbol field, VisitorState state) {
    Type declared = field.type;
    if (declared != null
        && MapTypes.isSelfLockedMapType(JavacApi.binaryName(declared, state.getTypes()), JavacApi.hierarchy(state))) {
      return Optional.of(new Kind(declared.tsym.getSimpleName().toString(), false));
    }
    if ((field.flags() & (Flags.PRIVATE | Flags.FINAL)) == 0) {
      return Optional.empty(); // other classes may assign it
    }
    return commonCreatedKind(Declarations.declaring(field, state).assignedValues(field), state);
  }

  private static Optional<Kind> commonCreatedKind(List<TreePath> values, VisitorState state) {
    Kind kind = null;
    for (TreePath value : values) {
      Optional<Kind> created = createdKind((ExpressionTree) value.getLeaf(), state);
      if (created.isEmpty()) {
        return Optional.empty();
      }
      kind = kind == null ? created.get() : kind;
    }
    return Optional.ofNullable(kind);
  }

  /** The kind of self-locked map the expression creates: a synchronized wrapper or a Hashtable. */
  static Optional<Kind> createdKind(ExpressionTree tree, VisitorState state) {
    tree = MapIdentity.strip(tree);
    if (tree instanceof MethodInvocationTree || tree instanceof NewClassTree) {
      Optional<ApiMethod> api = JavacApi.call(tree, state);
      if (api.isPresent() && MapTypes.createsSynchronizedWrapper(api.get())) {
        return Optional.of(new Kind(MapTypes.wrapperDescription(api.get()), true));
      }
    }
    if (tree instanceof NewClassTree creation) {
      Type type = ASTHelpers.getType(creation);
      if (type != null
          && MapTypes.isSelfLockedMapType(JavacApi.binaryName(type, state.getTypes()), JavacApi.hierarchy(state))) {
        return Optional.of(
            new Kind(creation.getClassBody() == null ? type.tsym.getSimpleName().toString() : "Hashtable", false));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether some {@code synchronized (...)} statement of this compilation unit locks the subject's map (named
   * directly, through an alias or an accessor): the author treats it as shared.
   */
  public static boolean isLockedSomewhere(Subject subject, VisitorState state) {
    Symbol map = MapIdentity.symbolOf(subject.map(), state);
    if (map == null) {
      return false;
    }
    for (Declarations unit : List.of(Declarations.of(state), Declarations.declaring(map, state))) {
      for (TreePath lock : unit.monitors()) {
        if (MapIdentity.symbolOf(lock, state) == map) {
          return true;
        }
      }
    }
    return false;
  }



  /**
   * The shared map a non-overridable method of this compilation unit always returns (a field, or another
   * such method); a method that creates a new wrapper per call returns nothing shared.
   */
  private static Optional<Kind> kindReturnedBy(MethodSymbol method, VisitorState state, int depth) {
    Declarations index = Declarations.of(state);
    if (!index.declares(method) || !MapIdentity.isNotOverridable(method)) {
      return Optional.empty();
    }
    Kind kind = null;
    for (TreePath r : index.returnedValues(method)) {
      Optional<Subject> s = resolve(r, state, depth + 1);
      if (s.isEmpty() || s.get().confined() || createdKind((ExpressionTree) r.getLeaf(), state).isPresent()) {
        return Optional.empty();
      }
      kind = kind == null ? s.get().kind() : kind;
    }
    return Optional.ofNullable(kind);
  }

  /**
   * Whether a local map leaves its method: captured by a lambda or class, returned, stored, or passed to a
   * call that is not known to only read it. Uses that keep it local: the receiver of a call whose result is
   * not a view, an argument the map API model knows the call only iterates, {@code synchronized (map)}, and
   * a for-each loop over it.
   */
  static boolean escapes(VarSymbol local, VisitorState state) {
    for (TreePath use : Declarations.of(state).uses(local)) {
      if (!staysLocal(use, state, 0)) {
        return true;
      }
    }
    return false;
  }

  private static boolean staysLocal(TreePath use, VisitorState state, int depth) {
    for (TreePath p = use.getParentPath(); p != null; p = p.getParentPath()) {
      Tree node = p.getLeaf();
      if (node instanceof LambdaExpressionTree || node instanceof ClassTree) {
        return false; // captured: may run on another thread
      }
      if (node instanceof com.sun.source.tree.MethodTree) {
        break;
      }
    }
    Tree parent = use.getParentPath().getLeaf();
    Tree self = use.getLeaf();
    if (parent instanceof SynchronizedTree) {
      return true;
    }
    if (parent instanceof com.sun.source.tree.ParenthesizedTree) {
      return staysLocal(use.getParentPath(), state, depth);
    }
    if (parent instanceof EnhancedForLoopTree loop && loop.getExpression() == self) {
      return true;
    }
    if (parent instanceof MemberSelectTree select && select.getExpression() == self) {
      TreePath callPath = use.getParentPath().getParentPath();
      if (callPath != null && callPath.getLeaf() instanceof MethodInvocationTree call) {
        boolean knownNotAView = JavacApi.call(call, state).isPresent() && !MapEffects.returnsViewOfReceiver(call, state);
        return knownNotAView || (depth < MAX_DEPTH && staysLocal(callPath, state, depth + 1));
      }
      return false;
    }
    if (parent instanceof VariableTree declaration
        && declaration.getInitializer() == self
        && ASTHelpers.getSymbol(declaration) instanceof VarSymbol view
        && MapIdentity.isEffectivelyFinalLocal(view)) {
      // A view kept in a local stays local when every use of that local does.
      if (depth >= MAX_DEPTH) {
        return false;
      }
      for (TreePath viewUse : Declarations.of(state).uses(view)) {
        if (!staysLocal(viewUse, state, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (parent instanceof MethodInvocationTree || parent instanceof NewClassTree) {
      for (MapEffects.Access access : MapEffects.of(parent, state)) {
        if (access.operand() == self && access.effect().kind() == MapEffect.ITERATE) {
          return true;
        }
      }
      return false;
    }
    return false;
  }
}
