package dev.mapsafe.knowledge.mapapi;

import java.util.List;
import java.util.Objects;

/**
 * A JDK method or constructor as both engines can name it: binary owner name, method name ({@code <init>}
 * for constructors) and erased parameter types as binary names ({@code java.lang.Object[]}, {@code int}).
 */
public final class ApiMethod {
  private final CallKind kind;
  private final String owner;
  private final String name;
  private final List<String> params;

  public ApiMethod(CallKind kind, String owner, String name, List<String> params) {
    this.kind = Objects.requireNonNull(kind);
    this.owner = Objects.requireNonNull(owner);
    this.name = Objects.requireNonNull(name);
    this.params = List.copyOf(params);
  }

  public CallKind kind() {
    return kind;
  }

  public String owner() {
    return owner;
  }

  public String name() {
    return name;
  }

  public List<String> params() {
    return params;
  }

  /** Readable form for messages and docs: {@code new HashMap(Map)}, {@code Iterable.iterator()}. */
  public String display() {
    StringBuilder sb = new StringBuilder();
    String simpleOwner = simpleName(owner);
    if (kind == CallKind.CONSTRUCTOR) {
      sb.append("new ").append(simpleOwner);
    } else {
      sb.append(simpleOwner).append('.').append(name);
    }
    sb.append('(');
    for (int i = 0; i < params.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(simpleName(params.get(i)));
    }
    return sb.append(')').toString();
  }

  static String simpleName(String binaryName) {
    String s = binaryName.substring(binaryName.lastIndexOf('.') + 1);
    return s.substring(s.lastIndexOf('$') + 1);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ApiMethod)) {
      return false;
    }
    ApiMethod m = (ApiMethod) o;
    return kind == m.kind && owner.equals(m.owner) && name.equals(m.name) && params.equals(m.params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, owner, name, params);
  }

  @Override
  public String toString() {
    return display();
  }
}
