package dev.mapsafe.knowledge.mapapi;

import java.util.Objects;

/** One effect of a call on one of its operands, e.g. "iterates argument 1 externally". */
public final class Effect {
  private final Operand operand;
  private final MapEffect kind;
  private final Traversal traversal;
  private ApiMethod fact;

  Effect(Operand operand, MapEffect kind, Traversal traversal) {
    this.operand = Objects.requireNonNull(operand);
    this.kind = Objects.requireNonNull(kind);
    this.traversal = traversal;
    if ((kind == MapEffect.ITERATE) != (traversal != null)) {
      throw new IllegalArgumentException("a traversal kind goes with ITERATE, and only with it");
    }
  }

  public Operand operand() {
    return operand;
  }

  public MapEffect kind() {
    return kind;
  }

  /** How the elements are visited; {@code null} unless {@link #kind()} is {@link MapEffect#ITERATE}. */
  public Traversal traversal() {
    return traversal;
  }

  /** The model's fact this effect belongs to, e.g. {@code Collection.stream()} for a call of {@code Set.stream()}. */
  public ApiMethod fact() {
    return fact;
  }

  /** Set once, when the fact is entered in the model. */
  Effect of(ApiMethod fact) {
    if (this.fact != null) {
      throw new IllegalStateException("effect already belongs to " + this.fact);
    }
    this.fact = fact;
    return this;
  }

  public boolean isExternalTraversal() {
    return traversal == Traversal.EXTERNAL;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Effect)) {
      return false;
    }
    Effect e = (Effect) o;
    return operand.equals(e.operand) && kind == e.kind && traversal == e.traversal;
  }

  @Override
  public int hashCode() {
    return Objects.hash(operand, kind, traversal);
  }

  @Override
  public String toString() {
    return kind + (traversal == null ? "" : " " + traversal) + " " + operand;
  }
}
