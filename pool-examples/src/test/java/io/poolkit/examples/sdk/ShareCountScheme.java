package io.poolkit.examples.sdk;

import io.poolkit.accounting.scheme.Allocation;
import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.accounting.scheme.PayoutSchemeProvider;
import io.poolkit.accounting.scheme.SchemeConfig;
import io.poolkit.accounting.scheme.ShareWindow;
import io.poolkit.accounting.scheme.Splits;
import io.poolkit.accounting.scheme.WindowSpec;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's plugin example: a block's reward, less the fee, split over the round's shares by how many
 * each miner sent, whatever their difficulty (for a LAN party where every rig mines at one difficulty).
 * Found by name through {@code META-INF/services/io.poolkit.accounting.scheme.PayoutSchemeProvider}.
 */
public final class ShareCountScheme implements PayoutScheme {
    private final int feeBps;

    ShareCountScheme(int feeBps) {
        this.feeBps = feeBps;
    }

    @Override
    public String name() {
        return "share-count";
    }

    @Override
    public int feeBasisPoints() {
        return feeBps;
    }

    @Override
    public WindowSpec window() {
        return WindowSpec.round(); // every share since the pool's previous block
    }

    @Override
    public Allocation allocate(long rewardSats, ShareWindow window) {
        long fee = Splits.fee(rewardSats, feeBps);
        Map<String, BigInteger> counts = new TreeMap<>();
        for (int i = 0; i < window.size(); i++) {
            counts.merge(window.account(i), BigInteger.ONE, BigInteger::add);
        }
        if (counts.isEmpty()) {
            return new Allocation(rewardSats, new TreeMap<>(), fee, rewardSats - fee); // nobody to pay: residual
        }
        // Exact: the split adds up to rewardSats - fee; remainders go by largest fraction, then account name.
        return new Allocation(rewardSats, Splits.largestRemainder(rewardSats - fee, counts), fee, 0);
    }

    /** The provider: a public class with a public no-argument constructor, listed in META-INF/services. */
    public static final class Provider implements PayoutSchemeProvider {
        @Override
        public String name() {
            return "share-count";
        }

        @Override
        public PayoutScheme create(SchemeConfig config) {
            return new ShareCountScheme(config.feeBasisPoints()); // any other setting is reported as unknown
        }
    }
}
