package io.poolkit.accounting.scheme;

/**
 * PPS and FPPS: shares are paid when accepted, so a found block's whole reward is the pool's. Package-private.
 */
abstract class PerSharePaidScheme extends FeeOnlyScheme {
    PerSharePaidScheme(String name, int feeBasisPoints) {
        super(name, feeBasisPoints);
    }

    /** The whole reward is residual: the shares that found it were paid when they were accepted. */
    @Override
    public final Allocation allocate(long rewardSats, ShareWindow window) {
        return Allocation.residualOnly(rewardSats);
    }

    @Override
    public final boolean paysPerShare() {
        return true;
    }
}
