package io.poolkit.accounting.scheme;

import java.util.TreeMap;

/**
 * SOLO: the account whose share found the block takes the reward, less the pool fee.
 *
 * <p>Needs no shares. Immutable and thread-safe. Config: {@code fee.bps}.
 */
public final class SoloScheme implements PayoutScheme {
    private final int feeBps;

    private SoloScheme(int feeBps) {
        this.feeBps = feeBps;
    }

    /** SOLO with a fee of {@code feeBasisPoints} (0..10000). */
    public static SoloScheme withFee(int feeBasisPoints) {
        Splits.fee(0, feeBasisPoints);
        return new SoloScheme(feeBasisPoints);
    }

    @Override
    public String name() {
        return "solo";
    }

    @Override
    public int feeBasisPoints() {
        return feeBps;
    }

    @Override
    public WindowSpec window() {
        return WindowSpec.none();
    }

    @Override
    public Allocation allocate(long rewardSats, ShareWindow window) {
        long fee = Splits.fee(rewardSats, feeBps);
        TreeMap<String, Long> credits = new TreeMap<>();
        if (rewardSats - fee > 0) {
            credits.put(window.block().account(), rewardSats - fee);
        }
        return new Allocation(rewardSats, credits, fee, 0);
    }

    @Override
    public String toString() {
        return "solo(fee " + feeBps + " bps)";
    }

    /** Finds SOLO as {@code solo}. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "solo";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            return withFee(config.feeBasisPoints());
        }
    }
}
