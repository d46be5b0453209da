package io.poolkit.core.chain;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * A proof-of-work target: an unsigned 256-bit number that a hash, read as a 256-bit little-endian number,
 * must not exceed. Immutable and thread-safe.
 *
 * <p>Held as four {@code long}s, so checking a hash against it ({@link #isMetBy}) and measuring the
 * difficulty a hash achieves ({@link #difficultyOfHash}) allocate nothing and never touch
 * {@link BigInteger}. Difficulty is {@code DIFFICULTY_1 / target}, with difficulty 1 being the target
 * {@code 0x00000000FFFF0000…0000} (Bitcoin's and every Stratum pool's definition for SHA-256d); it is a
 * {@code double} for display and vardiff only, never for deciding whether a share or block is valid.
 *
 * <pre>{@code
 * Target blockTarget = Target.fromCompact(0x1d00ffff);          // nBits from a header or template
 * Target shareTarget = Target.fromDifficulty(65536);            // once per difficulty change
 * boolean block = blockTarget.isMetBy(headerHash, 0);           // hash in internal byte order
 * double achieved = Target.difficultyOfHash(headerHash, 0);     // for statistics and best-share
 * }</pre>
 */
public final class Target implements Comparable<Target> {
    /** Bytes in a hash and in the byte form of a target. */
    public static final int BYTES = 32;

    /** The target of difficulty 1: {@code 0x00000000FFFF} followed by 26 zero bytes. */
    public static final Target DIFFICULTY_1 = new Target(0x0000_0000_FFFF_0000L, 0, 0, 0);

    /** The largest target, 2<sup>256</sup> − 1, met by every hash. */
    public static final Target MAX = new Target(-1L, -1L, -1L, -1L);

    /** The zero target, met only by the all-zero hash. */
    public static final Target ZERO = new Target(0, 0, 0, 0);

    /** {@link #DIFFICULTY_1} as a double; exact (0xFFFF · 2^208). */
    private static final double DIFFICULTY_1_AS_DOUBLE = Math.scalb((double) 0xFFFF, 208);

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final HexFormat HEX = HexFormat.of();

    // Most significant word first.
    private final long w3;
    private final long w2;
    private final long w1;
    private final long w0;

    Target(long w3, long w2, long w1, long w0) {
        this.w3 = w3;
        this.w2 = w2;
        this.w1 = w1;
        this.w0 = w0;
    }

    /**
     * The target a compact {@code nBits} value encodes, exactly as Bitcoin Core's {@code SetCompact}.
     *
     * @throws IllegalArgumentException if the encoding is negative or does not fit in 256 bits
     * @see CompactBits
     */
    public static Target fromCompact(int bits) {
        return CompactBits.toTarget(bits);
    }

    /** The canonical compact {@code nBits} form (Bitcoin Core's {@code GetCompact}); drops bits below the top three bytes. */
    public int toCompact() {
        return CompactBits.fromTarget(this);
    }

    /**
     * The target for a share difficulty: {@code floor(DIFFICULTY_1 / difficulty)}, computed exactly from the
     * double's binary value, capped at {@link #MAX}. Fractional and sub-1 difficulties give targets easier
     * than difficulty 1 (0.000001 gives a target a million times larger).
     *
     * <p>Allocation-free, but a long division of a few hundred steps: compute it when a difficulty changes,
     * not per share.
     *
     * @throws IllegalArgumentException if {@code difficulty} is not a positive finite number
     */
    public static Target fromDifficulty(double difficulty) {
        if (!(difficulty > 0) || Double.isInfinite(difficulty)) {
            throw new IllegalArgumentException(
                    "difficulty must be a positive finite number; got " + difficulty);
        }
        // difficulty == mantissa * 2^exponent exactly.
        long raw = Double.doubleToRawLongBits(difficulty);
        long fraction = raw & ((1L << 52) - 1);
        int biased = (int) (raw >>> 52) & 0x7ff;
        long mantissa = biased == 0 ? fraction : fraction | (1L << 52);
        int exponent = biased == 0 ? -1074 : biased - 1075;
        // target = floor(0xFFFF * 2^(208 - exponent) / mantissa)
        int shift = 208 - exponent;
        if (shift < 0) {
            long quotient = 0xFFFF / mantissa;
            return new Target(0, 0, 0, -shift >= 64 ? 0 : quotient >>> -shift);
        }
        // Schoolbook binary long division of (0xFFFF << shift) by a divisor below 2^53: the remainder stays
        // below 2^53, so doubling it never overflows a long.
        long remainder = 0;
        long q3 = 0;
        long q2 = 0;
        long q1 = 0;
        long q0 = 0;
        for (int bit = shift + 15; bit >= 0; bit--) {
            long next = bit >= shift ? (0xFFFF >>> (bit - shift)) & 1 : 0;
            remainder = (remainder << 1) | next;
            if (q3 < 0) {
                return MAX; // the quotient's top bit would be shifted out: more than 256 bits
            }
            q3 = (q3 << 1) | (q2 >>> 63);
            q2 = (q2 << 1) | (q1 >>> 63);
            q1 = (q1 << 1) | (q0 >>> 63);
            q0 <<= 1;
            if (remainder >= mantissa) {
                remainder -= mantissa;
                q0 |= 1;
            }
        }
        return new Target(q3, q2, q1, q0);
    }

    /**
     * This target's difficulty, {@code DIFFICULTY_1 / this}, as a double (relative error below 2^-51);
     * {@code +Infinity} for {@link #ZERO}. For display and vardiff; compare targets, not difficulties.
     */
    public double difficulty() {
        return DIFFICULTY_1_AS_DOUBLE / toDouble(w3, w2, w1, w0);
    }

    /**
     * From the 64-hex-digit big-endian form that {@code getblocktemplate}'s {@code "target"} field and
     * {@code getblockheader} show, e.g. {@code "7fffff0000…"} on regtest. Upper or lower case.
     */
    public static Target fromDisplayHex(String displayHex) {
        if (displayHex == null || displayHex.length() != 2 * BYTES) {
            throw new IllegalArgumentException("a target is 64 hex digits; got '" + displayHex + "'");
        }
        long[] words = new long[4];
        for (int i = 0; i < 4; i++) {
            try {
                words[i] = HexFormat.fromHexDigitsToLong(displayHex, 16 * i, 16 * i + 16);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a hex target: '" + displayHex + "'", e);
            }
        }
        return new Target(words[0], words[1], words[2], words[3]);
    }

    /** The 64-hex-digit big-endian form, lower case, as {@code bitcoind} shows targets. */
    public String displayHex() {
        return HEX.toHexDigits(w3) + HEX.toHexDigits(w2) + HEX.toHexDigits(w1) + HEX.toHexDigits(w0);
    }

    /** From a non-negative number below 2^256; for edges and tests, not for hot paths. */
    public static Target fromBigInteger(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 256) {
            throw new IllegalArgumentException("a target is an unsigned 256-bit number; got " + value.toString(16));
        }
        return new Target(value.shiftRight(192).longValue(), value.shiftRight(128).longValue(),
                value.shiftRight(64).longValue(), value.longValue());
    }

    /** This target as a non-negative {@link BigInteger}; for edges and tests, not for hot paths. */
    public BigInteger toBigInteger() {
        byte[] magnitude = new byte[BYTES];
        long[] words = {w3, w2, w1, w0};
        for (int i = 0; i < BYTES; i++) {
            magnitude[i] = (byte) (words[i / 8] >>> (56 - 8 * (i % 8)));
        }
        return new BigInteger(1, magnitude);
    }

    /**
     * Whether the 32-byte hash at {@code offset}, in internal byte order (as SHA-256d produces it: a
     * little-endian 256-bit number), is at most this target. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if fewer than 32 bytes follow {@code offset}
     */
    public boolean isMetBy(byte[] hash, int offset) {
        checkHashBounds(hash, offset);
        long h3 = (long) LONG_LE.get(hash, offset + 24);
        if (h3 != w3) {
            return Long.compareUnsigned(h3, w3) < 0;
        }
        long h2 = (long) LONG_LE.get(hash, offset + 16);
        if (h2 != w2) {
            return Long.compareUnsigned(h2, w2) < 0;
        }
        long h1 = (long) LONG_LE.get(hash, offset + 8);
        if (h1 != w1) {
            return Long.compareUnsigned(h1, w1) < 0;
        }
        return Long.compareUnsigned((long) LONG_LE.get(hash, offset), w0) <= 0;
    }

    /**
     * The difficulty the 32-byte hash at {@code offset} (internal byte order) achieves:
     * {@code DIFFICULTY_1 / hash} as numbers, from the hash's leading 64 significant bits (relative error
     * below 2^-51). {@code +Infinity} for the all-zero hash. Allocates nothing.
     *
     * @throws IndexOutOfBoundsException if fewer than 32 bytes follow {@code offset}
     */
    public static double difficultyOfHash(byte[] hash, int offset) {
        checkHashBounds(hash, offset);
        return DIFFICULTY_1_AS_DOUBLE / toDouble(
                (long) LONG_LE.get(hash, offset + 24),
                (long) LONG_LE.get(hash, offset + 16),
                (long) LONG_LE.get(hash, offset + 8),
                (long) LONG_LE.get(hash, offset));
    }

    /** The larger (easier to meet) of two targets. */
    public static Target easier(Target a, Target b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Compares as unsigned 256-bit numbers: a smaller target is harder to meet. */
    @Override
    public int compareTo(Target other) {
        if (w3 != other.w3) {
            return Long.compareUnsigned(w3, other.w3);
        }
        if (w2 != other.w2) {
            return Long.compareUnsigned(w2, other.w2);
        }
        if (w1 != other.w1) {
            return Long.compareUnsigned(w1, other.w1);
        }
        return Long.compareUnsigned(w0, other.w0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Target other
                && w3 == other.w3 && w2 == other.w2 && w1 == other.w1 && w0 == other.w0;
    }

    @Override
    public int hashCode() {
        return ((Long.hashCode(w3) * 31 + Long.hashCode(w2)) * 31 + Long.hashCode(w1)) * 31 + Long.hashCode(w0);
    }

    /** The display hex. */
    @Override
    public String toString() {
        return displayHex();
    }

    /** Word {@code index} of the number, 0 being the least significant 64 bits. */
    long word(int index) {
        return switch (index) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            case 3 -> w3;
            default -> throw new IllegalArgumentException("word index 0..3: " + index);
        };
    }

    /** Number of significant bits (0 for zero), as Bitcoin Core's {@code arith_uint256::bits()}. */
    int bitLength() {
        if (w3 != 0) {
            return 256 - Long.numberOfLeadingZeros(w3);
        }
        if (w2 != 0) {
            return 192 - Long.numberOfLeadingZeros(w2);
        }
        if (w1 != 0) {
            return 128 - Long.numberOfLeadingZeros(w1);
        }
        return 64 - Long.numberOfLeadingZeros(w0);
    }

    private static void checkHashBounds(byte[] hash, int offset) {
        if (offset < 0 || offset > hash.length - BYTES) {
            throw new IndexOutOfBoundsException(
                    "a hash needs 32 bytes at offset " + offset + " of a " + hash.length + "-byte array");
        }
    }

    /**
     * The 256-bit number as a double, truncated to its leading 53 significant bits; 0.0 for zero. The
     * truncation costs at most one part in 2^52.
     */
    private static double toDouble(long a3, long a2, long a1, long a0) {
        if (a3 != 0) {
            return leading(a3, a2, 192);
        }
        if (a2 != 0) {
            return leading(a2, a1, 128);
        }
        if (a1 != 0) {
            return leading(a1, a0, 64);
        }
        return leading(a0, 0, 0);
    }

    /** {@code high * 2^weight + low * 2^(weight - 64)} from the top 53 bits, with {@code high != 0} (or zero). */
    private static double leading(long high, long low, int weight) {
        if (high == 0) {
            return 0.0;
        }
        int zeros = Long.numberOfLeadingZeros(high);
        long top = zeros == 0 ? high : (high << zeros) | (low >>> (64 - zeros));
        // top now has bit 63 set; its upper 53 bits convert to a double exactly.
        return Math.scalb((double) (top >>> 11), weight - zeros + 11);
    }
}
