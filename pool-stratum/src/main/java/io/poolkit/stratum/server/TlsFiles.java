package io.poolkit.stratum.server;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads a TLS listener's certificate chain and private key from PEM files and makes the server's
 * {@link SslContext} (the JDK's TLS provider), checking on the way what an operator gets wrong: a missing or
 * unreadable file, a file that is not PEM, a PKCS#1 or SEC1 key where PKCS#8 is needed, a wrong or missing
 * password, and a key that does not belong to the certificate. Every error names the file.
 *
 * <p>Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}), or encrypted PKCS#8 ({@code BEGIN ENCRYPTED PRIVATE KEY})
 * with a password; RSA, EC, Ed25519 and Ed448. Stateless.
 */
final class TlsFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private TlsFiles() {}

    /**
     * A server context for {@code certChain} (the server's certificate first, then its intermediates) and
     * {@code privateKey} ({@code password} null for an unencrypted key).
     *
     * @throws IllegalStateException naming the file and what is wrong with it
     */
    static SslContext serverContext(Path certChain, Path privateKey, char[] password) {
        List<X509Certificate> chain = certificates(certChain);
        PrivateKey key = privateKey(privateKey, password, chain.get(0).getPublicKey().getAlgorithm());
        requireMatch(chain.get(0), key, certChain, privateKey);
        try {
            return SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                    .sslProvider(SslProvider.JDK)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot make a TLS context from " + certChain + " and " + privateKey + ": "
                    + e.getMessage(), e);
        }
    }

    /** The X.509 certificates of a PEM file, in file order; at least one. */
    static List<X509Certificate> certificates(Path file) {
        String text = read(file, "TLS certificate chain");
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalStateException("TLS certificate chain " + file
                    + " is not PEM: it has no -----BEGIN CERTIFICATE----- block");
        }
        try {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate certificate : read) {
                out.add((X509Certificate) certificate);
            }
            if (out.isEmpty()) {
                throw new IllegalStateException("TLS certificate chain " + file + " holds no certificate");
            }
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof IllegalStateException state) {
                throw state;
            }
            throw new IllegalStateException("TLS certificate chain " + file + " is not readable as X.509 PEM: "
                    + e.getMessage(), e);
        }
    }

    /** The private key of a PEM file; {@code algorithm} (the certificate's key's) is tried first. */
    static PrivateKey privateKey(Path file, char[] password, String algorithm) {
        String text = read(file, "TLS private key");
        Matcher m = BLOCK.matcher(text);
        String type = null;
        byte[] der = null;
        while (m.find()) {
            if (m.group(1).endsWith("PRIVATE KEY")) {
                type = m.group(1);
                der = decode(m.group(2), file);
                break;
            }
        }
        if (type == null) {
            throw new IllegalStateException("TLS private key " + file
                    + " is not PEM: it has no -----BEGIN PRIVATE KEY----- block");
        }
        switch (type) {
            case "PRIVATE KEY" -> {
                if (password != null && password.length > 0) {
                    throw new IllegalStateException("TLS private key " + file + " is not encrypted, but a password was"
                            + " given");
                }
            }
            case "ENCRYPTED PRIVATE KEY" -> der = decrypt(der, password, file);
            default -> throw new IllegalStateException("TLS private key " + file + " is a " + type + " (PKCS#1 or"
                    + " SEC1); convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
                    + " -out key.pk8.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        List<String> algorithms = new ArrayList<>(List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"));
        algorithms.remove(algorithm);
        algorithms.add(0, algorithm);
        for (String candidate : algorithms) {
            try {
                return KeyFactory.getInstance(candidate).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // Not this algorithm: try the next.
            }
        }
        throw new IllegalStateException("TLS private key " + file + " is not a PKCS#8 RSA, EC, Ed25519 or Ed448 key");
    }

    private static byte[] decrypt(byte[] der, char[] password, Path file) {
        if (password == null || password.length == 0) {
            throw new IllegalStateException("TLS private key " + file + " is encrypted: give its password");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            String name = info.getAlgName();
            // PBES2 names its real scheme (e.g. PBEWithHmacSHA256AndAES_256) only in its parameters.
            if (name.equals("1.2.840.113549.1.5.13") || name.equalsIgnoreCase("PBES2")) {
                name = info.getAlgParameters().toString();
            }
            SecretKeyFactory factory = SecretKeyFactory.getInstance(name);
            Cipher cipher = Cipher.getInstance(name);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new IllegalStateException("TLS private key " + file + ": wrong password", e);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("TLS private key " + file + " cannot be decrypted: " + e, e);
        }
    }

    /** Signs a random message with the key and verifies it with the certificate's public key. */
    private static void requireMatch(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "ED25519", "EDDSA" -> key.getAlgorithm();
            case "ED448" -> "Ed448";
            default -> null;
        };
        boolean matches;
        try {
            if (algorithm == null) {
                return; // an algorithm we cannot check here; the handshake will
            }
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalStateException("TLS private key " + keyFile + " does not belong to the certificate "
                    + certificate.getSubjectX500Principal().getName() + " in " + certFile);
        }
    }

    private static String read(Path file, String what) {
        if (file == null) {
            throw new IllegalStateException(what + " file is required");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(what + " file " + file + " does not exist");
        }
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException(what + " file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64, Path file) {
        try {
            return Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " holds a PEM block that is not base64: " + e.getMessage(), e);
        }
    }
}
