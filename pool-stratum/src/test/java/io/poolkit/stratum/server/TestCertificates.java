package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;

/**
 * Self-signed certificates for TLS tests, made fresh by the JDK's own {@code keytool} (no test-only crypto
 * library) for {@code localhost} and 127.0.0.1, and written as the PEM files an operator would have: the
 * certificate, the PKCS#8 key, and the key encrypted with a password (PBES2, AES-256, as
 * {@code openssl pkcs8 -topk8} writes by default).
 *
 * <p>Without {@code keytool} the calling test is skipped, or fails when {@code CI} is set.
 */
final class TestCertificates {
    static final String PASSWORD = "correct horse";

    /** One generated identity's files. */
    record Identity(Path certificate, Path privateKey, Path encryptedKey) {}

    private TestCertificates() {}

    /** A key pair of {@code algorithm} ({@code EC} or {@code RSA}) and its self-signed certificate, in {@code dir}. */
    static Identity generate(Path dir, String name, String algorithm) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            String message = "no keytool at " + keytool + ": the TLS tests make their certificates with it";
            if (System.getenv("CI") != null) {
                fail(message + " and CI is set");
            }
            assumeTrue(false, message + "; skipping");
        }
        Path store = dir.resolve(name + ".p12");
        List<String> command = algorithm.equals("EC")
                ? List.of(keytool.toString(), "-genkeypair", "-alias", "pool", "-keyalg", "EC", "-groupname", "secp256r1")
                : List.of(keytool.toString(), "-genkeypair", "-alias", "pool", "-keyalg", "RSA", "-keysize", "2048");
        Process process = new ProcessBuilder(concat(command, List.of("-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit", "-noprompt")))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            fail("keytool failed: " + output);
        }
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) keyStore.getKey("pool", "changeit".toCharArray());
        X509Certificate certificate = (X509Certificate) keyStore.getCertificate("pool");
        Path certFile = dir.resolve(name + "-cert.pem");
        Path keyFile = dir.resolve(name + "-key.pem");
        Path encryptedFile = dir.resolve(name + "-key-encrypted.pem");
        Files.writeString(certFile, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        Files.writeString(encryptedFile, pem("ENCRYPTED PRIVATE KEY", encrypt(key.getEncoded(), PASSWORD)),
                StandardCharsets.US_ASCII);
        return new Identity(certFile, keyFile, encryptedFile);
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] encrypt(byte[] pkcs8, String password) throws Exception {
        String scheme = "PBEWithHmacSHA256AndAES_256";
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        random.nextBytes(salt);
        random.nextBytes(iv);
        Cipher cipher = Cipher.getInstance(scheme);
        cipher.init(Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(scheme).generateSecret(new PBEKeySpec(password.toCharArray())),
                new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(pkcs8);
        // JDK 17's EncryptedPrivateKeyInfo cannot name PBES2 parameters itself, so the DER is put together here:
        // SEQUENCE { SEQUENCE { OID pkcs5PBES2, PBES2-params }, OCTET STRING encrypted }.
        byte[] pbes2 = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x05, 0x0d};
        byte[] algorithm = der(0x30, concat(pbes2, cipher.getParameters().getEncoded()));
        byte[] info = der(0x30, concat(algorithm, der(0x04, encrypted)));
        new EncryptedPrivateKeyInfo(info); // it must read back
        return info;
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        return concat(concat(new byte[] {(byte) tag}, length), content);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
