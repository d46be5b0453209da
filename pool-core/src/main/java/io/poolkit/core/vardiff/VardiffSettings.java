package io.poolkit.core.vardiff;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Vardiff} retargets: the share interval it aims for, how often it looks, how far off it
 * tolerates, and the bounds. Immutable and thread-safe; one instance is shared by every worker.
 *
 * <pre>{@code
 * VardiffSettings settings = VardiffSettings.builder()
 *         .targetShareInterval(Duration.ofSeconds(10))
 *         .minDifficulty(0.001).maxDifficulty(1e12)
 *         .initialDifficulty(1024)
 *         .build();
 * }</pre>
 *
 * <p>Defaults: a share every 10 s; a look every 30 s or every 16 shares, whichever comes first; no change
 * within ±30 %; difficulty from 2<sup>-16</sup> to 2<sup>50</sup>, starting at 1; any value, not only
 * powers of two.
 */
public final class VardiffSettings {
    /** The lowest difficulty allowed, 2^-32: its target is already met by all but one hash in 65,536. */
    public static final double MIN_DIFFICULTY = 0x1p-32;

    private static final VardiffSettings DEFAULTS = builder().build();

    private final long targetIntervalNanos;
    private final long retargetPeriodNanos;
    private final int retargetShares;
    private final double tolerance;
    private final double minDifficulty;
    private final double maxDifficulty;
    private final double initialDifficulty;
    private final boolean powerOfTwo;

    private VardiffSettings(Builder b) {
        this.targetIntervalNanos = b.targetShareInterval.toNanos();
        this.retargetPeriodNanos = b.retargetPeriod.toNanos();
        this.retargetShares = b.retargetShares;
        this.tolerance = b.tolerance;
        this.minDifficulty = b.minDifficulty;
        this.maxDifficulty = b.maxDifficulty;
        this.initialDifficulty = b.initialDifficulty;
        this.powerOfTwo = b.powerOfTwo;
    }

    /** The default settings (see the class description). */
    public static VardiffSettings defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The share interval each worker is steered towards. */
    public Duration targetShareInterval() {
        return Duration.ofNanos(targetIntervalNanos);
    }

    /** The longest time between two looks at a worker's share rate (also the time a quiet worker is given). */
    public Duration retargetPeriod() {
        return Duration.ofNanos(retargetPeriodNanos);
    }

    /** A look is also taken after this many shares, so a fast worker is retargeted in moments. */
    public int retargetShares() {
        return retargetShares;
    }

    /** The relative deviation from the ideal difficulty that is left alone, e.g. 0.3 for ±30 %. */
    public double tolerance() {
        return tolerance;
    }

    public double minDifficulty() {
        return minDifficulty;
    }

    public double maxDifficulty() {
        return maxDifficulty;
    }

    /** A new worker's difficulty. */
    public double initialDifficulty() {
        return initialDifficulty;
    }

    /** Whether every difficulty set is a power of two (rounded down), for firmware that needs it. */
    public boolean powerOfTwo() {
        return powerOfTwo;
    }

    long targetIntervalNanos() {
        return targetIntervalNanos;
    }

    long retargetPeriodNanos() {
        return retargetPeriodNanos;
    }

    @Override
    public String toString() {
        return "VardiffSettings[target " + targetShareInterval() + ", period " + retargetPeriod() + " or "
                + retargetShares + " shares, tolerance " + tolerance + ", difficulty " + minDifficulty + ".."
                + maxDifficulty + " from " + initialDifficulty + (powerOfTwo ? ", powers of two" : "") + "]";
    }

    /** Builds {@link VardiffSettings}; {@link #build()} checks every value. Not thread-safe. */
    public static final class Builder {
        private Duration targetShareInterval = Duration.ofSeconds(10);
        private Duration retargetPeriod = Duration.ofSeconds(30);
        private int retargetShares = 16;
        private double tolerance = 0.3;
        private double minDifficulty = Math.scalb(1.0, -16);
        private double maxDifficulty = Math.scalb(1.0, 50);
        private double initialDifficulty = 1;
        private boolean powerOfTwo;

        private Builder() {}

        /** The share interval to aim for (default 10 s); 10 ms to 1 hour. */
        public Builder targetShareInterval(Duration interval) {
            this.targetShareInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** The longest time between looks (default 30 s); at least the target share interval, at most a day. */
        public Builder retargetPeriod(Duration period) {
            this.retargetPeriod = Objects.requireNonNull(period, "period");
            return this;
        }

        /** Shares after which a look is taken early (default 16); 2 to 1,000,000. */
        public Builder retargetShares(int shares) {
            this.retargetShares = shares;
            return this;
        }

        /** The deviation left alone, as a fraction (default 0.3 for ±30 %); 0 to 0.9. */
        public Builder tolerance(double tolerance) {
            this.tolerance = tolerance;
            return this;
        }

        /** The lowest difficulty (default 2^-16); at least {@link VardiffSettings#MIN_DIFFICULTY}, may be below 1. */
        public Builder minDifficulty(double difficulty) {
            this.minDifficulty = difficulty;
            return this;
        }

        /** The highest difficulty (default 2^50). */
        public Builder maxDifficulty(double difficulty) {
            this.maxDifficulty = difficulty;
            return this;
        }

        /** A new worker's difficulty (default 1); within the bounds. */
        public Builder initialDifficulty(double difficulty) {
            this.initialDifficulty = difficulty;
            return this;
        }

        /**
         * Sets only powers of two (default off), rounding the ideal difficulty down; the minimum, maximum and
         * initial difficulty must then be powers of two themselves.
         */
        public Builder powerOfTwo(boolean powerOfTwo) {
            this.powerOfTwo = powerOfTwo;
            return this;
        }

        public VardiffSettings build() {
            if (targetShareInterval.compareTo(Duration.ofMillis(10)) < 0
                    || targetShareInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("target share interval must be 10 ms to 1 h: " + targetShareInterval);
            }
            if (retargetPeriod.compareTo(targetShareInterval) < 0 || retargetPeriod.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("retarget period must be from the target share interval ("
                        + targetShareInterval + ") to 1 day: " + retargetPeriod);
            }
            if (retargetShares < 2 || retargetShares > 1_000_000) {
                throw new IllegalArgumentException("retarget shares must be 2..1000000: " + retargetShares);
            }
            if (!(tolerance >= 0 && tolerance <= 0.9)) {
                throw new IllegalArgumentException("tolerance must be 0..0.9 (a fraction, 0.3 = ±30 %): " + tolerance);
            }
            checkDifficulty("minimum difficulty", minDifficulty);
            checkDifficulty("maximum difficulty", maxDifficulty);
            checkDifficulty("initial difficulty", initialDifficulty);
            if (minDifficulty > maxDifficulty) {
                throw new IllegalArgumentException("minimum difficulty " + minDifficulty
                        + " is above the maximum " + maxDifficulty);
            }
            if (initialDifficulty < minDifficulty || initialDifficulty > maxDifficulty) {
                throw new IllegalArgumentException("initial difficulty " + initialDifficulty + " is outside "
                        + minDifficulty + ".." + maxDifficulty);
            }
            if (powerOfTwo) {
                checkPowerOfTwo("minimum difficulty", minDifficulty);
                checkPowerOfTwo("maximum difficulty", maxDifficulty);
                checkPowerOfTwo("initial difficulty", initialDifficulty);
            }
            return new VardiffSettings(this);
        }

        private static void checkDifficulty(String what, double value) {
            if (!(value >= MIN_DIFFICULTY) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(what + " must be finite and at least 2^-32 (below it every hash"
                        + " meets the target): " + value);
            }
        }

        private static void checkPowerOfTwo(String what, double value) {
            if (Vardiff.powerOfTwoAtMost(value) != value) {
                throw new IllegalArgumentException("with powerOfTwo, the " + what + " must be a power of two: " + value);
            }
        }
    }
}
