package io.poolkit.accounting.ledger;

import io.poolkit.core.chain.Hash256;
import java.time.Instant;
import java.util.Objects;

/**
 * A found block as the ledger holds it.
 *
 * @param hash              the block hash
 * @param height            its height
 * @param account           the finder's account
 * @param worker            the finder's worker
 * @param rewardSats        the reward split when it was found
 * @param networkDifficulty the block's difficulty
 * @param foundAt           when it was found
 * @param status            pending, confirmed or orphaned
 * @param confirmations     the confirmations last seen (0 when orphaned or not yet asked)
 * @param scheme            the name of the scheme that split it
 */
public record BlockRecord(Hash256 hash, long height, String account, String worker, long rewardSats,
                          double networkDifficulty, Instant foundAt, BlockStatus status, int confirmations,
                          String scheme) {
    public BlockRecord {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(foundAt, "foundAt");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(scheme, "scheme");
    }
}
