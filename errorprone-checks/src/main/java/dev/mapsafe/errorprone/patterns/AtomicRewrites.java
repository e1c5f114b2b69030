package dev.mapsafe.errorprone.patterns;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import dev.mapsafe.errorprone.analysis.KeyedCalls.Call;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import java.util.List;
import java.util.Optional;

/**
 * The one-call rewrites NonAtomicMapUpdate offers, each only for the exact shape where it keeps the code's
 * meaning: the value must be cheap and free of side effects ({@code putIfAbsent} evaluates it even when the
 * key is present) or a constructor call that does not touch the map ({@code computeIfAbsent} runs it under
 * the map's lock).
 */
final class AtomicRewrites {
  private static final List<String> LAMBDA_PARAMETER_NAMES = List.of("key", "k", "absentKey", "mapKey");

  private AtomicRewrites() {}

  static Optional<SuggestedFix> of(NonAtomicMapUpdate.Sequence sequence, Call act, VisitorState state) {
    if (act.delegate() != null || sequence.check().delegate() != null) {
      return Optional.empty(); // the map is behind its object's accessors: the fix belongs in that class
    }
    switch (sequence.kind()) {
      case PUT_IF_ABSENT:
      case GET_OR_CREATE:
        return putIfAbsent(sequence, act, state).or(() -> computeIfAbsentForLocal(sequence, act, state));
      case READ_MODIFY_WRITE:
        return merge(sequence, act, state);
      case CONDITIONAL_REMOVE:
      case CONDITIONAL_REPLACE:
        return compareAndUpdate(sequence, act, state);
      case IGNORED_PUT_IF_ABSENT:
        return keepTheWinner(act, state);
      default:
        return Optional.empty();
    }
  }

  /**
   * {@code m.putIfAbsent(k, v);} becomes {@code T existing = m.putIfAbsent(k, v); if (existing != null) v = existing;}
   * when {@code v} is a local the method may assign: not final, not read by a lambda or a local class, and no
   * variable named {@code existing} in the method.
   */
  private static Optional<SuggestedFix> keepTheWinner(Call act, VisitorState state) {
    Symbol local = ASTHelpers.getSymbol(MapIdentity.strip(act.tree().getArguments().get(1)));
    TreePath method = act.path();
    while (method != null && !(method.getLeaf() instanceof MethodTree)) {
      method = method.getParentPath();
    }
    if (!(local instanceof VarSymbol) || (local.flags() & Flags.FINAL) != 0 || method == null
        || !(act.path().getParentPath().getParentPath().getLeaf() instanceof BlockTree)) {
      return Optional.empty();
    }
    boolean[] blocked = {false};
    new TreeScanner<Void, Boolean>() {
      @Override
      public Void visitIdentifier(IdentifierTree tree, Boolean deferred) {
        blocked[0] |= deferred && local.equals(ASTHelpers.getSymbol(tree));
        return null;
      }

      @Override
      public Void visitVariable(VariableTree tree, Boolean deferred) {
        blocked[0] |= tree.getName().contentEquals("existing");
        return super.visitVariable(tree, deferred);
      }

      @Override
      public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree tree, Boolean deferred) {
        return super.visitLambdaExpression(tree, true);
      }

      @Override
      public Void visitClass(com.sun.source.tree.ClassTree tree, Boolean deferred) {
        return super.visitClass(tree, true);
      }
    }.scan(method.getLeaf(), false);
    if (blocked[0]) {
      return Optional.empty();
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    String type = SuggestedFixes.prettyType(state, fix, local.type);
    String name = local.getSimpleName().toString();
    return Optional.of(fix.replace(act.path().getParentPath().getLeaf(),
        String.format("%s existing = %s;\nif (existing != null) {\n%s = existing;\n}", type,
            state.getSourceForNode(act.tree()), name)).build());
  }

  /** {@code if (!m.containsKey(k)) m.put(k, v);} or {@code if (m.get(k) == null) m.put(k, v);} */
  private static Optional<SuggestedFix> putIfAbsent(NonAtomicMapUpdate.Sequence sequence, Call act, VisitorState state) {
    Optional<IfTree> branch = singleActBranch(sequence, act);
    if (branch.isEmpty()) {
      return Optional.empty();
    }
    ExpressionTree condition = MapIdentity.strip(branch.get().getCondition());
    ExpressionTree check = sequence.check().tree();
    boolean absentTest =
        (condition instanceof UnaryTree not
                && not.getKind() == Tree.Kind.LOGICAL_COMPLEMENT
                && MapIdentity.strip(not.getExpression()) == check
                && sequence.check().use() == KeyUse.PRESENCE_TEST)
            || (isNullComparison(condition, Tree.Kind.EQUAL_TO) && operandOtherThanNull(condition) == check);
    if (!absentTest) {
      return Optional.empty();
    }
    return onDemand(act.tree().getArguments().get(1), act, state)
        .map(call -> SuggestedFix.replace(branch.get(), call + ";"));
  }

  /** {@code V v = m.get(k); if (v == null) { v = create; m.put(k, v); }} becomes {@code V v = m.computeIfAbsent(..)}. */
  private static Optional<SuggestedFix> computeIfAbsentForLocal(
      NonAtomicMapUpdate.Sequence sequence, Call act, VisitorState state) {
    if (sequence.guard() == null || !(sequence.guard().decision().getLeaf() instanceof IfTree branch)
        || branch.getElseStatement() != null
        || !(branch.getThenStatement() instanceof BlockTree then)
        || then.getStatements().size() != 2
        || !(sequence.guard().decision().getParentPath().getLeaf() instanceof BlockTree block)) {
      return Optional.empty();
    }
    int at = block.getStatements().indexOf(branch);
    if (at < 1
        || !(block.getStatements().get(at - 1) instanceof VariableTree local)
        || local.getInitializer() != sequence.check().tree()
        || !isNullComparison(MapIdentity.strip(branch.getCondition()), Tree.Kind.EQUAL_TO)
        || !names(operandOtherThanNull(MapIdentity.strip(branch.getCondition())), local)
        || !(then.getStatements().get(0) instanceof ExpressionStatementTree first)
        || !(first.getExpression() instanceof AssignmentTree create)
        || !names(create.getVariable(), local)
        || !(then.getStatements().get(1) instanceof ExpressionStatementTree second)
        || second.getExpression() != act.tree()
        || !names(act.tree().getArguments().get(1), local)) {
      return Optional.empty();
    }
    ExpressionTree value = create.getExpression();
    if (!isPure(value) && !isConstruction(value, act, state)) {
      return Optional.empty();
    }
    return Optional.of(
        SuggestedFix.builder()
            .replace(sequence.check().tree(), computeIfAbsent(act, value, state))
            // From the end of the declaration, so that the if's line goes with it.
            .replace(state.getEndPosition(local), state.getEndPosition(branch), "")
            .build());
  }

  /** {@code m.put(k, m.getOrDefault(k, 0) + n);} becomes {@code m.merge(k, n, Integer::sum);} */
  private static Optional<SuggestedFix> merge(NonAtomicMapUpdate.Sequence sequence, Call act, VisitorState state) {
    ExpressionTree value = MapIdentity.strip(act.tree().getArguments().get(1));
    if (!(act.path().getParentPath().getLeaf() instanceof ExpressionStatementTree)
        || !(value instanceof BinaryTree sum)
        || sum.getKind() != Tree.Kind.PLUS) {
      return Optional.empty();
    }
    MethodInvocationTree lookup = sequence.check().tree();
    ExpressionTree left = MapIdentity.strip(sum.getLeftOperand());
    ExpressionTree other = left == lookup ? sum.getRightOperand() : sum.getLeftOperand();
    if ((left != lookup && MapIdentity.strip(sum.getRightOperand()) != lookup)
        || !ASTHelpers.getSymbol(lookup).getSimpleName().contentEquals("getOrDefault")
        || !isZero(lookup.getArguments().get(1))
        || !isPure(other)) {
      return Optional.empty();
    }
    Type type = ASTHelpers.getType(sum);
    Type otherType = ASTHelpers.getType(other);
    if (type == null || otherType == null || type.getTag() != otherType.getTag()) {
      return Optional.empty();
    }
    String sumOf = type.getTag() == TypeTag.INT ? "Integer::sum" : type.getTag() == TypeTag.LONG ? "Long::sum" : null;
    if (sumOf == null) {
      return Optional.empty();
    }
    return Optional.of(
        SuggestedFix.replace(
            act.tree(),
            state.getSourceForNode(act.receiver()) + ".merge(" + state.getSourceForNode(act.key()) + ", "
                + state.getSourceForNode(other) + ", " + sumOf + ")"));
  }

  /** {@code if (x.equals(m.get(k))) m.remove(k);} becomes {@code m.remove(k, x);} (and put becomes replace). */
  private static Optional<SuggestedFix> compareAndUpdate(
      NonAtomicMapUpdate.Sequence sequence, Call act, VisitorState state) {
    Optional<IfTree> branch = singleActBranch(sequence, act);
    if (branch.isEmpty()
        || !(MapIdentity.strip(branch.get().getCondition()) instanceof MethodInvocationTree equals)
        || !ASTHelpers.getSymbol(equals).getSimpleName().contentEquals("equals")
        || equals.getArguments().size() != 1
        || MapIdentity.strip(equals.getArguments().get(0)) != sequence.check().tree()
        || !(ASTHelpers.getReceiver(equals) instanceof ExpressionTree expected)
        || !isPure(expected)) {
      return Optional.empty();
    }
    String map = state.getSourceForNode(act.receiver());
    String key = state.getSourceForNode(act.key());
    String rewrite;
    if (act.use() == KeyUse.REMOVAL) {
      rewrite = map + ".remove(" + key + ", " + state.getSourceForNode(expected) + ");";
    } else {
      ExpressionTree next = act.tree().getArguments().get(1);
      if (!isPure(next)) {
        return Optional.empty();
      }
      rewrite = map + ".replace(" + key + ", " + state.getSourceForNode(expected) + ", "
          + state.getSourceForNode(next) + ");";
    }
    return Optional.of(SuggestedFix.replace(branch.get(), rewrite));
  }

  /** The guard's {@code if}, when it has no else and its then-branch is just the act as a statement. */
  private static Optional<IfTree> singleActBranch(NonAtomicMapUpdate.Sequence sequence, Call act) {
    if (sequence.guard() == null
        || sequence.guard().earlyExit()
        || !(sequence.guard().decision().getLeaf() instanceof IfTree branch)
        || branch.getElseStatement() != null) {
      return Optional.empty();
    }
    StatementTree then = branch.getThenStatement();
    if (then instanceof BlockTree block && block.getStatements().size() == 1) {
      then = block.getStatements().get(0);
    }
    return then instanceof ExpressionStatementTree statement && statement.getExpression() == act.tree()
        ? Optional.of(branch)
        : Optional.empty();
  }

  /** {@code m.putIfAbsent(k, v)} for a pure value, {@code m.computeIfAbsent(k, key -> new V())} for a construction. */
  private static Optional<String> onDemand(ExpressionTree value, Call act, VisitorState state) {
    if (isPure(value)) {
      return Optional.of(state.getSourceForNode(act.receiver()) + ".putIfAbsent(" + state.getSourceForNode(act.key())
          + ", " + state.getSourceForNode(value) + ")");
    }
    return isConstruction(value, act, state) ? Optional.of(computeIfAbsent(act, value, state)) : Optional.empty();
  }

  private static String computeIfAbsent(Call act, ExpressionTree value, VisitorState state) {
    return state.getSourceForNode(act.receiver()) + ".computeIfAbsent(" + state.getSourceForNode(act.key()) + ", "
        + freshName(act.path(), state) + " -> " + state.getSourceForNode(value) + ")";
  }

  /** A constructor call with pure arguments that cannot reach the map: safe to run under the map's lock. */
  private static boolean isConstruction(ExpressionTree value, Call act, VisitorState state) {
    return MapIdentity.strip(value) instanceof NewClassTree creation
        && creation.getClassBody() == null
        && creation.getArguments().stream().allMatch(AtomicRewrites::isPure)
        && !mentions(creation, MapIdentity.symbolOf(new TreePath(act.path(), act.receiver()), state));
  }

  /** Literals, variables and field reads: evaluating them again or earlier changes nothing. */
  private static boolean isPure(ExpressionTree tree) {
    tree = MapIdentity.strip(tree);
    if (tree instanceof LiteralTree || tree instanceof IdentifierTree) {
      return true;
    }
    return tree instanceof MemberSelectTree select
        && ASTHelpers.getSymbol(select) instanceof VarSymbol
        && isPure(select.getExpression());
  }

  private static boolean isZero(ExpressionTree tree) {
    return MapIdentity.strip(tree) instanceof LiteralTree literal
        && literal.getValue() instanceof Number n
        && n.longValue() == 0
        && !(literal.getValue() instanceof Double || literal.getValue() instanceof Float);
  }

  private static boolean isNullComparison(ExpressionTree tree, Tree.Kind kind) {
    return tree instanceof BinaryTree b
        && b.getKind() == kind
        && (b.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL
            || b.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL);
  }

  private static ExpressionTree operandOtherThanNull(ExpressionTree comparison) {
    BinaryTree b = (BinaryTree) comparison;
    return MapIdentity.strip(
        b.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL ? b.getRightOperand() : b.getLeftOperand());
  }

  private static boolean names(ExpressionTree tree, VariableTree local) {
    Symbol sym = ASTHelpers.getSymbol(MapIdentity.strip(tree));
    return sym != null && sym == ASTHelpers.getSymbol(local);
  }

  private static boolean mentions(Tree tree, Symbol target) {
    if (target == null) {
      return true;
    }
    Boolean found =
        new TreeScanner<Boolean, Void>() {
          @Override
          public Boolean scan(Tree t, Void unused) {
            return t != null && (ASTHelpers.getSymbol(t) == target || Boolean.TRUE.equals(super.scan(t, null)));
          }

          @Override
          public Boolean reduce(Boolean a, Boolean b) {
            return Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b);
          }
        }.scan(tree, null);
    return Boolean.TRUE.equals(found);
  }

  /** A lambda parameter name no identifier of the enclosing method uses. */
  private static String freshName(TreePath at, VisitorState state) {
    MethodTree method = ASTHelpers.findEnclosingNode(at, MethodTree.class);
    String source = method == null ? "" : state.getSourceForNode(method);
    for (String name : LAMBDA_PARAMETER_NAMES) {
      if (source == null || !source.matches("(?s).*\\b" + name + "\\b.*")) {
        return name;
      }
    }
    return "unusedKey";
  }
}
