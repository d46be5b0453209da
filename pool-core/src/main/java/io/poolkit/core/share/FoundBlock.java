package io.poolkit.core.share;

import io.poolkit.core.chain.Hash256;
import java.time.Instant;
import java.util.Objects;

/**
 * A block the pool found and the node accepted, as the ledger records it.
 *
 * @param hash              the block's hash
 * @param height            its height
 * @param account           the account whose share found it (SOLO pays it; others may reward it)
 * @param worker            the worker that found it
 * @param rewardSats        the coinbase value the pool's outputs receive: subsidy plus fees, in satoshis
 * @param networkDifficulty the block's difficulty
 * @param time              when it was found
 */
public record FoundBlock(Hash256 hash, long height, String account, String worker, long rewardSats,
                         double networkDifficulty, Instant time) {

    public FoundBlock {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(time, "time");
        if (height < 0 || rewardSats < 0) {
            throw new IllegalArgumentException("height and reward must be >= 0: " + height + ", " + rewardSats);
        }
        if (!(networkDifficulty > 0)) {
            throw new IllegalArgumentException("network difficulty must be positive: " + networkDifficulty);
        }
    }
}
