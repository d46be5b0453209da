package io.poolkit.accounting.payment;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.accounting.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the paying process with SIGKILL between sending and recording (and between recording and sending),
 * restarts, and checks that every balance was paid exactly once.
 */
class PaymentCrashTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"after-send", "before-send"})
    void aKillBetweenSendingAndRecordingNeitherPaysTwiceNorForgets(String mode) throws Exception {
        Path db = dir.resolve("pay.db");
        Path journal = dir.resolve("wallet.journal");
        Map<String, Long> owed;
        try (JdbcLedger ledger = JdbcLedger.builder().sqlite(db).scheme(PropScheme.withFee(0)).build()) {
            for (int i = 1; i <= 5; i++) {
                ledger.accept(share("m" + i, i, 100, T0));
            }
            ledger.blockFound(block(1, "m1", 1_500_000, 100, T0)).join();
            ledger.confirmBlock(hash(1), 100, T0);
            owed = ledger.balances();
        }
        assertEquals(1_500_000L, owed.values().stream().mapToLong(Long::longValue).sum());

        String key;
        try (ChildJvm child = ChildJvm.start(PayerMain.class, dir.resolve("child.err"), db.toString(),
                journal.toString(), mode)) {
            String line = child.nextLine(60_000);
            assertNotNull(line, () -> "child said nothing: " + read(dir.resolve("child.err")));
            assertTrue(line.startsWith(mode.equals("after-send") ? "sent " : "sending "), line);
            key = line.substring(line.indexOf(' ') + 1);
            child.kill();
        }

        LocalWallet wallet = LocalWallet.journaled(journal, 1_000_000_000_000L);
        assertEquals(mode.equals("after-send") ? 1 : 0, wallet.transactions().size());
        try (JdbcLedger ledger = JdbcLedger.builder().sqlite(db).scheme(PropScheme.withFee(0)).build()) {
            List<PaymentBatch> pending = ledger.pendingPayments();
            assertEquals(List.of(key), pending.stream().map(PaymentBatch::key).toList(), "recorded before sending");

            PaymentProcessor.Report report = PaymentProcessor.builder(ledger, wallet).thresholdSats(1_000)
                    .maxOutputs(2).build().runOnce();
            assertEquals(mode.equals("after-send") ? 1 : 0, report.reconciled());
            assertEquals(mode.equals("after-send") ? 0 : 1, report.resent());
            assertEquals(2, report.sent(), "the other two batches");

            assertTrue(ledger.pendingPayments().isEmpty());
            assertEquals(Map.of(), ledger.balances(), "everything owed was paid");
            assertEquals(1, wallet.transactions().stream().filter(t -> t.key().equals(key)).count(),
                    "the interrupted batch went out exactly once");
            Map<String, Long> paid = new HashMap<>();
            wallet.transactions().forEach(t -> t.outputs().forEach((a, s) -> paid.merge(a, s, Long::sum)));
            assertEquals(owed, paid, "each account paid exactly what it was owed, once");
            assertEquals(wallet.findPayment(key).orElseThrow(), ledger.payments(key.isEmpty() ? 1 : 100).stream()
                    .filter(p -> p.key().equals(key)).findFirst().orElseThrow().txid());
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no stderr)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
