package io.poolkit.accounting.scheme;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How an amount of satoshis is split: credits per account, the pool fee, and a residual, which add up to
 * the amount exactly.
 *
 * <p>The constructor checks {@code sum(credits) + feeSats + residualSats == rewardSats} with overflow-checked
 * {@code long} arithmetic, so an allocation that exists is exact. The residual is what the scheme did not give
 * anyone (a PPLNS window that is not yet full, a round without shares, a block a per-share scheme already paid
 * for); the ledger records it as its own line for the pool, never as silent dust. Immutable; credits are kept
 * sorted by account.
 *
 * @param rewardSats   the amount split, {@code >= 0}
 * @param credits      satoshis per account, each {@code > 0}
 * @param feeSats      the pool fee, {@code >= 0}
 * @param residualSats what stays with the pool undistributed, {@code >= 0}
 */
public record Allocation(long rewardSats, SortedMap<String, Long> credits, long feeSats, long residualSats) {

    public Allocation {
        Objects.requireNonNull(credits, "credits");
        if (rewardSats < 0 || feeSats < 0 || residualSats < 0) {
            throw new IllegalArgumentException("reward, fee and residual must be >= 0: reward " + rewardSats
                    + ", fee " + feeSats + ", residual " + residualSats);
        }
        TreeMap<String, Long> copy = new TreeMap<>();
        long sum = Math.addExact(feeSats, residualSats);
        for (Map.Entry<String, Long> credit : credits.entrySet()) {
            String account = Objects.requireNonNull(credit.getKey(), "credit account");
            long sats = Objects.requireNonNull(credit.getValue(), "credit sats");
            if (sats <= 0) {
                throw new IllegalArgumentException("credit for '" + account + "' must be > 0: " + sats);
            }
            copy.put(account, sats);
            sum = Math.addExact(sum, sats);
        }
        if (sum != rewardSats) {
            throw new IllegalArgumentException("credits + fee + residual = " + sum + " but the reward is "
                    + rewardSats + " (credits " + copy + ", fee " + feeSats + ", residual " + residualSats + ")");
        }
        credits = Collections.unmodifiableSortedMap(copy);
    }

    /** All of {@code rewardSats} kept undistributed. */
    public static Allocation residualOnly(long rewardSats) {
        return new Allocation(rewardSats, new TreeMap<>(), 0, rewardSats);
    }

    /** The sum of the credits (the reward less fee and residual). */
    public long creditedSats() {
        return rewardSats - feeSats - residualSats;
    }
}
