package io.poolkit.accounting.ledger;

/** Where a block credit stands. */
public enum CreditStatus {
    /** The block is not yet mature; not spendable, not in the balance. */
    IMMATURE,
    /** The block matured; the amount went to the balance. */
    MATURE,
    /** The block was orphaned; the credit will never be paid. */
    VOID
}
