package dev.mapsafe.spotbugs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.objectweb.asm.Opcodes.*;

import edu.umd.cs.findbugs.AnalysisError;
import edu.umd.cs.findbugs.BugCollection;
import edu.umd.cs.findbugs.SortedBugCollection;
import edu.umd.cs.findbugs.test.SpotBugsExtension;
import edu.umd.cs.findbugs.test.SpotBugsRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/** Class files javac would not write must make the detector skip the spot, never fail the analysis. */
@ExtendWith(SpotBugsExtension.class)
class OddBytecodeTest {
  private static final String MAP = "java/util/Map";
  private static final String SET = "java/util/Set";

  @Test
  void oddCodeIsSkipped(SpotBugsRunner spotbugs) throws IOException {
    Path dir = Paths.get("target/odd-bytecode/odd");
    Files.createDirectories(dir);
    Path file = dir.resolve("Odd.class");
    Files.write(file, oddClass());
    BugCollection bugs = Fixtures.run(spotbugs, file);
    String ourErrors =
        ((SortedBugCollection) bugs).getErrors().stream()
            .map(AnalysisError::getStackTrace)
            .filter(trace -> trace != null && Arrays.toString(trace).contains("dev.mapsafe"))
            .map(Arrays::toString)
            .collect(Collectors.joining("\n"));
    assertEquals("", ourErrors, "mapsafe must not fail on odd bytecode");
    // The well-formed traversal of the self-locked static field is still found.
    assertTrue(bugs.getCollection().stream().anyMatch(b -> b.getType().equals("MAPSAFE_UNLOCKED_MAP_ITERATION")));
  }

  private static byte[] oddClass() {
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    // Java 5 class files may hold JSR/RET subroutines, which javac stopped writing long ago.
    cw.visit(V1_5, ACC_PUBLIC | ACC_SUPER, "odd/Odd", null, "java/lang/Object", null);
    cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, "M", "Ljava/util/Map;", null, null).visitEnd();

    MethodVisitor clinit = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
    clinit.visitCode();
    clinit.visitTypeInsn(NEW, "java/util/HashMap");
    clinit.visitInsn(DUP);
    clinit.visitMethodInsn(INVOKESPECIAL, "java/util/HashMap", "<init>", "()V", false);
    clinit.visitMethodInsn(INVOKESTATIC, "java/util/Collections", "synchronizedMap", "(Ljava/util/Map;)Ljava/util/Map;", false);
    clinit.visitFieldInsn(PUTSTATIC, "odd/Odd", "M", "Ljava/util/Map;");
    clinit.visitInsn(RETURN);
    clinit.visitMaxs(0, 0);
    clinit.visitEnd();

    // A traversal of a null "map".
    MethodVisitor nul = cw.visitMethod(ACC_STATIC, "nullReceiver", "()V", null, null);
    nul.visitCode();
    nul.visitInsn(ACONST_NULL);
    nul.visitTypeInsn(CHECKCAST, MAP);
    nul.visitMethodInsn(INVOKEINTERFACE, MAP, "keySet", "()Ljava/util/Set;", true);
    nul.visitMethodInsn(INVOKEINTERFACE, SET, "iterator", "()Ljava/util/Iterator;", true);
    nul.visitInsn(POP);
    nul.visitInsn(RETURN);
    nul.visitMaxs(0, 0);
    nul.visitEnd();

    // A monitor entered and never exited, then the map traversed under it.
    MethodVisitor unbalanced = cw.visitMethod(ACC_STATIC, "unbalanced", "()V", null, null);
    unbalanced.visitCode();
    unbalanced.visitFieldInsn(GETSTATIC, "odd/Odd", "M", "Ljava/util/Map;");
    unbalanced.visitInsn(MONITORENTER);
    unbalanced.visitFieldInsn(GETSTATIC, "odd/Odd", "M", "Ljava/util/Map;");
    unbalanced.visitMethodInsn(INVOKEINTERFACE, MAP, "values", "()Ljava/util/Collection;", true);
    unbalanced.visitMethodInsn(INVOKEINTERFACE, "java/util/Collection", "iterator", "()Ljava/util/Iterator;", true);
    unbalanced.visitInsn(POP);
    unbalanced.visitInsn(RETURN);
    unbalanced.visitMaxs(0, 0);
    unbalanced.visitEnd();

    // A subroutine (JSR/RET) that traverses the map: found, as the traversal is real.
    MethodVisitor jsr = cw.visitMethod(ACC_STATIC, "subroutine", "()V", null, null);
    jsr.visitCode();
    Label sub = new Label();
    jsr.visitJumpInsn(JSR, sub);
    jsr.visitInsn(RETURN);
    jsr.visitLabel(sub);
    jsr.visitVarInsn(ASTORE, 0);
    jsr.visitFieldInsn(GETSTATIC, "odd/Odd", "M", "Ljava/util/Map;");
    jsr.visitMethodInsn(INVOKEINTERFACE, MAP, "entrySet", "()Ljava/util/Set;", true);
    jsr.visitMethodInsn(INVOKEINTERFACE, SET, "iterator", "()Ljava/util/Iterator;", true);
    jsr.visitInsn(POP);
    jsr.visitVarInsn(RET, 0);
    jsr.visitMaxs(0, 0);
    jsr.visitEnd();

    // A map API call on a value of the wrong type (the verifier would reject it; SpotBugs does not verify).
    MethodVisitor confused = cw.visitMethod(ACC_STATIC, "typeConfused", "()V", null, null);
    confused.visitCode();
    confused.visitLdcInsn(",");
    confused.visitLdcInsn("not a map");
    confused.visitMethodInsn(INVOKESTATIC, "java/util/Collections", "synchronizedMap", "(Ljava/util/Map;)Ljava/util/Map;", false);
    confused.visitMethodInsn(INVOKEINTERFACE, MAP, "keySet", "()Ljava/util/Set;", true);
    confused.visitMethodInsn(INVOKESTATIC, "java/lang/String", "join", "(Ljava/lang/CharSequence;Ljava/lang/Iterable;)Ljava/lang/String;", false);
    confused.visitInsn(POP);
    confused.visitInsn(RETURN);
    confused.visitMaxs(0, 0);
    confused.visitEnd();

    // Traversal of a wrapper through a method the analysis cannot see into.
    MethodVisitor external = cw.visitMethod(ACC_STATIC, "unknownOwner", "()V", null, null);
    external.visitCode();
    external.visitMethodInsn(INVOKESTATIC, "does/not/Exist", "map", "()Ljava/util/Map;", false);
    external.visitMethodInsn(INVOKEINTERFACE, MAP, "keySet", "()Ljava/util/Set;", true);
    external.visitMethodInsn(INVOKEINTERFACE, SET, "iterator", "()Ljava/util/Iterator;", true);
    external.visitInsn(POP);
    external.visitInsn(RETURN);
    external.visitMaxs(0, 0);
    external.visitEnd();

    cw.visitEnd();
    return cw.toByteArray();
  }
}
