package io.poolkit.core.hash;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * SHA-256d driven block by block through the JDK's own SHA-256 compression
 * ({@code sun.security.provider.SHA2.implCompress} and {@code DigestBase.implCompressMultiBlock}), which
 * HotSpot's C2 replaces with the CPU's SHA instructions (SHA-NI on x86, the SHA2 extension on ARMv8).
 *
 * <p>{@code MessageDigest} reaches the same instructions but pays for buffering, padding and a reset on
 * every call, and cannot start from a midstate. Here the digest objects only lend their compression: this
 * class keeps their state words (IV or midstate), feeds pre-padded blocks and reads the state back. It
 * needs {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}; without it (or on a JDK whose
 * internals differ) {@link #unavailableReason()} says why and {@link HeaderHasher} uses another engine.
 *
 * <p>What makes it fast, beyond the three compressions themselves, is avoiding store-to-load stalls: the
 * SHA code reads its block and state with 16-byte loads, and a load that needs bytes from narrower stores
 * still in flight (or, on AVX-512 machines, from the masked stores of a short {@code System.arraycopy})
 * waits for them to reach the cache. So starting words go back into each digest's state right after its
 * result is read, while another compression runs; a header is copied with one 80-byte arraycopy (the copy
 * routine's full-width stores forward fine); the midstate path stores the likely next nonce ahead of time.
 * What remains is one stall per hash, where the first digest becomes the second hash's block.
 *
 * <p>Not thread-safe: confine to one thread.
 */
final class JdkCompressEngine extends Sha256dEngine {
    private static final String SHA256_CLASS = "sun.security.provider.SHA2$SHA256";

    /** {@code (Object digest, byte[] block, int offset) void}: one compression into the digest's state. */
    private static final MethodHandle COMPRESS;
    /**
     * {@code (Object digest, byte[] buf, int offset, int lastBlockOffset) int}: compresses consecutive
     * blocks in one call into the CPU instructions (DigestBase.implCompressMultiBlock).
     */
    private static final MethodHandle COMPRESS_BLOCKS;
    /** {@code (Object digest) int[]}: the digest's eight state words, the very array it compresses into. */
    private static final MethodHandle STATE;
    /** {@code () Object}: a new SHA-256 digest object. */
    private static final MethodHandle CONSTRUCTOR;
    private static final String UNAVAILABLE_REASON;

    static {
        MethodHandle compress = null;
        MethodHandle compressBlocks = null;
        MethodHandle state = null;
        MethodHandle constructor = null;
        String reason = null;
        try {
            Class<?> sha256 = Class.forName(SHA256_CLASS);
            Class<?> sha2 = sha256.getSuperclass();
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(sha2, MethodHandles.lookup());
            compress = lookup.findVirtual(sha2, "implCompress",
                            MethodType.methodType(void.class, byte[].class, int.class))
                    .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class));
            Class<?> digestBase = sha2.getSuperclass();
            compressBlocks = MethodHandles.privateLookupIn(digestBase, MethodHandles.lookup())
                    .findVirtual(digestBase, "implCompressMultiBlock",
                            MethodType.methodType(int.class, byte[].class, int.class, int.class))
                    .asType(MethodType.methodType(int.class, Object.class, byte[].class, int.class, int.class));
            state = lookup.findGetter(sha2, "state", int[].class)
                    .asType(MethodType.methodType(int[].class, Object.class));
            constructor = MethodHandles.privateLookupIn(sha256, MethodHandles.lookup())
                    .findConstructor(sha256, MethodType.methodType(void.class))
                    .asType(MethodType.methodType(Object.class));
        } catch (IllegalAccessException e) {
            reason = "java.base/sun.security.provider is not opened to PoolKit (add the JVM flag"
                    + " --add-opens java.base/sun.security.provider=ALL-UNNAMED): " + e.getMessage();
        } catch (ReflectiveOperationException | RuntimeException e) {
            reason = "this JDK's SHA-256 internals differ from what is expected (" + e + ")";
        }
        if (reason != null) {
            compress = null;
            compressBlocks = null;
            state = null;
            constructor = null;
        }
        COMPRESS = compress;
        COMPRESS_BLOCKS = compressBlocks;
        STATE = state;
        CONSTRUCTOR = constructor;
        UNAVAILABLE_REASON = reason;
    }

    /** Compresses the first SHA-256 of headers and merkle nodes; its state holds the IV between calls. */
    private final Object first;
    private final int[] firstState;
    /** Compresses a header's second block from the midstate, which its state holds between calls. */
    private final Object fromMidstate;
    private final int[] fromMidstateState;
    /** Compresses the SHA-256 of a 32-byte digest; its state holds the IV between calls. */
    private final Object second;
    private final int[] secondState;

    private final int[] midstate = new int[8];
    /** A whole header followed by its padding: two blocks compressed in one call. */
    private final byte[] headerBlocks = newHeaderBlocks();
    /** A merkle node (left ‖ right) followed by its padding block: two blocks compressed in one call. */
    private final byte[] nodeBlocks = newNodeBlocks();
    private final byte[] midstateTailBlock = newHeaderTailBlock();
    /** The nTime and nonce now in {@link #midstateTailBlock}. */
    private int tailTime;
    private int tailNonce;
    private final byte[] digestBlock = newDigestBlock();
    private boolean midstateSet;

    /*
     * Three digest objects, each holding its starting words between calls (see the class comment): the
     * first hash of a header or merkle node starts from the IV, the midstate path from the midstate, and
     * the second hash from the IV again.
     */
    private JdkCompressEngine(Object first, Object fromMidstate, Object second) throws Throwable {
        this.first = first;
        this.firstState = stateOf(first);
        this.fromMidstate = fromMidstate;
        this.fromMidstateState = stateOf(fromMidstate);
        this.second = second;
        this.secondState = stateOf(second);
    }

    /** Why this engine cannot run here, or null when it can. */
    static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /** A new engine; throws {@link IllegalStateException} with the reason when it cannot run here. */
    static JdkCompressEngine create() {
        if (UNAVAILABLE_REASON != null) {
            throw new IllegalStateException(UNAVAILABLE_REASON);
        }
        try {
            return new JdkCompressEngine(CONSTRUCTOR.invokeExact(), CONSTRUCTOR.invokeExact(),
                    CONSTRUCTOR.invokeExact());
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create the JDK's SHA-256 digest", e);
        }
    }

    @Override
    void hashHeader(byte[] header, int offset, byte[] out, int outOffset) {
        // One 80-byte copy: longer than 64 bytes, it goes through the copy routine's full-width stores,
        // which the SHA code's loads can take directly. Measured faster than compressing the caller's array
        // in place plus a copied tail (~6%) and than copies of 64 bytes or less (~15%).
        System.arraycopy(header, offset, headerBlocks, 0, HEADER_BYTES);
        compressTwoBlocks(first, headerBlocks);
        secondHash(firstState, Sha256.IV, out, outOffset);
    }

    @Override
    void hashMerkleNode(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out, int outOffset) {
        // Word by word, not two 32-byte arraycopies: a merkle fold's left input was written by the previous
        // call a moment ago in 4-byte stores, which a wide copy would stall on. Measured ~3% faster folds.
        for (int i = 0; i < HASH_BYTES; i += 4) {
            INT_LE.set(nodeBlocks, i, (int) INT_LE.get(left, leftOffset + i));
        }
        for (int i = 0; i < HASH_BYTES; i += 4) {
            INT_LE.set(nodeBlocks, HASH_BYTES + i, (int) INT_LE.get(right, rightOffset + i));
        }
        compressTwoBlocks(first, nodeBlocks);
        secondHash(firstState, Sha256.IV, out, outOffset);
    }

    @Override
    void setMidstate(byte[] header, int offset) {
        compress(first, header, offset);
        System.arraycopy(firstState, 0, midstate, 0, 8);
        System.arraycopy(Sha256.IV, 0, firstState, 0, 8);
        System.arraycopy(midstate, 0, fromMidstateState, 0, 8);
        System.arraycopy(header, offset + Sha256.BLOCK_BYTES, midstateTailBlock, 0, TAIL_BYTES);
        tailTime = (int) INT_LE.get(midstateTailBlock, TAIL_TIME);
        tailNonce = (int) INT_LE.get(midstateTailBlock, TAIL_NONCE);
        midstateSet = true;
    }

    @Override
    void hashWithMidstate(int nTime, int nonce, byte[] out, int outOffset) {
        if (!midstateSet) {
            throw new IllegalStateException("hashWithMidstate needs a header: call setMidstate first");
        }
        if (nTime != tailTime) {
            INT_LE.set(midstateTailBlock, TAIL_TIME, nTime);
            tailTime = nTime;
        }
        if (nonce != tailNonce) {
            INT_LE.set(midstateTailBlock, TAIL_NONCE, nonce);
        }
        compress(fromMidstate, midstateTailBlock, 0);
        writeDigest(fromMidstateState, digestBlock, 0);
        System.arraycopy(midstate, 0, fromMidstateState, 0, 8);
        // Miners try nonces in order, so the next call most likely wants nonce + 1: store it now, while
        // the second hash runs. Stored just before the compression reads the block, it would stall the
        // CPU (a 16-byte load cannot take its bytes from a 4-byte store still in flight): ~35% slower.
        tailNonce = nonce + 1;
        INT_LE.set(midstateTailBlock, TAIL_NONCE, tailNonce);
        compress(second, digestBlock, 0);
        writeDigest(secondState, out, outOffset);
        System.arraycopy(Sha256.IV, 0, secondState, 0, 8);
    }

    /**
     * Writes SHA-256 of the digest in {@code firstHashState} to {@code out}, and puts {@code restart} back
     * into {@code firstHashState} and the IV back into the second digest's state for the next call.
     */
    private void secondHash(int[] firstHashState, int[] restart, byte[] out, int outOffset) {
        writeDigest(firstHashState, digestBlock, 0);
        System.arraycopy(restart, 0, firstHashState, 0, 8);
        compress(second, digestBlock, 0);
        writeDigest(secondState, out, outOffset);
        System.arraycopy(Sha256.IV, 0, secondState, 0, 8);
    }

    private void compress(Object digest, byte[] block, int offset) {
        try {
            COMPRESS.invokeExact(digest, block, offset);
        } catch (Throwable e) {
            throw failed(e);
        }
    }

    private void compressTwoBlocks(Object digest, byte[] blocks) {
        try {
            int next = (int) COMPRESS_BLOCKS.invokeExact(digest, blocks, 0, Sha256.BLOCK_BYTES);
        } catch (Throwable e) {
            throw failed(e);
        }
    }

    /** Restores every digest's starting words, so one failure cannot corrupt later hashes. */
    private RuntimeException failed(Throwable e) {
        System.arraycopy(Sha256.IV, 0, firstState, 0, 8);
        System.arraycopy(midstate, 0, fromMidstateState, 0, 8);
        System.arraycopy(Sha256.IV, 0, secondState, 0, 8);
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return new IllegalStateException("the JDK's SHA-256 compression failed", e);
    }

    private static int[] stateOf(Object digest) throws Throwable {
        int[] state = (int[]) STATE.invokeExact(digest);
        if (state == null || state.length != 8) {
            throw new IllegalStateException("the JDK's SHA-256 state is not eight words");
        }
        return state;
    }

    private static byte[] newHeaderBlocks() {
        byte[] blocks = new byte[2 * Sha256.BLOCK_BYTES];
        System.arraycopy(newHeaderTailBlock(), TAIL_BYTES, blocks, HEADER_BYTES, Sha256.BLOCK_BYTES - TAIL_BYTES);
        return blocks;
    }

    private static byte[] newNodeBlocks() {
        byte[] blocks = new byte[2 * Sha256.BLOCK_BYTES];
        System.arraycopy(newNodePaddingBlock(), 0, blocks, Sha256.BLOCK_BYTES, Sha256.BLOCK_BYTES);
        return blocks;
    }
}
