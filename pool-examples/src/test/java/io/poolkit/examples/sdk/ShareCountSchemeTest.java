package io.poolkit.examples.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.CreditKind;
import io.poolkit.accounting.ledger.CreditRecord;
import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.Allocation;
import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.accounting.scheme.ShareWindow;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's plugin, found by name and used end to end the way a pool operator would. */
class ShareCountSchemeTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Hash256 BLOCK = Hash256.fromDisplayHex(
            "3676aec42f7cdb1732b36b73c40932c6ca8a6dbf0b0826263f9dde2d839f18d2");

    @Test
    void isFoundByNameAndSplitsByShareCountWhateverTheDifficulty() {
        PayoutScheme scheme = PayoutSchemes.byName("share-count", Map.of("fee.bps", "100"));
        FoundBlock block = new FoundBlock(BLOCK, 10, "a", "a.1", 1_000_001, 1, T0);
        ShareWindow window = ShareWindow.builder(block)
                .add("a", 1_000, 1).add("b", 0.001, 2).add("b", 0.001, 3).build();

        Allocation split = scheme.allocate(1_000_001, window);

        assertEquals(10_000, split.feeSats());
        assertEquals(Map.of("a", 330_000L, "b", 660_001L), split.credits());
        assertEquals(1_000_001, split.creditedSats() + split.feeSats() + split.residualSats());
    }

    @Test
    void anUnknownSettingIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PayoutSchemes.byName("share-count", Map.of("n", "2")));
        assertTrue(e.getMessage().contains("n"), e.getMessage());
    }

    @Test
    void theLedgerSplitsAFoundBlockWithIt(@TempDir Path dir) {
        try (JdbcLedger ledger = JdbcLedger.builder().sqlite(dir.resolve("ledger.db"))
                .scheme(PayoutSchemes.byName("share-count", Map.of("fee.bps", "0"))).build()) {
            ledger.accept(new Share("a", "a.1", 5, 1, 10, 5_000_000_000L, 0, T0));
            ledger.accept(new Share("b", "b.1", 0.5, 1, 10, 5_000_000_000L, 0, T0));
            ledger.blockFound(new FoundBlock(BLOCK, 10, "a", "a.1", 5_000_000_000L, 1, T0)).join();

            List<CreditRecord> credits = ledger.creditsOfBlock(BLOCK);

            assertEquals(2, credits.size());
            assertTrue(credits.stream().allMatch(c -> c.kind() == CreditKind.MINER && c.sats() == 2_500_000_000L));
        }
    }
}
