package io.poolkit.accounting.ledger;

/** What a block's credit line is for. */
public enum CreditKind {
    /** A miner's part of the block. */
    MINER,
    /** The pool fee, credited to the ledger's fee account. */
    FEE,
    /** What the scheme gave no one (an unfilled window, a block a per-share scheme paid for), kept by the pool. */
    RESIDUAL
}
