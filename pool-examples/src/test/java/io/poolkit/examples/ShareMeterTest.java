package io.poolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import io.poolkit.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShareMeterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Share share(String account, String worker, double difficulty, ManualClock clock) {
        return new Share(account, worker, difficulty, 1, 1, 5_000_000_000L, 0, clock.instant());
    }

    @Test
    void hashrateIsAcceptedDifficultyTimesTwoToThe32OverTheWindow() {
        ManualClock clock = new ManualClock(T0);
        ShareMeter meter = new ShareMeter(clock);
        clock.advance(Duration.ofMinutes(10));
        for (int i = 0; i < 60; i++) {
            clock.advance(Duration.ofSeconds(1));
            meter.accept(share("a", "a.1", 0.5, clock));
        }
        // 60 shares of difficulty 0.5 in the last minute (the window is whole seconds, the current one included).
        assertEquals(30 * 4_294_967_296.0 / 60, meter.hashrate(Duration.ofMinutes(1)), 1e-3);
        assertEquals(30 * 4_294_967_296.0 / 300, meter.hashrate(Duration.ofMinutes(5)), 1e-3);
        assertEquals(60, meter.totalShares());
    }

    @Test
    void recentHashrateCountsOnlyTheTimeSinceStart() {
        ManualClock clock = new ManualClock(T0);
        ShareMeter meter = new ShareMeter(clock);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(1));
            meter.accept(share("a", "a.1", 1, clock));
        }
        assertEquals(10 * 4_294_967_296.0 / 10, meter.recentHashrate(Duration.ofMinutes(5)), 1e-3);
        assertEquals(10 * 4_294_967_296.0 / 300, meter.hashrate(Duration.ofMinutes(5)), 1e-3);
    }

    @Test
    void sharesOlderThanTheWindowDoNotCount() {
        ManualClock clock = new ManualClock(T0);
        ShareMeter meter = new ShareMeter(clock);
        meter.accept(share("a", "a.1", 1, clock));
        clock.advance(Duration.ofMinutes(2));
        assertEquals(0, meter.hashrate(Duration.ofMinutes(1)));
        // An hour later the same ring slot is reused for a new second; the old share is not counted twice.
        clock.advance(Duration.ofMinutes(58));
        meter.accept(share("a", "a.1", 2, clock));
        assertEquals(2 * 4_294_967_296.0 / 60, meter.hashrate(Duration.ofMinutes(1)), 1e-3);
    }

    @Test
    void minersAndWorkersAreThoseWithARecentShare() {
        ManualClock clock = new ManualClock(T0);
        ShareMeter meter = new ShareMeter(clock);
        meter.accept(share("a", "a.1", 1, clock));
        meter.accept(share("a", "a.2", 1, clock));
        clock.advance(Duration.ofMinutes(4));
        meter.accept(share("b", "b", 1, clock));
        assertEquals(2, meter.miners(Duration.ofMinutes(5)));
        assertEquals(3, meter.workers(Duration.ofMinutes(5)));
        assertEquals(1, meter.miners(Duration.ofMinutes(1)));
        assertEquals(Map.of("a.1", T0, "a.2", T0), meter.workersOf("a"));
        FoundBlock block = new FoundBlock(Hash256.ZERO, 1, "b", "b", 1, 1, clock.instant());
        meter.blockFound(block);
        assertEquals(block, meter.lastBlock());
        assertEquals(1, meter.blocksFound());
    }
}
