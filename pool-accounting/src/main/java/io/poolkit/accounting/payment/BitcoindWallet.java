package io.poolkit.accounting.payment;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.node.BitcoindClient;
import io.poolkit.core.node.BitcoindException;
import io.poolkit.core.node.WalletTransaction;
import io.poolkit.core.node.WalletTransactionEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link Wallet} on a {@code bitcoind} wallet: {@code sendmany} with the idempotency key as the
 * transaction's comment, and {@code listtransactions} (newest first, page by page) to find that comment
 * again after a crash.
 *
 * <pre>{@code
 * BitcoindClient node = BitcoindClient.builder()
 *         .url("http://127.0.0.1:8332/wallet/pool").cookieFile(Path.of("/var/lib/bitcoind/.cookie")).build();
 * Wallet wallet = BitcoindWallet.builder(node).build();
 * PaymentProcessor payments = PaymentProcessor.builder(ledger, wallet).build();
 * }</pre>
 *
 * <p>A failed {@code sendmany} is {@link WalletException#rejected() rejected} only when the node certainly
 * sent nothing: it answered with an error that Bitcoin Core raises before the transaction is committed
 * (insufficient funds, invalid address or amount, locked wallet, no such wallet) or refused the credentials.
 * A timeout, a lost connection or any other answer leaves the outcome unknown, and {@link PaymentProcessor}
 * asks {@link #findPayment} before it sends again.
 *
 * <p>{@link #findPayment} first checks the transactions this instance sent (confirming each with
 * {@code gettransaction}), then scans the wallet's history for a {@code send} carrying the key, newest
 * first, at most {@link Builder#maxScanned} entries. A send the wallet has abandoned does not count: the
 * operator gave it up, so the payment may be made again.
 *
 * <p>Thread-safe. The client is the caller's: this wallet does not close it.
 */
public final class BitcoindWallet implements Wallet {
    /**
     * RPC error codes Bitcoin Core's {@code sendmany} raises before anything is committed: type (-3, e.g. a
     * bad amount), invalid address (-5), insufficient funds (-6, also any failure to build the transaction),
     * invalid parameter (-8, e.g. a duplicated address), unlock needed (-13), wrong passphrase (-14), wallet
     * not found (-18), wallet not specified (-19), method not found (-32601, a node without a wallet), invalid
     * params (-32602). Any other error, notably misc (-1) and wallet error (-4), counts as unknown: the
     * payment stays pending and is looked for before it is sent again.
     */
    private static final Set<Integer> REFUSED_BEFORE_SENDING = Set.of(-3, -5, -6, -8, -13, -14, -18, -19,
            -32601, -32602);
    /** Bitcoin Core keeps a wallet comment as it was sent; a longer key would not fit a sensible comment. */
    private static final int MAX_KEY_LENGTH = 256;

    private final BitcoindClient node;
    private final Duration timeout;
    private final int pageSize;
    private final int maxScanned;
    private final Map<String, Hash256> sentHere = new ConcurrentHashMap<>();

    private BitcoindWallet(Builder b) {
        this.node = b.node;
        this.timeout = b.timeout;
        this.pageSize = b.pageSize;
        this.maxScanned = b.maxScanned;
    }

    /** A builder for a wallet on {@code node} (its URL picks the wallet, e.g. {@code /wallet/pool}). */
    public static Builder builder(BitcoindClient node) {
        return new Builder(node);
    }

    @Override
    public String sendMany(Map<String, Long> satsByAddress, String idempotencyKey) {
        Objects.requireNonNull(satsByAddress, "satsByAddress");
        requireKey(idempotencyKey);
        CompletableFuture<Hash256> call;
        try {
            call = node.sendMany(satsByAddress, idempotencyKey);
        } catch (IllegalArgumentException e) {
            // The client checks amounts and addresses before sending anything.
            throw new WalletException("sendmany " + idempotencyKey + " not sent: " + e.getMessage(), true, e);
        }
        Hash256 txid;
        try {
            txid = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalletException("sendmany " + idempotencyKey + " interrupted; outcome unknown", false, e);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new WalletException("sendmany " + idempotencyKey + " got no answer from " + node.url() + " within "
                    + timeout.toMillis() + " ms; outcome unknown", false, e);
        } catch (ExecutionException e) {
            throw sendFailure(idempotencyKey, e.getCause());
        }
        sentHere.put(idempotencyKey, txid);
        return txid.displayHex();
    }

    @Override
    public Optional<String> findPayment(String idempotencyKey) {
        requireKey(idempotencyKey);
        Hash256 remembered = sentHere.get(idempotencyKey);
        if (remembered != null) {
            WalletTransaction tx = await("gettransaction " + remembered.displayHex(), node.getTransaction(remembered));
            if (tx.comment().filter(idempotencyKey::equals).isPresent() && !abandoned(tx)) {
                return Optional.of(remembered.displayHex());
            }
        }
        for (int skip = 0; skip < maxScanned; skip += pageSize) {
            int count = Math.min(pageSize, maxScanned - skip);
            List<WalletTransactionEntry> page = await("listtransactions skip " + skip,
                    node.listTransactions("*", count, skip));
            // Oldest first within a page: walk it backwards so the newest match wins.
            for (int i = page.size() - 1; i >= 0; i--) {
                WalletTransactionEntry entry = page.get(i);
                if (entry.category().equals("send") && !entry.abandoned()
                        && entry.comment().filter(idempotencyKey::equals).isPresent()) {
                    return Optional.of(entry.txid().displayHex());
                }
            }
            if (page.size() < count) {
                break; // the wallet's history ends here
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "BitcoindWallet[" + node.url() + "]";
    }

    private static boolean abandoned(WalletTransaction tx) {
        return tx.details().stream().anyMatch(d -> d.category().equals("send") && d.abandoned());
    }

    private WalletException sendFailure(String key, Throwable failure) {
        Optional<BitcoindException> rpc = BitcoindException.from(failure);
        if (rpc.isEmpty()) {
            return new WalletException("sendmany " + key + " failed (" + failure + "); outcome unknown", false,
                    failure);
        }
        BitcoindException e = rpc.get();
        boolean refused = switch (e.kind()) {
            case RPC_ERROR -> REFUSED_BEFORE_SENDING.contains(e.rpcCode().orElse(0));
            case UNAUTHORIZED -> true;
            default -> false;
        };
        String detail = e.kind() == BitcoindException.Kind.RPC_ERROR
                ? "error " + e.rpcCode().orElse(0) + " \"" + e.rpcMessage().orElse("") + "\""
                : e.getMessage();
        return new WalletException("sendmany " + key + " on " + node.url() + ": " + detail
                + (refused ? "; nothing was sent" : "; outcome unknown"), refused, e);
    }

    /** Waits for a look-up; any failure means the wallet cannot say, which the caller treats as unknown. */
    private <T> T await(String what, CompletableFuture<T> call) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalletException(what + " interrupted", false, e);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new WalletException(what + ": no answer from " + node.url() + " within " + timeout.toMillis()
                    + " ms", false, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new WalletException(what + " failed: " + (cause == null ? e : cause.getMessage()), false, cause);
        }
    }

    private static void requireKey(String key) {
        Objects.requireNonNull(key, "idempotencyKey");
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("an idempotency key is 1.." + MAX_KEY_LENGTH
                    + " non-blank characters; got '" + key + "'");
        }
    }

    /** Builds a {@link BitcoindWallet}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final BitcoindClient node;
        private Duration timeout = Duration.ofSeconds(60);
        private int pageSize = 100;
        private int maxScanned = 10_000;

        private Builder(BitcoindClient node) {
            this.node = Objects.requireNonNull(node, "node");
        }

        /** How long to wait for each call; default 60 s ({@code sendmany} of a large batch takes a while). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Entries per {@code listtransactions} page; default 100. */
        public Builder pageSize(int entries) {
            this.pageSize = entries;
            return this;
        }

        /** The most history entries {@link #findPayment} reads, newest first; default 10,000. */
        public Builder maxScanned(int entries) {
            this.maxScanned = entries;
            return this;
        }

        public BitcoindWallet build() {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            if (pageSize < 1 || pageSize > 10_000) {
                throw new IllegalArgumentException("pageSize must be 1..10000: " + pageSize);
            }
            if (maxScanned < pageSize) {
                throw new IllegalArgumentException("maxScanned must be >= pageSize (" + pageSize + "): " + maxScanned);
            }
            return new BitcoindWallet(this);
        }
    }
}
