package io.poolkit.accounting.payment;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.core.node.BitcoindClient;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.FakeBitcoind.RecordedRequest;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BitcoindWallet} against a fake node answering with a real regtest wallet's answers: the
 * {@code sendmany} vector was sent with comment {@code payout:vector-1} paying a taproot, a legacy and a
 * p2sh-segwit address 0.125, 0.5 and 0.75 BTC.
 */
@UsesSharedVectors
class BitcoindWalletTest {
    private static final String KEY = "payout:vector-1";
    private static final String TXID = "3676aec42f7cdb1732b36b73c40932c6ca8a6dbf0b0826263f9dde2d839f18d2";
    private static final String HISTORY = "bitcoind-regtest/wallet-listtransactions.json";
    /** Entries in the listtransactions vector. */
    private static final int HISTORY_ENTRIES = 20;

    private FakeBitcoind node;
    private BitcoindClient client;

    @BeforeEach
    void startNode() {
        node = FakeBitcoind.start();
        client = node.clientBuilder().requestTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stopNode() {
        // Both stay null when the shared vectors are missing and the test was skipped.
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static Map<String, Long> vectorOutputs() {
        Map<String, Long> outputs = new LinkedHashMap<>();
        outputs.put("bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2", 12_500_000L);
        outputs.put("mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv", 50_000_000L);
        outputs.put("2NCHtcSYZHAwSiZVx3cnKEDwNRr96oprVki", 75_000_000L);
        return outputs;
    }

    @Test
    void sendsWithTheKeyAsTheCommentAndReturnsTheNodesTxid() {
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        assertEquals(TXID, wallet.sendMany(vectorOutputs(), KEY));

        RecordedRequest sent = node.lastRequest("sendmany");
        List<String> params = sent.params();
        assertEquals("\"\"", params.get(0));
        assertTrue(params.get(1).contains("\"mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv\":0.50000000"), params.get(1));
        assertTrue(params.get(1).contains("\"2NCHtcSYZHAwSiZVx3cnKEDwNRr96oprVki\":0.75000000"), params.get(1));
        assertEquals(KEY, sent.stringParam(3));
    }

    @Test
    void findsAPaymentByItsCommentInTheWalletHistory() {
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        assertEquals(Optional.of(TXID), wallet.findPayment(KEY));

        RecordedRequest asked = node.lastRequest("listtransactions");
        assertEquals(List.of("\"*\"", "100", "0"), asked.params());
    }

    @Test
    void aKeyTheHistoryDoesNotHoldIsNotFound() {
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        assertEquals(Optional.empty(), wallet.findPayment("payout:never-sent"));
        // A page shorter than asked for is the end of the history: one request is enough.
        assertEquals(1, node.requests("listtransactions").size());
    }

    @Test
    void pagesBackThroughTheHistoryUntilItFindsTheKey() {
        String real = SharedVectors.text(HISTORY);
        String withoutComments = real.replace(",\"comment\":\"" + KEY + "\"", "");
        node.on("listtransactions", request -> Answer.of(200,
                request.params().get(2).equals("0") ? withoutComments : real));
        BitcoindWallet wallet = BitcoindWallet.builder(client).pageSize(HISTORY_ENTRIES).build();

        assertEquals(Optional.of(TXID), wallet.findPayment(KEY));

        List<RecordedRequest> pages = node.requests("listtransactions");
        assertEquals(2, pages.size());
        assertEquals(List.of("\"*\"", "20", "0"), pages.get(0).params());
        assertEquals(List.of("\"*\"", "20", "20"), pages.get(1).params());
    }

    @Test
    void stopsLookingAfterTheMostEntriesItMayScan() {
        BitcoindWallet wallet = BitcoindWallet.builder(client).pageSize(HISTORY_ENTRIES)
                .maxScanned(3 * HISTORY_ENTRIES).build();

        assertEquals(Optional.empty(), wallet.findPayment("payout:never-sent"));
        assertEquals(3, node.requests("listtransactions").size());
    }

    @Test
    void anAbandonedSendDoesNotCountAsPaid() {
        String abandoned = SharedVectors.text(HISTORY).replace(
                "\"comment\":\"" + KEY + "\",\"abandoned\":false", "\"comment\":\"" + KEY + "\",\"abandoned\":true");
        node.on("listtransactions", Answer.of(200, abandoned));
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        assertEquals(Optional.empty(), wallet.findPayment(KEY));
    }

    @Test
    void confirmsWhatItSentItselfWithGetTransaction() {
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();
        wallet.sendMany(vectorOutputs(), KEY);

        assertEquals(Optional.of(TXID), wallet.findPayment(KEY));

        assertEquals(TXID, node.lastRequest("gettransaction").stringParam(0));
        assertTrue(node.requests("listtransactions").isEmpty());
    }

    @Test
    void insufficientFundsIsARefusalNamingTheNodesError() {
        node.enqueue("sendmany", Answer.rpcError(-6, "Insufficient funds"));
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        WalletException e = assertThrows(WalletException.class, () -> wallet.sendMany(vectorOutputs(), KEY));

        assertTrue(e.rejected());
        assertTrue(e.getMessage().contains("-6") && e.getMessage().contains("Insufficient funds")
                && e.getMessage().contains("nothing was sent"), e.getMessage());
    }

    @Test
    void anInvalidAddressIsARefusal() {
        node.enqueue("sendmany", Answer.rpcError(-5, "Invalid Bitcoin address: nope"));
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        assertTrue(assertThrows(WalletException.class, () -> wallet.sendMany(Map.of("nope", 1_000L), KEY))
                .rejected());
    }

    @Test
    void aWalletErrorLeavesTheOutcomeUnknown() {
        node.enqueue("sendmany", Answer.rpcError(-4, "Transaction commit failed"));
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        WalletException e = assertThrows(WalletException.class, () -> wallet.sendMany(vectorOutputs(), KEY));

        assertFalse(e.rejected());
        assertTrue(e.getMessage().contains("outcome unknown"), e.getMessage());
    }

    @Test
    void aDroppedConnectionLeavesTheOutcomeUnknown() {
        node.enqueue("sendmany", Answer.dropConnection());
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        assertFalse(assertThrows(WalletException.class, () -> wallet.sendMany(vectorOutputs(), KEY)).rejected());
    }

    @Test
    void noAnswerInTimeLeavesTheOutcomeUnknown() {
        node.enqueue("sendmany", Answer.vector("wallet-sendmany.json").delayedBy(Duration.ofSeconds(3)));
        BitcoindWallet wallet = BitcoindWallet.builder(client).timeout(Duration.ofMillis(200)).build();

        WalletException e = assertThrows(WalletException.class, () -> wallet.sendMany(vectorOutputs(), KEY));

        assertFalse(e.rejected());
        assertTrue(e.getMessage().contains("within 200 ms"), e.getMessage());
    }

    @Test
    void refusedCredentialsAreARefusal() {
        try (BitcoindClient wrong = BitcoindClient.builder().url(node.url()).credentials("poolkit", "wrong")
                .build()) {
            BitcoindWallet wallet = BitcoindWallet.builder(wrong).build();

            assertTrue(assertThrows(WalletException.class, () -> wallet.sendMany(vectorOutputs(), KEY)).rejected());
        }
    }

    @Test
    void aGarbledHistoryIsAFailureNotAnAbsence() {
        node.on("listtransactions", Answer.garbage());
        BitcoindWallet wallet = BitcoindWallet.builder(client).build();

        WalletException e = assertThrows(WalletException.class, () -> wallet.findPayment(KEY));

        assertFalse(e.rejected());
        assertTrue(e.getMessage().startsWith("listtransactions"), e.getMessage());
    }

    @Test
    void paymentProcessorRecordsABatchSentBeforeACrashWithoutSendingItAgain(@TempDir Path dir) {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        try (JdbcLedger ledger = JdbcLedger.builder().sqlite(dir.resolve("ledger.db"))
                .scheme(PropScheme.withFee(0)).build()) {
            ledger.accept(share("mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv", 1, 100, t0));
            ledger.blockFound(block(1, "mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv", 50_000_000, 100, t0)).join();
            ledger.confirmBlock(hash(1), 100, t0);
            // Step one of a payment, recorded under the key the vector's transaction carries; then the crash.
            ledger.preparePayment(KEY, 1_000, 10, Set.of(), t0).orElseThrow();

            PaymentProcessor.Report report = PaymentProcessor.builder(ledger, BitcoindWallet.builder(client).build())
                    .thresholdSats(1_000).build().runOnce();

            assertEquals(1, report.reconciled());
            assertEquals(0, report.sent() + report.resent());
            assertTrue(node.requests("sendmany").isEmpty());
            assertEquals(TXID, ledger.payments(10).get(0).txid());
            assertEquals(PaymentStatus.SENT, ledger.payments(10).get(0).status());
        }
    }

    @Test
    void rejectsBadSettingsNamingTheValue() {
        IllegalArgumentException page = assertThrows(IllegalArgumentException.class,
                () -> BitcoindWallet.builder(client).pageSize(0).build());
        assertTrue(page.getMessage().contains("pageSize") && page.getMessage().contains("0"), page.getMessage());
        IllegalArgumentException scan = assertThrows(IllegalArgumentException.class,
                () -> BitcoindWallet.builder(client).pageSize(50).maxScanned(10).build());
        assertTrue(scan.getMessage().contains("maxScanned"), scan.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BitcoindWallet.builder(client).build().findPayment(" "));
    }
}
