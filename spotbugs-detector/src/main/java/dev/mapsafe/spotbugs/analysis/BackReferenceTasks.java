package dev.mapsafe.spotbugs.analysis;

import static dev.mapsafe.spotbugs.analysis.CallIndex.dotted;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import dev.mapsafe.spotbugs.analysis.ThreadReach.Context;
import edu.umd.cs.findbugs.ba.XField;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tasks that run a method on an object they reach through a {@link BackReferences back reference}: a call
 * {@code handler.closeConnection()} through a field pointing back to the handler that made the task's objects (or
 * through a parameter its callers give such a field), made by a task object's method or one it reaches on itself
 * and the objects its fields hold, reaches the method on the handler directly or through calls the handler makes on
 * itself. Both ends are followed by the analysis's calls, with the overrides of the called method's class, a few
 * calls deep; memoized per method. {@link ThreadReach} adds them to a method's contexts. The Error Prone engine's
 * counterpart has the name.
 */
final class BackReferenceTasks {
  private static final int MAX_DEPTH = 6;

  private final TypeHierarchy hierarchy;
  private final CallIndex calls;
  private final BackReferences backReferences = new BackReferences();
  /** The objects launched as tasks, with their launch. */
  private final List<Map.Entry<Context, TaskLaunches.TaskObject>> taskObjects = new ArrayList<>();
  private final Map<MethodDescriptor, List<Context>> memo = new HashMap<>();

  BackReferenceTasks(TypeHierarchy hierarchy, CallIndex calls) {
    this.hierarchy = hierarchy;
    this.calls = calls;
  }

  void add(MapValues method) {
    backReferences.add(method);
  }

  void addTaskObject(Context launch, TaskLaunches.TaskObject object) {
    taskObjects.add(Map.entry(launch, object));
  }

  /** The tasks that run the method through a back reference, marked so ({@link ThreadReach#forMap}). */
  List<Context> of(MethodDescriptor m) {
    return memo.computeIfAbsent(m, k -> {
      List<Context> reaching = new ArrayList<>();
      tasksThroughBackReferences(k, 0, new HashSet<>()).forEach(c -> reaching.add(c.throughBackReference()));
      return reaching;
    });
  }

  private List<Context> tasksThroughBackReferences(MethodDescriptor m, int depth, Set<MethodDescriptor> seen) {
    List<Context> tasks = new ArrayList<>();
    if (depth > MAX_DEPTH || !seen.add(m)) {
      return tasks;
    }
    for (Map.Entry<MethodDescriptor, MapValues.CallSite> site : calls.to(m)) {
      MapValues.CallSite call = site.getValue();
      List<Context> found = new ArrayList<>();
      if (call.onThis) {
        found = tasksThroughBackReferences(site.getKey(), depth + 1, seen);
      } else if (call.receiver instanceof Origin.FieldLoad && ((Origin.FieldLoad) call.receiver).onThis()
          && backReferences.pointsBack(((Origin.FieldLoad) call.receiver).field())) {
        found = tasksRunning(site.getKey(), dotted(site.getKey()), depth + 1, new HashSet<>());
      } else if (call.receiverParameter >= 0) { // doRetry(url, registry): the back reference its callers pass
        for (Map.Entry<MethodDescriptor, MapValues.CallSite> passing : calls.to(site.getKey())) {
          List<XField> fields = passing.getValue().argumentFields;
          if (call.receiverParameter < fields.size() && fields.get(call.receiverParameter) != null
              && backReferences.pointsBack(fields.get(call.receiverParameter))) {
            found.addAll(tasksRunning(passing.getKey(), dotted(passing.getKey()), depth + 2, new HashSet<>()));
          }
        }
      }
      found.stream().filter(c -> !tasks.contains(c)).forEach(tasks::add);
    }
    return tasks;
  }

  /**
   * The launches of task objects that run the method on an object of class {@code bound} (or a subclass): it is the
   * method the launcher runs on them, or a method they reach on themselves and on the objects their fields hold.
   */
  private List<Context> tasksRunning(MethodDescriptor m, String bound, int depth, Set<MethodDescriptor> seen) {
    List<Context> tasks = new ArrayList<>();
    if (depth > MAX_DEPTH || !seen.add(m)) {
      return tasks;
    }
    String owner = dotted(m);
    for (Map.Entry<Context, TaskLaunches.TaskObject> launched : taskObjects) {
      String object = launched.getValue().className;
      if (launched.getValue().method.equals(m.getName() + m.getSignature())
          && (object.equals(bound) || hierarchy.isSubtype(object, bound))
          && (object.equals(owner) || hierarchy.isSubtype(object, owner)) && !tasks.contains(launched.getKey())) {
        tasks.add(launched.getKey());
      }
    }
    for (Map.Entry<MethodDescriptor, MapValues.CallSite> site : calls.to(m)) {
      MapValues.CallSite call = site.getValue();
      String caller = dotted(site.getKey());
      List<Context> found = call.onThis
          ? tasksRunning(site.getKey(), hierarchy.isSubtype(caller, bound) ? caller : bound, depth + 1, seen)
          : call.receiver instanceof Origin.FieldLoad && ((Origin.FieldLoad) call.receiver).onThis()
              && !((Origin.FieldLoad) call.receiver).field().isStatic()
              && !((Origin.FieldLoad) call.receiver).field().isSynthetic()
              ? tasksRunning(site.getKey(), caller, depth + 1, seen)
              : List.of();
      found.stream().filter(c -> !tasks.contains(c)).forEach(tasks::add);
    }
    return tasks;
  }
}
