package dev.mapsafe.spotbugs.analysis;

import dev.mapsafe.knowledge.mapapi.Effect;
import edu.umd.cs.findbugs.SourceLineAnnotation;
import edu.umd.cs.findbugs.classfile.MethodDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a method of the analysed code does to the maps it is given: the reads, writes and traversals it makes of
 * a parameter with no lock of its own held there, and those of the methods it passes the parameter on to, a few
 * calls deep. Only for methods a call cannot dispatch elsewhere (private, static, final, constructors): a call of
 * one then does to the map it passes what the summary says. The Error Prone counterpart has the same name.
 */
public final class MapSummaries {
  private static final int MAX_DEPTH = 4;

  private final Map<MethodDescriptor, MapValues> methods = new HashMap<>();
  private final Map<MethodDescriptor, HeldLocks> regions = new HashMap<>();

  /** Records one method's facts and lock regions. */
  public void add(MapValues method, HeldLocks locks) {
    MethodDescriptor self = method.method().getMethodDescriptor();
    methods.put(self, method);
    regions.put(self, locks);
  }

  /** Where a method affects a map it is given, with no lock held: its line in that method. */
  public static final class Site {
    public final Effect effect;
    public final SourceLineAnnotation line;

    Site(Effect effect, SourceLineAnnotation line) {
      this.effect = effect;
      this.line = line;
    }
  }

  /**
   * The effects {@code method} has on its parameter {@code parameter} with no lock held, each at its line in that
   * method: its own calls on the map, and the calls it passes the map to (at the line of that call).
   */
  public List<Site> sitesOnParameter(MethodDescriptor method, int parameter) {
    List<Site> sites = new ArrayList<>();
    MapValues values = methods.get(method);
    if (values == null) {
      return sites;
    }
    HeldLocks locks = regions.getOrDefault(method, HeldLocks.NONE);
    for (ParameterUses.ParameterEffect effect : values.parameterEffects()) {
      if (effect.parameter == parameter && !effect.monitorHeld && locks.anyModeAt(effect.location).isEmpty()) {
        sites.add(new Site(effect.effect, effect.line));
      }
    }
    for (ParameterUses.ParameterPass pass : values.parameterPasses()) {
      if (pass.parameter == parameter && unlocked(pass, locks)) {
        for (Effect effect : effectsOnArgument(pass.callee, pass.argument)) {
          sites.add(new Site(effect, pass.line));
        }
      }
    }
    return sites;
  }

  /** The effects a call of {@code callee} has on the map passed as its argument {@code argument}. */
  public List<Effect> effectsOnArgument(MethodDescriptor callee, int argument) {
    List<Effect> effects = new ArrayList<>();
    collect(callee, argument, 0, new HashSet<>(), effects);
    return effects;
  }

  private void collect(MethodDescriptor callee, int argument, int depth, Set<String> seen, List<Effect> effects) {
    MapValues values = methods.get(callee);
    if (values == null || depth > MAX_DEPTH || !BytecodeApi.runsOnlyItself(values.method()) || values.method().isSynchronized()
        || !seen.add(callee + "#" + argument)) {
      return;
    }
    HeldLocks locks = regions.getOrDefault(callee, HeldLocks.NONE);
    for (ParameterUses.ParameterEffect effect : values.parameterEffects()) {
      if (effect.parameter == argument && !effect.monitorHeld && locks.anyModeAt(effect.location).isEmpty()) {
        effects.add(effect.effect);
      }
    }
    for (ParameterUses.ParameterPass pass : values.parameterPasses()) {
      if (pass.parameter == argument && unlocked(pass, locks)) {
        collect(pass.callee, pass.argument, depth + 1, seen, effects);
      }
    }
  }

  /** Whether no lock is held where the map is passed on: under one, what the callee does is guarded. */
  private static boolean unlocked(ParameterUses.ParameterPass pass, HeldLocks locks) {
    return !pass.monitorHeld && locks.anyModeAt(pass.location).isEmpty();
  }
}
