package io.poolkit.core.chain;

import java.util.Arrays;
import java.util.Locale;

/**
 * The bech32 (BIP 173) and bech32m (BIP 350) string format: a human-readable part, the separator '1',
 * 5-bit data characters and a six-character checksum whose constant tells the two variants apart.
 * Stateless and thread-safe. Segwit rules (witness version, program length) belong to {@link Address}.
 */
final class Bech32 {
    static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    static final int MAX_LENGTH = 90;
    static final int CHECKSUM_LENGTH = 6;

    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    private static final byte[] VALUE_OF = new byte[128];

    static {
        Arrays.fill(VALUE_OF, (byte) -1);
        for (int i = 0; i < CHARSET.length(); i++) {
            VALUE_OF[CHARSET.charAt(i)] = (byte) i;
            VALUE_OF[Character.toUpperCase(CHARSET.charAt(i))] = (byte) i;
        }
    }

    /** The checksum variants; each is the constant the checksum polymod must equal. */
    enum Variant {
        BECH32(1),
        BECH32M(0x2bc830a3);

        final int constant;

        Variant(int constant) {
            this.constant = constant;
        }
    }

    /** A decoded string: lower-case HRP, 5-bit data values without the checksum, and the checksum variant. */
    static final class Decoded {
        final String hrp;
        final Variant variant;
        final int[] dataValues;

        Decoded(String hrp, Variant variant, int[] dataValues) {
            this.hrp = hrp;
            this.variant = variant;
            this.dataValues = dataValues;
        }
    }

    /** Why a string is not valid bech32/bech32m; {@code checksum} tells a bad checksum from bad syntax. */
    static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean checksum;

        FormatException(String message, boolean checksum) {
            super(message, null, false, false);
            this.checksum = checksum;
        }
    }

    private Bech32() {}

    /**
     * Decodes and checks {@code text} per BIP 173's rules: at most 90 characters, printable ASCII in the
     * HRP, not mixed case, a non-empty HRP, data characters from the charset, a valid checksum of either
     * variant.
     */
    static Decoded decode(String text) throws FormatException {
        if (text.length() > MAX_LENGTH) {
            throw new FormatException("is " + text.length() + " characters; bech32 allows at most " + MAX_LENGTH, false);
        }
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 33 || c > 126) {
                throw new FormatException("has the non-printable or non-ASCII character '"
                        + Base58.printable(c) + "' at position " + i, false);
            }
            lower |= c >= 'a' && c <= 'z';
            upper |= c >= 'A' && c <= 'Z';
        }
        if (lower && upper) {
            throw new FormatException("mixes upper and lower case, which bech32 forbids", false);
        }
        int separator = text.lastIndexOf('1');
        if (separator < 1) {
            throw new FormatException("has no human-readable part before the separator '1'", false);
        }
        int dataLength = text.length() - separator - 1;
        if (dataLength < CHECKSUM_LENGTH) {
            throw new FormatException("has " + dataLength + " characters after the separator; the checksum alone needs 6",
                    false);
        }
        String hrp = text.substring(0, separator).toLowerCase(Locale.ROOT);
        int[] values = new int[dataLength];
        for (int i = 0; i < dataLength; i++) {
            char c = text.charAt(separator + 1 + i);
            int value = c < 128 ? VALUE_OF[c] : -1;
            if (value < 0) {
                throw new FormatException("has '" + Base58.printable(c) + "' at position " + (separator + 1 + i)
                        + ", which is not a bech32 character", false);
            }
            values[i] = value;
        }
        int check = polymod(hrp, values, dataLength);
        Variant variant;
        if (check == Variant.BECH32.constant) {
            variant = Variant.BECH32;
        } else if (check == Variant.BECH32M.constant) {
            variant = Variant.BECH32M;
        } else {
            throw new FormatException("has a bad bech32/bech32m checksum (a typo?)", true);
        }
        return new Decoded(hrp, variant, Arrays.copyOf(values, dataLength - CHECKSUM_LENGTH));
    }

    /** Encodes lower case: {@code hrp}, '1', the data values and their checksum. */
    static String encode(String hrp, int[] dataValues, Variant variant) {
        int[] withChecksum = Arrays.copyOf(dataValues, dataValues.length + CHECKSUM_LENGTH);
        int mod = polymod(hrp, withChecksum, withChecksum.length) ^ variant.constant;
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            withChecksum[dataValues.length + i] = (mod >>> 5 * (5 - i)) & 31;
        }
        StringBuilder out = new StringBuilder(hrp.length() + 1 + withChecksum.length);
        out.append(hrp).append('1');
        for (int value : withChecksum) {
            out.append(CHARSET.charAt(value));
        }
        return out.toString();
    }

    /**
     * Regroups bits, e.g. bytes (8) into data values (5). When {@code pad} is false, the leftover bits must
     * be fewer than {@code fromBits} and all zero (BIP 173's rule for decoding).
     *
     * @return the regrouped values, or {@code null} if the padding is invalid
     */
    /** Bytes as 5-bit data values, the last one zero-padded. */
    static int[] toFiveBit(byte[] bytes) {
        int[] in = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            in[i] = bytes[i] & 0xff;
        }
        return convertBits(in, 0, 8, 5, true);
    }

    /** 5-bit data values from {@code offset} on as bytes, or {@code null} if the padding breaks BIP 173's rule. */
    static byte[] fromFiveBit(int[] values, int offset) {
        int[] regrouped = convertBits(values, offset, 5, 8, false);
        if (regrouped == null) {
            return null;
        }
        byte[] out = new byte[regrouped.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) regrouped[i];
        }
        return out;
    }

    private static int[] convertBits(int[] in, int offset, int fromBits, int toBits, boolean pad) {
        int accumulator = 0;
        int bits = 0;
        int maxValue = (1 << toBits) - 1;
        int[] out = new int[((in.length - offset) * fromBits + toBits - 1) / toBits];
        int used = 0;
        for (int i = offset; i < in.length; i++) {
            int value = in[i];
            if (value < 0 || value >> fromBits != 0) {
                throw new IllegalArgumentException("value " + value + " does not fit in " + fromBits + " bits");
            }
            accumulator = (accumulator << fromBits) | value;
            bits += fromBits;
            while (bits >= toBits) {
                bits -= toBits;
                out[used++] = (accumulator >>> bits) & maxValue;
            }
        }
        if (pad) {
            if (bits > 0) {
                out[used++] = (accumulator << (toBits - bits)) & maxValue;
            }
        } else if (bits >= fromBits || ((accumulator << (toBits - bits)) & maxValue) != 0) {
            return null;
        }
        return Arrays.copyOf(out, used);
    }

    private static int polymod(String hrp, int[] values, int count) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (int i = 0; i < count; i++) {
            chk = step(chk, values[i]);
        }
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                chk ^= GENERATOR[i];
            }
        }
        return chk;
    }
}
