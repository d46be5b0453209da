package io.poolkit.accounting.maturity;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.poolkit.accounting.ledger.BlockStatus;
import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PpsScheme;
import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.accounting.testing.FakeChain;
import io.poolkit.core.chain.Network;
import io.poolkit.core.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockMaturityTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private final FakeChain chain = new FakeChain();
    private JdbcLedger ledger;
    private BlockMaturity maturity;

    @BeforeEach
    void open() {
        ledger = JdbcLedger.builder().sqlite(dir.resolve("ledger.db")).scheme(PropScheme.withFee(0)).clock(clock)
                .build();
        maturity = new BlockMaturity(ledger, chain, Network.REGTEST, clock);
    }

    @AfterEach
    void close() {
        ledger.close();
    }

    private void found(long n, String finder, long reward) {
        ledger.accept(share(finder, 1, 100, T0));
        ledger.blockFound(block(n, finder, reward, 100, T0)).join();
    }

    @Test
    void blockMaturesAtTheNetworksCoinbaseMaturityAndNotBefore() {
        found(1, "alice", 5_000);
        chain.confirm(hash(1), Network.REGTEST.coinbaseMaturity() - 1);
        assertEquals(new BlockMaturity.Report(0, 0, 1, 0), maturity.runOnce());
        assertEquals(99, ledger.block(hash(1)).orElseThrow().confirmations());
        assertEquals(0L, ledger.balance("alice"));
        assertEquals(5_000L, ledger.immature("alice"));

        chain.confirm(hash(1), Network.REGTEST.coinbaseMaturity());
        assertEquals(new BlockMaturity.Report(1, 0, 0, 0), maturity.runOnce());
        assertEquals(5_000L, ledger.balance("alice"));
        assertEquals(0L, ledger.immature("alice"));
        assertEquals(BlockStatus.CONFIRMED, ledger.block(hash(1)).orElseThrow().status());
    }

    @Test
    void runningTwiceChangesNothingTheSecondTime() {
        found(1, "alice", 5_000);
        chain.confirm(hash(1), 150);
        maturity.runOnce();
        assertEquals(new BlockMaturity.Report(0, 0, 0, 0), maturity.runOnce());
        // Even a direct second confirmation of the same block is refused.
        assertEquals(false, ledger.confirmBlock(hash(1), 150, clock.instant()));
        assertEquals(5_000L, ledger.balance("alice"));
    }

    @Test
    void orphanedBlockVoidsItsCreditsAndLeavesTheOthers() {
        found(1, "alice", 5_000);
        found(2, "bob", 7_000);
        chain.orphan(hash(1));
        chain.confirm(hash(2), 100);
        assertEquals(new BlockMaturity.Report(1, 1, 0, 0), maturity.runOnce());
        assertEquals(0L, ledger.balance("alice") + ledger.immature("alice"));
        assertEquals(7_000L, ledger.balance("bob"));
        assertEquals(BlockStatus.ORPHANED, ledger.block(hash(1)).orElseThrow().status());
    }

    @Test
    void ppsCreditsOutliveAnOrphanedBlock() {
        ledger.close();
        ledger = JdbcLedger.builder().sqlite(dir.resolve("pps.db")).scheme(PpsScheme.withFee(0)).clock(clock).build();
        maturity = new BlockMaturity(ledger, chain, Network.REGTEST, clock);
        ledger.accept(share("alice", 50, 100, T0)).join();
        ledger.blockFound(block(1, "alice", 400_000_000, 100, T0)).join();
        chain.orphan(hash(1));
        maturity.runOnce();
        assertEquals(156_250_000L, ledger.balance("alice"));
        assertEquals(0L, ledger.immature(ledger.residualAccount()));
    }

    @Test
    void aNodeThatDoesNotAnswerLeavesBlocksPendingForTheNextPass() {
        found(1, "alice", 5_000);
        chain.down(true);
        assertEquals(new BlockMaturity.Report(0, 0, 0, 1), maturity.runOnce());
        assertEquals(BlockStatus.PENDING, ledger.block(hash(1)).orElseThrow().status());
        chain.down(false);
        chain.confirm(hash(1), 100);
        assertEquals(1, maturity.runOnce().confirmed());
    }

    @Test
    void scheduleRunsPassesOnTheCallersExecutor() throws Exception {
        found(1, "alice", 5_000);
        chain.confirm(hash(1), 100);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> task = maturity.schedule(executor, Duration.ofMillis(10));
            for (int i = 0; i < 500 && ledger.balance("alice") == 0; i++) {
                Thread.sleep(10);
            }
            task.cancel(false);
        } finally {
            executor.shutdownNow();
        }
        assertEquals(5_000L, ledger.balance("alice"));
    }
}
