package io.poolkit.accounting.scheme;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A user's plugin, written only against the public SPI: PROP, but the finder first gets a bonus of
 * {@code bonus.bps} of the reward. Found through {@code META-INF/services} in the test resources.
 */
public final class FinderBonusScheme implements PayoutScheme {
    private final int feeBps;
    private final int bonusBps;

    FinderBonusScheme(int feeBps, int bonusBps) {
        this.feeBps = feeBps;
        this.bonusBps = bonusBps;
    }

    @Override
    public String name() {
        return "finder-bonus";
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
        long fee = Splits.fee(rewardSats, feeBps);
        long bonus = Splits.fee(rewardSats, bonusBps);
        long rest = rewardSats - fee - bonus;
        Map<String, BigInteger> weights = new HashMap<>();
        for (int i = 0; i < window.size(); i++) {
            weights.merge(window.account(i), window.weight(i), BigInteger::add);
        }
        weights.values().removeIf(w -> w.signum() == 0);
        SortedMap<String, Long> credits = new TreeMap<>();
        long residual = 0;
        if (weights.isEmpty()) {
            residual = rest;
        } else {
            credits.putAll(Splits.largestRemainder(rest, weights));
        }
        if (bonus > 0) {
            credits.merge(window.block().account(), bonus, Long::sum);
        }
        return new Allocation(rewardSats, credits, fee, residual);
    }

    /** The provider named in META-INF/services. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "finder-bonus";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            BigDecimalBps bonus = new BigDecimalBps(config.string("bonus.bps", "100"));
            return new FinderBonusScheme(config.feeBasisPoints(), bonus.value);
        }
    }

    private static final class BigDecimalBps {
        final int value;

        BigDecimalBps(String raw) {
            try {
                value = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bonus.bps must be an integer: '" + raw + "'", e);
            }
            if (value < 0 || value > 5_000) {
                throw new IllegalArgumentException("bonus.bps must be 0..5000: " + value);
            }
        }
    }
}
