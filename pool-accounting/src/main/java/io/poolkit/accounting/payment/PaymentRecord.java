package io.poolkit.accounting.payment;

import java.time.Instant;
import java.util.Objects;

/**
 * One account's line in a payment batch, as the read API shows it.
 *
 * @param key       the batch's idempotency key
 * @param account   the account paid (its payout address)
 * @param sats      the amount
 * @param status    the batch's status
 * @param txid      the transaction id once sent, otherwise null
 * @param createdAt when the payment was recorded
 */
public record PaymentRecord(String key, String account, long sats, PaymentStatus status, String txid,
                            Instant createdAt) {
    public PaymentRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
