package io.poolkit.examples.miner;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Target;
import io.poolkit.core.hash.HeaderHasher;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.stratum.codec.MiningNotify;
import java.util.List;

/**
 * What a Stratum miner does with one job, without any I/O: puts the coinbase together from the job's two
 * halves and the extranonces, folds the merkle branch into the root, lays out the 80-byte header and searches
 * nonces with {@link HeaderHasher}'s midstate, reporting every nonce whose hash meets the share target.
 *
 * <pre>{@code
 * HeaderSearch search = new HeaderSearch(notify, extranonce1, 4, 0.001, 0);
 * search.prepare(extranonce2, 0);                          // a new coinbase and header
 * int next = search.scan(0, 1 << 16, nonce -> submit(search.extranonce2(), nonce));
 * }</pre>
 *
 * <p>Byte order, as in a block: version, nTime, nBits and the nonce little-endian; the previous block hash and
 * the merkle root as internal bytes. Not thread-safe: one per mining thread; {@link #scan} allocates nothing.
 */
final class HeaderSearch {
    /** Receives a nonce whose header meets the share target. */
    @FunctionalInterface
    interface Hit {
        void found(int nonce);
    }

    private final MiningNotify job;
    private final byte[] extranonce1;
    private final int extranonce2Size;
    private final Target shareTarget;
    private final int versionMask;
    private final HeaderHasher hasher = new HeaderHasher();
    private final byte[] header = new byte[HeaderHasher.HEADER_BYTES];
    private final byte[] hash = new byte[HeaderHasher.HASH_BYTES];
    private final byte[] merkle = new byte[64];
    private final byte[][] branch;
    private byte[] extranonce2;
    private int versionBits;

    /**
     * @param job             the job as {@code mining.notify} sent it
     * @param extranonce1     the session's extranonce1 from {@code mining.subscribe}
     * @param extranonce2Size the extranonce2 size from {@code mining.subscribe}
     * @param difficulty      the share difficulty in force for this job
     * @param versionMask     the version bits the pool lets this miner roll (0 for none)
     */
    HeaderSearch(MiningNotify job, byte[] extranonce1, int extranonce2Size, double difficulty, int versionMask) {
        this.job = job;
        this.extranonce1 = extranonce1.clone();
        this.extranonce2Size = extranonce2Size;
        this.shareTarget = Target.fromDifficulty(difficulty);
        this.versionMask = versionMask;
        List<Hash256> steps = job.merkleBranch();
        this.branch = new byte[steps.size()][];
        for (int i = 0; i < branch.length; i++) {
            branch[i] = steps.get(i).internalBytes();
        }
    }

    MiningNotify job() {
        return job;
    }

    int extranonce2Size() {
        return extranonce2Size;
    }

    /** The version bits this search may roll (0 for none). */
    int versionMask() {
        return versionMask;
    }

    /** The extranonce2 of the prepared header (a copy). */
    byte[] extranonce2() {
        return extranonce2.clone();
    }

    /** The rolled version bits of the prepared header (within the mask; 0 without rolling). */
    int versionBits() {
        return versionBits;
    }

    /** The version of the prepared header: the job's, with the rolled bits in the mask. */
    int version() {
        return (job.version() & ~versionMask) | (versionBits & versionMask);
    }

    /**
     * Builds the header for {@code extranonce2} (exactly {@link #extranonce2Size()} bytes) with
     * {@code versionBits} rolled in (ignored outside the mask), and sets the hasher's midstate on it.
     */
    void prepare(byte[] extranonce2, int versionBits) {
        if (extranonce2.length != extranonce2Size) {
            throw new IllegalArgumentException("extranonce2 must be " + extranonce2Size + " bytes; got "
                    + extranonce2.length);
        }
        this.extranonce2 = extranonce2.clone();
        this.versionBits = versionBits & versionMask;
        byte[] coinb1 = job.coinbase1();
        byte[] coinb2 = job.coinbase2();
        byte[] coinbase = new byte[coinb1.length + extranonce1.length + extranonce2.length + coinb2.length];
        int at = 0;
        System.arraycopy(coinb1, 0, coinbase, at, coinb1.length);
        at += coinb1.length;
        System.arraycopy(extranonce1, 0, coinbase, at, extranonce1.length);
        at += extranonce1.length;
        System.arraycopy(extranonce2, 0, coinbase, at, extranonce2.length);
        at += extranonce2.length;
        System.arraycopy(coinb2, 0, coinbase, at, coinb2.length);
        System.arraycopy(Sha256d.hash(coinbase), 0, merkle, 0, 32);
        for (byte[] step : branch) {
            System.arraycopy(step, 0, merkle, 32, 32);
            hasher.hashMerkleNode(merkle, 0, merkle, 32, merkle, 0);
        }
        writeIntLE(header, 0, version());
        job.prevHash().copyInternalBytes(header, 4);
        System.arraycopy(merkle, 0, header, 36, 32);
        writeIntLE(header, 68, job.ntime());
        writeIntLE(header, 72, job.nbits());
        writeIntLE(header, 76, 0);
        hasher.setMidstate(header, 0);
    }

    /**
     * Hashes {@code count} nonces from {@code firstNonce} (wrapping as unsigned 32-bit numbers) on the
     * prepared header and calls {@code hit} for each that meets the share target; returns the next nonce.
     */
    int scan(int firstNonce, int count, Hit hit) {
        int nTime = job.ntime();
        int nonce = firstNonce;
        for (int i = 0; i < count; i++, nonce++) {
            hasher.hashWithMidstate(nTime, nonce, hash, 0);
            if (shareTarget.isMetBy(hash, 0)) {
                hit.found(nonce);
            }
        }
        return nonce;
    }

    /** The serialized header with {@code nonce}, for tests and logs (allocates). */
    byte[] header(int nonce) {
        byte[] copy = header.clone();
        writeIntLE(copy, 76, nonce);
        return copy;
    }

    private static void writeIntLE(byte[] out, int offset, int value) {
        out[offset] = (byte) value;
        out[offset + 1] = (byte) (value >>> 8);
        out[offset + 2] = (byte) (value >>> 16);
        out[offset + 3] = (byte) (value >>> 24);
    }
}
