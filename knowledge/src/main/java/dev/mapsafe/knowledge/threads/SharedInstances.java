package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classes whose one instance serves many threads at once: classes declared thread-safe, framework singletons
 * (annotated, or implementing Spring's container callbacks), and classes whose supertype's contract shares one
 * instance between requests (servlets, the servlet context, validators, Spring MVC resolvers). Their non-private
 * methods run concurrently with each other and with themselves.
 */
public final class SharedInstances {
  /** Annotations that declare a class thread-safe. */
  private static final List<String> THREAD_SAFE =
      List.of(
          "com.google.errorprone.annotations.ThreadSafe",
          "javax.annotation.concurrent.ThreadSafe",
          "net.jcip.annotations.ThreadSafe");

  /** Annotations of framework-managed singletons (unless a scope annotation says otherwise). */
  private static final List<String> SINGLETONS =
      List.of(
          "org.springframework.stereotype.Component",
          "org.springframework.stereotype.Service",
          "org.springframework.stereotype.Repository",
          "org.springframework.stereotype.Controller",
          "org.springframework.web.bind.annotation.RestController",
          "jakarta.inject.Singleton",
          "javax.inject.Singleton",
          "jakarta.enterprise.context.ApplicationScoped",
          "javax.enterprise.context.ApplicationScoped",
          "jakarta.servlet.annotation.WebServlet",
          "javax.servlet.annotation.WebServlet");

  /** Scope annotations that make a Spring bean one instance per use, not a singleton. */
  public static final String SPRING_SCOPE = "org.springframework.context.annotation.Scope";

  /** Spring scopes that are not shared between concurrent requests. */
  private static final List<String> UNSHARED_SCOPES = List.of("prototype", "request", "thread");

  /**
   * Supertypes whose contract makes one instance serve every request thread, with how messages name that instance:
   * servlets and filters (one instance per declaration), the servlet context (one per web application), Bean
   * Validation's validators and factories (thread-safe by the specification, made to be cached and shared), Spring
   * MVC's argument resolvers, return-value handlers and interceptors (registered once with the handler adapter or
   * mapping), Helidon's security providers (built once with the {@code Security} every request goes through), TLS
   * sessions (one resumed session serves many connections at once), and listeners of group-communication libraries
   * (called from the library's threads while the application calls them too).
   */
  private static final Map<String, String> SHARED_SUPERTYPES = sharedSupertypes();

  private static Map<String, String> sharedSupertypes() {
    Map<String, String> shared = new LinkedHashMap<>();
    for (String ns : List.of("jakarta", "javax")) {
      shared.put(ns + ".servlet.Servlet", "servlet container instance");
      shared.put(ns + ".servlet.Filter", "servlet container instance");
      shared.put(ns + ".servlet.ServletContext", "ServletContext, one per web application");
      shared.put(ns + ".validation.ValidatorFactory", "Bean Validation ValidatorFactory, thread-safe by its contract");
      shared.put(ns + ".validation.Validator", "Bean Validation Validator, thread-safe by its contract");
    }
    // "that session may be used on many such connections at once" (SSLSession's documentation): resumed sessions.
    shared.put("javax.net.ssl.SSLSession", "TLS session, used by every connection that resumes it at once");
    shared.put("org.springframework.web.method.support.HandlerMethodArgumentResolver",
        "Spring MVC argument resolver, registered once for every request");
    shared.put("org.springframework.web.method.support.HandlerMethodReturnValueHandler",
        "Spring MVC return value handler, registered once for every request");
    shared.put("org.springframework.web.servlet.HandlerInterceptor",
        "Spring MVC interceptor, registered once for every request");
    shared.put("io.helidon.security.spi.SecurityProvider",
        "Helidon security provider, built once with the Security every request uses");
    // Group-communication listeners: the library calls them from its own threads (a pool delivering messages, the
    // threads that connect and close channels) while the application calls the object from its threads.
    shared.put("org.jgroups.Receiver", "JGroups receiver, called by the channel's threads for every message");
    shared.put("org.jgroups.ChannelListener",
        "JGroups channel listener, called by the threads that connect and close its channels");
    shared.put("org.apache.catalina.tribes.ChannelListener",
        "Tribes channel listener, called by the receiver's threads for every message");
    shared.put("org.apache.catalina.tribes.MembershipListener",
        "Tribes membership listener, called by the membership service's threads");
    return shared;
  }

  /**
   * Spring's container callbacks: a class that implements one is built by the container, which makes one instance
   * of a bean unless told otherwise (a {@code Scope} registered with it is one object too), and every request
   * thread uses it.
   */
  private static final List<String> SPRING_CALLBACKS =
      List.of(
          "org.springframework.beans.factory.BeanFactoryAware",
          "org.springframework.beans.factory.BeanClassLoaderAware",
          "org.springframework.context.ApplicationContextAware",
          "org.springframework.context.ResourceLoaderAware",
          "org.springframework.context.EnvironmentAware",
          "org.springframework.beans.factory.InitializingBean",
          "org.springframework.beans.factory.DisposableBean",
          "org.springframework.beans.factory.SmartInitializingSingleton",
          "org.springframework.beans.factory.config.Scope");

  /** A Spring factory bean is configured, then makes the object the container shares. */
  private static final String SPRING_FACTORY_BEAN = "org.springframework.beans.factory.FactoryBean";

  /**
   * Calls whose result holds their one argument for whoever keeps the result: a field given
   * {@code Optional.of(new X(..))} keeps an X as a field given {@code new X(..)} does. Not a thread-local's initial
   * value, which each thread makes for itself.
   */
  private static final List<String> HOLDERS = List.of("java.util.Optional#of", "java.util.Optional#ofNullable");

  private SharedInstances() {}

  /** Whether the static call's result holds its argument ({@code Optional.of(x)}): its keeper keeps the argument. */
  public static boolean holdsArgument(String owner, String name) {
    return HOLDERS.contains(owner + "#" + name);
  }

  /**
   * What shares an instance held in a static field ({@code static final X INSTANCE = new X()}, an enum
   * constant, a lazily made singleton): every thread that reaches the field uses that one instance.
   *
   * @param field the field, as {@code Owner.NAME}
   */
  public static String heldStatically(String field) {
    return "single instance held in static field " + field;
  }

  /**
   * What shares an instance that a shared object makes and keeps in a field (a cache its Spring bean builds, a
   * registry its singleton holds): the threads that use the owner use it.
   *
   * @param field the field, as {@code Owner.NAME}
   * @param ownerSharedBy what shares the owner ({@link #sharedBy}, {@link #heldStatically} or this)
   */
  public static String keptBy(String field, String ownerSharedBy) {
    return "component kept in field " + field + " of a " + ownerSharedBy;
  }

  /**
   * What shares an instance that a registry makes and keeps as a value of a map it guards with a lock, and hands
   * out (a cache of per-class metadata): the lock says many threads use the registry, and every caller that asks for
   * the same key gets the same instance.
   *
   * @param field the registry's map field, as {@code Owner.NAME}
   * @param lock the lock that guards it, as messages name it
   */
  public static String registryValue(String field, String lock) {
    return "value of map " + field + ", guarded by " + lock + " and handed out to its callers";
  }

  /** Whether the class implements one of Spring's container callbacks: the container builds and configures it. */
  public static boolean builtBySpring(String type, TypeHierarchy hierarchy) {
    return SPRING_CALLBACKS.stream().anyMatch(s -> hierarchy.isSubtype(type, s));
  }

  /** Why a finding takes two callers of such an instance to run at once, for messages. */
  public static String reason(String sharedBy) {
    return "a " + sharedBy + ": many threads call its methods at once";
  }

  /** Whether one of the annotations declares the class thread-safe ({@code @ThreadSafe}). */
  public static boolean declaresThreadSafe(List<String> annotations) {
    UserVocabulary user = UserVocabulary.current();
    return annotations.stream().anyMatch(a -> THREAD_SAFE.contains(a) || user.declaresThreadSafe(a));
  }

  /**
   * What makes a class's instances shared, for messages ("@Service singleton", "@ThreadSafe class",
   * "servlet"), or null.
   *
   * @param annotations binary names of the class's annotations
   * @param scope the value of its Spring {@code @Scope} annotation, or null
   */
  public static String sharedBy(String type, List<String> annotations, String scope, TypeHierarchy hierarchy) {
    if (declaresThreadSafe(annotations)) {
      return "@ThreadSafe class";
    }
    if (scope != null && UNSHARED_SCOPES.stream().anyMatch(s -> scope.toLowerCase(java.util.Locale.ROOT).contains(s))) {
      return null;
    }
    UserVocabulary user = UserVocabulary.current();
    for (String a : annotations) {
      if (SINGLETONS.contains(a) || user.declaresSingleton(a)) {
        return "@" + a.substring(a.lastIndexOf('.') + 1) + " singleton";
      }
    }
    for (Map.Entry<String, String> s : SHARED_SUPERTYPES.entrySet()) {
      if (hierarchy.isSubtype(type, s.getKey())) {
        return s.getValue();
      }
    }
    if (hierarchy.isSubtype(type, SPRING_FACTORY_BEAN)) {
      return null; // its state is configuration: what requests share is the object it makes
    }
    for (String s : SPRING_CALLBACKS) {
      if (hierarchy.isSubtype(type, s)) {
        return "Spring bean (" + s.substring(s.lastIndexOf('.') + 1) + ")";
      }
    }
    return null;
  }
}
