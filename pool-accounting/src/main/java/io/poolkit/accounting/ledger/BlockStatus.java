package io.poolkit.accounting.ledger;

/** A found block's state in the ledger. */
public enum BlockStatus {
    /** Found, credits immature, waiting for confirmations. */
    PENDING,
    /** Reached coinbase maturity; its credits moved to balances. */
    CONFIRMED,
    /** Left the best chain; its credits are void. */
    ORPHANED
}
