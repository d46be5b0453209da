package io.poolkit.accounting.payment;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One payment transaction as the ledger records it: its idempotency key, the outputs (account → satoshis),
 * its status and, once sent, its txid.
 *
 * @param key       the idempotency key; travels in the wallet transaction's comment
 * @param status    where it stands
 * @param outputs   satoshis per account (an account is its payout address), sorted by account
 * @param txid      the wallet's transaction id once {@link PaymentStatus#SENT}, otherwise null
 * @param createdAt when it was recorded (and the balances debited)
 * @param updatedAt when its status last changed
 */
public record PaymentBatch(String key, PaymentStatus status, SortedMap<String, Long> outputs, String txid,
                           Instant createdAt, Instant updatedAt) {

    public PaymentBatch {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        outputs = Collections.unmodifiableSortedMap(new TreeMap<>(outputs));
    }

    /** The sum of the outputs. */
    public long totalSats() {
        return outputs.values().stream().mapToLong(Long::longValue).sum();
    }
}
