package io.poolkit.accounting.payment;

import java.util.Map;
import java.util.Optional;

/**
 * The pool's wallet as payments need it: send one transaction to many addresses, tagged with an idempotency
 * key, and find a transaction again by that key.
 *
 * <p>The key must travel with the transaction (bitcoind: {@code sendmany}'s {@code comment}, found again with
 * {@code listtransactions}/{@code gettransaction}), so that after a crash {@link PaymentProcessor} can tell a
 * payment that was sent from one that was not. Implementations must be thread-safe.
 *
 * <pre>{@code
 * String txid = wallet.sendMany(Map.of("bcrt1q...", 150_000L), "poolkit-pay-7f3a...");
 * Optional<String> again = wallet.findPayment("poolkit-pay-7f3a...");   // Optional[txid]
 * }</pre>
 */
public interface Wallet {

    /**
     * Sends one transaction paying each address its amount in satoshis, with {@code idempotencyKey} recorded
     * on it; returns its txid. Throws {@link WalletException} with {@link WalletException#rejected()} true only
     * when the wallet certainly did not send (bad address, insufficient funds); any other failure leaves the
     * outcome unknown and the caller reconciles with {@link #findPayment}.
     */
    String sendMany(Map<String, Long> satsByAddress, String idempotencyKey);

    /** The txid of the transaction sent with {@code idempotencyKey}, if the wallet has one. */
    Optional<String> findPayment(String idempotencyKey);
}
