package io.poolkit.stratum.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@code id} of a Stratum request, kept exactly as the miner sent it, so the reply echoes it.
 *
 * <p>An id is a JSON number (kept as its exact text: {@code 4}, {@code 12345678901234567890},
 * {@code 1e400} all survive), a string (the exact string) or {@code null}. The reply writer splices
 * the id's JSON bytes into the reply without re-encoding it.
 *
 * <pre>{@code
 * StratumId id = request.id();            // e.g. 4, "4" or null
 * StratumWriter.writeTrue(out, id);       // {"id":4,"result":true,"error":null}\n
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class StratumId {
    /** The kind of JSON value the id is. */
    public enum Kind { NUMBER, STRING, NULL }

    /** The JSON {@code null} id (notifications, and replies to requests whose id could not be read). */
    public static final StratumId NULL = new StratumId(Kind.NULL, "null", null);

    /** Small non-negative ids are what miners send almost always; these are shared, not allocated per request. */
    private static final StratumId[] SMALL = new StratumId[1024];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            String text = Integer.toString(i);
            SMALL[i] = new StratumId(Kind.NUMBER, text, text);
        }
    }

    private final Kind kind;
    /** The exact JSON text (US-ASCII for numbers and null; UTF-8 of the escaped string for strings). */
    private final byte[] json;
    /** The number's text or the string's value; null for NULL. */
    private final String text;

    private StratumId(Kind kind, String jsonText, String text) {
        this.kind = kind;
        this.json = jsonText.getBytes(StandardCharsets.UTF_8);
        this.text = text;
    }

    /** A numeric id. */
    public static StratumId of(long number) {
        if (number >= 0 && number < SMALL.length) {
            return SMALL[(int) number];
        }
        String text = Long.toString(number);
        return new StratumId(Kind.NUMBER, text, text);
    }

    /** A numeric id given as JSON number text, kept verbatim (e.g. {@code "12345678901234567890"}, {@code "1e400"}). */
    public static StratumId ofNumberText(String jsonNumberText) {
        if (!StratumValue.isJsonNumber(jsonNumberText)) {
            throw new IllegalArgumentException("not a JSON number: '" + jsonNumberText + "'");
        }
        return trustedNumber(jsonNumberText);
    }

    /** A string id; {@code null} gives {@link #NULL}. */
    public static StratumId ofString(String id) {
        if (id == null) {
            return NULL;
        }
        StringBuilder quoted = new StringBuilder(id.length() + 2);
        JsonOut.appendQuoted(quoted, id);
        return new StratumId(Kind.STRING, quoted.toString(), id);
    }

    /** The parser's path: the text is a number token Jackson has already checked. */
    static StratumId trustedNumber(String text) {
        StratumId cached = text.length() <= 4 ? cachedSmall(text.toCharArray(), 0, text.length()) : null;
        return cached != null ? cached : new StratumId(Kind.NUMBER, text, text);
    }

    /** The shared instance for ids 0..1023 written plainly in {@code chars[offset, offset+length)}, else null. */
    static StratumId cachedSmall(char[] chars, int offset, int length) {
        if (length < 1 || length > 4 || (length > 1 && chars[offset] == '0')) {
            return null;
        }
        int value = 0;
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c < '0' || c > '9') {
                return null;
            }
            value = value * 10 + (c - '0');
        }
        return value < SMALL.length ? SMALL[value] : null;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    public boolean isNumber() {
        return kind == Kind.NUMBER;
    }

    public boolean isString() {
        return kind == Kind.STRING;
    }

    /** The exact JSON text: {@code 4}, {@code "4"} (with quotes and escapes) or {@code null}. */
    public String json() {
        return new String(json, StandardCharsets.UTF_8);
    }

    /** The number's exact text or the string's value; {@code null} for the null id. */
    public String text() {
        return text;
    }

    /** Writes the id's JSON bytes into {@code out}: no encoding work, the bytes were made once. */
    void writeTo(ByteBuf out) {
        out.writeBytes(json);
    }

    int jsonLength() {
        return json.length;
    }

    /** Equal when the JSON text is identical: {@code 4}, {@code 4.0} and {@code "4"} are three different ids. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StratumId other && kind == other.kind && Arrays.equals(json, other.json);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(json);
    }

    /** The JSON text. */
    @Override
    public String toString() {
        return json();
    }
}
