package io.poolkit.core.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One way of computing SHA-256d of headers and merkle nodes; {@link HeaderHasher} delegates to the fastest
 * one that works on the running JVM.
 *
 * <p>Not thread-safe: an instance owns scratch buffers (and the midstate) and is confined to the thread of
 * the {@link HeaderHasher} holding it. Callers check bounds before calling; engines assume valid ranges.
 */
abstract class Sha256dEngine {
    static final int HEADER_BYTES = 80;
    static final int HASH_BYTES = 32;
    /** Bytes of the header after the first block: the merkle root's last 4 bytes, nTime, nBits, nonce. */
    static final int TAIL_BYTES = HEADER_BYTES - Sha256.BLOCK_BYTES;
    /** Offsets of nTime and nonce inside that tail. */
    static final int TAIL_TIME = 4;
    static final int TAIL_NONCE = 12;

    static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** SHA-256d of {@code header[offset, offset + 80)} into {@code out[outOffset, outOffset + 32)}. */
    abstract void hashHeader(byte[] header, int offset, byte[] out, int outOffset);

    /** SHA-256d(left32 ‖ right32); {@code out} may overlap either input. */
    abstract void hashMerkleNode(byte[] left, int leftOffset, byte[] right, int rightOffset,
            byte[] out, int outOffset);

    /** Remembers the header at {@code offset} so that {@link #hashWithMidstate} varies only nTime and nonce. */
    abstract void setMidstate(byte[] header, int offset);

    /** SHA-256d of the remembered header with nTime and nonce (numbers, stored little-endian) replaced. */
    abstract void hashWithMidstate(int nTime, int nonce, byte[] out, int outOffset);

    /** A block holding the last 16 header bytes at its start, padded for an 80-byte message. */
    static byte[] newHeaderTailBlock() {
        byte[] block = new byte[Sha256.BLOCK_BYTES];
        block[TAIL_BYTES] = (byte) 0x80;
        INT_BE.set(block, 60, HEADER_BYTES * 8);
        return block;
    }

    /** A block whose first 32 bytes take a first-round digest, padded for a 32-byte message. */
    static byte[] newDigestBlock() {
        byte[] block = new byte[Sha256.BLOCK_BYTES];
        block[HASH_BYTES] = (byte) 0x80;
        INT_BE.set(block, 60, HASH_BYTES * 8);
        return block;
    }

    /** The whole second block of a 64-byte message (a merkle node): padding only, the same every time. */
    static byte[] newNodePaddingBlock() {
        byte[] block = new byte[Sha256.BLOCK_BYTES];
        block[0] = (byte) 0x80;
        INT_BE.set(block, 60, Sha256.BLOCK_BYTES * 8);
        return block;
    }

    /** Writes the eight state words big-endian: the digest bytes. */
    static void writeDigest(int[] state, byte[] out, int outOffset) {
        INT_BE.set(out, outOffset, state[0]);
        INT_BE.set(out, outOffset + 4, state[1]);
        INT_BE.set(out, outOffset + 8, state[2]);
        INT_BE.set(out, outOffset + 12, state[3]);
        INT_BE.set(out, outOffset + 16, state[4]);
        INT_BE.set(out, outOffset + 20, state[5]);
        INT_BE.set(out, outOffset + 24, state[6]);
        INT_BE.set(out, outOffset + 28, state[7]);
    }

    static void setWords(int[] state, int[] words) {
        state[0] = words[0];
        state[1] = words[1];
        state[2] = words[2];
        state[3] = words[3];
        state[4] = words[4];
        state[5] = words[5];
        state[6] = words[6];
        state[7] = words[7];
    }
}
