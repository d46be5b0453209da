package io.poolkit.accounting.scheme;

import java.time.Duration;
import java.util.Objects;

/**
 * PPLNS by time: a found block is split over the shares of the last {@code T} before it, in proportion to
 * difficulty, after the pool fee.
 *
 * <p>A share is in the window when {@code blockTime - T < shareTime}; shares count whole (time has no
 * partial share). A window without shares leaves everything after the fee as residual. Remainders follow
 * {@link Splits}. Immutable and thread-safe. Config: {@code window} (required: {@code 1h}, {@code 90m},
 * {@code PT2H}), {@code fee.bps}.
 */
public final class TimePplnsScheme implements PayoutScheme {
    private final Duration length;
    private final int feeBps;

    private TimePplnsScheme(Duration length, int feeBps) {
        this.length = length;
        this.feeBps = feeBps;
    }

    /** Time-window PPLNS over the last {@code length} with a fee of {@code feeBasisPoints}. */
    public static TimePplnsScheme of(Duration length, int feeBasisPoints) {
        WindowSpec.time(Objects.requireNonNull(length, "length"));
        Splits.fee(0, feeBasisPoints);
        return new TimePplnsScheme(length, feeBasisPoints);
    }

    @Override
    public String name() {
        return "pplns-time";
    }

    @Override
    public int feeBasisPoints() {
        return feeBps;
    }

    @Override
    public WindowSpec window() {
        return WindowSpec.time(length);
    }

    @Override
    public Allocation allocate(long rewardSats, ShareWindow window) {
        long start = window.block().time().toEpochMilli() - length.toMillis();
        return WeightedSplit.allocateSharesAfter(rewardSats, feeBps, window, start);
    }

    @Override
    public String toString() {
        return "pplns-time(" + length + ", fee " + feeBps + " bps)";
    }

    /** Finds time-window PPLNS as {@code pplns-time}; settings {@code window} (required) and {@code fee.bps}. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "pplns-time";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            return of(config.positiveDuration("window", null), config.feeBasisPoints());
        }
    }
}
