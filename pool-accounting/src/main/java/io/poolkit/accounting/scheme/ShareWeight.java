package io.poolkit.accounting.scheme;

import java.math.BigInteger;

/**
 * A share's weight: its credited difficulty as an exact integer, the unit every split is computed in.
 *
 * <p><b>Unit:</b> 2<sup>-32</sup> difficulty. A weight is {@code floor(difficulty × 2^32)}, computed from the
 * bits of the {@code double} (no floating-point arithmetic), so the same difficulty always gives the same
 * weight on every machine. Weights are unsigned 128-bit integers; a {@code double} difficulty up to
 * below 2<sup>95</sup> fits, and sums of millions of them fit in 128 bits too. Difficulties below 2<sup>-32</sup>
 * weigh nothing. Summing happens in 128-bit accumulators; {@link BigInteger} is used only per account, at
 * block time.
 *
 * <pre>{@code
 * BigInteger w = ShareWeight.of(65536.0);   // 65536 × 2^32
 * }</pre>
 */
public final class ShareWeight {
    /** Fraction bits of the fixed-point weight. */
    public static final int FRACTION_BITS = 32;
    /** The largest difficulty a weight can hold: just below 2^95. */
    public static final double MAX_DIFFICULTY = Math.nextDown(0x1p95);

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private ShareWeight() {}

    /** The weight of {@code difficulty} as a {@link BigInteger}. */
    public static BigInteger of(double difficulty) {
        return toBigInteger(high(difficulty), low(difficulty));
    }

    /** The low 64 bits (unsigned) of the weight of {@code difficulty}. */
    public static long low(double difficulty) {
        long mantissa = mantissa(difficulty);
        int shift = shift(difficulty);
        if (shift >= 64) {
            return 0;
        }
        if (shift >= 0) {
            return mantissa << shift;
        }
        return shift <= -64 ? 0 : mantissa >>> -shift;
    }

    /** The high 64 bits of the weight of {@code difficulty}. */
    public static long high(double difficulty) {
        long mantissa = mantissa(difficulty);
        int shift = shift(difficulty);
        if (shift <= 0) {
            return 0;
        }
        return shift >= 64 ? mantissa << (shift - 64) : mantissa >>> (64 - shift);
    }

    /** An unsigned 128-bit value as a {@link BigInteger}. */
    public static BigInteger toBigInteger(long high, long low) {
        BigInteger lo = BigInteger.valueOf(low);
        if (low < 0) {
            lo = lo.add(TWO_64);
        }
        return high == 0 ? lo : BigInteger.valueOf(high).shiftLeft(64).add(lo);
    }

    private static long mantissa(double difficulty) {
        check(difficulty);
        long bits = Double.doubleToRawLongBits(difficulty);
        int exponent = (int) ((bits >>> 52) & 0x7ff);
        long fraction = bits & ((1L << 52) - 1);
        return exponent == 0 ? fraction : fraction | (1L << 52);
    }

    /** How far the 53-bit mantissa moves left to become the weight (negative: right). */
    private static int shift(double difficulty) {
        int exponent = (int) ((Double.doubleToRawLongBits(difficulty) >>> 52) & 0x7ff);
        return Math.max(exponent, 1) - 1075 + FRACTION_BITS;
    }

    private static void check(double difficulty) {
        if (!(difficulty > 0) || difficulty > MAX_DIFFICULTY) {
            throw new IllegalArgumentException("difficulty must be > 0 and < 2^95: " + difficulty);
        }
    }
}
