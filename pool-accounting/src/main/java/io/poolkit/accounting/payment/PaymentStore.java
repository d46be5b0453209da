package io.poolkit.accounting.payment;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link PaymentProcessor} needs from the ledger: durable payment records written before anything is
 * sent. {@code JdbcLedger} implements it. Implementations must be thread-safe and each method atomic.
 */
public interface PaymentStore {

    /**
     * In one transaction: picks the accounts whose balance is at least {@code thresholdSats} (by account
     * name, at most {@code maxOutputs}, none of {@code excluded}), debits each balance by its amount, and
     * records a {@link PaymentStatus#PENDING} batch under {@code key}. Empty when no account qualifies.
     */
    Optional<PaymentBatch> preparePayment(String key, long thresholdSats, int maxOutputs, Set<String> excluded,
                                          Instant now);

    /** The batches still {@link PaymentStatus#PENDING}, oldest first: possibly sent, to reconcile. */
    List<PaymentBatch> pendingPayments();

    /** Marks a pending batch sent with {@code txid}; false (and no change) when it is not pending. */
    boolean markPaymentSent(String key, String txid, Instant now);

    /**
     * Marks a pending batch failed and gives its amounts back to the balances, in one transaction; false (and
     * no change) when it is not pending.
     */
    boolean markPaymentFailed(String key, String reason, Instant now);
}
