package io.poolkit.core.hash;

/**
 * SHA-256d on the pure-Java {@link Sha256} compression: correct on every JVM, the last fallback.
 *
 * <p>Not thread-safe: confine to one thread.
 */
final class PureJavaEngine extends Sha256dEngine {
    /** The merkle node's padding block never changes, so its message schedule is expanded once. */
    private static final int[] NODE_PADDING_SCHEDULE = expandedSchedule(newNodePaddingBlock());

    private final int[] state = new int[8];
    private final int[] midstate = new int[8];
    private final int[] w = new int[64];
    private final byte[] tailBlock = newHeaderTailBlock();
    private final byte[] midstateTailBlock = newHeaderTailBlock();
    private final byte[] digestBlock = newDigestBlock();
    private final byte[] nodeBlock = new byte[Sha256.BLOCK_BYTES];
    private boolean midstateSet;

    @Override
    void hashHeader(byte[] header, int offset, byte[] out, int outOffset) {
        setWords(state, Sha256.IV);
        Sha256.compress(state, header, offset, w);
        System.arraycopy(header, offset + Sha256.BLOCK_BYTES, tailBlock, 0, TAIL_BYTES);
        Sha256.compress(state, tailBlock, 0, w);
        secondRound(out, outOffset);
    }

    @Override
    void hashMerkleNode(byte[] left, int leftOffset, byte[] right, int rightOffset, byte[] out, int outOffset) {
        System.arraycopy(left, leftOffset, nodeBlock, 0, HASH_BYTES);
        System.arraycopy(right, rightOffset, nodeBlock, HASH_BYTES, HASH_BYTES);
        setWords(state, Sha256.IV);
        Sha256.compress(state, nodeBlock, 0, w);
        Sha256.rounds(state, NODE_PADDING_SCHEDULE);
        secondRound(out, outOffset);
    }

    @Override
    void setMidstate(byte[] header, int offset) {
        setWords(midstate, Sha256.IV);
        Sha256.compress(midstate, header, offset, w);
        System.arraycopy(header, offset + Sha256.BLOCK_BYTES, midstateTailBlock, 0, TAIL_BYTES);
        midstateSet = true;
    }

    @Override
    void hashWithMidstate(int nTime, int nonce, byte[] out, int outOffset) {
        if (!midstateSet) {
            throw new IllegalStateException("hashWithMidstate needs a header: call setMidstate first");
        }
        INT_LE.set(midstateTailBlock, TAIL_TIME, nTime);
        INT_LE.set(midstateTailBlock, TAIL_NONCE, nonce);
        setWords(state, midstate);
        Sha256.compress(state, midstateTailBlock, 0, w);
        secondRound(out, outOffset);
    }

    /** SHA-256 of the 32-byte digest now in {@code state}, written to {@code out}. */
    private void secondRound(byte[] out, int outOffset) {
        writeDigest(state, digestBlock, 0);
        setWords(state, Sha256.IV);
        Sha256.compress(state, digestBlock, 0, w);
        writeDigest(state, out, outOffset);
    }

    private static int[] expandedSchedule(byte[] block) {
        int[] schedule = new int[64];
        for (int t = 0; t < 16; t++) {
            schedule[t] = (int) INT_BE.get(block, 4 * t);
        }
        Sha256.expand(schedule);
        return schedule;
    }
}
