package dev.mapsafe.spotbugs.patterns;

import dev.mapsafe.knowledge.catalog.Messages;
import dev.mapsafe.knowledge.catalog.Pattern;
import dev.mapsafe.knowledge.mapapi.MapEffect;
import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.knowledge.threads.Publication;
import dev.mapsafe.spotbugs.analysis.BytecodeApi;
import dev.mapsafe.spotbugs.analysis.CallerLocks;
import dev.mapsafe.spotbugs.analysis.HeldLocks;
import dev.mapsafe.spotbugs.analysis.MapImplementations;
import dev.mapsafe.spotbugs.analysis.MapValues;
import dev.mapsafe.spotbugs.analysis.ShallowCopies;
import dev.mapsafe.spotbugs.analysis.Origin;
import dev.mapsafe.spotbugs.analysis.ParameterUses;
import dev.mapsafe.spotbugs.analysis.Publications;
import dev.mapsafe.spotbugs.analysis.Races;
import dev.mapsafe.spotbugs.analysis.ThreadReach;
import edu.umd.cs.findbugs.BugInstance;
import edu.umd.cs.findbugs.BugReporter;
import edu.umd.cs.findbugs.Detector;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.ba.CFGBuilderException;
import edu.umd.cs.findbugs.ba.ClassContext;
import edu.umd.cs.findbugs.ba.DataflowAnalysisException;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.ba.generic.GenericObjectType;
import edu.umd.cs.findbugs.ba.generic.GenericUtilities;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import edu.umd.cs.findbugs.util.ClassName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.apache.bcel.classfile.Method;

import org.apache.bcel.generic.ObjectType;
import org.apache.bcel.generic.Type;
/**
 * MutatedMapSnapshot on bytecode: a copy-on-write map ({@link Publication}) changed in place: a write to a
 * {@code volatile} map field's map or to {@code ref.get()} of an {@code AtomicReference} of a map, to the map an
 * update function receives, or to a map after the method published it. Decided once every class has been seen.
 */
public final class MutatedMapSnapshotDetector implements Detector {
  private static final Pattern PATTERN = Pattern.MUTATED_MAP_SNAPSHOT;

  private final BugReporter reporter;
  private final TypeHierarchy hierarchy = BytecodeApi.hierarchy();
  private final MapImplementations implementations = new MapImplementations(hierarchy);
  private final Races races = new Races(new ThreadReach(hierarchy), new CallerLocks(hierarchy));
  private final List<MapValues> methods = new ArrayList<>();
  private final Map<MethodDescriptor, MapValues> byDescriptor = new HashMap<>();
  /** Classes (InheritableThreadLocal subclasses) that decide themselves what a child thread gets. */
  private final Set<String> childValueDeciders = new HashSet<>();

  public MutatedMapSnapshotDetector(BugReporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void visitClassContext(ClassContext context) {
    for (Method method : context.getJavaClass().getMethods()) {
      if (Publication.decidesChildValue(method.getName(), method.getArgumentTypes().length) && !method.isAbstract()) {
        childValueDeciders.add(context.getJavaClass().getClassName());
      }
      if (method.getCode() == null) {
        continue;
      }
      try {
        MapValues values = MapValues.analyze(context, method, hierarchy);
        implementations.add(values);
        races.reach().add(values);
        races.add(values, HeldLocks.analyze(context, method, values, hierarchy));
        methods.add(values);
        byDescriptor.put(values.method().getMethodDescriptor(), values);
      } catch (CFGBuilderException | DataflowAnalysisException | RuntimeException unexpectedCode) {
        // Bad input never fails the analysis: skip the method.
      }
    }
  }

  @Override
  public void report() {
    List<BugInstance> bugs = new ArrayList<>();
    for (MapValues method : methods) {
      String name = method.method().getName();
      boolean construction = name.equals("<init>") || name.equals("<clinit>");
      for (MapValues.Access access : method.accesses()) {
        if (access.effect.kind() != MapEffect.WRITE) {
          continue;
        }
        String line = " at line " + access.line.getStartLine();
        String write = access.effect.fact().display() + line;
        Origin root = access.subject.root();
        XField field = publishingField(root);
        if (field != null && !construction && !alwaysLocked(field)
            && implementations.of(field).filter(cs -> Publication.publishesPlainMaps(cs, hierarchy)).isPresent()) {
          bugs.add(bug(method, field, access.line, Messages.mutatedMapSnapshot(
              field.getName(), "the volatile field " + field.getName(), write, "")));
          continue;
        }
        XField inherited = inheritedMapRead(root, method);
        if (inherited != null && !construction) {
          bugs.add(bug(method, inherited, access.line,
              Messages.mutatedInheritedMap(inherited.getName() + ".get()", inherited.getName(), write)));
          continue;
        }
        XField reference = referenceRead(root, method);
        if (reference != null) {
          bugs.add(bug(method, reference, access.line, Messages.mutatedMapSnapshot(
              reference.getName() + ".get()", "the AtomicReference " + reference.getName(), write, "")));
          continue;
        }
        BugInstance inner = construction ? null : innerMapWrite(method, root, access.line, write);
        if (inner != null) {
          bugs.add(inner);
          continue;
        }
        for (Publications.PublishedValue published : method.publications()) {
          if (published.value.root() == root && (root instanceof Origin.Created || root instanceof Origin.Constructed)
              && published.location.getHandle().getPosition() < access.location.getHandle().getPosition()) {
            String publication = describe(published);
            if (publication != null) {
              bugs.add(bug(method, published.field, access.line, Messages.mutatedMapSnapshot(
                  localName(root), publication, write,
                  " after it was published at line " + published.line.getStartLine())));
              break;
            }
          }
        }
      }
      bugs.addAll(updateFunctionWrites(method));
    }
    Findings.report(bugs, reporter);
    methods.clear();
    byDescriptor.clear();
  }

  /**
   * A write to an inner map of a published map of maps: {@code routes.get(k)}, or {@code next.get(k)} of a local
   * {@code next} that is a shallow copy of {@code routes} (it shares the inner maps) and is never written itself.
   */
  private BugInstance innerMapWrite(MapValues method, Origin root, SourceLineAnnotation line, String write) {
    if (!(root instanceof Origin.MethodResult)
        || !Publication.readsInnerMap(((Origin.MethodResult) root).method().getName())) {
      return null;
    }
    Origin outer = method.originOf(((Origin.MethodResult) root).receiver());
    String copy = null;
    ShallowCopies.Copy shallow = method.copyOf(outer);
    if (shallow != null) {
      if (writtenItself(method, outer.root())) {
        return null;
      }
      copy = localName(outer.root());
      outer = shallow.source;
    }
    if (outer == null) {
      return null;
    }
    XField field = publishingField(outer.root());
    if (field != null && !alwaysLocked(field) && holdsMutableMaps(field.getSourceSignature(), false)
        && implementations.of(field).filter(cs -> Publication.publishesPlainMaps(cs, hierarchy)).isPresent()) {
      return bug(method, field, line, Messages.mutatedMapSnapshot(Publication.innerMapOf(field.getName(), copy),
          "the volatile field " + field.getName(), write, ""));
    }
    XField reference = referenceRead(outer.root(), method);
    if (reference != null && holdsMutableMaps(reference.getSourceSignature(), true)) {
      return bug(method, reference, line, Messages.mutatedMapSnapshot(
          Publication.innerMapOf(reference.getName() + ".get()", copy), "the AtomicReference " + reference.getName(),
          write, ""));
    }
    return null;
  }

  /** Whether a map made in this method is itself written there ({@code next.put(k, ..)}). */
  private static boolean writtenItself(MapValues method, Origin map) {
    for (MapValues.Access access : method.accesses()) {
      if (access.effect.kind() == MapEffect.WRITE && access.effect.operand().isReceiver()
          && access.subject.root().value().equals(map.value())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a field's generic signature declares a map whose values are maps that can be changed in place
   * ({@code Map<K, Map<K2, V>>}), or, for a reference, an {@code AtomicReference} of such a map.
   */
  private boolean holdsMutableMaps(String generic, boolean reference) {
    if (generic == null) {
      return false;
    }
    Type type = GenericUtilities.getType(generic);
    if (reference && type instanceof GenericObjectType && ((GenericObjectType) type).getNumParameters() == 1) {
      type = ((GenericObjectType) type).getParameterAt(0);
    }
    if (!(type instanceof GenericObjectType) || ((GenericObjectType) type).getNumParameters() != 2) {
      return false;
    }
    Type value = ((GenericObjectType) type).getParameterAt(1);
    return value instanceof ObjectType
        && Publication.isMutableMapType(((ObjectType) value).getClassName(), hierarchy);
  }

  /** Writes, in the bodies of update functions this method hands to an AtomicReference, to the map they receive. */
  private List<BugInstance> updateFunctionWrites(MapValues method) {
    List<BugInstance> bugs = new ArrayList<>();
    for (Publications.UpdateFunction update : method.updateFunctions()) {
      XField reference = atomicMapField(update.reference);
      if (reference == null) {
        continue;
      }
      for (MethodDescriptor body : update.bodies) {
        MapValues lambda = byDescriptor.get(body);
        int parameter = body.isStatic() ? update.parameter : update.parameter - 1;
        for (ParameterUses.ParameterEffect write : lambda == null ? List.<ParameterUses.ParameterEffect>of()
            : lambda.parameterEffects()) {
          if (write.parameter == parameter && write.effect.kind() == MapEffect.WRITE) {
            bugs.add(bug(lambda, reference, write.line, Messages.mutatedMapSnapshot(write.name,
                "the AtomicReference whose " + update.call + " function received it",
                write.effect.fact().display() + " at line " + write.line.getStartLine(), "")));
          }
        }
      }
    }
    return bugs;
  }

  /** The volatile field a root is loaded from, when it is a map that can be changed in place. */
  private XField publishingField(Origin root) {
    return root instanceof Origin.FieldLoad && isPublishingField(((Origin.FieldLoad) root).field())
        ? ((Origin.FieldLoad) root).field() : null;
  }

  /** A volatile field declared as a map that can be changed in place, whose known classes all can. */
  private boolean isPublishingField(XField field) {
    String declared = ClassName.fromFieldSignatureToDottedClassName(field.getSignature());
    return field.isVolatile() && declared != null && Publication.isMutableMapType(declared, hierarchy)
        && implementations.of(field).map(cs -> cs.stream().allMatch(c -> Publication.isMutableMapType(c, hierarchy)))
            .orElse(true);
  }

  /** {@code ref.get()} of an AtomicReference field holding a mutable map. */
  private XField referenceRead(Origin root, MapValues method) {
    XField reference = holderRead(root, method, (owner, name) -> Publication.reads(owner, name, hierarchy),
        declared -> Publication.isAtomicReference(declared, hierarchy));
    return reference != null && Publication.publishesPlainMaps(constructedInto(reference), hierarchy)
        ? reference : null;
  }

  /**
   * The field of a holder of a mutable map ({@link #mapHolderField}) whose current value {@code root} is: the result
   * of a call the holder reads its value with ({@code ref.get()}).
   */
  private XField holderRead(Origin root, MapValues method, BiPredicate<String, String> reads,
      Predicate<String> holder) {
    if (!(root instanceof Origin.MethodResult)) {
      return null;
    }
    Origin.MethodResult call = (Origin.MethodResult) root;
    if (!reads.test(call.method().getClassName(), call.method().getName()) || call.receiver() == null) {
      return null;
    }
    return mapHolderField(method.originOf(call.receiver()), holder);
  }

  /** The classes of the maps constructed and given to an AtomicReference field, in every analysed method. */
  private List<String> constructedInto(XField reference) {
    List<String> classes = new ArrayList<>();
    for (MapValues method : methods) {
      for (Publications.PublishedValue published : method.publications()) {
        if (published.reference instanceof Origin.FieldLoad
            && ((Origin.FieldLoad) published.reference).field().equals(reference)
            && published.value.root() instanceof Origin.Constructed) {
          classes.add(((Origin.Constructed) published.value.root()).className());
        }
      }
    }
    return classes;
  }

  /** The field an AtomicReference of a mutable map is loaded from, from its generic signature. */
  private XField atomicMapField(Origin reference) {
    return mapHolderField(reference, declared -> Publication.isAtomicReference(declared, hierarchy));
  }

  /**
   * {@code local.get()} of an InheritableThreadLocal field holding a mutable map, none of whose objects (made in the
   * analysed code) decides itself what a child thread gets.
   */
  private XField inheritedMapRead(Origin root, MapValues method) {
    XField local = holderRead(root, method, (owner, name) -> Publication.readsThreadLocal(owner, name, hierarchy),
        declared -> Publication.isInheritedByChildThreads(declared, hierarchy));
    if (local == null) {
      return null;
    }
    for (MapValues m : methods) {
      for (MapValues.FieldStore store : m.stores()) {
        if (store.field.equals(local) && store.value instanceof Origin.Constructed
            && childValueDeciders.contains(((Origin.Constructed) store.value).className())) {
          return null;
        }
      }
    }
    return local;
  }

  /**
   * The field a reference is loaded from when its declared class is a holder ({@code AtomicReference<M>},
   * {@code InheritableThreadLocal<M>}) whose type argument {@code M}, from the generic signature, is a map that can
   * be changed in place.
   */
  private XField mapHolderField(Origin reference, Predicate<String> holder) {
    if (!(reference instanceof Origin.FieldLoad)) {
      return null;
    }
    XField field = ((Origin.FieldLoad) reference).field();
    String generic = field.getSourceSignature();
    String declared = ClassName.fromFieldSignatureToDottedClassName(field.getSignature());
    if (generic == null || declared == null || !holder.test(declared) || generic.indexOf('<') < 0) {
      return null;
    }
    String argument = generic.substring(generic.indexOf('<') + 1);
    if (!argument.startsWith("L")) {
      return null;
    }
    int end = argument.length();
    for (char stop : new char[] {'<', ';'}) {
      int at = argument.indexOf(stop);
      end = at >= 0 ? Math.min(end, at) : end;
    }
    String type = argument.substring(1, end).replace('/', '.');
    return Publication.isMutableMapType(type, hierarchy) ? field : null;
  }

  /** How a value was published, or null when not through a mutable-map volatile field or AtomicReference. */
  private String describe(Publications.PublishedValue published) {
    if (published.field != null) {
      return isPublishingField(published.field) ? "the volatile field " + published.field.getName() : null;
    }
    XField reference = atomicMapField(published.reference);
    return reference == null ? null : "the AtomicReference " + reference.getName();
  }

  /** Whether every access of the field's map holds one common lock: it is then not read lock-free. */
  private boolean alwaysLocked(XField field) {
    Set<String> common = null;
    for (Races.Site site : races.sitesOf(field)) {
      if (common == null) {
        common = new HashSet<>(site.protection);
      } else {
        common.retainAll(site.protection);
      }
    }
    return common != null && !common.isEmpty();
  }

  private static String localName(Origin root) {
    String local = root instanceof Origin.Constructed ? ((Origin.Constructed) root).localName() : null;
    return local != null ? local : root.display();
  }

  private BugInstance bug(MapValues method, XField field, SourceLineAnnotation line, String message) {
    return Findings.at(this, PATTERN, method.method(), message, field, line);
  }
}
