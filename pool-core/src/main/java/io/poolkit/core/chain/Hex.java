package io.poolkit.core.chain;

import java.util.HexFormat;

/**
 * Lower-case hexadecimal, with errors that say what was wrong with the input.
 *
 * <pre>{@code
 * byte[] script = Hex.decode("0014751e76e8199196d454941c45d1b3a323f1433bd6");
 * String text = Hex.encode(script);
 * }</pre>
 */
public final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {}

    public static String encode(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    public static String encode(byte[] bytes, int offset, int length) {
        return FORMAT.formatHex(bytes, offset, offset + length);
    }

    /** Decodes upper- or lower-case hex; throws {@link IllegalArgumentException} naming the bad input. */
    public static byte[] decode(CharSequence hex) {
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("hex needs an even number of digits; got " + hex.length()
                    + " in '" + abbreviate(hex) + "'");
        }
        try {
            return FORMAT.parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not hex: '" + abbreviate(hex) + "'", e);
        }
    }

    private static String abbreviate(CharSequence text) {
        return text.length() <= 80 ? text.toString() : text.subSequence(0, 77) + "...";
    }
}
