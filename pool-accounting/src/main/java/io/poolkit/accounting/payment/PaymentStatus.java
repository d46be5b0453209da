package io.poolkit.accounting.payment;

/** Where a payment batch stands. */
public enum PaymentStatus {
    /** Recorded and balances debited; possibly sent, not yet known to be. Reconciled against the wallet. */
    PENDING,
    /** The wallet has the transaction; {@code txid} is known. */
    SENT,
    /** The wallet refused it for good; the amounts went back to the balances. */
    FAILED
}
