package io.poolkit.core.vardiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VardiffTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    private static boolean isPowerOfTwo(double d) {
        return Math.scalb(1.0, Math.getExponent(d)) == d;
    }

    // ---- convergence in simulated time ----------------------------------------------------------

    @ParameterizedTest(name = "{0} difficulty-1 shares/s, set_difficulty applied after {1} s")
    @CsvSource({
            "0.0023, 3",     // a 10 MH/s CPU miner: ideal difficulty 0.023
            "1, 3",          // 4.3 GH/s
            "23283, 3",      // a 100 TH/s ASIC: ideal 232,830
            "2.3e8, 0",      // a 1 EH/s proxy (applied at once: a lag at difficulty 1 would be 10^9 shares)
    })
    void convergesTowardsTheTargetIntervalWhateverTheHashrate(double rate, int lagSeconds) {
        double ideal = rate * 10;
        for (long seed = 1; seed <= 3; seed++) {
            SimulatedMiner miner = new SimulatedMiner(VardiffSettings.defaults(), rate, lagSeconds * SECOND, seed);
            miner.runUntil(HOUR);
            miner.resetCounts();
            miner.runUntil(4 * HOUR);
            double interval = 3 * 3600.0 / miner.shares;
            String run = "seed " + seed + ": mean interval " + interval + " s, difficulty " + miner.vardiff.difficulty()
                    + " (ideal " + ideal + "), " + miner.changes + " changes in 3 h";
            assertTrue(interval > 8 && interval < 12.5, run);
            assertTrue(miner.vardiff.difficulty() > ideal / 2 && miner.vardiff.difficulty() < ideal * 2, run);
            assertTrue(miner.changes <= 20, run);
        }
    }

    @Test
    void rampsUpAFastMinerFromItsFirstShares() {
        SimulatedMiner miner = new SimulatedMiner(VardiffSettings.defaults(), 23283, 0, 5);
        miner.runUntil(SECOND);
        double ideal = 232_830;
        assertTrue(miner.vardiff.difficulty() > ideal / 2 && miner.vardiff.difficulty() < ideal * 2,
                "difficulty " + miner.vardiff.difficulty() + " after one second");
        assertTrue(miner.shares < 100, miner.shares + " shares before reaching it");
    }

    @Test
    void followsAMinerWhoseHashrateChanges() {
        SimulatedMiner miner = new SimulatedMiner(VardiffSettings.defaults(), 100, 3 * SECOND, 11);
        miner.runUntil(HOUR);
        miner.rate = 800;
        miner.runUntil(HOUR + 15 * MINUTE);
        double d = miner.vardiff.difficulty();
        assertTrue(d > 4000 && d < 16000, "difficulty " + d + " 15 min after the hashrate rose 8x (ideal 8000)");
        miner.rate = 25;
        miner.runUntil(HOUR + 45 * MINUTE);
        d = miner.vardiff.difficulty();
        assertTrue(d > 125 && d < 500, "difficulty " + d + " 30 min after it fell 32x (ideal 250)");
    }

    @Test
    void lowersAWorkerThatGoesQuiet() {
        Vardiff vardiff = new Vardiff(VardiffSettings.builder().initialDifficulty(90).build(), 0);
        for (long t = SECOND; t < 30 * SECOND; t += SECOND) {
            assertEquals(Vardiff.UNCHANGED, vardiff.onTick(t), "nothing before the period ends");
        }
        // 30 s without a share, aiming at one per 10 s: lowered as if one share had just come.
        assertEquals(30, vardiff.onTick(30 * SECOND), 1e-9);
        assertEquals(10, vardiff.onTick(60 * SECOND), 1e-9);

        SimulatedMiner miner = new SimulatedMiner(VardiffSettings.defaults(), 50, 3 * SECOND, 3);
        miner.runUntil(HOUR);
        double before = miner.vardiff.difficulty();
        miner.rate = 1e-9; // gone quiet: no share in the rest of the run
        miner.runUntil(HOUR + 4 * MINUTE);
        // The first step needs the silence to stand out from the estimate (about 1.5 min here), then each
        // silent period divides by three.
        assertTrue(miner.vardiff.difficulty() < before / 30, before + " -> " + miner.vardiff.difficulty());
        miner.runUntil(2 * HOUR);
        assertEquals(VardiffSettings.defaults().minDifficulty(), miner.vardiff.difficulty());
    }

    // ---- bounds, floor, powers of two, tolerance ------------------------------------------------

    @Test
    void staysWithinTheMinimumAndMaximum() {
        VardiffSettings settings = VardiffSettings.builder().minDifficulty(0.5).maxDifficulty(1000).build();
        SimulatedMiner fast = new SimulatedMiner(settings, 23283, 0, 1);
        SimulatedMiner slow = new SimulatedMiner(settings, 0.0023, 0, 1);
        for (long t = MINUTE; t <= HOUR; t += MINUTE) {
            fast.runUntil(t);
            slow.runUntil(t);
            assertTrue(fast.vardiff.difficulty() <= 1000 && slow.vardiff.difficulty() >= 0.5);
        }
        assertEquals(1000, fast.vardiff.difficulty());
        assertEquals(0.5, slow.vardiff.difficulty());
    }

    @Test
    void aSuggestedDifficultyIsAFloor() {
        Vardiff vardiff = new Vardiff(VardiffSettings.builder().maxDifficulty(1e6).build(), 0);
        assertEquals(64, vardiff.suggestDifficulty(64, 0), "raised at once");
        assertEquals(64, vardiff.difficulty());
        assertEquals(64, vardiff.floor());
        for (long t = SECOND; t <= 10 * MINUTE; t += SECOND) { // a silent worker
            double next = vardiff.onTick(t);
            assertTrue(next == Vardiff.UNCHANGED || next >= 64, "went to " + next);
        }
        assertEquals(64, vardiff.difficulty());

        assertEquals(Vardiff.UNCHANGED, vardiff.suggestDifficulty(8, 11 * MINUTE), "a lower floor changes nothing now");
        assertEquals(8, vardiff.floor());
        assertEquals(Vardiff.UNCHANGED, vardiff.suggestDifficulty(Double.NaN, 11 * MINUTE));
        assertEquals(Vardiff.UNCHANGED, vardiff.suggestDifficulty(-1, 11 * MINUTE));
        assertEquals(Vardiff.UNCHANGED, vardiff.suggestDifficulty(0, 11 * MINUTE));
        assertEquals(Vardiff.UNCHANGED, vardiff.suggestDifficulty(Double.POSITIVE_INFINITY, 11 * MINUTE));
        assertEquals(8, vardiff.floor(), "nonsense suggestions are ignored");
        assertEquals(1e6, vardiff.suggestDifficulty(1e9, 11 * MINUTE), "clamped to the maximum");
    }

    @Test
    void roundsDownToPowersOfTwoWhenAsked() {
        VardiffSettings settings = VardiffSettings.builder().powerOfTwo(true).minDifficulty(1.0 / 1024)
                .maxDifficulty(1 << 30).build();
        for (double rate : new double[] {0.0023, 1, 23283}) {
            SimulatedMiner miner = new SimulatedMiner(settings, rate, 0, 2);
            for (long t = MINUTE; t <= 2 * HOUR; t += MINUTE) {
                miner.runUntil(t);
                assertTrue(isPowerOfTwo(miner.vardiff.difficulty()), "" + miner.vardiff.difficulty());
            }
            double ideal = rate * 10;
            double d = miner.vardiff.difficulty();
            assertTrue(d > ideal / 4 && d < ideal * 1.5, "rate " + rate + ": difficulty " + d + ", ideal " + ideal);
        }
        Vardiff vardiff = new Vardiff(settings, 0);
        assertEquals(128, vardiff.suggestDifficulty(100, 0), "a floor rounds up");
        assertEquals(128, vardiff.floor());
    }

    @Test
    void leavesADeviationInsideTheToleranceBandAlone() {
        Vardiff steady = new Vardiff(VardiffSettings.defaults(), 0);
        // Shares at difficulty 1 exactly every 12 s: the ideal is 0.83, inside ±30 %.
        for (long t = SECOND; t <= 2 * HOUR; t += SECOND) {
            double changed = t % (12 * SECOND) == 0 ? steady.onShare(t) : steady.onTick(t);
            assertEquals(Vardiff.UNCHANGED, changed, "changed at " + t / SECOND + " s");
        }

        Vardiff slow = new Vardiff(VardiffSettings.defaults(), 0);
        // Every 25 s: the ideal is 0.4, outside the band; a handful of shares make that sure.
        double changed = Vardiff.UNCHANGED;
        long t = SECOND;
        for (; t <= HOUR && changed == Vardiff.UNCHANGED; t += SECOND) {
            changed = t % (25 * SECOND) == 0 ? slow.onShare(t) : slow.onTick(t);
        }
        // Looks end between shares, so the estimate of an exactly regular miner is a little low.
        assertEquals(0.4, changed, 0.08);
        assertTrue(t < 5 * MINUTE, "changed after " + t / SECOND + " s");
    }

    @Test
    void sharesCreditedAtAnOldDifficultyCountAtThatDifficulty() {
        Vardiff a = new Vardiff(VardiffSettings.builder().initialDifficulty(100).build(), 0);
        Vardiff b = new Vardiff(VardiffSettings.builder().initialDifficulty(100).build(), 0);
        double nextA = Vardiff.UNCHANGED;
        // 16 shares a second apart: at 100 each that is 10x the aim; credited at 10 each (an older, easier
        // difficulty) it is the aim.
        for (int i = 1; i <= 16; i++) {
            double a16 = a.onShare(i * SECOND, 100);
            nextA = nextA == Vardiff.UNCHANGED ? a16 : nextA;
            assertEquals(Vardiff.UNCHANGED, b.onShare(i * SECOND, 10), "share " + i);
        }
        assertEquals(937.5, nextA, 1e-9, "15 shares of 100 over 16 s, times 10 s");
        assertEquals(Vardiff.UNCHANGED, b.onShare(17 * SECOND, Double.NaN), "a nonsense credit counts as current");
    }

    @Test
    void settingsRefuseBadValuesNamingThem() {
        assertEquals("target share interval must be 10 ms to 1 h: PT0.001S", assertThrows(IllegalArgumentException.class,
                () -> VardiffSettings.builder().targetShareInterval(Duration.ofMillis(1)).build()).getMessage());
        assertEquals("retarget period must be from the target share interval (PT10S) to 1 day: PT5S",
                assertThrows(IllegalArgumentException.class,
                        () -> VardiffSettings.builder().retargetPeriod(Duration.ofSeconds(5)).build()).getMessage());
        assertEquals("retarget shares must be 2..1000000: 1", assertThrows(IllegalArgumentException.class,
                () -> VardiffSettings.builder().retargetShares(1).build()).getMessage());
        assertEquals("tolerance must be 0..0.9 (a fraction, 0.3 = ±30 %): 30.0", assertThrows(
                IllegalArgumentException.class, () -> VardiffSettings.builder().tolerance(30).build()).getMessage());
        assertEquals("tolerance must be 0..0.9 (a fraction, 0.3 = ±30 %): NaN", assertThrows(
                IllegalArgumentException.class, () -> VardiffSettings.builder().tolerance(Double.NaN).build())
                .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> VardiffSettings.builder().minDifficulty(0).build()).getMessage()
                .startsWith("minimum difficulty must be finite and at least 2^-32"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> VardiffSettings.builder().maxDifficulty(Double.POSITIVE_INFINITY).build()).getMessage()
                .startsWith("maximum difficulty must be finite"));
        assertEquals("minimum difficulty 8.0 is above the maximum 4.0", assertThrows(IllegalArgumentException.class,
                () -> VardiffSettings.builder().minDifficulty(8).maxDifficulty(4).initialDifficulty(4).build())
                .getMessage());
        assertEquals("initial difficulty 0.5 is outside 1.0..100.0", assertThrows(IllegalArgumentException.class,
                () -> VardiffSettings.builder().minDifficulty(1).maxDifficulty(100).initialDifficulty(0.5).build())
                .getMessage());
        assertEquals("with powerOfTwo, the maximum difficulty must be a power of two: 1000.0", assertThrows(
                IllegalArgumentException.class,
                () -> VardiffSettings.builder().powerOfTwo(true).maxDifficulty(1000).build()).getMessage());
        VardiffSettings fine = VardiffSettings.builder().minDifficulty(VardiffSettings.MIN_DIFFICULTY)
                .initialDifficulty(0.001).build();
        assertEquals(0.001, new Vardiff(fine, 0).difficulty());
    }

    @Test
    void countingSharesAllocatesNothing() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) threads;
        bean.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().getId();
        Vardiff vardiff = new Vardiff(VardiffSettings.defaults(), 0);
        long[] allocated = new long[2];
        double changes = 0;
        long t = 0;
        for (int round = 0; round < 2; round++) {
            long before = bean.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 100_000; i++) {
                t += (i % 7 + 1) * 100_000_000L;
                changes += vardiff.onShare(t, vardiff.difficulty()) + vardiff.onTick(t);
            }
            allocated[round] = bean.getThreadAllocatedBytes(thread) - before;
        }
        assertTrue(changes > 0);
        assertTrue(allocated[1] < 1024, allocated[1] + " bytes allocated by 100,000 shares");
    }
}
