package io.poolkit.accounting.payment;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.core.testing.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaymentProcessorTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private JdbcLedger ledger;

    @BeforeEach
    void open() {
        ledger = JdbcLedger.builder().sqlite(dir.resolve("ledger.db")).scheme(PropScheme.withFee(0)).clock(clock)
                .build();
        // Five miners with 1..5 parts of a 15,000 sat block, matured.
        for (int i = 1; i <= 5; i++) {
            ledger.accept(share("m" + i, i, 100, T0));
        }
        ledger.blockFound(block(1, "m1", 15_000, 100, T0)).join();
        ledger.confirmBlock(hash(1), 100, T0);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private PaymentProcessor processor(Wallet wallet, long threshold, int maxOutputs) {
        return PaymentProcessor.builder(ledger, wallet).thresholdSats(threshold).maxOutputs(maxOutputs).clock(clock)
                .build();
    }

    @Test
    void paysBalancesAtOrAboveTheThresholdInBatches() {
        LocalWallet wallet = LocalWallet.inMemory(1_000_000);
        PaymentProcessor.Report report = processor(wallet, 2_000, 2).runOnce();
        assertEquals(2, report.sent());
        assertEquals(2_000 + 3_000 + 4_000 + 5_000, report.paidSats());
        assertEquals(Map.of("m2", 2_000L, "m3", 3_000L), wallet.transactions().get(0).outputs());
        assertEquals(Map.of("m4", 4_000L, "m5", 5_000L), wallet.transactions().get(1).outputs());
        assertEquals(Map.of("m1", 1_000L), ledger.balances());
        assertEquals(wallet.transactions().get(0).txid(), ledger.payments("m3", 5).get(0).txid());
        assertEquals(PaymentProcessor.Report.class, report.getClass());
        assertEquals(new PaymentProcessor.Report(0, 0, 0, 0, 0, 0), processor(wallet, 2_000, 2).runOnce());
    }

    @Test
    void aPaymentTheWalletRefusesGoesBackToTheBalances() {
        LocalWallet wallet = LocalWallet.inMemory(100);
        PaymentProcessor.Report report = processor(wallet, 1_000, 10).runOnce();
        assertEquals(1, report.failed());
        assertTrue(wallet.transactions().isEmpty());
        assertEquals(15_000L, ledger.balances().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(PaymentStatus.FAILED, ledger.payments(10).get(0).status());
    }

    /** A wallet whose first send fails in the given way; later calls go through. */
    static final class FlakyWallet implements Wallet {
        final LocalWallet inner = LocalWallet.inMemory(1_000_000);
        boolean sendThenLoseTheAnswer;
        boolean failBeforeSending;

        @Override
        public String sendMany(Map<String, Long> satsByAddress, String idempotencyKey) {
            if (failBeforeSending) {
                failBeforeSending = false;
                throw new WalletException("connection refused", false);
            }
            String txid = inner.sendMany(satsByAddress, idempotencyKey);
            if (sendThenLoseTheAnswer) {
                sendThenLoseTheAnswer = false;
                throw new IllegalStateException("read timed out");
            }
            return txid;
        }

        @Override
        public Optional<String> findPayment(String idempotencyKey) {
            return inner.findPayment(idempotencyKey);
        }
    }

    @Test
    void aSendWhoseAnswerWasLostIsRecordedNotSentAgain() {
        FlakyWallet wallet = new FlakyWallet();
        wallet.sendThenLoseTheAnswer = true;
        PaymentProcessor processor = processor(wallet, 1_000, 10);
        assertEquals(1, processor.runOnce().unresolved());
        assertEquals(1, ledger.pendingPayments().size());
        PaymentProcessor.Report second = processor.runOnce();
        assertEquals(1, second.reconciled());
        assertEquals(1, wallet.inner.transactions().size(), "paid once");
        assertTrue(ledger.pendingPayments().isEmpty());
        assertEquals(wallet.inner.transactions().get(0).txid(), ledger.payments("m1", 1).get(0).txid());
    }

    @Test
    void aPaymentNeverSentIsSentOnTheNextRun() {
        FlakyWallet wallet = new FlakyWallet();
        wallet.failBeforeSending = true;
        PaymentProcessor processor = processor(wallet, 1_000, 10);
        assertEquals(1, processor.runOnce().unresolved());
        assertEquals(0L, ledger.balance("m5"), "debited before sending");
        PaymentProcessor.Report second = processor.runOnce();
        assertEquals(1, second.resent());
        assertEquals(15_000L, second.paidSats());
        assertEquals(1, wallet.inner.transactions().size(), "sent once");
        assertEquals(15_000L, wallet.inner.transactions().get(0).outputs().values().stream()
                .mapToLong(Long::longValue).sum());
    }

    @Test
    void excludedAccountsAreNeverPaid() {
        LocalWallet wallet = LocalWallet.inMemory(1_000_000);
        PaymentProcessor.builder(ledger, wallet).thresholdSats(1).exclude(Set.of("m5")).clock(clock).build()
                .runOnce();
        assertEquals(Map.of("m5", 5_000L), ledger.balances());
    }
}
