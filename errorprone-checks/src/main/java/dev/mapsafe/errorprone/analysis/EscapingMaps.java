package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.knowledge.mapapi.ApiMethod;
import dev.mapsafe.knowledge.mapapi.Effect;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapCopies.Part;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.threads.Guards;
import dev.mapsafe.knowledge.threads.SharedInstances;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * What a returned expression gives away of a map field of the returning class: the map itself, a live view of it
 * (views of views, unmodifiable wrappers), or an iterator, spliterator or stream over it; whether the class
 * guards that map; and the copy that would keep it in.
 */
public final class EscapingMaps {

  /**
   * An escape. Its texts are made only for a finding: most returned fields are not guarded maps.
   *
   * @param field the map field
   * @param part what of it is given away
   * @param partTree the expression of that part without wrappers ({@code members.keySet()})
   * @param returned the returned expression, wrappers stripped
   * @param wrapper how the returned expression holds the field ({@code a live view of}), or null for the field
   */
  public record Escape(VarSymbol field, Part part, ExpressionTree partTree, ExpressionTree returned, String wrapper) {
    /** The source of the part given away ({@code members.keySet()}). */
    public String source(VisitorState state) {
      return state.getSourceForNode(partTree);
    }

    /** For messages ({@code members.keySet(), a live view of members}). */
    public String description(VisitorState state) {
      String name = field.getSimpleName().toString();
      return wrapper == null ? name + " itself" : state.getSourceForNode(returned) + ", " + wrapper + " " + name;
    }
  }

  private static final int MAX_DEPTH = 8;

  private EscapingMaps() {}

  /** Whether a call returns what walks its source later ({@code Collections.enumeration(keys)}). */
  private static boolean returnsLazyTraversal(MethodInvocationTree call, VisitorState state) {
    com.sun.tools.javac.code.Type type = ASTHelpers.getType(call);
    return type != null
        && MapTypes.isLazyTraversal(JavacApi.binaryName(type, state.getTypes()), JavacApi.hierarchy(state));
  }

  /** The map field of the enclosing class that a returned expression gives away, if any. */
  public static Optional<Escape> returned(TreePath expression, VisitorState state) {
    ExpressionTree returned = MapIdentity.strip((ExpressionTree) expression.getLeaf());
    ExpressionTree tree = returned;
    String wrapper = null; // "a live view", "an iterator over"
    Part part = Part.MAP;
    ExpressionTree partTree = null;
    boolean partFixed = false; // unmodifiable wrappers outside a view do not change what is given away
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      if (tree instanceof MethodInvocationTree call) {
        Optional<ApiMethod> api = JavacApi.call(call, state);
        Optional<Effect> effect = api.flatMap(a -> MapApi.effectsOf(a, JavacApi.hierarchy(state)).stream()
            .filter(e -> e.kind() == MapEffect.VIEW
                || (e.isExternalTraversal() && (e.operand().isReceiver() || returnsLazyTraversal(call, state))))
            .findFirst());
        if (effect.isEmpty()) {
          return Optional.empty();
        }
        ExpressionTree operand = effect.get().operand().isReceiver()
            ? ASTHelpers.getReceiver(call)
            : call.getArguments().get(effect.get().operand().argIndex());
        if (operand == null) {
          return Optional.empty();
        }
        if (effect.get().kind() == MapEffect.VIEW && effect.get().operand().isReceiver()) {
          String name = api.get().name();
          Part viewPart = Part.ofView(name);
          if (!partFixed) { // the outermost view is what a copy must copy: members.headMap(k).keySet()
            part = viewPart;
            partTree = call;
          }
          partFixed = true;
        } else if (effect.get().kind() != MapEffect.VIEW) {
          part = Part.OTHER;
          partFixed = true;
          wrapper = "an iterator over";
        }
        wrapper = wrapper == null ? "a live view of" : wrapper;
        tree = MapIdentity.strip(operand);
        continue;
      }
      Symbol sym = ASTHelpers.getSymbol(tree);
      if (sym instanceof VarSymbol var && var.getKind() == ElementKind.FIELD) {
        if (!ofEnclosingInstance(tree, var, expression) && !keptForEnclosingClass(var, expression, state)) {
          return Optional.empty();
        }
        return Optional.of(new Escape(var, part, partTree == null ? tree : partTree, returned, wrapper));
      }
      if (!(sym instanceof VarSymbol local) || !MapIdentity.isEffectivelyFinalLocal(local)) {
        return Optional.empty();
      }
      List<TreePath> values = Declarations.of(state).assignedValues(local);
      if (values.size() != 1) {
        return Optional.empty();
      }
      tree = MapIdentity.strip((ExpressionTree) values.get(0).getLeaf());
    }
    return Optional.empty();
  }

  /** A field of the returning class: static, or read from {@code this} (explicitly or not). */
  private static boolean ofEnclosingInstance(ExpressionTree tree, VarSymbol field, TreePath at) {
    ClassSymbol enclosing = ASTHelpers.enclosingClass(ASTHelpers.getSymbol(
        ASTHelpers.findEnclosingNode(at, com.sun.source.tree.MethodTree.class)));
    if (enclosing == null || !enclosing.equals(field.owner)) {
      return false;
    }
    return field.isStatic() || tree instanceof IdentifierTree
        || (tree instanceof MemberSelectTree select && select.getExpression() instanceof IdentifierTree id
            && id.getName().contentEquals("this"));
  }

  /**
   * A map field of a holder nested beside the returning class that only that class uses ({@link
   * Guards#keptForItsUser}): part of its state, guarded and handed out as its own.
   */
  private static boolean keptForEnclosingClass(VarSymbol field, TreePath at, VisitorState state) {
    ClassSymbol enclosing = ASTHelpers.enclosingClass(ASTHelpers.getSymbol(
        ASTHelpers.findEnclosingNode(at, com.sun.source.tree.MethodTree.class)));
    if (enclosing == null || !(field.owner instanceof ClassSymbol holder)) {
      return false;
    }
    List<String> users = new ArrayList<>();
    for (TreePath use : Declarations.of(state).uses(field)) {
      ClassTree user = ASTHelpers.findEnclosingNode(use, ClassTree.class);
      ClassSymbol userSymbol = user == null ? null : ASTHelpers.getSymbol(user);
      if (userSymbol == null) {
        return false;
      }
      users.add(JavacApi.binaryName(userSymbol.type, state.getTypes()));
    }
    return Guards.keptForItsUser(JavacApi.binaryName(holder.type, state.getTypes()), field.isStatic(),
        JavacApi.binaryName(enclosing.type, state.getTypes()), users);
  }

  /**
   * Why the class must keep its map in, for messages ({@code lock (held at every write)}, {@code its @ThreadSafe
   * class}); empty when it need not: the class is declared not thread-safe, the map needs no lock, or it is never
   * written after construction.
   */
  public static Optional<String> guardOf(VarSymbol field, VisitorState state) {
    List<String> annotations = annotations(field.owner);
    if (Guards.declaresNotThreadSafe(annotations)) {
      return Optional.empty();
    }
    Optional<MapGuards.Guard> guard = MapGuards.of(field, state);
    if (guard.isPresent()) {
      return Optional.of(guard.get().describe());
    }
    return SharedInstances.declaresThreadSafe(annotations)
            && (field.flags() & com.sun.tools.javac.code.Flags.VOLATILE) == 0
            && MapGuards.needsLock(field, state)
            && !MapGuards.writesWhileInUse(field, state).isEmpty()
        ? Optional.of("its @ThreadSafe class")
        : Optional.empty();
  }

  private static List<String> annotations(Symbol owner) {
    List<String> names = new ArrayList<>();
    for (Attribute.Compound a : owner.getAnnotationMirrors()) {
      names.add(((ClassSymbol) a.type.tsym).flatName().toString());
    }
    return names;
  }

  /**
   * Whether {@code Map.copyOf}/{@code Set.copyOf}/{@code List.copyOf} fit the map: a {@code HashMap} (no order
   * to keep) into which only surely non-null keys and values are put (they reject null).
   */
  public static boolean immutableCopyFits(VarSymbol field, VisitorState state) {
    return nonNullHashMap(field, state);
  }

  /** A {@code HashMap} whose every write is a put-like call of surely non-null keys and values. */
  private static boolean nonNullHashMap(VarSymbol field, VisitorState state) {
    Optional<List<String>> classes = MapImplementations.of(field, state);
    if (classes.isEmpty() || !classes.get().stream().allMatch("java.util.HashMap"::equals)) {
      return false;
    }
    for (FieldAccesses.Access write : FieldAccesses.of(field, state)) {
      if (write.kind() != MapEffect.WRITE) {
        continue;
      }
      if (!(write.call().getLeaf() instanceof MethodInvocationTree call)) {
        return false;
      }
      String name = ASTHelpers.getSymbol(call).getSimpleName().toString();
      int checked = name.equals("put") || name.equals("putIfAbsent") ? 2
          : name.equals("remove") || name.equals("clear") ? 0
          : name.startsWith("compute") || name.equals("merge") ? 1 : -1;
      if (checked < 0 || call.getArguments().size() < checked) {
        return false;
      }
      for (int i = 0; i < checked; i++) {
        if (!surelyNonNull(call.getArguments().get(i))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean surelyNonNull(ExpressionTree tree) {
    tree = MapIdentity.strip(tree);
    Type type = ASTHelpers.getType(tree);
    return (type != null && type.isPrimitive())
        || tree instanceof NewClassTree
        || (tree instanceof LiteralTree && tree.getKind() != Tree.Kind.NULL_LITERAL)
        || (tree instanceof BinaryTree && tree.getKind() == Tree.Kind.PLUS && type != null && !type.isPrimitive());
  }
}
