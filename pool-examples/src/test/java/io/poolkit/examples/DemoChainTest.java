package io.poolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.node.EmbeddedChain;
import io.poolkit.core.share.Share;
import io.poolkit.core.testing.ManualClock;
import io.poolkit.examples.PoolSettings.DemoSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoChainTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(20);

    /** Feeds {@code seconds} of shares standing for {@code hashrate}, one a second. */
    private static void mine(ShareMeter meter, ManualClock clock, double hashrate, int seconds) {
        for (int i = 0; i < seconds; i++) {
            meter.accept(new Share("a", "a", hashrate / ShareMeter.HASHES_PER_DIFFICULTY, 1, 1, 1, 0,
                    clock.instant()));
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void startsAtTheMinersExpectedHashrate() {
        ManualClock clock = new ManualClock(T0);
        DemoChain demo = DemoChain.create(new DemoSettings(3, 1_000_000, INTERVAL, 3, Optional.empty()),
                new ShareMeter(clock), clock);
        try {
            assertEquals(3e6, demo.targetHashrate());
            assertEquals(EmbeddedChain.bitsFor(Network.REGTEST, 3e6, INTERVAL), demo.chain().bits());
        } finally {
            demo.chain().close();
        }
    }

    @Test
    void retargetsWhenTheMeasuredHashrateIsFarOffAndNotOtherwise() {
        ManualClock clock = new ManualClock(T0);
        ShareMeter meter = new ShareMeter(clock);
        DemoChain demo = DemoChain.create(new DemoSettings(2, 1_000_000, INTERVAL, 3, Optional.empty()), meter, clock);
        try {
            mine(meter, clock, 2.2e6, 60); // within 25 % of the 2 MH/s it was set for
            assertFalse(demo.retargetIfNeeded());

            mine(meter, clock, 8e6, 240); // the last 5 minutes now average 6.88 MH/s
            assertTrue(demo.retargetIfNeeded());
            double measured = meter.recentHashrate(Duration.ofMinutes(5));
            assertEquals(measured, demo.targetHashrate());
            assertEquals(EmbeddedChain.bitsFor(Network.REGTEST, measured, INTERVAL), demo.chain().bits());
        } finally {
            demo.chain().close();
        }
    }

    @Test
    void withMineEveryTheDifficultyIsCappedSoTheChainCanMineItsOwnBlocks() {
        ManualClock clock = new ManualClock(T0);
        ShareMeter meter = new ShareMeter(clock);
        DemoChain demo = DemoChain.create(new DemoSettings(3, 1_000_000, INTERVAL, 3,
                Optional.of(Duration.ofSeconds(5))), meter, clock);
        try {
            // 3 MH/s for a block every INTERVAL would need a far higher difficulty.
            assertTrue(DemoChain.difficultyFor(3e6, INTERVAL) > DemoChain.SELF_MINABLE_DIFFICULTY);
            assertEquals(DemoChain.SELF_MINABLE_DIFFICULTY, demo.chain().difficulty(),
                    1e-6 * DemoChain.SELF_MINABLE_DIFFICULTY);
            Hash256 mined = demo.mineOutsideBlock();
            assertEquals(mined, demo.chain().tipHash());
            assertEquals(1, demo.outsideBlocks());

            mine(meter, clock, 8e6, 240); // far off, but still above the cap: no new template
            assertFalse(demo.retargetIfNeeded());
            assertEquals(DemoChain.SELF_MINABLE_DIFFICULTY, demo.chain().difficulty(),
                    1e-6 * DemoChain.SELF_MINABLE_DIFFICULTY);
        } finally {
            demo.chain().close();
        }
    }

    @Test
    void theInitialShareDifficultyGivesAMinerAShareEveryTwoSeconds() {
        assertEquals(1e6 * 2 / ShareMeter.HASHES_PER_DIFFICULTY, DemoChain.initialShareDifficulty(3, 1_000_000));
        assertEquals(10e6 * 2 / ShareMeter.HASHES_PER_DIFFICULTY, DemoChain.initialShareDifficulty(3, 0));
        assertEquals(1e6 * 2 / ShareMeter.HASHES_PER_DIFFICULTY, DemoChain.initialShareDifficulty(0, 0));
    }
}
