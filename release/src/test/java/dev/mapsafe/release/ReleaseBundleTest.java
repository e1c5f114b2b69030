package dev.mapsafe.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyEncryptorBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The release, rehearsed up to the upload: {@code bin/release} runs on a copy of this repository with a throwaway
 * signing key and {@code -DskipUpload=true}, and the bundle it writes must hold what Maven Central requires of
 * every published artifact (a pom with the required metadata, the jar with its sources and javadoc jars, a valid
 * signature and checksums for each file) and nothing that is not meant for users.
 */
class ReleaseBundleTest {
  private static final String GROUP_PATH = "dev/mapsafe/";
  private static final String VERSION = System.getProperty("mapsafe.version");
  /** What users depend on; {@code mapsafe-parent} is a pom the others inherit their metadata from. */
  private static final List<String> JARS =
      List.of("mapsafe-knowledge", "errorprone-checks", "spotbugs-detector", "mapsafe-lint");
  private static final String PARENT = "mapsafe-parent";
  private static final char[] PASSPHRASE = "throwaway".toCharArray();

  @TempDir static Path work;
  private static PGPPublicKey signingKey;
  private static Map<String, byte[]> bundle;

  @BeforeAll
  static void buildTheBundle() throws Exception {
    assertNotNull(VERSION, "surefire passes mapsafe.version");
    Path copy = Checkout.copy(work.resolve("repo"));
    PGPSecretKeyRing key = throwawayKey();
    signingKey = key.getPublicKey();

    Path log = work.resolve("release.log");
    Checkout.run(copy, Map.of("MAVEN_GPG_KEY", armored(key), "MAVEN_GPG_PASSPHRASE", new String(PASSPHRASE)), log,
        "bin/release", "-Dmaven.test.skip=true", "-Dmaven.install.skip=true", "-DskipUpload=true",
        "-Dmaven.repo.local=" + Checkout.LOCAL_REPOSITORY);

    Path zip = copy.resolve("target/central-publishing/central-bundle.zip");
    assertTrue(Files.isRegularFile(zip), () -> "no bundle at " + zip + "\n" + Checkout.tail(log));
    bundle = new TreeMap<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : z.stream().filter(e -> !e.isDirectory()).collect(Collectors.toList())) {
        try (InputStream in = z.getInputStream(e)) {
          bundle.put(e.getName(), in.readAllBytes());
        }
      }
    }
  }

  @Test
  void theVersionIsARelease() {
    assertFalse(VERSION.endsWith("-SNAPSHOT"), "Central takes releases only: " + VERSION);
  }

  @Test
  void everyPublishedArtifactIsComplete() {
    List<String> missing = new ArrayList<>();
    for (String file : expectedFiles()) {
      for (String suffix : List.of("", ".asc", ".md5", ".sha1")) {
        if (!bundle.containsKey(file + suffix)) {
          missing.add(file + suffix);
        }
      }
    }
    assertTrue(missing.isEmpty(), "missing from the bundle: " + missing);
  }

  @Test
  void nothingElseIsPublished() {
    Set<String> expected = Set.copyOf(expectedFiles());
    List<String> extra =
        bundle.keySet().stream()
            .filter(name -> !expected.contains(name.replaceFirst("\\.(asc|md5|sha1|sha256|sha512)$", "")))
            .collect(Collectors.toList());
    assertTrue(extra.isEmpty(), "the bundle holds files no user needs (samples, docs, tests?): " + extra);
  }

  @Test
  void everySignatureVerifiesWithTheSigningKey() throws Exception {
    for (String file : expectedFiles()) {
      byte[] signature = bundle.get(file + ".asc");
      assertNotNull(signature, file + ".asc");
      assertTrue(verifies(bundle.get(file), signature), "bad signature: " + file + ".asc");
    }
  }

  @Test
  void everyChecksumMatches() throws Exception {
    for (String file : expectedFiles()) {
      assertEquals(hex("MD5", bundle.get(file)), text(file + ".md5"), file + ".md5");
      assertEquals(hex("SHA-1", bundle.get(file)), text(file + ".sha1"), file + ".sha1");
    }
  }

  /** Central's required pom elements: the parent has them all, and every module names itself and its parent. */
  @Test
  void pomsCarryTheMetadataCentralRequires() throws Exception {
    Element parent = pom(PARENT);
    for (String required : List.of("name", "description", "url")) {
      assertFalse(child(parent, required).isBlank(), PARENT + " needs <" + required + ">");
    }
    assertEquals("Apache-2.0", child(first(first(parent, "licenses"), "license"), "name"));
    assertFalse(child(first(first(parent, "developers"), "developer"), "name").isBlank(), "developers");
    Element scm = first(parent, "scm");
    assertFalse(child(scm, "url").isBlank(), "scm url");
    assertTrue(child(scm, "connection").startsWith("scm:git:"), "scm connection");
    for (String artifact : JARS) {
      Element module = pom(artifact);
      assertEquals(artifact, child(module, "artifactId"));
      assertFalse(child(module, "name").isBlank(), artifact + " needs <name>");
      assertFalse(child(module, "description").isBlank(), artifact + " needs <description>");
      Element parentRef = first(module, "parent");
      assertEquals(PARENT, child(parentRef, "artifactId"), artifact + " inherits the metadata");
      assertEquals(VERSION, child(parentRef, "version"), artifact + "'s parent version");
    }
  }

  @Test
  void theLintsRunnableJarRuns() throws Exception {
    Path jar = work.resolve("mapsafe-lint-all.jar");
    Files.write(jar, bundle.get(path("mapsafe-lint", "-all.jar")));
    Process lint =
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "--version")
            .redirectErrorStream(true)
            .start();
    String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(lint.waitFor(2, TimeUnit.MINUTES), "the lint did not end");
    assertEquals(0, lint.exitValue(), out);
    assertEquals("mapsafe-lint " + VERSION, out.strip());
  }

  @Test
  void theLicenceIsApache2() throws IOException {
    String licence = Files.readString(Path.of("../LICENSE"), StandardCharsets.UTF_8);
    assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004"), "LICENSE");
  }

  private static List<String> expectedFiles() {
    List<String> files = new ArrayList<>();
    files.add(path(PARENT, ".pom"));
    for (String artifact : JARS) {
      for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")) {
        files.add(path(artifact, suffix));
      }
    }
    files.add(path("mapsafe-lint", "-all.jar")); // the runnable jar
    return files;
  }

  private static String path(String artifact, String suffix) {
    return GROUP_PATH + artifact + "/" + VERSION + "/" + artifact + "-" + VERSION + suffix;
  }

  private static Element pom(String artifact) throws Exception {
    byte[] bytes = bundle.get(path(artifact, ".pom"));
    assertNotNull(bytes, artifact + ".pom");
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    return doc.getDocumentElement();
  }

  /** The first direct child element of that name (failing when there is none). */
  private static Element first(Element parent, String name) {
    for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && ((Element) n).getTagName().equals(name)) {
        return (Element) n;
      }
    }
    throw new AssertionError("<" + parent.getTagName() + "> has no <" + name + ">");
  }

  private static String child(Element parent, String name) {
    return first(parent, name).getTextContent().strip();
  }

  private static String text(String file) {
    byte[] bytes = bundle.get(file);
    assertNotNull(bytes, file);
    return new String(bytes, StandardCharsets.US_ASCII).strip();
  }

  private static String hex(String algorithm, byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
  }

  private static boolean verifies(byte[] content, byte[] armoredSignature) throws Exception {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSignature))) {
      PGPSignatureList signatures = (PGPSignatureList) new JcaPGPObjectFactory(in).nextObject();
      PGPSignature signature = signatures.get(0);
      if (signature.getKeyID() != signingKey.getKeyID()) {
        return false;
      }
      signature.init(new JcaPGPContentVerifierBuilderProvider(), signingKey);
      signature.update(content);
      return signature.verify();
    }
  }

  /** An RSA signing key made for this run only, protected by {@link #PASSPHRASE}. */
  private static PGPSecretKeyRing throwawayKey() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(3072);
    PGPKeyPair pair = new JcaPGPKeyPair(PublicKeyPacket.VERSION_4, PGPPublicKey.RSA_GENERAL, rsa.generateKeyPair(), new Date());
    PGPDigestCalculator sha1 = new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
    PGPKeyRingGenerator rings =
        new PGPKeyRingGenerator(
            PGPSignature.POSITIVE_CERTIFICATION,
            pair,
            "mapsafe release rehearsal <release-test@mapsafe.invalid>",
            sha1,
            null,
            null,
            new JcaPGPContentSignerBuilder(pair.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
            new JcePBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256, sha1).build(PASSPHRASE));
    return rings.generateSecretKeyRing();
  }

  private static String armored(PGPSecretKeyRing key) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArmoredOutputStream out = new ArmoredOutputStream(bytes)) {
      key.encode(out);
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }


}
