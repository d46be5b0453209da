package io.poolkit.core.job;

import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Coinbase;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.MerkleBranch;
import io.poolkit.core.chain.Target;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One unit of work for miners: everything {@code mining.notify} sends, plus what share validation and
 * block assembly need. Immutable and thread-safe; made by {@link JobFactory}.
 *
 * <p>Byte order: {@link #prevHashStratumHex()} is Stratum's order (the hash's internal bytes with each
 * 4-byte word reversed); {@link #versionHex()}, {@link #bitsHex()} and {@link #nTimeHex()} are big-endian
 * hex of the numbers, as {@code mining.notify} carries them. The {@code copy…} methods write raw bytes
 * into a caller's buffer without allocating, for the share validator's hot path.
 */
public final class Job {
    private final String id;
    private final long sequence;
    private final BlockTemplate template;
    private final Coinbase coinbase;
    private final MerkleBranch merkleBranch;
    private final boolean cleanJobs;
    private final Instant createdAt;
    private final byte[] coinb1;
    private final byte[] coinb2;
    private final byte[] prevHashInternal;
    private final byte[] merkleStepsInternal;
    private final String prevHashStratumHex;
    private final List<String> merkleBranchHex;

    Job(long sequence, BlockTemplate template, Coinbase coinbase, boolean cleanJobs, Instant createdAt) {
        this.sequence = sequence;
        this.id = Long.toHexString(sequence);
        this.template = Objects.requireNonNull(template, "template");
        this.coinbase = Objects.requireNonNull(coinbase, "coinbase");
        this.merkleBranch = MerkleBranch.forCoinbase(template.txids());
        this.cleanJobs = cleanJobs;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
        this.coinb1 = coinbase.coinb1();
        this.coinb2 = coinbase.coinb2();
        this.prevHashInternal = template.previousBlockHash().internalBytes();
        this.merkleStepsInternal = merkleBranch.flatInternalBytes();
        this.prevHashStratumHex = Hex.encode(swapWords(prevHashInternal));
        this.merkleBranchHex = merkleBranch.stepsHex();
    }

    /** The job id sent to miners: the sequence number in lower-case hex. */
    public String id() {
        return id;
    }

    /** Increasing per {@link JobFactory}: a larger sequence is a newer job. */
    public long sequence() {
        return sequence;
    }

    public BlockTemplate template() {
        return template;
    }

    public Coinbase coinbase() {
        return coinbase;
    }

    public MerkleBranch merkleBranch() {
        return merkleBranch;
    }

    /** True when miners must drop all earlier work (a new tip). */
    public boolean cleanJobs() {
        return cleanJobs;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Height of the block this job would make. */
    public long height() {
        return template.height();
    }

    public Hash256 previousBlockHash() {
        return template.previousBlockHash();
    }

    /** The previous block hash in Stratum's word order, as {@code mining.notify} sends it. */
    public String prevHashStratumHex() {
        return prevHashStratumHex;
    }

    public String coinb1Hex() {
        return coinbase.coinb1Hex();
    }

    public String coinb2Hex() {
        return coinbase.coinb2Hex();
    }

    /** The coinbase's merkle branch, each step's internal bytes as hex, as {@code mining.notify} sends it. */
    public List<String> merkleBranchHex() {
        return merkleBranchHex;
    }

    /** The block version before any version rolling. */
    public int version() {
        return template.version();
    }

    public String versionHex() {
        return String.format("%08x", template.version());
    }

    /** The compact network target ({@code nBits}). */
    public int bits() {
        return template.bits();
    }

    public String bitsHex() {
        return String.format("%08x", template.bits());
    }

    /** The job's block time in seconds since the epoch (the template's {@code curtime}). */
    public long nTime() {
        return template.curTime();
    }

    public String nTimeHex() {
        return String.format("%08x", template.curTime());
    }

    /** The earliest block time the chain accepts for this job (the template's {@code mintime}). */
    public long minTime() {
        return template.minTime();
    }

    /** The target a block hash must meet. */
    public Target networkTarget() {
        return template.target();
    }

    public double networkDifficulty() {
        return template.networkDifficulty();
    }

    public int extranonce1Size() {
        return coinbase.extranonce1Size();
    }

    public int extranonce2Size() {
        return coinbase.extranonce2Size();
    }

    /** Subsidy plus fees: what the coinbase may pay out. */
    public long coinbaseValueSats() {
        return template.coinbaseValueSats();
    }

    public long feesSats() {
        return template.totalFeesSats();
    }

    public int coinb1Length() {
        return coinb1.length;
    }

    public int coinb2Length() {
        return coinb2.length;
    }

    /** Copies coinb1 into {@code destination} at {@code offset}; allocates nothing. */
    public void copyCoinb1(byte[] destination, int offset) {
        System.arraycopy(coinb1, 0, destination, offset, coinb1.length);
    }

    /** Copies coinb2 into {@code destination} at {@code offset}; allocates nothing. */
    public void copyCoinb2(byte[] destination, int offset) {
        System.arraycopy(coinb2, 0, destination, offset, coinb2.length);
    }

    /** Copies the previous block hash's 32 internal-order bytes (as in a header); allocates nothing. */
    public void copyPrevHashInternal(byte[] destination, int offset) {
        System.arraycopy(prevHashInternal, 0, destination, offset, prevHashInternal.length);
    }

    /** Number of merkle branch steps. */
    public int merkleBranchSize() {
        return merkleBranch.size();
    }

    /** Copies step {@code index} of the merkle branch (32 internal-order bytes); allocates nothing. */
    public void copyMerkleStep(int index, byte[] destination, int offset) {
        System.arraycopy(merkleStepsInternal, index * Hash256.LENGTH, destination, offset, Hash256.LENGTH);
    }

    @Override
    public String toString() {
        return "Job[" + id + " height=" + height() + " txs=" + template.transactions().size()
                + (cleanJobs ? " clean" : "") + "]";
    }

    private static byte[] swapWords(byte[] bytes) {
        byte[] swapped = new byte[bytes.length];
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                swapped[word + i] = bytes[word + 3 - i];
            }
        }
        return swapped;
    }
}
