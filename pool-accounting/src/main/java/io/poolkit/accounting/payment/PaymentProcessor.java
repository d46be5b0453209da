package io.poolkit.accounting.payment;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays every balance at or above a threshold, in batches of one wallet transaction each, so that a crash at
 * any point neither pays twice nor forgets a payment.
 *
 * <p>The order is what makes it safe: (1) in one ledger transaction the batch is recorded as
 * {@link PaymentStatus#PENDING} under a fresh idempotency key and the balances are debited; (2) the wallet
 * sends it with the key in the transaction's comment; (3) the batch is marked sent with the txid. A crash
 * after (1) leaves a pending batch: the next run asks the wallet for the key and either records the txid it
 * finds (sent before the crash) or sends it now (never sent). A wallet that certainly refused
 * ({@link WalletException#rejected()}) fails the batch and the amounts go back to the balances. Amounts are
 * whole balances; the wallet pays the network fee.
 *
 * <p>Run it from one thread at a time (a scheduler the caller owns, or {@link #runOnce()} by hand).
 *
 * <pre>{@code
 * PaymentProcessor payments = PaymentProcessor.builder(ledger, wallet)
 *         .thresholdSats(1_000_000).maxOutputs(100).exclude(Set.of("pool-residual")).build();
 * payments.runOnce();
 * }</pre>
 */
public final class PaymentProcessor {
    private static final Logger log = LoggerFactory.getLogger(PaymentProcessor.class);

    private final PaymentStore store;
    private final Wallet wallet;
    private final long thresholdSats;
    private final int maxOutputs;
    private final int maxBatchesPerRun;
    private final Set<String> excluded;
    private final Clock clock;
    private final String keyPrefix;

    private PaymentProcessor(Builder b) {
        this.store = b.store;
        this.wallet = b.wallet;
        this.thresholdSats = b.thresholdSats;
        this.maxOutputs = b.maxOutputs;
        this.maxBatchesPerRun = b.maxBatchesPerRun;
        this.excluded = Set.copyOf(b.excluded);
        this.clock = b.clock;
        this.keyPrefix = b.keyPrefix;
    }

    /** A builder paying from {@code wallet} what {@code store} (the ledger) owes. */
    public static Builder builder(PaymentStore store, Wallet wallet) {
        return new Builder(store, wallet);
    }

    /**
     * What one run did.
     *
     * @param reconciled pending batches found already sent and now recorded
     * @param resent     pending batches the wallet did not have, sent now
     * @param sent       new batches sent
     * @param failed     batches the wallet refused, given back to the balances
     * @param unresolved batches left pending (wallet unreachable or outcome unknown)
     * @param paidSats   satoshis sent this run (new and resent batches)
     */
    public record Report(int reconciled, int resent, int sent, int failed, int unresolved, long paidSats) {}

    /** Reconciles pending batches, then pays what is due, at most the configured number of batches. */
    public Report runOnce() {
        int reconciled = 0;
        int resent = 0;
        int sent = 0;
        int failed = 0;
        int unresolved = 0;
        long paid = 0;
        List<PaymentBatch> pending = store.pendingPayments();
        for (PaymentBatch batch : pending) {
            Optional<String> txid;
            try {
                txid = wallet.findPayment(batch.key());
            } catch (RuntimeException e) {
                log.warn("payments: cannot look up {} in the wallet: {}", batch.key(), e.toString());
                unresolved++;
                continue;
            }
            if (txid.isPresent()) {
                store.markPaymentSent(batch.key(), txid.get(), clock.instant());
                reconciled++;
                continue;
            }
            switch (send(batch)) {
                case SENT -> {
                    resent++;
                    paid += batch.totalSats();
                }
                case FAILED -> failed++;
                case UNKNOWN -> unresolved++;
            }
        }
        if (unresolved > 0) {
            // The wallet is not answering; new batches would only pile up behind the unresolved ones.
            return new Report(reconciled, resent, sent, failed, unresolved, paid);
        }
        for (int i = 0; i < maxBatchesPerRun; i++) {
            String key = keyPrefix + UUID.randomUUID();
            Optional<PaymentBatch> batch = store.preparePayment(key, thresholdSats, maxOutputs, excluded,
                    clock.instant());
            if (batch.isEmpty()) {
                break;
            }
            Outcome outcome = send(batch.get());
            if (outcome == Outcome.SENT) {
                sent++;
                paid += batch.get().totalSats();
            } else if (outcome == Outcome.FAILED) {
                failed++;
                break; // the same balances would be refused again right away
            } else {
                unresolved++;
                break;
            }
        }
        return new Report(reconciled, resent, sent, failed, unresolved, paid);
    }

    /** Runs {@link #runOnce()} every {@code period} on {@code executor}; a failed run is logged, not fatal. */
    public ScheduledFuture<?> schedule(ScheduledExecutorService executor, Duration period) {
        return executor.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("payment run failed: {}", e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private enum Outcome { SENT, FAILED, UNKNOWN }

    private Outcome send(PaymentBatch batch) {
        String txid;
        try {
            txid = wallet.sendMany(batch.outputs(), batch.key());
        } catch (WalletException e) {
            if (e.rejected()) {
                log.warn("payments: wallet refused {}: {}; amounts returned to balances", batch.key(),
                        e.getMessage());
                store.markPaymentFailed(batch.key(), e.getMessage(), clock.instant());
                return Outcome.FAILED;
            }
            log.warn("payments: outcome of {} unknown: {}", batch.key(), e.toString());
            return Outcome.UNKNOWN;
        } catch (RuntimeException e) {
            log.warn("payments: outcome of {} unknown: {}", batch.key(), e.toString());
            return Outcome.UNKNOWN;
        }
        store.markPaymentSent(batch.key(), txid, clock.instant());
        log.info("payments: sent {} ({} outputs, {} sats) as {}", batch.key(), batch.outputs().size(),
                batch.totalSats(), txid);
        return Outcome.SENT;
    }

    /** Builds a {@link PaymentProcessor}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final PaymentStore store;
        private final Wallet wallet;
        private long thresholdSats = 1_000_000;
        private int maxOutputs = 100;
        private int maxBatchesPerRun = 10;
        private Set<String> excluded = Set.of();
        private Clock clock = Clock.systemUTC();
        private String keyPrefix = "poolkit-pay-";

        private Builder(PaymentStore store, Wallet wallet) {
            this.store = Objects.requireNonNull(store, "store");
            this.wallet = Objects.requireNonNull(wallet, "wallet");
        }

        /** Pay balances of at least this many satoshis; default 1,000,000 (0.01 BTC). */
        public Builder thresholdSats(long sats) {
            this.thresholdSats = sats;
            return this;
        }

        /** Most outputs per transaction; default 100. */
        public Builder maxOutputs(int outputs) {
            this.maxOutputs = outputs;
            return this;
        }

        /** Most new transactions per run; default 10. */
        public Builder maxBatchesPerRun(int batches) {
            this.maxBatchesPerRun = batches;
            return this;
        }

        /** Accounts never paid out (e.g. the residual account); default none. */
        public Builder exclude(Set<String> accounts) {
            this.excluded = Objects.requireNonNull(accounts, "accounts");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Prefix of the idempotency keys; default {@code poolkit-pay-}. */
        public Builder keyPrefix(String prefix) {
            this.keyPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        public PaymentProcessor build() {
            if (thresholdSats <= 0) {
                throw new IllegalArgumentException("thresholdSats must be > 0: " + thresholdSats);
            }
            if (maxOutputs <= 0 || maxBatchesPerRun <= 0) {
                throw new IllegalArgumentException("maxOutputs and maxBatchesPerRun must be > 0: " + maxOutputs
                        + ", " + maxBatchesPerRun);
            }
            return new PaymentProcessor(this);
        }
    }
}
