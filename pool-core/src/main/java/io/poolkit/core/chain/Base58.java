package io.poolkit.core.chain;

import io.poolkit.core.hash.Sha256d;
import java.util.Arrays;

/**
 * Bitcoin's base58 and base58check encodings (alphabet without 0, O, I and l; leading zero bytes as
 * leading '1's; base58check appends the first four bytes of SHA-256d). Stateless and thread-safe.
 *
 * <p>Quadratic in the length, which is fine for addresses; callers bound the input length.
 */
final class Base58 {
    static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    static final int CHECKSUM_BYTES = 4;

    private static final byte[] DIGIT_OF = new byte[128];

    static {
        Arrays.fill(DIGIT_OF, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DIGIT_OF[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private Base58() {}

    static String encode(byte[] data) {
        int zeros = 0;
        while (zeros < data.length && data[zeros] == 0) {
            zeros++;
        }
        // log(256) / log(58) < 1.37: room for every base-58 digit, least significant last.
        byte[] digits = new byte[(data.length - zeros) * 137 / 100 + 1];
        int used = 0;
        for (int i = zeros; i < data.length; i++) {
            int carry = data[i] & 0xff;
            for (int j = 0; j < used; j++) {
                carry += (digits[j] & 0xff) << 8;
                digits[j] = (byte) (carry % 58);
                carry /= 58;
            }
            while (carry > 0) {
                digits[used++] = (byte) (carry % 58);
                carry /= 58;
            }
        }
        StringBuilder out = new StringBuilder(zeros + used);
        out.append("1".repeat(zeros));
        for (int j = used - 1; j >= 0; j--) {
            out.append(ALPHABET.charAt(digits[j]));
        }
        return out.toString();
    }

    /**
     * Decodes base58 text.
     *
     * @throws IllegalArgumentException naming the first character outside the alphabet and its position
     */
    static byte[] decode(CharSequence text) {
        int ones = 0;
        while (ones < text.length() && text.charAt(ones) == '1') {
            ones++;
        }
        // log(58) / log(256) < 0.733
        byte[] bytes = new byte[(text.length() - ones) * 733 / 1000 + 1];
        int used = 0;
        for (int i = ones; i < text.length(); i++) {
            char c = text.charAt(i);
            int digit = c < 128 ? DIGIT_OF[c] : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("'" + printable(c) + "' at position " + i
                        + " is not a base58 character");
            }
            int carry = digit;
            for (int j = 0; j < used; j++) {
                carry += (bytes[j] & 0xff) * 58;
                bytes[j] = (byte) carry;
                carry >>>= 8;
            }
            while (carry > 0) {
                bytes[used++] = (byte) carry;
                carry >>>= 8;
            }
        }
        byte[] out = new byte[ones + used];
        for (int j = 0; j < used; j++) {
            out[ones + j] = bytes[used - 1 - j];
        }
        return out;
    }

    /** The payload followed by its four checksum bytes, encoded. */
    static String encodeCheck(byte[] payload) {
        byte[] checksum = Sha256d.hash(payload);
        byte[] data = Arrays.copyOf(payload, payload.length + CHECKSUM_BYTES);
        System.arraycopy(checksum, 0, data, payload.length, CHECKSUM_BYTES);
        return encode(data);
    }

    /** Whether the last four bytes of {@code data} are the checksum of the bytes before them. */
    static boolean checksumMatches(byte[] data) {
        if (data.length < CHECKSUM_BYTES) {
            return false;
        }
        int payloadLength = data.length - CHECKSUM_BYTES;
        byte[] checksum = Sha256d.hash(data, 0, payloadLength);
        return Arrays.equals(checksum, 0, CHECKSUM_BYTES, data, payloadLength, data.length);
    }

    static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
