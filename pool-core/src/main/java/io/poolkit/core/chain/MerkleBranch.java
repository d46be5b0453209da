package io.poolkit.core.chain;

import io.poolkit.core.hash.Sha256d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The merkle branch of a block's first transaction: the sibling hashes a miner folds the coinbase
 * txid through to reach the merkle root. It is Stratum's {@code merkle_branch} in {@code mining.notify}.
 * Immutable and thread-safe.
 *
 * <p>Each step is 32 bytes in internal byte order, the order Stratum sends them in hex. Folding:
 * {@code root = SHA256d(...SHA256d(SHA256d(coinbase ‖ step0) ‖ step1)... ‖ stepN-1)}; the coinbase is
 * always the left half because it is always at index 0.
 *
 * <pre>{@code
 * MerkleBranch branch = MerkleBranch.forCoinbase(templateTxids);  // txids without the coinbase
 * List<String> merkleBranchForNotify = branch.stepsHex();
 * Hash256 root = branch.rootFrom(coinbaseTxid);
 * }</pre>
 */
public final class MerkleBranch {
    private static final MerkleBranch EMPTY = new MerkleBranch(new byte[0]);

    /** The steps back to back, 32 bytes each, internal order. */
    private final byte[] steps;

    private MerkleBranch(byte[] steps) {
        this.steps = steps;
    }

    /**
     * The merkle root of {@code txids} in block order (coinbase first), by Bitcoin's rule: a level with an
     * odd number of hashes pairs its last hash with itself. A single txid is its own root.
     */
    public static Hash256 root(List<Hash256> txids) {
        if (txids.isEmpty()) {
            throw new IllegalArgumentException("a merkle root needs at least one txid");
        }
        byte[][] level = new byte[txids.size()][];
        for (int i = 0; i < level.length; i++) {
            level[i] = txids.get(i).internalBytes();
        }
        int size = level.length;
        while (size > 1) {
            int next = 0;
            for (int i = 0; i < size; i += 2) {
                level[next++] = hashPair(level[i], i + 1 < size ? level[i + 1] : level[i]);
            }
            size = next;
        }
        return Hash256.fromInternalBytes(level[0]);
    }

    /**
     * The branch for the coinbase of a block whose other transactions have {@code nonCoinbaseTxids}, in
     * block order. Empty (size 0) when the block holds only the coinbase.
     */
    public static MerkleBranch forCoinbase(List<Hash256> nonCoinbaseTxids) {
        int rest = nonCoinbaseTxids.size();
        if (rest == 0) {
            return EMPTY;
        }
        // "level" holds the hashes to the right of the coinbase's path at the current level.
        byte[][] level = new byte[rest][];
        for (int i = 0; i < rest; i++) {
            level[i] = Objects.requireNonNull(nonCoinbaseTxids.get(i), "txid").internalBytes();
        }
        List<byte[]> branch = new ArrayList<>();
        while (rest > 0) {
            branch.add(level[0]);
            // Pairs at this level are (path, level[0]), (level[1], level[2]), ...; a lone last one doubles.
            int next = 0;
            for (int i = 1; i < rest; i += 2) {
                level[next++] = hashPair(level[i], i + 1 < rest ? level[i + 1] : level[i]);
            }
            rest = next;
        }
        byte[] flat = new byte[branch.size() * Hash256.LENGTH];
        for (int i = 0; i < branch.size(); i++) {
            System.arraycopy(branch.get(i), 0, flat, i * Hash256.LENGTH, Hash256.LENGTH);
        }
        return new MerkleBranch(flat);
    }

    /** A branch from its steps, as received (for example from a Stratum {@code mining.notify}). */
    public static MerkleBranch ofSteps(List<Hash256> steps) {
        byte[] flat = new byte[steps.size() * Hash256.LENGTH];
        for (int i = 0; i < steps.size(); i++) {
            steps.get(i).copyInternalBytes(flat, i * Hash256.LENGTH);
        }
        return new MerkleBranch(flat);
    }

    /** A branch from Stratum's {@code merkle_branch}: hex strings of 32 bytes in internal order. */
    public static MerkleBranch fromStepsHex(List<String> stepsHex) {
        byte[] flat = new byte[stepsHex.size() * Hash256.LENGTH];
        for (int i = 0; i < stepsHex.size(); i++) {
            byte[] step = Hex.decode(stepsHex.get(i));
            if (step.length != Hash256.LENGTH) {
                throw new IllegalArgumentException("merkle branch step " + i + " must be 32 bytes (64 hex digits): '"
                        + stepsHex.get(i) + "'");
            }
            System.arraycopy(step, 0, flat, i * Hash256.LENGTH, Hash256.LENGTH);
        }
        return new MerkleBranch(flat);
    }

    /** The merkle root of the block whose coinbase has {@code coinbaseTxid}. */
    public Hash256 rootFrom(Hash256 coinbaseTxid) {
        byte[] node = coinbaseTxid.internalBytes();
        byte[] pair = new byte[2 * Hash256.LENGTH];
        for (int offset = 0; offset < steps.length; offset += Hash256.LENGTH) {
            System.arraycopy(node, 0, pair, 0, Hash256.LENGTH);
            System.arraycopy(steps, offset, pair, Hash256.LENGTH, Hash256.LENGTH);
            node = Sha256d.hash(pair);
        }
        return Hash256.fromInternalBytes(node);
    }

    /** The number of steps: the depth of the tree, 0 for a coinbase-only block. */
    public int size() {
        return steps.length / Hash256.LENGTH;
    }

    public boolean isEmpty() {
        return steps.length == 0;
    }

    /** Step {@code i}. */
    public Hash256 step(int i) {
        Objects.checkIndex(i, size());
        return Hash256.fromInternalBytes(steps, i * Hash256.LENGTH);
    }

    /** The steps in fold order. */
    public List<Hash256> steps() {
        List<Hash256> list = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            list.add(step(i));
        }
        return List.copyOf(list);
    }

    /** Copies step {@code i}'s 32 internal-order bytes into {@code destination} at {@code offset}; allocates nothing. */
    public void copyStep(int i, byte[] destination, int offset) {
        Objects.checkIndex(i, size());
        System.arraycopy(steps, i * Hash256.LENGTH, destination, offset, Hash256.LENGTH);
    }

    /**
     * A new array holding all steps back to back, 32 internal-order bytes each ({@code size() * 32} bytes).
     * Take it once per job and fold from it on the share path.
     */
    public byte[] flatInternalBytes() {
        return steps.clone();
    }

    /** The steps as lower-case hex in internal byte order: exactly Stratum's {@code merkle_branch} array. */
    public List<String> stepsHex() {
        List<String> hex = new ArrayList<>(size());
        for (int offset = 0; offset < steps.length; offset += Hash256.LENGTH) {
            hex.add(Hex.encode(steps, offset, Hash256.LENGTH));
        }
        return List.copyOf(hex);
    }

    static byte[] hashPair(byte[] left, byte[] right) {
        byte[] pair = new byte[2 * Hash256.LENGTH];
        System.arraycopy(left, 0, pair, 0, Hash256.LENGTH);
        System.arraycopy(right, 0, pair, Hash256.LENGTH, Hash256.LENGTH);
        return Sha256d.hash(pair);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MerkleBranch other && Arrays.equals(steps, other.steps);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(steps);
    }

    @Override
    public String toString() {
        return "MerkleBranch" + stepsHex();
    }
}
