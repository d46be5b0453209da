package io.poolkit.accounting.scheme;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Exact proportional splitting of satoshis, the one remainder rule every built-in scheme uses.
 *
 * <p><b>Rule (largest remainder, Hamilton's method):</b> each account first gets
 * {@code floor(amount × weight / totalWeight)}; the satoshis left over (fewer than the number of accounts)
 * go one each to the accounts with the largest remainders {@code (amount × weight) mod totalWeight}; equal
 * remainders go to the account whose name sorts first ({@link String#compareTo}). The result always sums
 * to {@code amount} exactly and depends only on the inputs, never on iteration order. Also the fee rule:
 * {@link #fee(long, int)} rounds the fee down.
 *
 * <pre>{@code
 * SortedMap<String, Long> credits = Splits.largestRemainder(100, Map.of("a", BigInteger.ONE, "b", BigInteger.TWO));
 * // {a=33, b=67}
 * }</pre>
 */
public final class Splits {
    private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

    private Splits() {}

    /** The pool fee on {@code amountSats} at {@code basisPoints}: {@code floor(amount × bps / 10000)}. */
    public static long fee(long amountSats, int basisPoints) {
        if (amountSats < 0 || basisPoints < 0 || basisPoints > 10_000) {
            throw new IllegalArgumentException("amount must be >= 0 and fee 0..10000 bps: " + amountSats + ", "
                    + basisPoints);
        }
        return BigInteger.valueOf(amountSats).multiply(BigInteger.valueOf(basisPoints)).divide(TEN_THOUSAND)
                .longValueExact();
    }

    /**
     * Splits {@code amountSats} over {@code weights} by the largest-remainder rule. Accounts with weight zero
     * get nothing; accounts that end with zero satoshis are left out. An empty or all-zero map is an error
     * unless the amount is zero.
     */
    public static SortedMap<String, Long> largestRemainder(long amountSats, Map<String, BigInteger> weights) {
        Objects.requireNonNull(weights, "weights");
        if (amountSats < 0) {
            throw new IllegalArgumentException("amount must be >= 0: " + amountSats);
        }
        BigInteger total = BigInteger.ZERO;
        for (Map.Entry<String, BigInteger> e : weights.entrySet()) {
            if (e.getValue().signum() < 0) {
                throw new IllegalArgumentException("weight of '" + e.getKey() + "' is negative: " + e.getValue());
            }
            total = total.add(e.getValue());
        }
        TreeMap<String, Long> credits = new TreeMap<>();
        if (amountSats == 0) {
            return credits;
        }
        if (total.signum() == 0) {
            throw new IllegalArgumentException("cannot split " + amountSats + " sats over no weight");
        }
        BigInteger amount = BigInteger.valueOf(amountSats);
        List<Part> parts = new ArrayList<>(weights.size());
        long given = 0;
        for (Map.Entry<String, BigInteger> e : weights.entrySet()) {
            if (e.getValue().signum() == 0) {
                continue;
            }
            BigInteger[] qr = amount.multiply(e.getValue()).divideAndRemainder(total);
            long whole = qr[0].longValueExact();
            given += whole;
            parts.add(new Part(e.getKey(), whole, qr[1]));
        }
        long left = amountSats - given;
        if (left > 0) {
            parts.sort(Comparator.comparing((Part p) -> p.remainder).reversed().thenComparing(p -> p.account));
            for (int i = 0; i < left; i++) {
                parts.get(i).whole++;
            }
        }
        for (Part part : parts) {
            if (part.whole > 0) {
                credits.put(part.account, part.whole);
            }
        }
        return credits;
    }

    private static final class Part {
        final String account;
        long whole;
        final BigInteger remainder;

        Part(String account, long whole, BigInteger remainder) {
            this.account = account;
            this.whole = whole;
            this.remainder = remainder;
        }
    }
}
