package io.poolkit.accounting.scheme;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.maturity.BlockMaturity;
import io.poolkit.accounting.payment.LocalWallet;
import io.poolkit.accounting.payment.PaymentProcessor;
import io.poolkit.accounting.testing.FakeChain;
import io.poolkit.core.chain.Network;
import io.poolkit.core.testing.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin scheme, found by name through META-INF/services and used from share to payment. */
class FinderBonusSchemeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void pluginIsFoundByNameWithItsSettings() {
        PayoutScheme scheme = PayoutSchemes.byName("finder-bonus", Map.of("bonus.bps", "500", "fee.bps", "100"));
        assertInstanceOf(FinderBonusScheme.class, scheme);
        assertEquals(100, scheme.feeBasisPoints());
        assertThrows(IllegalArgumentException.class,
                () -> PayoutSchemes.byName("finder-bonus", Map.of("bonus.bps", "9000")));
    }

    @Test
    void pluginSplitsARealBlockThroughTheLedgerAndItGetsPaid() {
        PayoutScheme scheme = PayoutSchemes.byName("finder-bonus", Map.of("bonus.bps", "500", "fee.bps", "100"));
        ManualClock clock = new ManualClock(T0);
        FakeChain chain = new FakeChain();
        LocalWallet wallet = LocalWallet.inMemory(10_000_000_000L);
        try (JdbcLedger ledger = JdbcLedger.builder().sqlite(dir.resolve("pool.db")).scheme(scheme).clock(clock)
                .build()) {
            ledger.accept(share("alice", 3, 100, T0));
            ledger.accept(share("bob", 1, 100, T0));
            ledger.blockFound(block(1, "bob", 625_000_000, 100, T0)).join();

            // fee 1% = 6,250,000; bonus 5% = 31,250,000 to bob; 587,500,000 split 3:1.
            Map<String, Long> credits = ledger.creditsOfBlock(hash(1)).stream()
                    .collect(Collectors.toMap(c -> c.account(), c -> c.sats()));
            assertEquals(Map.of("alice", 440_625_000L, "bob", 146_875_000L + 31_250_000L, "pool-fee", 6_250_000L),
                    credits);

            chain.confirm(hash(1), Network.MAINNET.coinbaseMaturity());
            BlockMaturity maturity = new BlockMaturity(ledger, chain, Network.MAINNET, clock);
            assertEquals(1, maturity.runOnce().confirmed());
            PaymentProcessor payments = PaymentProcessor.builder(ledger, wallet).thresholdSats(100_000_000)
                    .exclude(Set.of("pool-fee")).clock(clock).build();
            PaymentProcessor.Report report = payments.runOnce();
            assertEquals(1, report.sent());
            assertEquals(Map.of("alice", 440_625_000L, "bob", 178_125_000L), wallet.transactions().get(0).outputs());
            assertEquals(6_250_000L, ledger.balance("pool-fee"));
            assertEquals(0L, ledger.balance("alice"));
        }
    }
}
