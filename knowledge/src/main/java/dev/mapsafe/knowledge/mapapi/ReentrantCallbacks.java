package dev.mapsafe.knowledge.mapapi;

import java.util.List;
import java.util.Optional;

/**
 * Callbacks whose contract lets them call back into the method that runs them. A Spring {@code Scope}'s
 * {@code get(name, objectFactory)} runs the factory to create the scoped bean, and a bean that depends on another
 * bean of the same scope gets that one from the same scope's {@code get}, on the same thread: an atomic update
 * ({@code computeIfAbsent}) whose function runs the factory modifies its own map during the computation (the bug
 * Spring fixed in its own scopes, spring-framework#25801). Iterating a {@code ServiceLoader} instantiates its
 * providers, code of other modules that may call the loading registry again to get the services it needs (the bug
 * ShardingSphere fixed in its service loader, apache/shardingsphere#24415).
 */
public final class ReentrantCallbacks {
  private static final class Reentry {
    /** The type the updating class implements, or null for any class. */
    final String implemented;
    /** The updating method, or null for any method. */
    final String method;
    final String callbackOwner;
    final String callback;
    final String why;

    Reentry(String implemented, String method, String callbackOwner, String callback, String why) {
      this.implemented = implemented;
      this.method = method;
      this.callbackOwner = callbackOwner;
      this.callback = callback;
      this.why = why;
    }
  }

  private static final String PROVIDERS_CALL_BACK =
      "iterating a ServiceLoader instantiates its providers, code of other modules that may call this registry"
          + " again to get the services it needs";

  private static final List<Reentry> KNOWN = List.of(
      new Reentry("org.springframework.beans.factory.config.Scope", "get",
          "org.springframework.beans.factory.ObjectFactory", "getObject",
          "the factory creates the scoped bean, and a bean that depends on another bean of this scope gets it from"
              + " this scope's get() again"),
      new Reentry(null, null, "java.util.ServiceLoader", "iterator", PROVIDERS_CALL_BACK),
      new Reentry(null, null, "java.util.ServiceLoader", "forEach", PROVIDERS_CALL_BACK),
      new Reentry(null, null, "java.util.ServiceLoader", "findFirst", PROVIDERS_CALL_BACK),
      new Reentry(null, null, "java.util.ServiceLoader", "stream", PROVIDERS_CALL_BACK));

  private ReentrantCallbacks() {}

  /**
   * Why a call of {@code callbackOwner.callback} made by {@code method} of class {@code type} (directly or in a
   * function it passes on) may run {@code method} again on the same object and thread; empty when nothing says so.
   */
  public static Optional<String> reenters(String type, String method, String callbackOwner, String callback,
      TypeHierarchy hierarchy) {
    for (Reentry r : KNOWN) {
      if ((r.method == null || r.method.equals(method)) && r.callback.equals(callback)
          && (r.callbackOwner.equals(callbackOwner) || hierarchy.isSubtype(callbackOwner, r.callbackOwner))
          && (r.implemented == null || hierarchy.isSubtype(type, r.implemented))) {
        return Optional.of(r.why);
      }
    }
    return Optional.empty();
  }
}
