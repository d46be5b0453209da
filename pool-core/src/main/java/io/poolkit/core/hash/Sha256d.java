package io.poolkit.core.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Double SHA-256 of arbitrary data, for txids, checksums and other work off the hot path.
 *
 * <p>Allocates its result. For headers and merkle nodes on the share path use HeaderHasher.
 * Thread-safe.
 */
public final class Sha256d {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256d::newDigest);

    private Sha256d() {}

    /** SHA-256(SHA-256(data)), in internal byte order. */
    public static byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    /** SHA-256(SHA-256(data[offset, offset + length))), in internal byte order. */
    public static byte[] hash(byte[] data, int offset, int length) {
        MessageDigest digest = DIGEST.get();
        digest.update(data, offset, length);
        return digest.digest(digest.digest());
    }

    /** One SHA-256 (not doubled). */
    public static byte[] single(byte[] data) {
        return DIGEST.get().digest(data);
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
