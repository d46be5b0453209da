package io.poolkit.core.vardiff;

import java.util.SplittableRandom;

/**
 * A miner in simulated time: shares arrive as a Poisson process whose rate is its hashrate over the
 * difficulty it mines at, a difficulty change reaches it after a lag (real miners apply
 * {@code mining.set_difficulty} from the next job), and its vardiff gets a tick every second. No sleeping:
 * time is a number.
 */
final class SimulatedMiner {
    private static final long SECOND = 1_000_000_000L;

    final Vardiff vardiff;
    /** Work per second, in difficulty-1 shares (2^32 hashes each). */
    double rate;
    private final long lagNanos;
    private final SplittableRandom random;

    long now;
    private double mining;          // the difficulty the miner works at
    private double pending = Double.NaN;
    private long pendingAt;
    private long nextShare;
    private long nextTick;

    long shares;
    long changes;
    double work;

    SimulatedMiner(VardiffSettings settings, double rate, long lagNanos, long seed) {
        this.vardiff = new Vardiff(settings, 0);
        this.rate = rate;
        this.lagNanos = lagNanos;
        this.random = new SplittableRandom(seed);
        this.mining = vardiff.difficulty();
        this.nextShare = drawShare(0);
        this.nextTick = SECOND;
    }

    private long drawShare(long from) {
        double seconds = -Math.log(1 - random.nextDouble()) * mining / rate;
        return from + Math.max(1, (long) Math.min(seconds * 1e9, 1e18));
    }

    /** Runs until {@code until} (nanoseconds of simulated time), counting shares from now on. */
    void runUntil(long until) {
        while (true) {
            long nextApply = Double.isNaN(pending) ? Long.MAX_VALUE : pendingAt;
            long next = Math.min(Math.min(nextShare, nextTick), nextApply);
            if (next > until) {
                now = until;
                return;
            }
            now = next;
            double changed;
            if (next == nextApply) {
                mining = pending;
                pending = Double.NaN;
                nextShare = drawShare(now); // memoryless: the new difficulty's rate from now on
                continue;
            } else if (next == nextShare) {
                shares++;
                work += mining;
                changed = vardiff.onShare(now, mining);
                nextShare = drawShare(now);
            } else {
                changed = vardiff.onTick(now);
                nextTick += SECOND;
            }
            if (changed != Vardiff.UNCHANGED) {
                changes++;
                pending = changed;
                pendingAt = now + lagNanos;
            }
        }
    }

    void resetCounts() {
        shares = 0;
        changes = 0;
        work = 0;
    }
}
