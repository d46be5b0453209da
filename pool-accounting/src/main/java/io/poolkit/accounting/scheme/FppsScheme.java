package io.poolkit.accounting.scheme;

import io.poolkit.core.share.Share;

/**
 * FPPS: each accepted share earns {@code difficulty / networkDifficulty × (subsidy + fees) × (1 − fee)} at once,
 * where {@code fees} are the transaction fees of the share's template: PPS plus the expected fees.
 *
 * <p>The pool carries the variance and the orphan risk: per-share credits are final, and a found block's whole
 * reward is the pool's, recorded as residual (see {@link #allocate}). Shares are priced exactly by
 * {@link PerShareCredits}. Immutable and thread-safe. Config: {@code fee.bps}.
 */
public final class FppsScheme extends PerSharePaidScheme {
    private FppsScheme(int feeBasisPoints) {
        super("fpps", feeBasisPoints);
    }

    /** FPPS with a fee of {@code feeBasisPoints} (0..10000). */
    public static FppsScheme withFee(int feeBasisPoints) {
        return new FppsScheme(feeBasisPoints);
    }

    @Override
    public long perShareRewardSats(Share share) {
        return Math.addExact(share.subsidySats(), share.feesSats());
    }

    /** Finds FPPS as {@code fpps}. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "fpps";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            return withFee(config.feeBasisPoints());
        }
    }
}
