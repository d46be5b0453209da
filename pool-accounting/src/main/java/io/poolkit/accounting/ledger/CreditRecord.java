package io.poolkit.accounting.ledger;

import io.poolkit.core.chain.Hash256;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of a found block's allocation.
 *
 * @param blockHash the block it splits
 * @param account   who is credited (the fee or residual account for those lines)
 * @param sats      the amount, {@code > 0}
 * @param kind      miner, fee or residual
 * @param status    immature, mature or void
 * @param createdAt when the block was recorded
 */
public record CreditRecord(Hash256 blockHash, String account, long sats, CreditKind kind, CreditStatus status,
                           Instant createdAt) {
    public CreditRecord {
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
