package io.poolkit.stratum.codec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON value of a Stratum message (a parameter, a result, an error), immutable.
 *
 * <p>Stratum parameters are mostly strings, numbers and booleans, sometimes nested
 * ({@code mining.configure} takes an array and an object). A value says its {@link #kind()}; the
 * {@code asXxx()} accessors return it only when the kind matches and otherwise throw
 * {@link IllegalStateException}, so check with {@code isXxx()} first: a miner's wrong type is an
 * outcome to answer, not an exception.
 *
 * <pre>{@code
 * StratumValue p = request.param(1);
 * if (p == null || !p.isString()) {
 *     // reply with error 20: "param 1 (job id) must be a string"
 * }
 * String jobId = p.asString();
 * }</pre>
 *
 * <p>Numbers keep the exact text they were sent as ({@link #numberText()}), so an id or a difficulty
 * of any size or precision survives decoding; {@link #asDouble()} and {@link #asLong()} parse it on
 * demand. Objects keep their members in the order they were sent.
 *
 * <p>Immutable and thread-safe.
 */
public final class StratumValue {
    /** The JSON type of a value. */
    public enum Kind { NULL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT }

    public static final StratumValue NULL = new StratumValue(Kind.NULL, null);
    public static final StratumValue TRUE = new StratumValue(Kind.BOOLEAN, Boolean.TRUE);
    public static final StratumValue FALSE = new StratumValue(Kind.BOOLEAN, Boolean.FALSE);
    static final StratumValue EMPTY_ARRAY = new StratumValue(Kind.ARRAY, List.of());

    private final Kind kind;
    /** String (STRING, NUMBER's text), Boolean, List or Map; null for NULL. */
    private final Object value;

    private StratumValue(Kind kind, Object value) {
        this.kind = kind;
        this.value = value;
    }

    /** A string value; {@code null} gives {@link #NULL}. */
    public static StratumValue of(String text) {
        return text == null ? NULL : new StratumValue(Kind.STRING, text);
    }

    public static StratumValue of(boolean b) {
        return b ? TRUE : FALSE;
    }

    public static StratumValue of(long number) {
        return new StratumValue(Kind.NUMBER, Long.toString(number));
    }

    /**
     * A number written as a plain decimal without an exponent (0.000001, not 1.0E-6), with as many
     * digits as needed to read back the same double. Throws for NaN and infinities, which JSON lacks.
     */
    public static StratumValue of(double number) {
        return new StratumValue(Kind.NUMBER, plainDecimal(number));
    }

    /** A number given as its JSON text (e.g. {@code "12345678901234567890"}, {@code "1e400"}), kept as is. */
    public static StratumValue number(String jsonNumberText) {
        if (!isJsonNumber(jsonNumberText)) {
            throw new IllegalArgumentException("not a JSON number: '" + jsonNumberText + "'");
        }
        return new StratumValue(Kind.NUMBER, jsonNumberText);
    }

    public static StratumValue array(StratumValue... elements) {
        return array(Arrays.asList(elements));
    }

    /** An array of these elements (copied; no element may be {@code null}: use {@link #NULL}). */
    public static StratumValue array(List<StratumValue> elements) {
        return elements.isEmpty() ? EMPTY_ARRAY : new StratumValue(Kind.ARRAY, List.copyOf(elements));
    }

    /** An object with these members in iteration order (copied; use {@link #NULL}, never {@code null}). */
    public static StratumValue object(Map<String, StratumValue> members) {
        LinkedHashMap<String, StratumValue> copy = new LinkedHashMap<>(members);
        for (Map.Entry<String, StratumValue> member : copy.entrySet()) {
            Objects.requireNonNull(member.getKey(), "member name");
            Objects.requireNonNull(member.getValue(), () -> "value of member '" + member.getKey() + "'");
        }
        return new StratumValue(Kind.OBJECT, Collections.unmodifiableMap(copy));
    }

    /** Trusted paths of the parser: the list/map is fresh and never escapes elsewhere. */
    static StratumValue trustedArray(ArrayList<StratumValue> elements) {
        return elements.isEmpty() ? EMPTY_ARRAY
                : new StratumValue(Kind.ARRAY, Collections.unmodifiableList(elements));
    }

    static StratumValue trustedObject(LinkedHashMap<String, StratumValue> members) {
        return new StratumValue(Kind.OBJECT, Collections.unmodifiableMap(members));
    }

    static StratumValue trustedNumber(String text) {
        return new StratumValue(Kind.NUMBER, text);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    public boolean isBoolean() {
        return kind == Kind.BOOLEAN;
    }

    public boolean isNumber() {
        return kind == Kind.NUMBER;
    }

    public boolean isString() {
        return kind == Kind.STRING;
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    /** The string; throws {@link IllegalStateException} when this is not a string. */
    public String asString() {
        expect(Kind.STRING);
        return (String) value;
    }

    public boolean asBoolean() {
        expect(Kind.BOOLEAN);
        return (Boolean) value;
    }

    /** The number exactly as it was written (e.g. {@code 1e400}, {@code 12345678901234567890}, {@code 0.5}). */
    public String numberText() {
        expect(Kind.NUMBER);
        return (String) value;
    }

    /** The number as a double (huge numbers give an infinity, tiny ones zero). */
    public double asDouble() {
        return Double.parseDouble(numberText());
    }

    /** Whether this is a number with an integral value that fits a {@code long} ({@code 4}, {@code 4.0}, {@code 4e0}). */
    public boolean isLong() {
        return kind == Kind.NUMBER && exactLong((String) value) != null;
    }

    /** The number as a long; throws {@link IllegalStateException} unless {@link #isLong()}. */
    public long asLong() {
        Long exact = exactLong(numberText());
        if (exact == null) {
            throw new IllegalStateException("the number " + value + " is not an integer that fits a long");
        }
        return exact;
    }

    /** The elements, unmodifiable. */
    @SuppressWarnings("unchecked")
    public List<StratumValue> asArray() {
        expect(Kind.ARRAY);
        return (List<StratumValue>) value;
    }

    /** The members in the order sent, unmodifiable. */
    @SuppressWarnings("unchecked")
    public Map<String, StratumValue> asObject() {
        expect(Kind.OBJECT);
        return (Map<String, StratumValue>) value;
    }

    /** Compact JSON text of this value, for logs and tests. */
    public String toJson() {
        StringBuilder out = new StringBuilder();
        appendJson(out);
        return out.toString();
    }

    void appendJson(StringBuilder out) {
        switch (kind) {
            case NULL -> out.append("null");
            case BOOLEAN, NUMBER -> out.append(value);
            case STRING -> JsonOut.appendQuoted(out, (String) value);
            case ARRAY -> {
                out.append('[');
                List<StratumValue> elements = asArray();
                for (int i = 0; i < elements.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    elements.get(i).appendJson(out);
                }
                out.append(']');
            }
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, StratumValue> member : asObject().entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    JsonOut.appendQuoted(out, member.getKey());
                    out.append(':');
                    member.getValue().appendJson(out);
                }
                out.append('}');
            }
        }
    }

    /** Same kind and same content; numbers compare by their text ({@code 1} differs from {@code 1.0}). */
    @Override
    public boolean equals(Object o) {
        return o instanceof StratumValue other && kind == other.kind && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + Objects.hashCode(value);
    }

    /** The JSON text. */
    @Override
    public String toString() {
        return toJson();
    }

    private void expect(Kind expected) {
        if (kind != expected) {
            throw new IllegalStateException("expected a " + expected + " but the value is a " + kind + ": "
                    + abbreviate(toJson()));
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static Long exactLong(String text) {
        if (text.length() <= 18 && text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
            return Long.parseLong(text); // at most 18 digits: always fits, and is the common case
        }
        if (text.length() > 64) {
            return null; // no long has that many significant digits; avoid BigDecimal work on "1e99999"
        }
        try {
            return new BigDecimal(text).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    static String plainDecimal(double number) {
        if (Double.isNaN(number) || Double.isInfinite(number)) {
            throw new IllegalArgumentException("JSON has no " + number);
        }
        if (number == Math.rint(number) && Math.abs(number) < 1e15) {
            return Long.toString((long) number);
        }
        // Double.toString gives the digits that read back as the same double; BigDecimal only moves the point.
        return new BigDecimal(Double.toString(number)).stripTrailingZeros().toPlainString();
    }

    /** The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    static boolean isJsonNumber(String s) {
        if (s == null) {
            return false;
        }
        int i = 0;
        int n = s.length();
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        if (i >= n) {
            return false;
        }
        if (s.charAt(i) == '0') {
            i++;
        } else if (isDigit(s.charAt(i))) {
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
        } else {
            return false;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            int start = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
