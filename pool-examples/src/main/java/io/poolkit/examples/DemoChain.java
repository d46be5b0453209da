package io.poolkit.examples;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.node.EmbeddedChain;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's chain: an {@link EmbeddedChain} whose difficulty follows the pool's measured hash rate so that
 * the pool finds a block about every {@code blockInterval}, as Bitcoin's retargeting would, only faster.
 *
 * <p>It starts from the built-in miners' expected hash rate, then every few block intervals compares the
 * hash rate the accepted shares show ({@link ShareMeter}) with the one the difficulty was set for, and
 * retargets when they differ by more than a quarter. Each retarget is a new template with clean jobs, so it
 * happens rarely.
 *
 * <p>With {@code --mine-every} the chain also mines blocks of its own ({@link #mineOutsideBlock()}), as another
 * pool would: a new tip and a clean job for every miner, but no block of this pool's (its coinbase pays
 * someone else, and it never reaches the pool's share sinks or ledger). The chain searches those nonces
 * itself, so its difficulty then stays at or below {@link #SELF_MINABLE_DIFFICULTY}. Thread-safe; runs on
 * the caller's scheduler.
 */
final class DemoChain {
    private static final Logger LOG = LoggerFactory.getLogger(DemoChain.class);
    /** The hash rate assumed for a built-in miner without a cap: about one core with SHA instructions. */
    static final double UNCAPPED_MINER_HASHRATE = 10e6;
    /** The hash rate assumed when there are no built-in miners (outside miners or a load generator). */
    static final double NO_MINERS_HASHRATE = 1e6;
    /** A built-in miner should send a share about this often at the initial difficulty. */
    private static final double SECONDS_PER_SHARE = 2;
    /**
     * The highest chain difficulty with {@code --mine-every}: 2<sup>-13</sup>, about 524,000 hashes a block, half
     * of what {@link EmbeddedChain#mineBlocks} allows, so the chain's own block costs it well under a second.
     */
    static final double SELF_MINABLE_DIFFICULTY = Math.scalb(1.0, -13);

    private final EmbeddedChain chain;
    private final ShareMeter meter;
    private final Duration blockInterval;
    private final Clock clock;
    private final long startedMillis;
    private final boolean selfMining;
    private final AtomicLong outsideBlocks = new AtomicLong();
    private volatile double targetHashrate;
    /** Whether the difficulty is held at {@link #SELF_MINABLE_DIFFICULTY}. */
    private volatile boolean capped;

    private DemoChain(EmbeddedChain chain, ShareMeter meter, Duration blockInterval, double hashrate,
                      boolean selfMining, boolean capped, Clock clock) {
        this.chain = chain;
        this.meter = meter;
        this.blockInterval = blockInterval;
        this.targetHashrate = hashrate;
        this.selfMining = selfMining;
        this.capped = capped;
        this.clock = clock;
        this.startedMillis = clock.millis();
    }

    /**
     * A chain tuned for the expected hash rate of the demo's miners; with {@code mineEvery}, no harder than
     * {@link #SELF_MINABLE_DIFFICULTY}.
     */
    static DemoChain create(PoolSettings.DemoSettings demo, ShareMeter meter, Clock clock) {
        double hashrate = expectedHashrate(demo.miners(), demo.minerHashrate());
        boolean selfMining = demo.mineEvery().isPresent();
        EmbeddedChain.Builder b = EmbeddedChain.builder()
                .clock(clock)
                .refreshInterval(Duration.ofSeconds(30));
        boolean capped = selfMining && difficultyFor(hashrate, demo.blockInterval()) > SELF_MINABLE_DIFFICULTY;
        if (capped) {
            b.difficulty(SELF_MINABLE_DIFFICULTY);
        } else {
            b.retarget(hashrate, demo.blockInterval());
        }
        return new DemoChain(b.build(), meter, demo.blockInterval(), hashrate, selfMining, capped, clock);
    }

    /** The network difficulty at which {@code hashrate} finds a block every {@code interval} on average. */
    static double difficultyFor(double hashrate, Duration interval) {
        return hashrate * (interval.toNanos() / 1e9) / ShareMeter.HASHES_PER_DIFFICULTY;
    }

    /**
     * Mines one block as an outside miner would ({@code --mine-every}): the chain's tip moves on and every
     * session gets a clean job, but the block is not the pool's, so no share sink, ledger or counter of the
     * pool sees it. Runs on the caller's thread (well under a second at {@link #SELF_MINABLE_DIFFICULTY}).
     *
     * @return the block's hash
     */
    Hash256 mineOutsideBlock() {
        Hash256 mined = chain.mineBlocks(1).get(0);
        outsideBlocks.incrementAndGet();
        return mined;
    }

    /** Blocks {@link #mineOutsideBlock()} added since start. */
    long outsideBlocks() {
        return outsideBlocks.get();
    }

    /** The built-in miners' hash rate together, or an assumption when they have no cap or there are none. */
    static double expectedHashrate(int miners, long minerHashrate) {
        if (miners == 0) {
            return NO_MINERS_HASHRATE;
        }
        return miners * (minerHashrate > 0 ? (double) minerHashrate : UNCAPPED_MINER_HASHRATE);
    }

    /** A share difficulty at which one built-in miner sends a share about every two seconds. */
    static double initialShareDifficulty(int miners, long minerHashrate) {
        double perMiner = miners == 0 ? NO_MINERS_HASHRATE
                : minerHashrate > 0 ? minerHashrate : UNCAPPED_MINER_HASHRATE;
        double difficulty = perMiner * SECONDS_PER_SHARE / ShareMeter.HASHES_PER_DIFFICULTY;
        return Math.max(1e-9, Math.min(1e15, difficulty));
    }

    EmbeddedChain chain() {
        return chain;
    }

    /** The hash rate the current difficulty was set for. */
    double targetHashrate() {
        return targetHashrate;
    }

    /**
     * One check (the pool runs it every {@code max(3 × block interval, 10 s)}): retargets when the measured hash
     * rate is off by more than 25 %; returns whether it did.
     */
    boolean retargetIfNeeded() {
        try {
            long measuredFor = Math.min(Duration.ofMinutes(5).toMillis(), clock.millis() - startedMillis);
            if (measuredFor < 5_000) {
                return false;
            }
            double measured = meter.recentHashrate(Duration.ofMillis(measuredFor));
            if (!(measured > 0)) {
                return false;
            }
            double ratio = measured / targetHashrate;
            if (ratio > 0.75 && ratio < 1.25) {
                return false;
            }
            if (selfMining && difficultyFor(measured, blockInterval) > SELF_MINABLE_DIFFICULTY) {
                targetHashrate = measured;
                if (capped) {
                    return false; // already at the cap: no new template
                }
                chain.setDifficulty(SELF_MINABLE_DIFFICULTY);
                capped = true;
                LOG.info("demo chain capped at difficulty {} so that it can mine its own blocks (measured {})",
                        SELF_MINABLE_DIFFICULTY, formatHashrate(measured));
                return true;
            }
            chain.retarget(measured, blockInterval);
            capped = false;
            LOG.info("demo chain retargeted: measured {} (was set for {}), difficulty now {}",
                    formatHashrate(measured), formatHashrate(targetHashrate),
                    String.format(Locale.ROOT, "%.6g", chain.difficulty()));
            targetHashrate = measured;
            return true;
        } catch (RuntimeException e) {
            LOG.warn("demo chain retarget failed: {}", e.toString());
            return false;
        }
    }

    /** {@code 1.23 MH/s} and the like. */
    static String formatHashrate(double hashesPerSecond) {
        String[] units = {"H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s"};
        double value = hashesPerSecond;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }
}
