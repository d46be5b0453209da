package io.poolkit.accounting.scheme;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;

/** The common tail of the window-based schemes: fee first, then a largest-remainder split of what is left. */
final class WeightedSplit {

    private WeightedSplit() {}

    /** Per-account 128-bit weight accumulators for {@code window}'s accounts. */
    static Accumulator128[] accumulators(ShareWindow window) {
        Accumulator128[] sums = new Accumulator128[window.accountCount()];
        for (int i = 0; i < sums.length; i++) {
            sums[i] = new Accumulator128();
        }
        return sums;
    }

    static Map<String, BigInteger> weights(ShareWindow window, Accumulator128[] sums) {
        Map<String, BigInteger> weights = new HashMap<>();
        for (int i = 0; i < sums.length; i++) {
            if (!sums[i].isZero()) {
                weights.put(window.accountName(i), sums[i].toBigInteger());
            }
        }
        return weights;
    }

    /**
     * Splits {@code rewardSats} after the fee over every share of {@code window} later than
     * {@code afterEpochMillis}, in proportion to difficulty: PROP takes the whole round, time-PPLNS its last T.
     */
    static Allocation allocateSharesAfter(long rewardSats, int feeBps, ShareWindow window, long afterEpochMillis) {
        Accumulator128[] sums = accumulators(window);
        Accumulator128 total = new Accumulator128();
        for (int i = 0, n = window.size(); i < n; i++) {
            if (window.timeUnchecked(i) <= afterEpochMillis) {
                continue;
            }
            double d = window.difficultyUnchecked(i);
            long high = ShareWeight.high(d);
            long low = ShareWeight.low(d);
            sums[window.accountIndexUnchecked(i)].add(high, low);
            total.add(high, low);
        }
        BigInteger counted = total.toBigInteger();
        return allocate(rewardSats, feeBps, weights(window, sums), counted, counted);
    }

    /**
     * Takes the fee from {@code rewardSats}, then gives {@code counted / target} of the rest to the accounts in
     * proportion to {@code weights}; the part not given is the residual.
     */
    static Allocation allocate(long rewardSats, int feeBps, Map<String, BigInteger> weights, BigInteger counted,
                               BigInteger target) {
        long fee = Splits.fee(rewardSats, feeBps);
        long afterFee = rewardSats - fee;
        if (counted.signum() == 0 || weights.isEmpty()) {
            return new Allocation(rewardSats, new java.util.TreeMap<>(), fee, afterFee);
        }
        long distributable = counted.compareTo(target) >= 0 ? afterFee
                : BigInteger.valueOf(afterFee).multiply(counted).divide(target).longValueExact();
        SortedMap<String, Long> credits = Splits.largestRemainder(distributable, weights);
        return new Allocation(rewardSats, credits, fee, afterFee - distributable);
    }
}
