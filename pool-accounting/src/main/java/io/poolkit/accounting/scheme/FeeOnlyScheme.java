package io.poolkit.accounting.scheme;

/**
 * What PPS, FPPS and SOLO have in common: a name, a pool fee and no share window. Package-private; the public
 * types are the schemes themselves.
 */
abstract class FeeOnlyScheme implements PayoutScheme {
    private final String name;
    private final int feeBps;

    FeeOnlyScheme(String name, int feeBasisPoints) {
        Splits.fee(0, feeBasisPoints); // checks the range
        this.name = name;
        this.feeBps = feeBasisPoints;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int feeBasisPoints() {
        return feeBps;
    }

    @Override
    public final WindowSpec window() {
        return WindowSpec.none();
    }

    @Override
    public final String toString() {
        return name + "(fee " + feeBps + " bps)";
    }
}
