package io.poolkit.accounting.scheme;

import java.util.TreeMap;

/**
 * SOLO: the account whose share found the block takes the reward, less the pool fee.
 *
 * <p>Needs no shares. Immutable and thread-safe. Config: {@code fee.bps}.
 */
public final class SoloScheme extends FeeOnlyScheme {
    private SoloScheme(int feeBasisPoints) {
        super("solo", feeBasisPoints);
    }

    /** SOLO with a fee of {@code feeBasisPoints} (0..10000). */
    public static SoloScheme withFee(int feeBasisPoints) {
        return new SoloScheme(feeBasisPoints);
    }

    @Override
    public Allocation allocate(long rewardSats, ShareWindow window) {
        long fee = Splits.fee(rewardSats, feeBasisPoints());
        TreeMap<String, Long> credits = new TreeMap<>();
        if (rewardSats - fee > 0) {
            credits.put(window.block().account(), rewardSats - fee);
        }
        return new Allocation(rewardSats, credits, fee, 0);
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
