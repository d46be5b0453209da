package io.poolkit.examples;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC certificate for 127.0.0.1 and its PKCS#8 key as the PEM files an operator puts in
 * {@code pool.json}, made at test time with the JDK's {@code keytool} (as pool-stratum's TLS tests do), so no
 * key material lives in the repository. Without {@code keytool} the test is skipped (or fails when {@code CI}
 * is set).
 *
 * @param certificate the certificate, PEM
 * @param key         the private key, PKCS#8 PEM
 */
record SelfSignedPem(Path certificate, Path key) {

    static SelfSignedPem create(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            String why = "no keytool at " + keytool + " to make a test certificate";
            if (System.getenv("CI") != null) {
                fail(why + " and CI is set");
            }
            assumeTrue(false, why + "; skipping");
        }
        Path store = dir.resolve("pool-tls.p12");
        char[] storePassword = "test-store".toCharArray();
        Process keytoolRun = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "pool",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(storePassword),
                "-keypass", new String(storePassword), "-noprompt"))
                .redirectErrorStream(true).start();
        String output = new String(keytoolRun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytoolRun.waitFor(60, TimeUnit.SECONDS) || keytoolRun.exitValue() != 0) {
            fail("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, storePassword);
        }
        Key key = keys.getKey("pool", storePassword);
        Certificate certificate = keys.getCertificate("pool");
        Path certFile = Files.writeString(dir.resolve("pool-cert.pem"), pem("CERTIFICATE", certificate.getEncoded()),
                StandardCharsets.US_ASCII);
        // A PKCS12 store's private key encodes as PKCS#8, the form the pool reads.
        Path keyFile = Files.writeString(dir.resolve("pool-key.pem"), pem("PRIVATE KEY", key.getEncoded()),
                StandardCharsets.US_ASCII);
        return new SelfSignedPem(certFile, keyFile);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
