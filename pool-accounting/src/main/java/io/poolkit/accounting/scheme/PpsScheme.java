package io.poolkit.accounting.scheme;

import io.poolkit.core.share.Share;

/**
 * PPS: each accepted share earns {@code difficulty / networkDifficulty × subsidy × (1 − fee)} at once, whether
 * or not the pool finds a block.
 *
 * <p>The pool carries the variance and the orphan risk: per-share credits are final, and a found block's whole
 * reward is the pool's, recorded as residual (see {@link #allocate}). Shares are priced exactly by
 * {@link PerShareCredits}. Immutable and thread-safe. Config: {@code fee.bps}.
 */
public final class PpsScheme extends PerSharePaidScheme {
    private PpsScheme(int feeBasisPoints) {
        super("pps", feeBasisPoints);
    }

    /** PPS with a fee of {@code feeBasisPoints} (0..10000). */
    public static PpsScheme withFee(int feeBasisPoints) {
        return new PpsScheme(feeBasisPoints);
    }

    @Override
    public long perShareRewardSats(Share share) {
        return share.subsidySats();
    }

    /** Finds PPS as {@code pps}. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "pps";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            return withFee(config.feeBasisPoints());
        }
    }
}
