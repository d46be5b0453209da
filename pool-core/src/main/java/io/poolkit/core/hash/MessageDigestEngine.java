package io.poolkit.core.hash;

import java.security.DigestException;
import java.security.MessageDigest;

/**
 * SHA-256d through a reused {@link MessageDigest}, digesting into buffers: portable, allocation-free, and
 * CPU-accelerated wherever the JVM intrinsifies the JDK's SHA-256. It cannot resume from a midstate, so
 * the midstate path rehashes a remembered copy of the header.
 *
 * <p>Not thread-safe: confine to one thread.
 */
final class MessageDigestEngine extends Sha256dEngine {
    private final MessageDigest digest;
    private final byte[] first = new byte[HASH_BYTES];
    private final byte[] header = new byte[HEADER_BYTES];
    private boolean midstateSet;

    MessageDigestEngine() {
        this.digest = Sha256d.newDigest();
    }

    @Override
    void hashHeader(byte[] source, int offset, byte[] out, int outOffset) {
        digest.update(source, offset, HEADER_BYTES);
        finish(out, outOffset);
    }

    @Override
    void hashMerkleNode(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out, int outOffset) {
        digest.update(left, leftOffset, HASH_BYTES);
        digest.update(right, rightOffset, HASH_BYTES);
        finish(out, outOffset);
    }

    @Override
    void setMidstate(byte[] source, int offset) {
        System.arraycopy(source, offset, header, 0, HEADER_BYTES);
        midstateSet = true;
    }

    @Override
    void hashWithMidstate(int nTime, int nonce, byte[] out, int outOffset) {
        if (!midstateSet) {
            throw new IllegalStateException("hashWithMidstate needs a header: call setMidstate first");
        }
        INT_LE.set(header, Sha256.BLOCK_BYTES + TAIL_TIME, nTime);
        INT_LE.set(header, Sha256.BLOCK_BYTES + TAIL_NONCE, nonce);
        hashHeader(header, 0, out, outOffset);
    }

    /** Digests what was fed, then hashes that digest again into {@code out}. */
    private void finish(byte[] out, int outOffset) {
        try {
            digest.digest(first, 0, HASH_BYTES);
            digest.update(first, 0, HASH_BYTES);
            digest.digest(out, outOffset, HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
        }
    }
}
