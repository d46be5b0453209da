package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.job.BlockState;
import java.util.Objects;
import java.util.Optional;

/**
 * A block header as {@code getblockheader} (verbose) reports it, with where the block stands on the chain.
 *
 * <p>{@code confirmations} is 1 for the tip, more for deeper blocks, and -1 for a block the node knows that
 * is not on its best chain (orphaned by a reorganisation).
 *
 * @param hash              the block's hash
 * @param confirmations     confirmations, or -1 when the block is not on the best chain
 * @param height            the block's height
 * @param version           the header's version field
 * @param merkleRoot        the header's merkle root
 * @param time              the header's time, Unix seconds
 * @param medianTime        median time past at this block, Unix seconds
 * @param nonce             the header's nonce (unsigned 32 bits)
 * @param bits              the header's compact target ({@code nBits})
 * @param difficulty        the block's difficulty, for display
 * @param txCount           the number of transactions in the block
 * @param previousBlockHash the parent; empty for the genesis block
 * @param nextBlockHash     the child on the best chain; empty for the tip and for blocks off the best chain
 */
public record BlockHeaderInfo(Hash256 hash, long confirmations, long height, int version, Hash256 merkleRoot,
                              long time, long medianTime, long nonce, int bits, double difficulty, long txCount,
                              Optional<Hash256> previousBlockHash, Optional<Hash256> nextBlockHash) {

    public BlockHeaderInfo {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(merkleRoot, "merkleRoot");
        Objects.requireNonNull(previousBlockHash, "previousBlockHash");
        Objects.requireNonNull(nextBlockHash, "nextBlockHash");
    }

    /** Whether the block is on the node's best chain. */
    public boolean onBestChain() {
        return confirmations > 0;
    }

    /** This header's standing as the chain-neutral {@link BlockState} block maturity works with. */
    public BlockState blockState() {
        return onBestChain() ? BlockState.confirmed(hash, (int) Math.min(confirmations, Integer.MAX_VALUE))
                : BlockState.orphaned(hash);
    }

    static BlockHeaderInfo from(Json r) {
        return new BlockHeaderInfo(r.hash("hash"), r.longField("confirmations"), r.longField("height"),
                r.intField("version"), r.hash("merkleroot"), r.longField("time"), r.longField("mediantime"),
                r.longField("nonce"), r.bits("bits"), r.doubleField("difficulty"), r.longField("nTx"),
                r.optHash("previousblockhash"), r.optHash("nextblockhash"));
    }
}
