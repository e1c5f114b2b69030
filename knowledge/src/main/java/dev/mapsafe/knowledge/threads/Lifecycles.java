package dev.mapsafe.knowledge.threads;

import dev.mapsafe.knowledge.mapapi.TypeHierarchy;
import java.util.Collection;
import java.util.List;

/**
 * Methods whose runs a framework contract orders with the object's ordinary use: set-up that runs before the object
 * is used ({@code afterPropertiesSet}, {@code init}, {@code doStart}, {@code @PostConstruct}, the property setters of a
 * bean the Spring container builds) and tear-down that runs
 * after ({@code close}, {@code destroy}, {@code doStop}, {@code @PreDestroy}); and {@code toString()}, whose result is
 * diagnostics. An access there does not race with the methods other threads call; tasks it starts still may.
 */
public final class Lifecycles {

  /** One contract: methods without parameters of an owner type (and its subtypes) with the given names. */
  private static final class Contract {
    final String owner;
    final List<String> names;

    Contract(String owner, String... names) {
      this.owner = owner;
      this.names = List.of(names);
    }
  }

  private static final List<Contract> CONTRACTS =
      List.of(
          new Contract("java.lang.Object", "toString"),
          new Contract("java.lang.AutoCloseable", "close"),
          new Contract("org.springframework.beans.factory.InitializingBean", "afterPropertiesSet"),
          new Contract("org.springframework.beans.factory.DisposableBean", "destroy"),
          new Contract("org.springframework.beans.factory.SmartInitializingSingleton", "afterSingletonsInstantiated"),
          new Contract("org.springframework.context.Lifecycle", "start", "stop"),
          new Contract("javax.servlet.Servlet", "destroy"),
          new Contract("jakarta.servlet.Servlet", "destroy"),
          new Contract("javax.servlet.Filter", "destroy"),
          new Contract("jakarta.servlet.Filter", "destroy"),
          new Contract("org.apache.catalina.Lifecycle", "init", "start", "stop", "destroy"),
          new Contract("org.apache.catalina.util.LifecycleBase",
              "initInternal", "startInternal", "stopInternal", "destroyInternal"),
          new Contract("org.eclipse.jetty.util.component.AbstractLifeCycle", "doStart", "doStop"),
          new Contract("org.apache.activemq.Service", "start", "stop"),
          new Contract("org.apache.activemq.util.ServiceSupport", "doStart", "doStop"),
          new Contract("org.apache.hadoop.service.AbstractService", "serviceInit", "serviceStart", "serviceStop"),
          new Contract("com.google.common.util.concurrent.AbstractIdleService", "startUp", "shutDown"),
          // Kafka Streams closes a state store once its task stops processing and serving queries.
          new Contract("org.apache.kafka.streams.processor.StateStore", "close"));

  private static final List<String> ANNOTATIONS =
      List.of("javax.annotation.PostConstruct", "javax.annotation.PreDestroy", "jakarta.annotation.PostConstruct",
          "jakarta.annotation.PreDestroy");

  private Lifecycles() {}

  /**
   * Whether a method is ordered with the object's use by a contract.
   *
   * @param owner the binary name of the class declaring it
   * @param name its name
   * @param parameters its number of parameters
   * @param annotations the binary names of its annotation types
   */
  public static boolean orderedWithUse(
      String owner, String name, int parameters, Collection<String> annotations, TypeHierarchy hierarchy) {
    for (String annotation : annotations) {
      if (ANNOTATIONS.contains(annotation)) {
        return true;
      }
    }
    if (parameters == 1 && name.length() > 3 && name.startsWith("set") && Character.isUpperCase(name.charAt(3))
        && SharedInstances.builtBySpring(owner, hierarchy)) {
      return true; // a bean property: the container sets it while it builds the bean, before anything uses it
    }
    if (parameters != 0) {
      return false;
    }
    for (Contract c : CONTRACTS) {
      if (c.names.contains(name) && (owner.equals(c.owner) || hierarchy.isSubtype(owner, c.owner))) {
        return true;
      }
    }
    return false;
  }
}
