package io.poolkit.accounting.ledger;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.payment.PaymentBatch;
import io.poolkit.accounting.payment.PaymentStatus;
import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.accounting.scheme.PplnsScheme;
import io.poolkit.accounting.scheme.PpsScheme;
import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.core.share.Share;
import io.poolkit.core.testing.ManualClock;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's behaviour, run unchanged on every back end: each subclass supplies a fresh, empty database.
 */
abstract class LedgerContract {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final ManualClock clock = new ManualClock(T0);
    private final List<JdbcLedger> opened = new ArrayList<>();

    /** A builder on a fresh database (the same one for every call within a test). */
    abstract JdbcLedger.Builder database();

    /** A plain connection to the same database, for looking underneath. */
    abstract Connection openRaw() throws SQLException;

    JdbcLedger ledger(PayoutScheme scheme) {
        JdbcLedger ledger = database().scheme(scheme).clock(clock).build();
        opened.add(ledger);
        return ledger;
    }

    @AfterEach
    void closeLedgers() {
        opened.forEach(JdbcLedger::close);
    }

    static void await(CompletableFuture<?> future) {
        future.orTimeout(30, TimeUnit.SECONDS).join();
    }

    static void awaitAll(List<CompletableFuture<Void>> futures) {
        await(CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])));
    }

    long count(String sql) throws SQLException {
        try (Connection c = openRaw(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void acknowledgedSharesFromManyThreadsAreAllInTheLedger() throws Exception {
        JdbcLedger ledger = ledger(PropScheme.withFee(0));
        List<CompletableFuture<Void>> acks = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String account = "miner" + t;
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    acks.add(ledger.accept(share(account, 2.0, 1000, T0.plusMillis(i))));
                }
            });
            producers.add(producer);
            producer.start();
        }
        for (Thread producer : producers) {
            producer.join();
        }
        awaitAll(acks);
        assertEquals(2000, count("SELECT COUNT(*) FROM shares"));
        assertEquals(new ShareStats(2000, 4000.0), ledger.poolShares(T0));
        assertEquals(new ShareStats(500, 1000.0), ledger.accountShares("miner2", T0));
        assertEquals(new ShareStats(250, 500.0), ledger.accountShares("miner2", T0.plusMillis(250)));
    }

    @Test
    void foundBlockIsSplitOverItsPplnsWindowWithTheBoundaryShareInPart() {
        JdbcLedger ledger = ledger(PplnsScheme.of(BigDecimal.valueOf(2), 100));
        // Window = 2 × 100 = 200 difficulty, newest first: alice 100, bob 60, carol 40 of her 50.
        ledger.accept(share("dave", 500, 100, T0));
        ledger.accept(share("carol", 50, 100, T0.plusSeconds(1)));
        ledger.accept(share("bob", 60, 100, T0.plusSeconds(2)));
        ledger.accept(share("alice", 100, 100, T0.plusSeconds(3)));
        await(ledger.blockFound(block(1, "alice", 1_000_000, 100, T0.plusSeconds(4))));

        Map<String, Long> credits = minerCredits(ledger, 1);
        // fee 1% = 10,000; 990,000 split 100:60:40.
        assertEquals(Map.of("alice", 495_000L, "bob", 297_000L, "carol", 198_000L), credits);
        assertEquals(10_000L, line(ledger, 1, CreditKind.FEE));
        assertEquals(495_000L, ledger.immature("alice"));
        assertEquals(0L, ledger.balance("alice"));
        BlockRecord record = ledger.block(hash(1)).orElseThrow();
        assertEquals(BlockStatus.PENDING, record.status());
        assertEquals("pplns", record.scheme());
    }

    @Test
    void unfilledWindowLeavesAnExplicitResidualLine() {
        JdbcLedger ledger = ledger(PplnsScheme.of(BigDecimal.valueOf(2), 0));
        ledger.accept(share("alice", 50, 100, T0));
        await(ledger.blockFound(block(1, "alice", 1_000, 100, T0.plusSeconds(1))));
        assertEquals(Map.of("alice", 250L), minerCredits(ledger, 1));
        assertEquals(750L, line(ledger, 1, CreditKind.RESIDUAL));
        assertEquals(750L, ledger.immature(ledger.residualAccount()));
    }

    @Test
    void blockReportedTwiceIsSplitOnce() {
        JdbcLedger ledger = ledger(PropScheme.withFee(0));
        ledger.accept(share("alice", 1, 100, T0));
        await(ledger.blockFound(block(1, "alice", 1_000, 100, T0)));
        ledger.accept(share("bob", 1, 100, T0));
        await(ledger.blockFound(block(1, "alice", 1_000, 100, T0)));
        assertEquals(1, ledger.creditsOfBlock(hash(1)).size());
        assertEquals(1_000L, ledger.immature("alice"));
        assertEquals(0L, ledger.immature("bob"));
    }

    @Test
    void propRoundStartsRightAfterThePreviousBlock() {
        JdbcLedger ledger = ledger(PropScheme.withFee(0));
        ledger.accept(share("alice", 3, 100, T0));
        ledger.accept(share("bob", 1, 100, T0));
        ledger.blockFound(block(1, "bob", 400, 100, T0));
        ledger.accept(share("carol", 2, 100, T0));
        ledger.accept(share("bob", 2, 100, T0));
        await(ledger.blockFound(block(2, "carol", 1_000, 100, T0)));
        assertEquals(Map.of("alice", 300L, "bob", 100L), minerCredits(ledger, 1));
        assertEquals(Map.of("carol", 500L, "bob", 500L), minerCredits(ledger, 2));
    }

    @Test
    void maturedBlockMovesItsCreditsToBalancesExactlyOnce() {
        JdbcLedger ledger = ledger(PropScheme.withFee(250));
        ledger.accept(share("alice", 1, 100, T0));
        ledger.accept(share("bob", 3, 100, T0));
        await(ledger.blockFound(block(1, "bob", 10_000, 100, T0)));
        assertTrue(ledger.confirmBlock(hash(1), 100, clock.instant()));
        assertFalse(ledger.confirmBlock(hash(1), 101, clock.instant()));
        assertFalse(ledger.orphanBlock(hash(1), clock.instant()));
        // fee 2.5% = 250; 9,750 split 1:3 = 2437.5 / 7312.5: the tie goes to the first name, alice.
        assertEquals(2_438L, ledger.balance("alice"));
        assertEquals(7_312L, ledger.balance("bob"));
        assertEquals(250L, ledger.balance(ledger.feeAccount()));
        assertEquals(0L, ledger.immature("alice"));
        assertEquals(BlockStatus.CONFIRMED, ledger.block(hash(1)).orElseThrow().status());
        assertTrue(ledger.creditsOfBlock(hash(1)).stream().allMatch(c -> c.status() == CreditStatus.MATURE));
    }

    @Test
    void orphanedBlockVoidsOnlyItsOwnCredits() {
        JdbcLedger ledger = ledger(PropScheme.withFee(0));
        ledger.accept(share("alice", 1, 100, T0));
        ledger.blockFound(block(1, "alice", 1_000, 100, T0));
        ledger.accept(share("alice", 1, 100, T0));
        await(ledger.blockFound(block(2, "alice", 2_000, 100, T0)));
        assertTrue(ledger.orphanBlock(hash(1), clock.instant()));
        assertFalse(ledger.orphanBlock(hash(1), clock.instant()));
        assertFalse(ledger.confirmBlock(hash(1), 100, clock.instant()));
        assertEquals(2_000L, ledger.immature("alice"));
        assertTrue(ledger.creditsOfBlock(hash(1)).stream().allMatch(c -> c.status() == CreditStatus.VOID));
        assertTrue(ledger.creditsOfBlock(hash(2)).stream().allMatch(c -> c.status() == CreditStatus.IMMATURE));
        assertTrue(ledger.confirmBlock(hash(2), 100, clock.instant()));
        assertEquals(2_000L, ledger.balance("alice"));
        assertEquals(List.of(BlockStatus.ORPHANED), ledger.blocks(10).stream().filter(b -> b.hash().equals(hash(1)))
                .map(BlockRecord::status).collect(Collectors.toList()));
    }

    @Test
    void ppsCreditsSharesAtOnceAndKeepsThemWhenTheBlockIsOrphaned() {
        JdbcLedger ledger = ledger(PpsScheme.withFee(100));
        // A quarter of network difficulty earns a quarter of the subsidy, less 1%: 78,125,000 - 781,250.
        await(ledger.accept(share("alice", 25, 100, T0)));
        assertEquals(77_343_750L, ledger.balance("alice"));
        assertEquals(781_250L, ledger.balance(ledger.feeAccount()));
        assertEquals(77_343_750L, ledger.perShareEarned("alice"));
        // Tiny shares carry their fractions: 3 shares of 1/3 sat each (before fee 0) add up across batches.
        await(ledger.blockFound(block(1, "alice", 400_000_000, 100, T0)));
        assertEquals(400_000_000L, ledger.immature(ledger.residualAccount()));
        assertTrue(ledger.orphanBlock(hash(1), clock.instant()));
        assertEquals(77_343_750L, ledger.balance("alice"));
        assertEquals(0L, ledger.immature(ledger.residualAccount()));
    }

    @Test
    void ppsPaysFractionsOfASatoshiOnceTheyAddUp() {
        JdbcLedger ledger = ledger(PpsScheme.withFee(0));
        // Each share is worth 312,500,000 / 1e9 = 0.3125 sat; 16 of them, one per batch, are worth 5 sats.
        for (int i = 0; i < 16; i++) {
            await(ledger.accept(share("tiny", 1, 1e9, T0)));
        }
        assertEquals(5L, ledger.balance("tiny"));
    }

    @Test
    void reopeningKeepsTheSchemaAndContinuesTheRound() throws SQLException {
        JdbcLedger first = ledger(PropScheme.withFee(0));
        await(first.accept(share("alice", 1, 100, T0)));
        first.close();
        JdbcLedger second = ledger(PropScheme.withFee(0));
        await(second.accept(share("bob", 1, 100, T0)));
        await(second.blockFound(block(1, "bob", 100, 100, T0)));
        assertEquals(Map.of("alice", 50L, "bob", 50L), minerCredits(second, 1));
        assertEquals(1, count("SELECT COUNT(*) FROM schema_version"));
        assertEquals(Schema.LATEST, count("SELECT MAX(version) FROM schema_version"));
    }

    @Test
    void queueBeyondItsCapacityDelaysSharesButNeverDropsThem() throws SQLException {
        JdbcLedger ledger = database().scheme(PropScheme.withFee(0)).clock(clock).queueCapacity(8).maxBatch(4)
                .build();
        opened.add(ledger);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            acks.add(ledger.accept(share("m" + (i % 7), 1, 100, T0)));
        }
        awaitAll(acks);
        assertEquals(1_000, count("SELECT COUNT(*) FROM shares"));
    }

    @Test
    void paymentDebitsBalancesBeforeSendingAndAFailedOneGivesThemBack() {
        JdbcLedger ledger = ledger(PropScheme.withFee(0));
        ledger.accept(share("alice", 1, 100, T0));
        ledger.accept(share("bob", 9, 100, T0));
        await(ledger.blockFound(block(1, "bob", 10_000, 100, T0)));
        ledger.confirmBlock(hash(1), 100, clock.instant());

        Optional<PaymentBatch> none = ledger.preparePayment("k0", 10_000, 10, Set.of(), clock.instant());
        assertTrue(none.isEmpty());
        PaymentBatch batch = ledger.preparePayment("k1", 1_000, 10, Set.of("alice"), clock.instant()).orElseThrow();
        assertEquals(Map.of("bob", 9_000L), batch.outputs());
        assertEquals(0L, ledger.balance("bob"));
        assertEquals(List.of("k1"), ledger.pendingPayments().stream().map(PaymentBatch::key).toList());
        assertTrue(ledger.markPaymentFailed("k1", "refused", clock.instant()));
        assertFalse(ledger.markPaymentSent("k1", "tx", clock.instant()));
        assertEquals(9_000L, ledger.balance("bob"));

        clock.advance(Duration.ofMinutes(1));
        PaymentBatch again = ledger.preparePayment("k2", 1_000, 10, Set.of(), clock.instant()).orElseThrow();
        assertEquals(Map.of("alice", 1_000L, "bob", 9_000L), again.outputs());
        assertTrue(ledger.markPaymentSent("k2", "txid-2", clock.instant()));
        assertFalse(ledger.markPaymentFailed("k2", "late", clock.instant()));
        assertEquals(0L, ledger.balance("alice"));
        assertTrue(ledger.pendingPayments().isEmpty());
        assertEquals(PaymentStatus.SENT, ledger.payments("bob", 10).get(0).status());
        assertEquals("txid-2", ledger.payments("bob", 10).get(0).txid());
        assertEquals(3, ledger.payments(10).size());
    }

    @Test
    void pruningDropsSharesNoWindowCanNeedAndKeepsTheRest() throws SQLException {
        JdbcLedger ledger = database().scheme(PplnsScheme.of(BigDecimal.ONE, 0)).clock(clock)
                .statsRetention(Duration.ZERO).build();
        opened.add(ledger);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            acks.add(ledger.accept(share("m" + i, 1, 10, T0)));
        }
        awaitAll(acks);
        clock.advance(Duration.ofSeconds(1));
        ledger.pruneNow();
        // Twice the window (2 × 10 difficulty) of unit shares stays.
        assertEquals(20, count("SELECT COUNT(*) FROM shares"));
        await(ledger.blockFound(block(1, "m99", 1_000, 10, T0)));
        assertEquals(10, minerCredits(ledger, 1).size());
        assertTrue(minerCredits(ledger, 1).containsKey("m90"));
    }

    @Test
    void sharesWithinTheStatsRetentionAreKept() throws SQLException {
        JdbcLedger ledger = database().scheme(PropScheme.withFee(0)).clock(clock)
                .statsRetention(Duration.ofHours(1)).build();
        opened.add(ledger);
        ledger.accept(share("a", 1, 10, T0));
        await(ledger.blockFound(block(1, "a", 1_000, 10, T0)));
        await(ledger.accept(share("a", 1, 10, T0)));
        ledger.pruneNow();
        assertEquals(2, count("SELECT COUNT(*) FROM shares"));
        clock.advance(Duration.ofHours(2));
        ledger.pruneNow();
        assertEquals(1, count("SELECT COUNT(*) FROM shares"));
    }

    @Test
    void aSchemeThatFailsLeavesTheWholeRewardAsAResidualLineAndTheStreamGoesOn() {
        PayoutScheme broken = new PayoutScheme() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int feeBasisPoints() {
                return 0;
            }

            @Override
            public io.poolkit.accounting.scheme.WindowSpec window() {
                return io.poolkit.accounting.scheme.WindowSpec.round();
            }

            @Override
            public io.poolkit.accounting.scheme.Allocation allocate(long rewardSats,
                                                                   io.poolkit.accounting.scheme.ShareWindow window) {
                throw new ArithmeticException("plugin bug");
            }
        };
        JdbcLedger ledger = ledger(broken);
        ledger.accept(share("alice", 1, 100, T0));
        await(ledger.blockFound(block(1, "alice", 5_000, 100, T0)));
        await(ledger.accept(share("bob", 1, 100, T0)));
        assertEquals(5_000L, line(ledger, 1, CreditKind.RESIDUAL));
        assertEquals(0L, ledger.immature("alice"));
        assertEquals(new ShareStats(2, 2.0), ledger.poolShares(T0));
    }

    @Test
    void readApiAnswersPerAccount() {
        JdbcLedger ledger = ledger(PropScheme.withFee(1_000));
        ledger.accept(share("alice", 1, 100, T0));
        ledger.accept(share("bob", 1, 100, T0));
        ledger.blockFound(block(1, "alice", 1_000, 100, T0));
        clock.advance(Duration.ofMinutes(10));
        ledger.accept(share("alice", 1, 100, T0.plusSeconds(600)));
        await(ledger.blockFound(block(2, "alice", 2_000, 100, T0.plusSeconds(600))));
        ledger.confirmBlock(hash(1), 100, clock.instant());

        assertEquals(List.of(hash(2), hash(1)), ledger.credits("alice", 10).stream().map(CreditRecord::blockHash)
                .toList(), "newest first");
        assertEquals(List.of(CreditStatus.IMMATURE, CreditStatus.MATURE), ledger.credits("alice", 10).stream()
                .map(CreditRecord::status).toList());
        assertEquals(1, ledger.credits("alice", 1).size());
        assertEquals(1_800L, ledger.immature("alice"));
        assertEquals(450L, ledger.balance("alice"));
        assertEquals(450L, ledger.balance("bob"));
        assertEquals(100L, ledger.balance(ledger.feeAccount()));
        assertEquals(200L, ledger.immature(ledger.feeAccount()));
        assertEquals(Map.of("alice", 450L, "bob", 450L, ledger.feeAccount(), 100L), ledger.balances());
        assertEquals(List.of(hash(2), hash(1)), ledger.blocks(10).stream().map(BlockRecord::hash).toList());
        assertEquals(List.of(hash(2)), ledger.blocks(BlockStatus.PENDING).stream().map(BlockRecord::hash).toList());
        assertEquals(List.of(hash(1)), ledger.blocks(BlockStatus.CONFIRMED).stream().map(BlockRecord::hash)
                .toList());
        BlockRecord second = ledger.block(hash(2)).orElseThrow();
        assertEquals(800_002L, second.height());
        assertEquals("alice", second.account());
        assertEquals(2_000L, second.rewardSats());
        assertEquals(100.0, second.networkDifficulty());
        assertEquals(T0.plusSeconds(600), second.foundAt());
        assertTrue(ledger.block(hash(3)).isEmpty());
        assertEquals(new ShareStats(1, 1.0), ledger.accountShares("alice", T0.plusSeconds(1)));
        assertEquals(0L, ledger.balance("nobody"));
        assertTrue(ledger.payments("alice", 5).isEmpty());
    }

    Map<String, Long> minerCredits(Ledger ledger, long block) {
        return ledger.creditsOfBlock(hash(block)).stream().filter(c -> c.kind() == CreditKind.MINER)
                .collect(Collectors.toMap(CreditRecord::account, CreditRecord::sats));
    }

    long line(Ledger ledger, long block, CreditKind kind) {
        return ledger.creditsOfBlock(hash(block)).stream().filter(c -> c.kind() == kind)
                .mapToLong(CreditRecord::sats).sum();
    }

    static Share unit(String account) {
        return share(account, 1, 100, T0);
    }

    static PayoutScheme pplns2() {
        return PayoutSchemes.byName("pplns", Map.of());
    }
}
