package io.poolkit.stratum.codec;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;

/** Writes JSON pieces straight into a {@link ByteBuf}: strings with escaping, numbers, hex. Stateless. */
final class JsonOut {
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private JsonOut() {}

    /** Writes ASCII text as is (constants, hex, number texts). */
    static void writeAscii(ByteBuf out, String ascii) {
        out.writeCharSequence(ascii, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code text} as a quoted JSON string in UTF-8. Quote, backslash and control characters are
     * escaped; a lone surrogate (which UTF-8 cannot carry) is written as a {@code \\uXXXX} escape, so
     * the string reads back exactly.
     */
    static void writeString(ByteBuf out, CharSequence text) {
        out.writeByte('"');
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out.writeByte(c);
                } else {
                    writeEscape(out, c);
                }
            } else if (c < 0x800) {
                out.writeByte(0xc0 | (c >> 6));
                out.writeByte(0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                out.writeByte(0xf0 | (cp >> 18));
                out.writeByte(0x80 | ((cp >> 12) & 0x3f));
                out.writeByte(0x80 | ((cp >> 6) & 0x3f));
                out.writeByte(0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                writeUnicodeEscape(out, c);
            } else {
                out.writeByte(0xe0 | (c >> 12));
                out.writeByte(0x80 | ((c >> 6) & 0x3f));
                out.writeByte(0x80 | (c & 0x3f));
            }
        }
        out.writeByte('"');
    }

    private static void writeEscape(ByteBuf out, char c) {
        switch (c) {
            case '"' -> out.writeShort(('\\' << 8) | '"');
            case '\\' -> out.writeShort(('\\' << 8) | '\\');
            case '\n' -> out.writeShort(('\\' << 8) | 'n');
            case '\r' -> out.writeShort(('\\' << 8) | 'r');
            case '\t' -> out.writeShort(('\\' << 8) | 't');
            case '\b' -> out.writeShort(('\\' << 8) | 'b');
            case '\f' -> out.writeShort(('\\' << 8) | 'f');
            default -> writeUnicodeEscape(out, c);
        }
    }

    private static void writeUnicodeEscape(ByteBuf out, char c) {
        out.writeShort(('\\' << 8) | 'u');
        out.writeByte(HEX_DIGITS[(c >> 12) & 0xf]);
        out.writeByte(HEX_DIGITS[(c >> 8) & 0xf]);
        out.writeByte(HEX_DIGITS[(c >> 4) & 0xf]);
        out.writeByte(HEX_DIGITS[c & 0xf]);
    }

    /** The same escaping as {@link #writeString}, into a {@link StringBuilder} (for ids and logs). */
    static void appendQuoted(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1));
                    if (pairedSurrogate) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Writes a long in decimal without allocating. */
    static void writeLong(ByteBuf out, long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                writeAscii(out, Long.toString(value));
                return;
            }
            out.writeByte('-');
            value = -value;
        }
        if (value < 10) {
            out.writeByte('0' + (int) value);
            return;
        }
        long divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        while (divisor > 0) {
            out.writeByte('0' + (int) (value / divisor % 10));
            divisor /= 10;
        }
    }

    /** Writes lower-case hex digits (no quotes) of {@code length} bytes from {@code offset}. */
    static void writeHex(ByteBuf out, byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            int b = bytes[i] & 0xff;
            out.writeShort((HEX_DIGITS[b >> 4] << 8) | HEX_DIGITS[b & 0xf]);
        }
    }

    /** Writes a 32-bit value as exactly eight lower-case hex digits, most significant first (no quotes). */
    static void writeHex32(ByteBuf out, int value) {
        out.writeInt((HEX_DIGITS[(value >>> 28) & 0xf] << 24) | (HEX_DIGITS[(value >>> 24) & 0xf] << 16)
                | (HEX_DIGITS[(value >>> 20) & 0xf] << 8) | HEX_DIGITS[(value >>> 16) & 0xf]);
        out.writeInt((HEX_DIGITS[(value >>> 12) & 0xf] << 24) | (HEX_DIGITS[(value >>> 8) & 0xf] << 16)
                | (HEX_DIGITS[(value >>> 4) & 0xf] << 8) | HEX_DIGITS[value & 0xf]);
    }

    /** Writes any value as compact JSON. */
    static void writeValue(ByteBuf out, StratumValue value) {
        switch (value.kind()) {
            case NULL -> writeAscii(out, "null");
            case BOOLEAN -> writeAscii(out, value.asBoolean() ? "true" : "false");
            case NUMBER -> writeAscii(out, value.numberText());
            case STRING -> writeString(out, value.asString());
            case ARRAY -> writeArray(out, value.asArray());
            case OBJECT -> {
                out.writeByte('{');
                boolean first = true;
                for (Map.Entry<String, StratumValue> member : value.asObject().entrySet()) {
                    if (!first) {
                        out.writeByte(',');
                    }
                    first = false;
                    writeString(out, member.getKey());
                    out.writeByte(':');
                    writeValue(out, member.getValue());
                }
                out.writeByte('}');
            }
        }
    }

    static void writeArray(ByteBuf out, List<StratumValue> elements) {
        out.writeByte('[');
        for (int i = 0; i < elements.size(); i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            writeValue(out, elements.get(i));
        }
        out.writeByte(']');
    }
}
