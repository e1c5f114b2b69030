package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.KeyUse;
import dev.mapsafe.knowledge.mapapi.MapApi;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.MapTypes;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Overlap;
import dev.mapsafe.knowledge.threads.SharedInstances;
import dev.mapsafe.knowledge.threads.Guards;
import dev.mapsafe.knowledge.threads.SharedMaps;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.CallerLocks;
import dev.mapsafe.spotbugs.analysis.CapturedMaps;
import dev.mapsafe.spotbugs.analysis.ConstructorArguments;
import dev.mapsafe.spotbugs.analysis.HeldLocks;
import dev.mapsafe.spotbugs.analysis.MapGuards;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.Races;
import dev.mapsafe.spotbugs.analysis.ThreadReach;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.FieldAnnotation;
import edu.umd.cs.findbugs.MethodAnnotation;
import edu.umd.cs.findbugs.Priorities;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.classfile.analysis.AnnotationValue;
import edu.umd.cs.findbugs.classfile.ClassDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.bcel.classfile.Method;
import org.apache.bcel.generic.ObjectType;

/**
 * UnguardedSharedMap on bytecode: a non-thread-safe map field written on one thread and accessed on another
 * with no lock in common ({@link Races}, {@link ThreadReach}). Facts of all classes (an outer class, its
 * lambdas, inner and anonymous classes) are combined and each field is reported once, at the end.
 */
public final class UnguardedSharedMapDetector implements Detector {
  private static final Pattern PATTERN = Pattern.UNGUARDED_SHARED_MAP;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final ThreadReach reach = new ThreadReach(hierarchy);
  private final Races races = new Races(reach, new CallerLocks(hierarchy));
  private final MapGuards guards = new MapGuards(races, implementations, hierarchy);
  private final CapturedMaps captured = new CapturedMaps(hierarchy);
  private final Map<String, String> sharedBy = new HashMap<>();
  /** Classes whose instances a static field holds, with that field ({@link SharedInstances#heldStatically}). */
  private final Map<String, String> heldStatically = new LinkedHashMap<>();
  /** Classes whose instances an instance field keeps, with those fields ({@link SharedInstances#keptBy}). */
  private final Map<String, Set<String>> keptIn = new TreeMap<>();
  /** The class of the new object each private factory method returns (every return is one), by method. */
  private final Map<MethodDescriptor, String> factoryProducts = new HashMap<>();
  /** Instance fields given the result of a private method of their class, with that method. */
  private final Map<String, Set<MethodDescriptor>> storedFactoryResults = new TreeMap<>();
  /** What constructors are given: the objects the analysed code constructs and passes straight to a keeper. */
  private final ConstructorArguments constructorArguments = new ConstructorArguments();
  /** Classes whose instances a method constructs and puts as values into a map field, with those fields. */
  private final Map<String, Set<XField>> registryValues = new TreeMap<>();
  /** The reference types each class's non-private methods return: what it hands out. */
  private final Map<String, Set<String>> handedOut = new HashMap<>();
  /** The classes the analysed code makes with {@code new}: what keeps their instances is visible here. */
  private final Set<String> constructed = new TreeSet<>();
  /** Maps stored into each field, with the method that stores them. */
  private final Map<XField, List<Map.Entry<MapValues, MapValues.FieldStore>>> stores = new LinkedHashMap<>();

  public UnguardedSharedMapDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    String className = context.getClassDescriptor().getDottedClassName();
    try {
      sharedBy.put(className, sharedBy(context, className));
    } catch (RuntimeException unexpected) {
      // an annotation we cannot read: the class is not known to be shared
    }
    for (Method method : context.getJavaClass().getMethods()) {
      if (method.getCode() == null) {
        continue;
      }
      try {
        MapValues values = MapValues.analyze(context, method, hierarchy);
        implementations.add(values);
        reach.add(values);
        constructorArguments.add(values);
        HeldLocks locks = HeldLocks.analyze(context, method, values, hierarchy);
        races.add(values, locks);
        captured.add(values, locks);
        if (!method.isPrivate() && method.getReturnType() instanceof ObjectType) {
          handedOut.computeIfAbsent(className, c -> new TreeSet<>())
              .add(((ObjectType) method.getReturnType()).getClassName());
        }
        for (MapValues.CallSite call : values.callSites()) {
          String value = storedValue(call);
          if (value != null) {
            registryValues.computeIfAbsent(value, c -> new LinkedHashSet<>())
                .add(((Origin.FieldLoad) call.receiver).field());
          }
          if (call.callee.getName().equals("<init>")) {
            if (!call.onThis) { // not super(..) or this(..)
              constructed.add(call.callee.getSlashedClassName().replace('/', '.'));
            }
          }
        }
        product(values).ifPresent(made -> factoryProducts.put(values.method().getMethodDescriptor(), made));
        for (MapValues.FieldStore store : values.stores()) {
          if (store.value instanceof Origin.MethodResult && !store.field.isStatic()
              && ((Origin.MethodResult) store.value).method().isPrivate()
              && ((Origin.MethodResult) store.value).method().getClassName().equals(className)) {
            storedFactoryResults.computeIfAbsent(fieldKey(store.field), f -> new LinkedHashSet<>())
                .add(((Origin.MethodResult) store.value).method().getMethodDescriptor());
          }
          if (store.value instanceof Origin.Constructed && store.field.isStatic()) {
            heldStatically.putIfAbsent(className(store), simple(store.field.getClassName()) + "." + store.field.getName());
          }
          if ((store.value instanceof Origin.Constructed || store.heldClass != null) && !store.field.isStatic()) {
            keptIn.computeIfAbsent(store.heldClass != null ? store.heldClass : className(store), c -> new TreeSet<>())
                .add(fieldKey(store.field));
          }
          if (store.value instanceof Origin.Constructed) {
            stores.computeIfAbsent(store.field, f -> new ArrayList<>()).add(Map.entry(values, store));
          }
        }
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  /** For a private method whose every return is a new object of one class (a factory), that class. */
  private static Optional<String> product(MapValues values) {
    if (!values.method().isPrivate() || values.returns().isEmpty()
        || !values.returns().stream().allMatch(r -> r instanceof Origin.Constructed)) {
      return Optional.empty();
    }
    Set<String> made = new TreeSet<>();
    values.returns().forEach(r -> made.add(((Origin.Constructed) r).className()));
    return made.size() == 1 ? Optional.of(made.iterator().next()) : Optional.empty();
  }

  /** The class of the new object a call puts as a value into a map field ({@code map.put(k, new V(..))}), or null. */
  private String storedValue(MapValues.CallSite call) {
    boolean store = call.constructedArguments.size() == 2 && call.constructedArguments.get(1) != null
        && call.receiver instanceof Origin.FieldLoad
        && MapApi.keyUse(BytecodeApi.call(call.callee), hierarchy).map(KeyUse::storesValue).orElse(false);
    return store ? call.constructedArguments.get(1) : null;
  }

  private String sharedBy(ClassContext context, String className) {
    List<String> annotations = new ArrayList<>();
    String scope = null;
    for (AnnotationValue a : context.getXClass().getAnnotations()) {
      ClassDescriptor type = a.getAnnotationClass();
      annotations.add(type.getDottedClassName());
      if (type.getDottedClassName().equals(SharedInstances.SPRING_SCOPE)) {
        Object value = a.getValue("value");
        scope = value == null ? "" : value.toString();
      }
    }
    return SharedInstances.sharedBy(className, annotations, scope, hierarchy);
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    storedFactoryResults.forEach((field, factories) -> {
      for (MethodDescriptor factory : factories) {
        String made = factoryProducts.get(factory);
        if (made != null) {
          keptIn.computeIfAbsent(made, c -> new TreeSet<>()).add(field);
        }
      }
    });
    for (Map.Entry<String, XField> kept : constructorArguments.keptConstructedObjects()) {
      keptIn.computeIfAbsent(kept.getKey(), c -> new TreeSet<>()).add(fieldKey(kept.getValue()));
    }
    for (XField field : races.fields()) {
      Optional<String> mapClass = unsafeMapClass(field);
      if (mapClass.isEmpty()) {
        continue;
      }
      SharedMaps.Sharing sharing = sharing(field);
      String shared = sharing == null ? null : sharing.reason();
      races.on(field, sharing != null, sharing != null && sharing.onlyWritesOnUse())
          // A traversal without the lock of a map whose writes all hold it is UnlockedMapIteration's (rule 2).
          .filter(race -> race.reportAt.kind() != MapEffect.ITERATE || guards.of(field).isEmpty())
          .ifPresent(race -> bugs.add(bug(field, mapClass.get(), race, shared)));
    }
    bugs.addAll(lostConcurrency());
    for (CapturedMaps.SharedWrite write : captured.writes()) {
      bugs.add(capturedMapWritten(write));
    }
    Findings.report(bugs, reporter);
  }

  /** A map the method made, written by its lambdas' overlapping runs: reported at the write, in the lambda. */
  private BugInstance capturedMapWritten(CapturedMaps.SharedWrite shared) {
    String mapClass = simple(shared.captured.map.className());
    String message = Messages.capturedMapWritten(shared.captured.map.localName(), mapClass,
        shared.write.effect.fact().display() + " at line " + shared.write.line.getStartLine(),
        shared.launch.description, shared.launchedInLoop(),
        Messages.sharedMapFix(mapClass, 0, null, shared.launch.parallelStream));
    BugInstance bug = Findings.at(this, PATTERN, shared.launcher.method(), message, null, shared.write.line);
    bug.setPriority(Priorities.HIGH_PRIORITY);
    return bug;
  }

  /**
   * Why many threads use the field's map at once though none is visible: its class's instances are shared
   * ({@link SharedInstances}, or one is held in a static field) or the map itself is ({@link SharedMaps}); null
   * when neither.
   */
  private SharedMaps.Sharing sharing(XField field) {
    String instances = sharedBy.get(field.getClassName());
    if (instances != null) {
      return SharedMaps.Sharing.instances(instances);
    }
    if (!field.isStatic()) {
      for (Map.Entry<String, String> held : heldStatically.entrySet()) {
        if (held.getKey().equals(field.getClassName()) || hierarchy.isSubtype(held.getKey(), field.getClassName())) {
          return SharedMaps.Sharing.heldStatically(held.getValue());
        }
      }
    }
    Map.Entry<XField, String> registry = field.isStatic() ? null : registryOf(field.getClassName());
    if (registry != null) {
      return SharedMaps.Sharing.registryValue(display(registry.getKey()), registry.getValue());
    }
    Map.Entry<String, String> kept = field.isStatic() ? null : keptByShared(field.getClassName(), 0);
    if (kept != null) {
      return SharedMaps.Sharing.keptBy(kept.getKey(), kept.getValue());
    }
    boolean typeMetadata = !field.isStatic() && !madeHere(field.getClassName())
        && BytecodeApi.declaredKeyClass(field, hierarchy).map(SharedMaps::keyedByType).orElse(false)
        && BytecodeApi.othersFinal(field);
    return SharedMaps.of(field.isStatic(), implementations.of(field).orElse(List.of()), races.keyedByThread(field),
            typeMetadata, Guards.viewsAreItsContract(field.getClassName(), hierarchy), hierarchy)
        .map(SharedMaps.Sharing::of)
        .orElse(null);
  }

  /**
   * Whether the analysed code makes instances of the class or of a subclass: then what keeps them is seen here, and
   * the kind of object it is says nothing more ({@link SharedMaps.Evidence#TYPE_METADATA} is for objects made by
   * other code).
   */
  private boolean madeHere(String className) {
    return constructed.stream().anyMatch(c -> c.equals(className) || hierarchy.isSubtype(c, className));
  }

  /**
   * An instance field of another class given an instance of the class (or a subclass; made with {@code new}, by
   * the owner or by the code that constructs the owner and hands it over) by an object that is
   * itself shared by its kind ({@link SharedInstances#sharedBy}, not a static field: a default instance kept
   * statically is mostly read, and two weak steps make no evidence), as {@code Owner.NAME}, with what shares that
   * object (a few owners deep); or null.
   */
  private Map.Entry<String, String> keptByShared(String className, int depth) {
    if (depth > 2) {
      return null;
    }
    for (Map.Entry<String, Set<String>> kept : keptIn.entrySet()) {
      if (!kept.getKey().equals(className) && !hierarchy.isSubtype(kept.getKey(), className)) {
        continue;
      }
      for (String field : kept.getValue()) {
        String owner = field.substring(0, field.indexOf('#'));
        if (owner.equals(className)) {
          continue;
        }
        String ownerSharedBy = sharedBy.get(owner);
        Map.Entry<XField, String> registry = ownerSharedBy == null ? registryOf(owner) : null;
        if (registry != null) {
          ownerSharedBy = SharedInstances.registryValue(display(registry.getKey()), registry.getValue());
        }
        if (ownerSharedBy == null) {
          Map.Entry<String, String> outer = keptByShared(owner, depth + 1);
          ownerSharedBy = outer == null ? null : SharedInstances.keptBy(outer.getKey(), outer.getValue());
        }
        if (ownerSharedBy != null) {
          return Map.entry(simple(owner) + "." + field.substring(field.indexOf('#') + 1), ownerSharedBy);
        }
      }
    }
    return null;
  }

  /**
   * A map field whose values include new instances of the class (or a subclass), whose writes all hold one lock
   * ({@link MapGuards}), and whose class hands such instances out (a non-private method returns the class or a
   * supertype other than {@code Object}), with that lock's name; or null ({@link SharedInstances#registryValue}).
   */
  private Map.Entry<XField, String> registryOf(String className) {
    for (Map.Entry<String, Set<XField>> values : registryValues.entrySet()) {
      if (!values.getKey().equals(className) && !hierarchy.isSubtype(values.getKey(), className)) {
        continue;
      }
      for (XField registry : values.getValue()) {
        boolean handsOut = handedOut.getOrDefault(registry.getClassName(), Set.of()).stream()
            .anyMatch(t -> !t.equals("java.lang.Object")
                && (t.equals(values.getKey()) || hierarchy.isSubtype(values.getKey(), t)));
        Optional<MapGuards.Guard> guard = handsOut ? guards.of(registry) : Optional.empty();
        if (guard.isPresent()) {
          return Map.entry(registry, guard.get().lock);
        }
      }
    }
    return null;
  }

  private static String display(XField field) {
    return simple(field.getClassName()) + "." + field.getName();
  }

  /**
   * A field given a concurrent map in one store and a non-thread-safe map in another, unless both are the branches of
   * one choice of thread-safety ({@link MapTypes#hasConcurrentCounterpart}: {@code shared ? new ConcurrentHashMap<>()
   * : new HashMap<>()}).
   */
  private List<BugInstance> lostConcurrency() {
    List<BugInstance> bugs = new ArrayList<>();
    for (List<Map.Entry<MapValues, MapValues.FieldStore>> fieldStores : stores.values()) {
      for (Map.Entry<MapValues, MapValues.FieldStore> store : fieldStores) {
        MapValues.FieldStore unsafeStore = store.getValue();
        String unsafe = className(unsafeStore);
        if (!MapTypes.isNotThreadSafe(unsafe, hierarchy)) {
          continue;
        }
        boolean counterpart = MapTypes.hasConcurrentCounterpart(unsafe, hierarchy);
        Optional<MapValues.FieldStore> concurrent = fieldStores.stream().map(Map.Entry::getValue)
            .filter(s -> MapTypes.isConcurrentMap(className(s), hierarchy))
            .filter(s -> !(counterpart && s.choiceAt != null && s.choiceAt == unsafeStore.choiceAt))
            .findFirst();
        if (concurrent.isEmpty()) {
          continue;
        }
        String message = Messages.mapLosesConcurrency(
            unsafeStore.field.getName(), simple(unsafe), unsafeStore.line.getStartLine(),
            simple(className(concurrent.get())), concurrent.get().line.getStartLine());
        bugs.add(new BugInstance(this, PATTERN.bugType(), Priorities.NORMAL_PRIORITY)
            .addClass(store.getKey().method().getClassName())
            .addMethod(MethodAnnotation.fromXMethod(store.getKey().method()))
            .addString(message)
            .addField(FieldAnnotation.fromXField(unsafeStore.field))
            .addSourceLine(unsafeStore.line));
      }
    }
    return bugs;
  }

  private static String fieldKey(XField field) {
    return field.getClassName() + "#" + field.getName();
  }

  private static String className(MapValues.FieldStore store) {
    return ((Origin.Constructed) store.value).className();
  }

  /** The name as source code spells it, a nested class's without its outer class's (as Error Prone names it). */
  private static String simple(String className) {
    return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
  }

  /** The field's map class when it is not thread-safe; volatile fields are MutatedMapSnapshot's (rule 4). */
  private Optional<String> unsafeMapClass(XField field) {
    if (field.isVolatile()) {
      return Optional.empty();
    }
    Optional<List<String>> classes = implementations.of(field);
    if (classes.isEmpty()
        || !classes.get().stream().allMatch(c -> MapTypes.isNotThreadSafe(c, hierarchy))) {
      return Optional.empty();
    }
    String first = classes.get().get(0);
    return Optional.of(first.substring(first.lastIndexOf('.') + 1));
  }

  private BugInstance bug(XField field, String mapClass, Races.Race race, String shared) {
    List<Races.Site> all = races.sitesOf(field);
    long nullStoredAt = all.stream()
        .filter(s -> s.access.effect.kind() == MapEffect.WRITE && s.access.passesNull)
        .map(s -> (long) s.access.line.getStartLine())
        .findFirst()
        .orElse(0L);
    String knownLock = all.stream().flatMap(s -> s.locks.stream()).sorted().findFirst()
        .map(HeldLocks::display).orElse(null);
    // Two callers at once: say what shares the map.
    String otherNote =
        shared != null && race.threadsSeen()
                && race.writeContext.kind() == Overlap.Kind.CALLER && race.otherContext.kind() == Overlap.Kind.CALLER
            ? " (" + shared + ")"
            : "";
    String message =
        Messages.unguardedSharedMap(
            field.getName(),
            mapClass,
            site(race.write, race.writeContext.description),
            site(race.other, race.otherContext.description + otherNote),
            locks(race),
            Messages.sharedMapFix(mapClass, nullStoredAt, knownLock, race.writeContext.parallelStream));
    return new BugInstance(this, PATTERN.bugType(),
            race.threadsSeen() ? Priorities.HIGH_PRIORITY : Priorities.NORMAL_PRIORITY)
        .addClass(race.reportAt.where.method().getClassName())
        .addMethod(MethodAnnotation.fromXMethod(race.reportAt.where.method()))
        .addString(message)
        .addField(FieldAnnotation.fromXField(field))
        .addSourceLine(race.reportAt.access.line);
  }

  private static String site(Races.Site site, String context) {
    return site.access.effect.fact().display() + " at line " + site.access.line.getStartLine() + " in " + context;
  }

  /** The lock situation: which lock one side holds that the other lacks, or that neither holds one. */
  private static String locks(Races.Race race) {
    Races.Site locked = race.reportAt == race.write ? race.other : race.write;
    if (!locked.locks.isEmpty() && race.reportAt.locks.isEmpty()) {
      String lock = race.lockedElsewhere != null
          ? race.lockedElsewhere
          : locked.locks.stream().min(java.util.Comparator.comparing(HeldLocks::display))
              .orElseThrow();
      return "synchronized (" + HeldLocks.display(lock) + ") held at line " + locked.access.line.getStartLine() + " only";
    }
    return race.write.locks.isEmpty() && race.other.locks.isEmpty() ? "no lock held at either" : "no lock held in common";
  }
}
