package dev.mapsafe.errorprone.patterns;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import dev.mapsafe.knowledge.catalog.Project;
import dev.mapsafe.errorprone.report.FixFormatting;
import dev.mapsafe.errorprone.report.MapsafeChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.NewClassTreeMatcher;
import com.google.errorprone.bugpatterns.threadsafety.GuardedByExpression;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParameterizedTypeTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import dev.mapsafe.errorprone.analysis.CapturedMaps;
import dev.mapsafe.errorprone.analysis.Declarations;
import dev.mapsafe.errorprone.analysis.FieldAccesses;
import dev.mapsafe.errorprone.analysis.JavacApi;
import dev.mapsafe.errorprone.analysis.MapEffects;
import dev.mapsafe.errorprone.analysis.MapGuards;
import dev.mapsafe.errorprone.analysis.MapIdentity;
import dev.mapsafe.errorprone.analysis.MapImplementations;
import dev.mapsafe.errorprone.analysis.Races;
import dev.mapsafe.errorprone.analysis.Races.Race;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.SharedMaps;
import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * A non-thread-safe map field written on one thread and accessed on another with no lock held in common, as
 * {@link Races} finds it; or a map field given a concurrent map in one assignment and a non-thread-safe map in
 * another. Races are reported once per field, for the first race found: at the access that lacks the lock
 * when only one of the two holds one, else at the write.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary = "Non-thread-safe map used by several threads, at least one writing, with no common lock",
    severity = WARNING,
    linkType = CUSTOM,
    link = Project.PATTERN_PAGES + "UnguardedSharedMap.html")
public final class UnguardedSharedMap extends MapsafeChecker
    implements MethodInvocationTreeMatcher, NewClassTreeMatcher {

  /**
   * A field given a concurrent map in one assignment and a non-thread-safe map here: the concurrent intent is
   * lost by this assignment. Not when both are the branches of one choice of thread-safety
   * ({@link MapTypes#hasConcurrentCounterpart}: {@code shared ? new ConcurrentHashMap<>() : new HashMap<>()}).
   */
  @Override
  public Description matchNewClass(NewClassTree tree, VisitorState state) {
    return report(() -> findNewClass(tree, state), state);
  }

  private Description findNewClass(NewClassTree tree, VisitorState state) {
    TreePath assigned = state.getPath().getParentPath();
    while (assigned.getLeaf() instanceof ParenthesizedTree || assigned.getLeaf() instanceof TypeCastTree
        || assigned.getLeaf() instanceof ConditionalExpressionTree choice && choice.getCondition() != tree) {
      assigned = assigned.getParentPath(); // a branch of a choice assigned to the field
    }
    Tree parent = assigned.getLeaf();
    ExpressionTree value = parent instanceof AssignmentTree assignment ? assignment.getExpression()
        : parent instanceof VariableTree declaration ? declaration.getInitializer()
        : null;
    Symbol target = parent instanceof AssignmentTree assignment ? ASTHelpers.getSymbol(assignment.getVariable())
        : parent instanceof VariableTree declaration ? ASTHelpers.getSymbol(declaration)
        : null;
    Type created = ASTHelpers.getType(tree);
    if (!(target instanceof VarSymbol field) || field.getKind() != ElementKind.FIELD || created == null
        || !MapTypes.isNotThreadSafe(JavacApi.binaryName(created, state.getTypes()), JavacApi.hierarchy(state))) {
      return Description.NO_MATCH;
    }
    boolean counterpart =
        MapTypes.hasConcurrentCounterpart(JavacApi.binaryName(created, state.getTypes()), JavacApi.hierarchy(state));
    for (TreePath assignedValue : Declarations.declaring(field, state).assignedValues(field)) {
      if (counterpart && assignedValue.getLeaf() == value) {
        continue; // the other branches of this choice: a choice of thread-safety
      }
      for (TreePath branch : MapImplementations.branches(assignedValue)) {
        ExpressionTree other = MapIdentity.strip((ExpressionTree) branch.getLeaf());
        Type otherType = other instanceof NewClassTree ? ASTHelpers.getType(other) : null;
        if (otherType != null
            && MapTypes.isConcurrentMap(JavacApi.binaryName(otherType, state.getTypes()), JavacApi.hierarchy(state))) {
          return buildDescription(tree)
              .setMessage(
                  Messages.mapLosesConcurrency(
                      field.getSimpleName().toString(),
                      created.tsym.getSimpleName().toString(),
                      line(tree, state),
                      otherType.tsym.getSimpleName().toString(),
                      branch.getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(other))))
              .build();
        }
      }
    }
    return Description.NO_MATCH;
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return report(() -> findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    Description captured = capturedMapWritten(tree, state);
    if (captured != Description.NO_MATCH) {
      return captured;
    }
    for (MapEffects.Access access : MapEffects.of(tree, state)) {
      if (access.effect().kind() == MapEffect.VIEW) {
        continue;
      }
      TreePath map = MapEffects.viewedMap(new TreePath(state.getPath(), access.operand()), state);
      Symbol sym = MapIdentity.symbolOf(map, state);
      Optional<String> mapClass = sym instanceof VarSymbol field ? unsafeMapClass(field, state) : Optional.empty();
      if (mapClass.isEmpty()) {
        continue;
      }
      Optional<Race> race = Races.on((VarSymbol) sym, state);
      if (race.isPresent() && race.get().reportAt().call().getLeaf() == tree
          && !traversalOfGuardedMap(race.get(), sym, state)) {
        return describe(tree, (VarSymbol) sym, mapClass.get(), race.get(), state);
      }
    }
    return Description.NO_MATCH;
  }

  /**
   * A map the method made, written here by its lambda while other runs of that lambda go on ({@link CapturedMaps}):
   * reported at the first such write.
   */
  private Description capturedMapWritten(MethodInvocationTree tree, VisitorState state) {
    if (!CapturedMaps.inLambda(state.getPath())) {
      return Description.NO_MATCH;
    }
    for (MapEffects.Access access : MapEffects.ofIncludingCallees(state.getPath(), state)) {
      if (access.effect().kind() != MapEffect.WRITE
          || !(MapIdentity.symbolOf(new TreePath(state.getPath(), access.operand()), state) instanceof VarSymbol local)
          || local.getKind() == ElementKind.FIELD) {
        continue;
      }
      Optional<CapturedMaps.SharedWrite> shared = CapturedMaps.at(state.getPath(), local, state);
      if (shared.isPresent() && CapturedMaps.isFirst(state.getPath(), local, state)) {
        return buildDescription(tree)
            .setMessage(Messages.capturedMapWritten(local.getSimpleName().toString(), shared.get().mapClass(),
                access.effect().fact().display() + " at line " + line(tree, state),
                shared.get().context().description(), shared.get().launchedInLoop(),
                Messages.sharedMapFix(shared.get().mapClass(), 0, null, shared.get().context().parallelStream())))
            .build();
      }
    }
    return Description.NO_MATCH;
  }

  /**
   * A traversal without the lock of a map whose writes all hold it: UnlockedMapIteration's (catalog rule 2).
   */
  private static boolean traversalOfGuardedMap(Race race, Symbol field, VisitorState state) {
    return race.reportAt().kind() == MapEffect.ITERATE && MapGuards.of(field, state).isPresent();
  }

  /**
   * The class of a field's map when it is not thread-safe ({@code HashMap}, {@code TreeMap}, ...). Volatile fields
   * are published snapshots: mutating them in place is MutatedMapSnapshot's (catalog rule 4).
   */
  private static Optional<String> unsafeMapClass(VarSymbol field, VisitorState state) {
    if (field.getKind() != ElementKind.FIELD || (field.flags() & Flags.VOLATILE) != 0) {
      return Optional.empty();
    }
    Optional<List<String>> classes = MapImplementations.of(field, state);
    if (classes.isEmpty()
        || !classes.get().stream().allMatch(c -> MapTypes.isNotThreadSafe(c, JavacApi.hierarchy(state)))) {
      return Optional.empty();
    }
    String first = classes.get().get(0);
    return Optional.of(first.substring(first.lastIndexOf('.') + 1));
  }

  private Description describe(MethodInvocationTree tree, VarSymbol field, String mapClass, Race race, VisitorState state) {
    List<FieldAccesses.Access> all = FieldAccesses.of(field, state);
    long nullStoredAt = nullStored(all, state);
    String knownLock = all.stream()
        .flatMap(a -> a.locks().stream())
        .findFirst()
        .map(Races::lockName)
        .orElse(null);
    String message =
        Messages.unguardedSharedMap(
            field.getSimpleName().toString(),
            mapClass,
            site(race.write(), race.writeContext().description(), state),
            site(race.other(), race.otherContext().description() + otherNote(field, race, state), state),
            locks(race, state),
            Messages.sharedMapFix(mapClass, nullStoredAt, knownLock, race.writeContext().parallelStream()));
    Description.Builder description = buildDescription(tree).setMessage(message);
    if (mapClass.equals("HashMap") && nullStoredAt == 0) {
      concurrentHashMap(field, state).ifPresent(description::addFix);
    }
    return description.build();
  }

  /** Why two callers run at once, when that is the evidence. */
  private static String otherNote(VarSymbol field, Race race, VisitorState state) {
    SharedMaps.Sharing sharing = Races.sharing(field, state);
    String shared = sharing == null ? null : sharing.reason();
    return shared != null
            && race.threadsSeen()
            && race.writeContext().kind() == Overlap.Kind.CALLER
            && race.otherContext().kind() == Overlap.Kind.CALLER
        ? " (" + shared + ")"
        : "";
  }

  private static String site(FieldAccesses.Access access, String context, VisitorState state) {
    return access.effect().fact().display() + " at line " + line(access.call().getLeaf(), state) + " in " + context;
  }

  /** The lock situation: which lock one side holds that the other lacks, or that neither holds one. */
  private static String locks(Race race, VisitorState state) {
    FieldAccesses.Access locked = race.reportAt() == race.write() ? race.other() : race.write();
    if (!locked.locks().isEmpty() && race.reportAt().locks().isEmpty()) {
      GuardedByExpression lock = race.lockedElsewhere() != null
          ? race.lockedElsewhere()
          : locked.locks().stream().min(java.util.Comparator.comparing(Races::lockName)).orElseThrow();
      return "synchronized (" + Races.lockName(lock) + ") held at line " + line(locked.call().getLeaf(), state)
          + " only";
    }
    return race.write().locks().isEmpty() && race.other().locks().isEmpty()
        ? "no lock held at either"
        : "no lock held in common";
  }

  /** The line of a visible put of a null key or value, or 0. */
  private static long nullStored(List<FieldAccesses.Access> accesses, VisitorState state) {
    for (FieldAccesses.Access a : accesses) {
      if (a.kind() == MapEffect.WRITE && a.call().getLeaf() instanceof MethodInvocationTree call
          && call.getArguments().stream().anyMatch(arg -> arg.getKind() == Tree.Kind.NULL_LITERAL)) {
        return line(call, state);
      }
    }
    return 0;
  }

  /**
   * {@code new HashMap<>()} becomes {@code new ConcurrentHashMap<>()} in every assignment of the field, when the
   * field is declared {@code Map} and each value is a no-argument or capacity construction in this file.
   */
  private static Optional<SuggestedFix> concurrentHashMap(VarSymbol field, VisitorState state) {
    if (field.type == null || !JavacApi.binaryName(field.type, state.getTypes()).equals("java.util.Map")) {
      return Optional.empty();
    }
    List<TreePath> values = Declarations.of(state).assignedValues(field);
    SuggestedFix.Builder fix = SuggestedFix.builder().addImport("java.util.concurrent.ConcurrentHashMap");
    List<Tree> replaced = new ArrayList<>();
    for (TreePath value : values) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
      if (!(tree instanceof NewClassTree creation)
          || creation.getClassBody() != null
          || creation.getArguments().size() > 1
          || creation.getArguments().stream().anyMatch(arg -> !ASTHelpers.getType(arg).isPrimitive())
          || !JavacApi.binaryName(ASTHelpers.getType(creation), state.getTypes()).equals("java.util.HashMap")
          || value.getCompilationUnit() != state.getPath().getCompilationUnit()) {
        return Optional.empty();
      }
      Tree type = creation.getIdentifier() instanceof ParameterizedTypeTree generic
          ? generic.getType()
          : creation.getIdentifier();
      fix.replace(type, "ConcurrentHashMap");
      replaced.add(type);
    }
    FixFormatting.removeImportsLeftUnused(fix, replaced, "ConcurrentHashMap", state);
    return values.isEmpty() ? Optional.empty() : Optional.of(fix.build());
  }

  private static long line(Tree tree, VisitorState state) {
    return state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }
}
