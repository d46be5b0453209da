package io.poolkit.core.chain;

import java.util.HexFormat;

/**
 * Bitcoin's compact target encoding, {@code nBits}: a one-byte size and a three-byte signed mantissa,
 * {@code target = mantissa · 256^(size − 3)}. Stateless and thread-safe.
 *
 * <p>In a serialized header {@code nBits} is a little-endian uint32; {@code getblocktemplate} and
 * {@code getblockheader} show it as eight big-endian hex digits ({@code "bits": "207fffff"}). These helpers
 * take and give the number itself as an {@code int}.
 *
 * <pre>{@code
 * int bits = CompactBits.fromDisplayHex(template.bits());   // "207fffff"
 * Target target = CompactBits.toTarget(bits);
 * String shown = CompactBits.displayHex(target.toCompact());
 * }</pre>
 */
public final class CompactBits {
    private static final int SIGN_BIT = 0x0080_0000;
    private static final int MANTISSA_MASK = 0x007f_ffff;

    private CompactBits() {}

    /**
     * The target {@code bits} encodes, as Bitcoin Core's {@code arith_uint256::SetCompact}. Encodings that
     * Core flags as negative or overflowing are rejected; a zero mantissa (with or without the sign bit)
     * is the zero target, as in Core.
     *
     * @throws IllegalArgumentException naming the bits if they are negative or exceed 256 bits
     */
    public static Target toTarget(int bits) {
        int size = bits >>> 24;
        int word = bits & MANTISSA_MASK;
        if (size <= 3) {
            word >>>= 8 * (3 - size);
        }
        if (word != 0 && (bits & SIGN_BIT) != 0) {
            throw new IllegalArgumentException("nBits " + displayHex(bits) + " encodes a negative target");
        }
        if (word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))) {
            throw new IllegalArgumentException("nBits " + displayHex(bits) + " encodes a target above 2^256");
        }
        if (word == 0) {
            return Target.ZERO;
        }
        if (size <= 3) {
            return new Target(0, 0, 0, word);
        }
        // Place the mantissa so its lowest bit lands at bit 8 * (size - 3); it may straddle two words.
        int shift = 8 * (size - 3);
        long[] words = new long[4];
        int index = shift / 64;
        int within = shift % 64;
        words[index] = (long) word << within;
        if (within > 64 - 23 && index < 3) {
            words[index + 1] = (long) word >>> (64 - within);
        }
        return new Target(words[3], words[2], words[1], words[0]);
    }

    /**
     * The canonical compact form of {@code target}, as Bitcoin Core's {@code arith_uint256::GetCompact}:
     * the top three bytes, or the top two when the top byte is 0x80 or more (the mantissa is signed). The
     * bytes below are dropped, so {@code toTarget(fromTarget(t)) <= t}.
     */
    public static int fromTarget(Target target) {
        int size = (target.bitLength() + 7) / 8;
        long compact;
        if (size <= 3) {
            compact = target.word(0) << 8 * (3 - size);
        } else {
            compact = bitsAt(target, 8 * (size - 3));
        }
        compact &= 0x00ff_ffff;
        if ((compact & SIGN_BIT) != 0) {
            compact >>>= 8;
            size++;
        }
        return (int) compact | size << 24;
    }

    /** Eight lower-case hex digits, as {@code getblocktemplate} shows {@code "bits"}. */
    public static String displayHex(int bits) {
        return HexFormat.of().toHexDigits(bits);
    }

    /**
     * Parses the eight-hex-digit form {@code getblocktemplate} and {@code getblockheader} show. Only checks
     * the syntax; {@link #toTarget} checks the encoding.
     *
     * @throws IllegalArgumentException naming the text if it is not eight hex digits
     */
    public static int fromDisplayHex(String hex) {
        if (hex == null || hex.length() != 8) {
            throw new IllegalArgumentException("nBits are 8 hex digits; got '" + hex + "'");
        }
        try {
            return HexFormat.fromHexDigits(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nBits are 8 hex digits; got '" + hex + "'", e);
        }
    }

    /** The 64 bits of {@code target} starting at bit {@code from} (which is below 256). */
    private static long bitsAt(Target target, int from) {
        int index = from / 64;
        int within = from % 64;
        long low = target.word(index) >>> within;
        if (within != 0 && index < 3) {
            low |= target.word(index + 1) << (64 - within);
        }
        return low;
    }
}
