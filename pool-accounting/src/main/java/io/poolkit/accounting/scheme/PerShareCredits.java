package io.poolkit.accounting.scheme;

import io.poolkit.core.share.Share;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Prices a batch of shares for a per-share scheme (PPS, FPPS) exactly, carrying fractions of a satoshi over
 * to the next batch so that small shares are paid in full over time.
 *
 * <p>A share is worth {@code weight(difficulty) × R / weight(networkDifficulty)} where {@code R} is the
 * scheme's {@link PayoutScheme#perShareRewardSats}; values are computed in <b>units of 2<sup>-32</sup>
 * satoshi</b> ({@link #UNIT_BITS}), rounded down once per (account, network difficulty, R) group of the batch
 * (not per share). The fee is {@code floor(value × bps / 10000)} units of each account's value; the account
 * keeps the rest. Whole satoshis are credited and the fraction (below one satoshi) is returned as the new
 * carry: {@code credit × 2^32 + newCarry == oldCarry + value - fee} exactly, per account and for the fee.
 * Not thread-safe: confine to the ledger's writer.
 *
 * <pre>{@code
 * PerShareCredits batch = new PerShareCredits(PpsScheme.withFee(100));
 * shares.forEach(batch::add);
 * PerShareCredits.Settlement s = batch.settle(carries, feeCarry);
 * }</pre>
 */
public final class PerShareCredits {
    /** Fraction bits of the carry unit: one unit is 2^-32 satoshi. */
    public static final int UNIT_BITS = 32;

    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);
    private static final long UNIT_MASK = (1L << UNIT_BITS) - 1;

    private final PayoutScheme scheme;
    private final Map<Group, Accumulator128> groups = new HashMap<>();
    private final Map<String, Boolean> accounts = new HashMap<>();

    public PerShareCredits(PayoutScheme scheme) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    /** Adds a share; shares the scheme does not price (reward 0) are ignored. */
    public void add(Share share) {
        long reward = scheme.perShareRewardSats(share);
        if (reward <= 0) {
            return;
        }
        Group group = new Group(share.account(), Double.doubleToLongBits(share.networkDifficulty()), reward);
        groups.computeIfAbsent(group, g -> new Accumulator128())
                .add(ShareWeight.high(share.difficulty()), ShareWeight.low(share.difficulty()));
        accounts.put(share.account(), Boolean.TRUE);
    }

    /** Whether no priced share was added. */
    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /** The accounts with priced shares: the ones whose carries {@link #settle} needs. */
    public Set<String> accounts() {
        return Collections.unmodifiableSet(accounts.keySet());
    }

    /**
     * The batch's credits.
     *
     * @param carriedUnits     each account's carry from earlier batches, in units (absent means 0)
     * @param feeCarriedUnits  the fee account's carry
     */
    public Settlement settle(Map<String, Long> carriedUnits, long feeCarriedUnits) {
        Map<String, BigInteger> netUnits = new TreeMap<>();
        BigInteger feeUnits = BigInteger.ZERO;
        BigInteger grossUnits = BigInteger.ZERO;
        BigInteger bps = BigInteger.valueOf(scheme.feeBasisPoints());
        for (Map.Entry<Group, Accumulator128> e : groups.entrySet()) {
            Group group = e.getKey();
            BigInteger network = ShareWeight.of(Double.longBitsToDouble(group.networkDifficultyBits));
            BigInteger value = e.getValue().toBigInteger().multiply(BigInteger.valueOf(group.rewardSats))
                    .shiftLeft(UNIT_BITS).divide(network);
            BigInteger fee = value.multiply(bps).divide(TEN_THOUSAND);
            grossUnits = grossUnits.add(value);
            feeUnits = feeUnits.add(fee);
            netUnits.merge(group.account, value.subtract(fee), BigInteger::add);
        }
        TreeMap<String, Long> credits = new TreeMap<>();
        TreeMap<String, Long> carries = new TreeMap<>();
        for (Map.Entry<String, BigInteger> e : netUnits.entrySet()) {
            long carried = carriedUnits.getOrDefault(e.getKey(), 0L);
            checkCarry(e.getKey(), carried);
            BigInteger total = e.getValue().add(BigInteger.valueOf(carried));
            credits.put(e.getKey(), total.shiftRight(UNIT_BITS).longValueExact());
            carries.put(e.getKey(), total.longValue() & UNIT_MASK);
        }
        checkCarry("fee", feeCarriedUnits);
        BigInteger feeTotal = feeUnits.add(BigInteger.valueOf(feeCarriedUnits));
        return new Settlement(credits, feeTotal.shiftRight(UNIT_BITS).longValueExact(), carries,
                feeTotal.longValue() & UNIT_MASK, grossUnits);
    }

    private static void checkCarry(String who, long carried) {
        if (carried < 0 || carried > UNIT_MASK) {
            throw new IllegalArgumentException("carry of '" + who + "' must be 0..2^32-1 units: " + carried);
        }
    }

    /**
     * What a batch credits.
     *
     * @param creditSats     whole satoshis per account (may be 0 while the carry grows)
     * @param feeSats        whole satoshis for the fee account
     * @param carryUnits     each account's new carry, in 2^-32 satoshi
     * @param feeCarryUnits  the fee account's new carry
     * @param grossUnits     the batch's value before the fee, in 2^-32 satoshi
     */
    public record Settlement(SortedMap<String, Long> creditSats, long feeSats, SortedMap<String, Long> carryUnits,
                             long feeCarryUnits, BigInteger grossUnits) {
        public Settlement {
            creditSats = Collections.unmodifiableSortedMap(new TreeMap<>(creditSats));
            carryUnits = Collections.unmodifiableSortedMap(new TreeMap<>(carryUnits));
        }
    }

    private record Group(String account, long networkDifficultyBits, long rewardSats) {}
}
