package dev.mapsafe.spotbugs.analysis;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.bcel.classfile.Attribute;
import org.apache.bcel.classfile.JavaClass;
import org.apache.bcel.classfile.Unknown;

/**
 * The lines of inlined code mapped back to the line of the call. Kotlin compiles an inline function ({@code
 * getOrPut}, {@code forEach}, {@code synchronized}) into the caller with line numbers past the end of the file, and
 * records in the class's {@code SourceDebugExtension} (JSR-45 SMAP, stratum {@code KotlinDebug}) which source line
 * called it. A finding inside {@code cache.getOrPut(k) { .. }} belongs on the line of that call.
 */
public final class InlinedLines {
  private static final InlinedLines NONE = new InlinedLines(new TreeMap<>());
  private static final Pattern LINE_INFO =
      Pattern.compile("(\\d+)(?:#\\d+)?(?:,(\\d+))?:(\\d+)(?:,(\\d+))?");
  private static final Pattern LINE_IN_TEXT = Pattern.compile("(?<=\\blines? |\\band )(\\d+)");

  /** By first output line: the end (exclusive) of the output range, the input line it starts at, and the step. */
  private final NavigableMap<Integer, int[]> ranges;

  private InlinedLines(NavigableMap<Integer, int[]> ranges) {
    this.ranges = ranges;
  }

  /** No inlined code. */
  public static InlinedLines none() {
    return NONE;
  }

  /** The mapping of a class; none for a class without a KotlinDebug stratum or with one it cannot read. */
  public static InlinedLines of(JavaClass cls) {
    for (Attribute attribute : cls.getAttributes()) {
      if (attribute instanceof Unknown && "SourceDebugExtension".equals(attribute.getName())
          && ((Unknown) attribute).getBytes() != null) {
        try {
          return parse(new String(((Unknown) attribute).getBytes(), StandardCharsets.UTF_8));
        } catch (RuntimeException unreadable) {
          return NONE;
        }
      }
    }
    return NONE;
  }

  static InlinedLines parse(String smap) {
    NavigableMap<Integer, int[]> ranges = new TreeMap<>();
    boolean kotlinDebug = false;
    boolean lineSection = false;
    for (String line : smap.split("\n")) {
      if (line.startsWith("*S ")) {
        kotlinDebug = line.equals("*S KotlinDebug");
        lineSection = false;
      } else if (line.startsWith("*")) {
        lineSection = kotlinDebug && line.equals("*L");
      } else if (lineSection) {
        Matcher m = LINE_INFO.matcher(line.trim());
        if (m.matches()) {
          int input = Integer.parseInt(m.group(1));
          int repeat = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
          int output = Integer.parseInt(m.group(3));
          int step = m.group(4) == null ? 1 : Integer.parseInt(m.group(4));
          ranges.put(output, new int[] {output + repeat * step, input, Math.max(step, 1)});
        }
      }
    }
    return ranges.isEmpty() ? NONE : new InlinedLines(ranges);
  }

  /** The line a finding at {@code line} belongs on: the call's line for inlined code, else {@code line}. */
  public int callLine(int line) {
    Map.Entry<Integer, int[]> range = ranges.floorEntry(line);
    if (range == null || line >= range.getValue()[0]) {
      return line;
    }
    return range.getValue()[1] + (line - range.getKey()) / range.getValue()[2];
  }

  /** A message with the inlined lines it names ("at line 18") replaced by the calls' lines. */
  public String inText(String message) {
    if (ranges.isEmpty()) {
      return message;
    }
    Matcher m = LINE_IN_TEXT.matcher(message);
    StringBuilder result = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(result, String.valueOf(callLine(Integer.parseInt(m.group(1)))));
    }
    return m.appendTail(result).toString();
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }
}
