package io.poolkit.accounting.scheme;

/**
 * PROP: a found block is split over every share of its round (since the previous found block), in proportion
 * to share difficulty, after the pool fee.
 *
 * <p>Remainders follow {@link Splits} (largest remainder, ties by account name). A round without shares leaves
 * everything after the fee as residual. Immutable and thread-safe. Config: {@code fee.bps}.
 */
public final class PropScheme implements PayoutScheme {
    private final int feeBps;

    private PropScheme(int feeBps) {
        this.feeBps = feeBps;
    }

    /** PROP with a fee of {@code feeBasisPoints} (0..10000). */
    public static PropScheme withFee(int feeBasisPoints) {
        Splits.fee(0, feeBasisPoints);
        return new PropScheme(feeBasisPoints);
    }

    @Override
    public String name() {
        return "prop";
    }

    @Override
    public int feeBasisPoints() {
        return feeBps;
    }

    @Override
    public WindowSpec window() {
        return WindowSpec.round();
    }

    @Override
    public Allocation allocate(long rewardSats, ShareWindow window) {
        return WeightedSplit.allocateSharesAfter(rewardSats, feeBps, window, Long.MIN_VALUE);
    }

    @Override
    public String toString() {
        return "prop(fee " + feeBps + " bps)";
    }

    /** Finds PROP as {@code prop}. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "prop";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            return withFee(config.feeBasisPoints());
        }
    }
}
