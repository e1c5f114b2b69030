package dev.mapsafe.errorprone.analysis;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.api.JavacTrees;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Symbol.VarSymbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Context;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.threads.SharedInstances;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.element.ElementKind;

/**
 * An index of one compilation unit, built by one scan and cached for the compilation: every value assigned
 * to each variable, every use of it, the expressions each method returns, and the {@code synchronized} lock
 * expressions. The analyses ask it instead of rescanning the file for every question.
 */
public final class Declarations {
  /** The indexes of one compilation, kept in its javac Context so that they live exactly as long as it. */
  private static final Context.Key<Map<CompilationUnitTree, Declarations>> CACHE = new Context.Key<>();
  private static final Context.Key<Map<Symbol.PackageSymbol, Optional<List<Declarations>>>> PACKAGES =
      new Context.Key<>();
  private static final Context.Key<Declarations> COMPILATION = new Context.Key<>();
  private static final Context.Key<Map<Symbol.ClassSymbol, Optional<CompilationUnitTree>>> UNITS =
      new Context.Key<>();

  private final Map<Symbol, List<TreePath>> assignedValues = new HashMap<>();
  private final Map<Symbol, List<TreePath>> uses = new HashMap<>();
  private final Map<MethodSymbol, List<TreePath>> returnedValues = new HashMap<>();
  private final List<TreePath> monitors = new ArrayList<>();
  private final List<TreePath> fieldAssignments = new ArrayList<>();
  private final Map<MethodSymbol, List<TreePath>> invocations = new HashMap<>();
  private final Map<MethodSymbol, List<TreePath>> references = new HashMap<>();
  private final Map<MethodSymbol, List<TreePath>> constructions = new HashMap<>();
  private Set<String> invokedNames;
  private final Map<MethodSymbol, TreePath> methods = new HashMap<>();
  private Map<VarSymbol, Symbol.TypeSymbol> staticallyHeld;
  private Map<VarSymbol, Symbol.TypeSymbol> keptInFields;
  private Map<VarSymbol, Set<Symbol.TypeSymbol>> mapValuesMadeNew;

  private Declarations() {}

  /** The index of the compilation unit being checked. */
  public static Declarations of(VisitorState state) {
    return of(state.getPath().getCompilationUnit(), state);
  }

  /**
   * The index of the compilation unit that declares {@code sym}, when javac compiles it in this compilation
   * (a field inherited from a class in another file of the same module); otherwise the current one's.
   */
  public static Declarations declaring(Symbol sym, VisitorState state) {
    Optional<CompilationUnitTree> unit = unitDeclaring(sym, state);
    return unit.isPresent() ? of(unit.get(), state) : of(state);
  }

  /** Whether javac compiles the declaration of {@code sym} from source in this compilation. */
  public static boolean compiledHere(Symbol sym, VisitorState state) {
    return unitDeclaring(sym, state).isPresent();
  }

  /**
   * The compilation unit declaring {@code sym}, found by its outermost class once per class: a tree path to the
   * symbol itself would rescan its file at every call.
   */
  private static Optional<CompilationUnitTree> unitDeclaring(Symbol sym, VisitorState state) {
    Symbol.ClassSymbol outermost = sym.outermostClass();
    if (outermost == null) {
      return Optional.empty();
    }
    Map<Symbol.ClassSymbol, Optional<CompilationUnitTree>> units = state.context.get(UNITS);
    if (units == null) {
      units = new HashMap<>();
      state.context.put(UNITS, units);
    }
    return units.computeIfAbsent(outermost, c -> Optional
        .ofNullable(JavacTrees.instance(state.context).getPath(c)).map(TreePath::getCompilationUnit));
  }

  private static Declarations of(CompilationUnitTree unit, VisitorState state) {
    Map<CompilationUnitTree, Declarations> cache = state.context.get(CACHE);
    if (cache == null) {
      cache = new HashMap<>();
      state.context.put(CACHE, cache);
    }
    return cache.computeIfAbsent(unit, Declarations::index);
  }

  /** Initializer and right-hand sides of the assignments to the variable, in this compilation unit. */
  public List<TreePath> assignedValues(Symbol variable) {
    return assignedValues.getOrDefault(variable, List.of());
  }

  /** Whether this compilation unit calls any method with one of these names (a cheap filter). */
  public boolean invokesAnyOf(java.util.Collection<String> names) {
    if (invokedNames == null) {
      Set<String> all = new java.util.HashSet<>();
      invocations.keySet().forEach(m -> all.add(m.getSimpleName().toString()));
      invokedNames = all;
    }
    return names.stream().anyMatch(invokedNames::contains);
  }

  /** The calls of a method in this compilation unit. */
  public List<TreePath> invocations(MethodSymbol method) {
    return invocations.getOrDefault(method, List.of());
  }

  /** The method references ({@code this::m}) to a method in this compilation unit. */
  public List<TreePath> references(MethodSymbol method) {
    return references.getOrDefault(method, List.of());
  }

  /**
   * The indexes of every compilation unit of a package, when this compilation compiles all of its classes (then
   * they hold every call of its package-private methods); empty when some class of it comes from a class file.
   */
  public static Optional<List<Declarations>> ofWholePackage(Symbol.PackageSymbol pkg, VisitorState state) {
    Map<Symbol.PackageSymbol, Optional<List<Declarations>>> cache = state.context.get(PACKAGES);
    if (cache == null) {
      cache = new HashMap<>();
      state.context.put(PACKAGES, cache);
    }
    return cache.computeIfAbsent(pkg, p -> wholePackage(p, state));
  }

  private static Optional<List<Declarations>> wholePackage(Symbol.PackageSymbol pkg, VisitorState state) {
    Map<CompilationUnitTree, Declarations> units = new java.util.LinkedHashMap<>();
    for (Symbol member : pkg.members().getSymbols(s -> s instanceof Symbol.ClassSymbol)) {
      Optional<CompilationUnitTree> declaring = unitDeclaring(member, state);
      if (declaring.isEmpty()) {
        return Optional.empty(); // a class file: its calls are not seen
      }
      units.computeIfAbsent(declaring.get(), unit -> of(unit, state));
    }
    return Optional.of(List.copyOf(units.values()));
  }

  /**
   * One index of every compilation unit this compilation compiles from source (with javac's simple compile
   * policy, which Error Prone requires, all of them are attributed before any check runs): a question about the
   * whole compilation is one lookup, not one per file.
   */
  public static Declarations ofCompilation(VisitorState state) {
    Declarations all = state.context.get(COMPILATION);
    if (all == null) {
      Map<CompilationUnitTree, Declarations> units = new java.util.LinkedHashMap<>();
      for (Symbol.ClassSymbol cls : com.sun.tools.javac.code.Symtab.instance(state.context).getAllClasses()) {
        if (cls.owner instanceof Symbol.PackageSymbol && cls.sourcefile != null
            && cls.sourcefile.getKind() == javax.tools.JavaFileObject.Kind.SOURCE) {
          unitDeclaring(cls, state).ifPresent(unit -> units.computeIfAbsent(unit, u -> of(u, state)));
        }
      }
      all = merged(units.values());
      state.context.put(COMPILATION, all);
    }
    return all;
  }

  private static Declarations merged(java.util.Collection<Declarations> units) {
    Declarations all = new Declarations();
    for (Declarations unit : units) {
      mergeInto(all.assignedValues, unit.assignedValues);
      mergeInto(all.uses, unit.uses);
      mergeInto(all.returnedValues, unit.returnedValues);
      mergeInto(all.invocations, unit.invocations);
      mergeInto(all.references, unit.references);
      mergeInto(all.constructions, unit.constructions);
      all.monitors.addAll(unit.monitors);
      all.fieldAssignments.addAll(unit.fieldAssignments);
      all.methods.putAll(unit.methods);
    }
    return all;
  }

  private static <K> void mergeInto(Map<K, List<TreePath>> into, Map<K, List<TreePath>> from) {
    from.forEach((key, paths) -> into.computeIfAbsent(key, k -> new ArrayList<>()).addAll(paths));
  }

  /** The assignments to fields ({@code field = value}, not initializers), in source order. */
  public List<TreePath> fieldAssignments() {
    return fieldAssignments;
  }

  /** References to a local variable, a parameter or a field (the declaration itself excluded). */
  public List<TreePath> uses(Symbol variable) {
    return uses.getOrDefault(variable, List.of());
  }

  /** Whether the method is declared in this compilation unit. */
  public boolean declares(MethodSymbol method) {
    return returnedValues.containsKey(method);
  }

  /** The expressions the method's own return statements return (not those of nested lambdas or classes). */
  public List<TreePath> returnedValues(MethodSymbol method) {
    return returnedValues.getOrDefault(method, List.of());
  }

  /** The declaration of a method of this compilation unit, or null. */
  public TreePath method(MethodSymbol method) {
    return methods.get(method);
  }

  /**
   * The static fields of this compilation unit that hold an instance made with {@code new} ({@code static final
   * X INSTANCE = new X()}, an enum constant, a lazily made singleton), with the class of that instance (the
   * class an anonymous one extends).
   */
  public Map<VarSymbol, Symbol.TypeSymbol> staticallyHeld(VisitorState state) {
    if (staticallyHeld == null) {
      staticallyHeld = fieldsHoldingNew(true, state);
    }
    return staticallyHeld;
  }

  /**
   * The instance fields of this compilation unit given an instance made with {@code new}: by the field's own class,
   * or by the code of this compilation that constructs that class (or calls its constructor as {@code super(..)})
   * and passes the new instance straight to the constructor parameter the field keeps (a builder's product; not the
   * caller itself, a back-reference); with the instance's class.
   */
  public Map<VarSymbol, Symbol.TypeSymbol> keptInFields(VisitorState state) {
    if (keptInFields == null) {
      keptInFields = fieldsHoldingNew(false, state);
    }
    return keptInFields;
  }

  /**
   * The map fields of this compilation unit into which its code puts an instance made with {@code new} as a value
   * ({@code map.put(k, new V(..))}, or through a local the new instance is assigned to), with those classes.
   */
  public Map<VarSymbol, Set<Symbol.TypeSymbol>> mapValuesMadeNew(VisitorState state) {
    if (mapValuesMadeNew != null) {
      return mapValuesMadeNew;
    }
    mapValuesMadeNew = new TreeMap<>(
        Comparator.comparing((VarSymbol f) -> f.owner.getQualifiedName() + "." + f.getSimpleName()));
    invocations.forEach((callee, calls) -> {
      if (!MapApi.mentions(callee.getSimpleName().toString()) || callee.getParameters().size() != 2) {
        return;
      }
      for (TreePath call : calls) {
        MethodInvocationTree put = (MethodInvocationTree) call.getLeaf();
        if (!JavacApi.call(put, state).flatMap(api -> MapApi.keyUse(api, JavacApi.hierarchy(state)))
                .map(KeyUse::storesValue).orElse(false)
            || !(ASTHelpers.getReceiver(put) != null
            && ASTHelpers.getSymbol(ASTHelpers.getReceiver(put)) instanceof VarSymbol field
            && field.getKind() == ElementKind.FIELD)) {
          continue;
        }
        ExpressionTree value = MapIdentity.strip(put.getArguments().get(1));
        List<ExpressionTree> made = new ArrayList<>(List.of(value));
        if (ASTHelpers.getSymbol(value) instanceof VarSymbol local && local.getKind() == ElementKind.LOCAL_VARIABLE) {
          assignedValues.getOrDefault(local, List.of())
              .forEach(v -> made.add(MapIdentity.strip((ExpressionTree) v.getLeaf())));
        }
        for (ExpressionTree m : made) {
          constructedClass(m, state).ifPresent(
              type -> mapValuesMadeNew.computeIfAbsent(field, f -> new LinkedHashSet<>()).add(type));
        }
      }
    });
    return mapValuesMadeNew;
  }

  private Map<VarSymbol, Symbol.TypeSymbol> fieldsHoldingNew(boolean statics, VisitorState state) {
    // Sorted by name: the index's own order is that of symbol hashes, and findings must be deterministic.
    Map<VarSymbol, Symbol.TypeSymbol> held = new TreeMap<>(
        Comparator.comparing((VarSymbol f) -> f.owner.getQualifiedName() + "." + f.getSimpleName()));
    assignedValues.forEach((variable, values) -> {
      if (!(variable instanceof VarSymbol field) || field.isStatic() != statics
          || (field.getKind() != ElementKind.FIELD && field.getKind() != ElementKind.ENUM_CONSTANT)) {
        return;
      }
      for (TreePath value : values) {
        ExpressionTree assigned = MapIdentity.strip((ExpressionTree) value.getLeaf());
        constructedClass(assigned, state).ifPresent(type -> held.putIfAbsent(field, type));
        if (!statics) {
          factoryProduct(assigned, field, state).ifPresent(type -> held.putIfAbsent(field, type));
          heldArgument(assigned).flatMap(argument -> constructedClass(argument, state))
              .ifPresent(type -> held.putIfAbsent(field, type));
        }
        if (!statics && ASTHelpers.getSymbol(assigned) instanceof VarSymbol parameter
            && parameter.getKind() == ElementKind.PARAMETER && parameter.owner instanceof MethodSymbol constructor
            && constructor.isConstructor()) {
          int index = constructor.getParameters().indexOf(parameter);
          Declarations all = ofCompilation(state);
          List<TreePath> calls = new ArrayList<>(all.constructions.getOrDefault(constructor, List.of()));
          calls.addAll(all.invocations(constructor)); // super(..) and this(..) of a subclass or another constructor
          for (TreePath call : calls) {
            List<? extends ExpressionTree> arguments = call.getLeaf() instanceof NewClassTree created
                ? created.getArguments()
                : ((MethodInvocationTree) call.getLeaf()).getArguments();
            if (index >= 0 && index < arguments.size()) {
              constructedClass(MapIdentity.strip(arguments.get(index)), state)
                  .ifPresent(type -> held.putIfAbsent(field, type));
            }
          }
        }
      }
    });
    return held;
  }

  /**
   * The class of the new object a call returns when it calls a private method of the field's class whose every
   * return is a {@code new} object of that one class (a factory: {@code cache = createCache();}), or empty.
   */
  private Optional<Symbol.TypeSymbol> factoryProduct(ExpressionTree call, VarSymbol field, VisitorState state) {
    if (!(call instanceof MethodInvocationTree invocation)
        || !(ASTHelpers.getSymbol(invocation) instanceof MethodSymbol factory)
        || !factory.isPrivate() || factory.owner != field.owner) {
      return Optional.empty();
    }
    List<ExpressionTree> returned = new ArrayList<>();
    for (TreePath value : returnedValues(factory)) {
      ExpressionTree tree = MapIdentity.strip((ExpressionTree) value.getLeaf());
      if (ASTHelpers.getSymbol(tree) instanceof VarSymbol local && local.getKind() == ElementKind.LOCAL_VARIABLE) {
        assignedValues(local).forEach(v -> returned.add(MapIdentity.strip((ExpressionTree) v.getLeaf())));
      } else {
        returned.add(tree);
      }
    }
    Set<Symbol.TypeSymbol> made = new LinkedHashSet<>();
    for (ExpressionTree value : returned) {
      Optional<Symbol.TypeSymbol> type = constructedClass(value, state);
      if (type.isEmpty()) {
        return Optional.empty();
      }
      made.add(type.get());
    }
    return made.size() == 1 ? Optional.of(made.iterator().next()) : Optional.empty();
  }

  /** The class of an instance made with {@code new} (an anonymous class's supertype), or empty. */
  /** The argument a holder's call holds ({@code Optional.of(x)}: {@link SharedInstances#holdsArgument}), or empty. */
  private static Optional<ExpressionTree> heldArgument(ExpressionTree expression) {
    return expression instanceof MethodInvocationTree call && call.getArguments().size() == 1
            && ASTHelpers.getSymbol(call) instanceof MethodSymbol method && method.isStatic()
            && SharedInstances.holdsArgument(method.owner.getQualifiedName().toString(),
                method.getSimpleName().toString())
        ? Optional.of(MapIdentity.strip(call.getArguments().get(0)))
        : Optional.empty();
  }

  /**
   * Whether this index (of the compilation: {@link #ofCompilation}) makes instances of the class or of a subclass
   * with {@code new}: then what keeps them is seen here.
   */
  public boolean makes(Symbol.ClassSymbol cls, VisitorState state) {
    return constructions.keySet().stream()
        .anyMatch(c -> c.owner instanceof Symbol.ClassSymbol made && made.isSubClass(cls, state.getTypes()));
  }

  /**
   * Every method invocation and construction ({@code new C(..)}) of this compilation unit, in source order; found
   * once (the index does not change once built).
   */
  public List<TreePath> calls() {
    if (calls == null) {
      List<TreePath> found = new ArrayList<>();
      invocations.values().forEach(found::addAll);
      constructions.values().forEach(found::addAll);
      // A file's name is made anew at each ask: once per file, not at every comparison.
      Map<CompilationUnitTree, String> files = new java.util.IdentityHashMap<>();
      found.sort(java.util.Comparator.comparing(
              (TreePath p) -> files.computeIfAbsent(p.getCompilationUnit(), u -> u.getSourceFile().getName()))
          .thenComparingLong(p -> ((com.sun.tools.javac.tree.JCTree) p.getLeaf()).getStartPosition()));
      calls = List.copyOf(found);
    }
    return calls;
  }

  private List<TreePath> calls;

  /** The constructions ({@code new C(..)}) of a constructor in this compilation unit. */
  public List<TreePath> constructions(MethodSymbol constructor) {
    return constructions.getOrDefault(constructor, List.of());
  }

  private static Optional<Symbol.TypeSymbol> constructedClass(ExpressionTree expression, VisitorState state) {
    if (!(expression instanceof NewClassTree created) || ASTHelpers.getType(created) == null) {
      return Optional.empty();
    }
    Type type = ASTHelpers.getType(created);
    if (type.tsym != null && type.tsym.isAnonymous()) {
      type = state.getTypes().supertype(type);
    }
    return Optional.ofNullable(type.tsym);
  }

  /** The lock expressions of every {@code synchronized (...)} statement of this compilation unit. */
  public List<TreePath> monitors() {
    return monitors;
  }

  private static Declarations index(CompilationUnitTree unit) {
    Declarations index = new Declarations();
    new TreePathScanner<Void, MethodSymbol>() {
      @Override
      public Void visitVariable(VariableTree tree, MethodSymbol method) {
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (sym != null && tree.getInitializer() != null) {
          add(index.assignedValues, sym, new TreePath(getCurrentPath(), tree.getInitializer()));
        }
        return super.visitVariable(tree, method);
      }

      @Override
      public Void visitAssignment(AssignmentTree tree, MethodSymbol method) {
        Symbol sym = ASTHelpers.getSymbol(tree.getVariable());
        if (sym != null) {
          add(index.assignedValues, sym, new TreePath(getCurrentPath(), tree.getExpression()));
          if (sym.getKind() == ElementKind.FIELD) {
            index.fieldAssignments.add(getCurrentPath());
          }
        }
        return super.visitAssignment(tree, method);
      }

      @Override
      public Void visitSynchronized(SynchronizedTree tree, MethodSymbol method) {
        index.monitors.add(new TreePath(getCurrentPath(), tree.getExpression()));
        return super.visitSynchronized(tree, method);
      }

      @Override
      public Void visitIdentifier(IdentifierTree tree, MethodSymbol method) {
        recordUse(tree);
        return super.visitIdentifier(tree, method);
      }

      @Override
      public Void visitMemberSelect(MemberSelectTree tree, MethodSymbol method) {
        recordUse(tree);
        return super.visitMemberSelect(tree, method);
      }

      private void recordUse(Tree tree) {
        // Locals (whether a local map escapes), parameters (where a helper runs a function it is given) and
        // fields (which threads touch a map field).
        Symbol sym = ASTHelpers.getSymbol(tree);
        if (sym instanceof Symbol.VarSymbol
            && (sym.getKind() == ElementKind.LOCAL_VARIABLE || sym.getKind() == ElementKind.RESOURCE_VARIABLE
                || sym.getKind() == ElementKind.PARAMETER || sym.getKind() == ElementKind.FIELD)) {
          add(index.uses, sym, getCurrentPath());
        }
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree tree, MethodSymbol method) {
        if (ASTHelpers.getSymbol(tree) instanceof MethodSymbol callee) {
          add(index.invocations, callee, getCurrentPath());
        }
        return super.visitMethodInvocation(tree, method);
      }

      @Override
      public Void visitNewClass(NewClassTree tree, MethodSymbol method) {
        if (ASTHelpers.getSymbol(tree) instanceof MethodSymbol constructor) {
          add(index.constructions, constructor, getCurrentPath());
        }
        return super.visitNewClass(tree, method);
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree tree, MethodSymbol method) {
        if (ASTHelpers.getSymbol(tree) instanceof MethodSymbol referenced) {
          add(index.references, referenced, getCurrentPath());
        }
        return super.visitMemberReference(tree, method);
      }

      @Override
      public Void visitMethod(MethodTree tree, MethodSymbol outer) {
        MethodSymbol sym = ASTHelpers.getSymbol(tree);
        index.returnedValues.computeIfAbsent(sym, s -> new ArrayList<>());
        index.methods.put(sym, getCurrentPath());
        return super.visitMethod(tree, sym);
      }

      @Override
      public Void visitReturn(ReturnTree tree, MethodSymbol method) {
        if (method != null && tree.getExpression() != null) {
          add(index.returnedValues, method, new TreePath(getCurrentPath(), tree.getExpression()));
        }
        return super.visitReturn(tree, method);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree tree, MethodSymbol method) {
        return super.visitLambdaExpression(tree, null); // its returns are not the method's
      }

      @Override
      public Void visitClass(ClassTree tree, MethodSymbol method) {
        return super.visitClass(tree, null);
      }
    }.scan(unit, null);
    return index;
  }

  private static <K> void add(Map<K, List<TreePath>> map, K key, TreePath value) {
    map.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
  }
}
