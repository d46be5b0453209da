package io.poolkit.core.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SHA-256d of 80-byte block headers and 64-byte merkle nodes, without allocating: the hash at the heart of
 * share validation and of the demo miners.
 *
 * <p>Not thread-safe: give each thread (event loop, miner) its own; creating one is cheap (a few small
 * buffers). Every method reads and writes only the caller's arrays at the given offsets and allocates
 * nothing. Hashes are written in internal byte order, as they appear inside blocks; explorers display them
 * reversed.
 *
 * <pre>{@code
 * HeaderHasher hasher = new HeaderHasher();
 * byte[] hash = new byte[32];
 * hasher.hashHeader(header, 0, hash, 0);                   // one share
 * hasher.hashMerkleNode(root, 0, branch[i], 0, root, 0);   // fold a merkle branch in place
 *
 * hasher.setMidstate(header, 0);                            // a miner varying only nTime and nonce
 * for (int nonce = 0; nonce < n; nonce++) {
 *     hasher.hashWithMidstate(nTime, nonce, hash, 0);
 *     if (HeaderHasher.meetsTarget(hash, 0, target, 0)) { ... }
 * }
 * }</pre>
 *
 * <p>At class initialisation the fastest engine that works on this JVM is chosen and logged once (see
 * {@link #engineName()}): the JDK's SHA-256 compression driven block by block, which reaches the CPU's SHA
 * instructions and needs the JVM flag {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED};
 * else a reused {@code MessageDigest}; else pure Java. Each must first reproduce the genesis block's hash
 * and agree with {@code MessageDigest}. The system property {@value #ENGINE_PROPERTY} can name an engine
 * to prefer (it still has to pass that self-test).
 */
public final class HeaderHasher {
    /** Bytes in a block header. */
    public static final int HEADER_BYTES = Sha256dEngine.HEADER_BYTES;
    /** Bytes in a hash, and in each half of a merkle node. */
    public static final int HASH_BYTES = Sha256dEngine.HASH_BYTES;
    /**
     * System property naming the engine to prefer: {@code jdk-sha2-compress}, {@code message-digest} or
     * {@code pure-java}. Read once, when the class initialises.
     */
    public static final String ENGINE_PROPERTY = "poolkit.hasher.engine";

    private static final Logger LOG = LoggerFactory.getLogger(HeaderHasher.class);
    private static final HasherEngine ENGINE = HasherEngine.select(System.getProperty(ENGINE_PROPERTY), LOG);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final Sha256dEngine engine;

    /** A hasher on the engine chosen for this JVM. */
    public HeaderHasher() {
        this(ENGINE);
    }

    /** A hasher on a given engine: for tests and comparisons. */
    HeaderHasher(HasherEngine kind) {
        this.engine = kind.create();
    }

    /** The engine in use on this JVM, e.g. {@code "jdk-sha2-compress"}: for logs and benchmark notes. */
    public static String engineName() {
        return ENGINE.id();
    }

    /**
     * Writes SHA-256d of {@code header[offset, offset + 80)} to {@code out[outOffset, outOffset + 32)}, in
     * internal byte order. {@code out} may overlap the header.
     *
     * @throws IndexOutOfBoundsException when either range does not fit its array
     */
    public void hashHeader(byte[] header, int offset, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(offset, HEADER_BYTES, header.length);
        Objects.checkFromIndexSize(outOffset, HASH_BYTES, out.length);
        engine.hashHeader(header, offset, out, outOffset);
    }

    /**
     * Writes SHA-256d(left ‖ right) of two 32-byte hashes (internal byte order) to {@code out}: one step up
     * a merkle tree. {@code out} may be the same region as {@code left} or {@code right}, so a branch folds
     * in place.
     *
     * @throws IndexOutOfBoundsException when a range does not fit its array
     */
    public void hashMerkleNode(byte[] left, int leftOffset, byte[] right, int rightOffset,
            byte[] out, int outOffset) {
        Objects.checkFromIndexSize(leftOffset, HASH_BYTES, left.length);
        Objects.checkFromIndexSize(rightOffset, HASH_BYTES, right.length);
        Objects.checkFromIndexSize(outOffset, HASH_BYTES, out.length);
        engine.hashMerkleNode(left, leftOffset, right, rightOffset, out, outOffset);
    }

    /**
     * Remembers the header at {@code offset} for {@link #hashWithMidstate}: the SHA-256 state after its
     * first 64 bytes, and its last 16 (end of the merkle root, nTime, nBits, nonce). Replaces any earlier
     * midstate; {@link #hashHeader} and {@link #hashMerkleNode} leave it alone.
     *
     * @throws IndexOutOfBoundsException when the 80 bytes do not fit {@code header}
     */
    public void setMidstate(byte[] header, int offset) {
        Objects.checkFromIndexSize(offset, HEADER_BYTES, header.length);
        engine.setMidstate(header, offset);
    }

    /**
     * Writes SHA-256d of the header given to {@link #setMidstate} with its nTime and nonce replaced, skipping
     * the first of its three compressions.
     *
     * <p>Fastest when each call's nonce is the previous one plus one (the next nonce is prepared while a
     * hash runs); any other order is just as correct, a little slower.
     *
     * <p>{@code nTime} and {@code nonce} are the field values as numbers, as {@code bitcoind} shows them
     * (nonce 2083236893 for the genesis block; pass values above {@code Integer.MAX_VALUE} as their
     * {@code int} bit pattern, e.g. {@code (int) 0xFFFFFFFFL}). They are stored little-endian, as in the
     * serialized header.
     *
     * @throws IllegalStateException when {@link #setMidstate} was never called
     * @throws IndexOutOfBoundsException when the 32 bytes do not fit {@code out}
     */
    public void hashWithMidstate(int nTime, int nonce, byte[] out, int outOffset) {
        Objects.checkFromIndexSize(outOffset, HASH_BYTES, out.length);
        engine.hashWithMidstate(nTime, nonce, out, outOffset);
    }

    /**
     * Whether a hash meets a target: hash ≤ target, both read as 256-bit unsigned numbers from 32 bytes in
     * internal (little-endian) byte order, as {@link #hashHeader} writes them. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException when a range does not fit its array
     */
    public static boolean meetsTarget(byte[] hash, int hashOffset, byte[] target, int targetOffset) {
        Objects.checkFromIndexSize(hashOffset, HASH_BYTES, hash.length);
        Objects.checkFromIndexSize(targetOffset, HASH_BYTES, target.length);
        for (int i = 24; i >= 0; i -= 8) {
            long h = (long) LONG_LE.get(hash, hashOffset + i);
            long t = (long) LONG_LE.get(target, targetOffset + i);
            if (h != t) {
                return Long.compareUnsigned(h, t) < 0;
            }
        }
        return true;
    }
}
