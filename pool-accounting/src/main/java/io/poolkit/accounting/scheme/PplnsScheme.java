package io.poolkit.accounting.scheme;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;

/**
 * PPLNS by difficulty: a found block is split over the newest shares whose difficulty adds up to
 * {@code N × networkDifficulty} of the block, in proportion to difficulty, after the pool fee.
 *
 * <p>Walking back from the block, shares count whole until the next one would overflow the window; that
 * boundary share counts only for the part that fills it, so the counted weight is exactly
 * {@code min(N × networkDifficulty, all shares)} in {@link ShareWeight} units (the target itself is
 * {@code floor(weight(networkDifficulty) × N)}). When the shares do not fill the window, miners get
 * {@code counted / target} of the reward after fee (rounded down) and the rest is the residual: the pool does
 * not hand the unfilled part to early miners. Remainders follow {@link Splits}. Immutable and thread-safe.
 * Config: {@code n} (default 2, a decimal > 0), {@code fee.bps}.
 */
public final class PplnsScheme implements PayoutScheme {
    private final BigDecimal n;
    private final int feeBps;
    private final WindowSpec window;

    private PplnsScheme(BigDecimal n, int feeBps) {
        this.n = n;
        this.feeBps = feeBps;
        this.window = WindowSpec.difficulty(n);
    }

    /** PPLNS over {@code n} × network difficulty with a fee of {@code feeBasisPoints}. */
    public static PplnsScheme of(BigDecimal n, int feeBasisPoints) {
        Objects.requireNonNull(n, "n");
        if (n.signum() <= 0) {
            throw new IllegalArgumentException("PPLNS n must be > 0: " + n);
        }
        Splits.fee(0, feeBasisPoints);
        return new PplnsScheme(n, feeBasisPoints);
    }

    @Override
    public String name() {
        return "pplns";
    }

    @Override
    public int feeBasisPoints() {
        return feeBps;
    }

    /** The window size as a multiple of network difficulty. */
    public BigDecimal n() {
        return n;
    }

    @Override
    public WindowSpec window() {
        return window;
    }

    /** The window's target weight for a block of {@code networkDifficulty}: {@code floor(weight × N)}. */
    public BigInteger targetWeight(double networkDifficulty) {
        return window.targetWeight(networkDifficulty);
    }

    @Override
    public Allocation allocate(long rewardSats, ShareWindow window) {
        BigInteger target = targetWeight(window.block().networkDifficulty());
        Accumulator128[] sums = WeightedSplit.accumulators(window);
        BigInteger counted = countInto(window, target, sums);
        Map<String, BigInteger> weights = WeightedSplit.weights(window, sums);
        return WeightedSplit.allocate(rewardSats, feeBps, weights, counted, target);
    }

    /** Each account's counted weight for {@code window} (the boundary share in part). For tests and reports. */
    public Map<String, BigInteger> countedWeights(ShareWindow window) {
        Accumulator128[] sums = WeightedSplit.accumulators(window);
        countInto(window, targetWeight(window.block().networkDifficulty()), sums);
        return WeightedSplit.weights(window, sums);
    }

    private static BigInteger countInto(ShareWindow window, BigInteger target, Accumulator128[] sums) {
        // Beyond 127 bits no window of real shares can fill it; cap so the remaining count fits the accumulator.
        BigInteger capped = target.bitLength() > 126 ? BigInteger.ONE.shiftLeft(126) : target;
        Accumulator128 remaining = new Accumulator128();
        remaining.high = capped.shiftRight(64).longValue();
        remaining.low = capped.longValue();
        for (int i = window.size() - 1; i >= 0 && !remaining.isZero(); i--) {
            double d = window.difficultyUnchecked(i);
            long high = ShareWeight.high(d);
            long low = ShareWeight.low(d);
            Accumulator128 sum = sums[window.accountIndexUnchecked(i)];
            if (remaining.compareTo(high, low) >= 0) {
                sum.add(high, low);
                remaining.subtract(high, low);
            } else {
                sum.add(remaining.high, remaining.low);
                remaining.high = 0;
                remaining.low = 0;
            }
        }
        return capped.subtract(remaining.toBigInteger());
    }

    @Override
    public String toString() {
        return "pplns(n " + n.toPlainString() + ", fee " + feeBps + " bps)";
    }

    /** Finds PPLNS as {@code pplns}; settings {@code n} (default 2) and {@code fee.bps}. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "pplns";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            return of(config.positiveDecimal("n", "2"), config.feeBasisPoints());
        }
    }
}
