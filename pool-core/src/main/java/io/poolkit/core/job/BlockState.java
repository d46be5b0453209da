package io.poolkit.core.job;

import io.poolkit.core.chain.Hash256;
import java.util.Objects;

/**
 * What the chain currently says of a block: on the best chain with some confirmations, or not on it.
 *
 * @param hash          the block asked about
 * @param onBestChain   whether the block is part of the current best chain
 * @param confirmations 1 for the tip, more for deeper blocks; 0 when not on the best chain
 */
public record BlockState(Hash256 hash, boolean onBestChain, int confirmations) {

    public BlockState {
        Objects.requireNonNull(hash, "hash");
        if (confirmations < 0 || (!onBestChain && confirmations != 0) || (onBestChain && confirmations == 0)) {
            throw new IllegalArgumentException(
                    "a block on the best chain has >= 1 confirmation, one off it has 0: " + onBestChain + ", "
                            + confirmations);
        }
    }

    public static BlockState confirmed(Hash256 hash, int confirmations) {
        return new BlockState(hash, true, confirmations);
    }

    public static BlockState orphaned(Hash256 hash) {
        return new BlockState(hash, false, 0);
    }
}
