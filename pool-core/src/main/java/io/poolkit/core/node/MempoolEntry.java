package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import java.util.Objects;

/**
 * A transaction the embedded chain holds for its blocks, with the fee it pays (the chain keeps no UTXO
 * set, so the fee is what the transaction's maker stated). Immutable.
 *
 * @param transaction the transaction (never a coinbase)
 * @param feeSats     its fee in satoshis
 * @param sigOpCost   its BIP141 sigop cost, legacy sigops counted as {@link LegacySigOps} does
 */
record MempoolEntry(Transaction transaction, long feeSats, int sigOpCost) {

    MempoolEntry {
        Objects.requireNonNull(transaction, "transaction");
        if (feeSats < 0) {
            throw new IllegalArgumentException("fee must be >= 0 sats: " + feeSats);
        }
    }

    static MempoolEntry of(Transaction transaction, long feeSats) {
        return new MempoolEntry(transaction, feeSats, LegacySigOps.cost(transaction));
    }

    Hash256 txid() {
        return transaction.txid();
    }

    TemplateTransaction toTemplateTransaction() {
        return TemplateTransaction.of(transaction, feeSats, sigOpCost);
    }
}
