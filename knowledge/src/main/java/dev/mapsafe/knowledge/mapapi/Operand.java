package dev.mapsafe.knowledge.mapapi;

/** Which operand of a call an effect applies to: the receiver, or an argument by index. */
public final class Operand {
  public static final Operand RECEIVER = new Operand(-1);
  private static final Operand[] ARGS = {new Operand(0), new Operand(1), new Operand(2)};

  private final int index;

  private Operand(int index) {
    this.index = index;
  }

  public static Operand arg(int index) {
    return index < ARGS.length ? ARGS[index] : new Operand(index);
  }

  public boolean isReceiver() {
    return index < 0;
  }

  /** The argument index; only meaningful when {@link #isReceiver()} is false. */
  public int argIndex() {
    return index;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Operand && ((Operand) o).index == index;
  }

  @Override
  public int hashCode() {
    return index;
  }

  @Override
  public String toString() {
    return isReceiver() ? "receiver" : "argument " + (index + 1);
  }
}
