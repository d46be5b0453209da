package io.poolkit.core.node;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.core.chain.Hash256;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A JSON value read whole from a streaming parser, for the node's small answers.
 *
 * <p>Numbers keep their exact text, so amounts become satoshis without passing through {@code double}.
 * Every value knows its path ({@code result.details[2].amount}) so a shape error names the field. Accessors
 * throw {@link Shape} with that path; the client turns it into a malformed-response error.
 *
 * <p>Immutable once read.
 */
final class Json {
    enum Type { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL }

    /** A value that is not where or what the caller expected. */
    static final class Shape extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Shape(String message) {
            super(message);
        }

        Shape(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final BigDecimal SATS_PER_BTC = BigDecimal.valueOf(100_000_000L);

    private final Type type;
    private final String path;
    private final Object value;

    private Json(Type type, String path, Object value) {
        this.type = type;
        this.path = path;
        this.value = value;
    }

    /** Reads the value at the parser's current token (which must be a value's first token). */
    static Json read(JsonParser parser, String path) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw new Shape(path + ": the JSON ends where a value was expected");
        }
        switch (token) {
            case START_OBJECT: {
                Map<String, Json> fields = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    if (t != JsonToken.FIELD_NAME) {
                        throw new Shape(path + ": broken object at token " + t);
                    }
                    String name = parser.currentName();
                    parser.nextToken();
                    fields.put(name, read(parser, path + "." + name));
                }
                return new Json(Type.OBJECT, path, Collections.unmodifiableMap(fields));
            }
            case START_ARRAY: {
                List<Json> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    if (t == null) {
                        throw new Shape(path + ": the JSON ends inside an array");
                    }
                    items.add(read(parser, path + "[" + items.size() + "]"));
                }
                return new Json(Type.ARRAY, path, Collections.unmodifiableList(items));
            }
            case VALUE_STRING:
                return new Json(Type.STRING, path, parser.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Json(Type.NUMBER, path, parser.getText());
            case VALUE_TRUE:
                return new Json(Type.BOOLEAN, path, Boolean.TRUE);
            case VALUE_FALSE:
                return new Json(Type.BOOLEAN, path, Boolean.FALSE);
            case VALUE_NULL:
                return new Json(Type.NULL, path, null);
            default:
                throw new Shape(path + ": unexpected JSON token " + token);
        }
    }

    Type type() {
        return type;
    }

    String path() {
        return path;
    }

    boolean isNull() {
        return type == Type.NULL;
    }

    boolean isObject() {
        return type == Type.OBJECT;
    }

    // ---- this value as ...

    String asString() {
        expect(Type.STRING, "a string");
        return (String) value;
    }

    long asLong() {
        expect(Type.NUMBER, "an integer");
        try {
            return new BigDecimal((String) value).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new Shape(path + ": expected an integer, got " + value, e);
        }
    }

    int asInt() {
        long v = asLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new Shape(path + ": expected a 32-bit integer, got " + v);
        }
        return (int) v;
    }

    /** A number's exact text as it appeared in the JSON. */
    String asNumberText() {
        expect(Type.NUMBER, "a number");
        return (String) value;
    }

    double asDouble() {
        expect(Type.NUMBER, "a number");
        return Double.parseDouble((String) value);
    }

    boolean asBoolean() {
        expect(Type.BOOLEAN, "true or false");
        return (Boolean) value;
    }

    /** A BTC amount written as a JSON number (up to 8 decimals), exactly, in satoshis. */
    long asSats() {
        expect(Type.NUMBER, "a BTC amount");
        try {
            return new BigDecimal((String) value).multiply(SATS_PER_BTC).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new Shape(path + ": not a whole number of satoshis: " + value + " BTC", e);
        }
    }

    /** A 64-hex-digit hash in the display order {@code bitcoind} uses. */
    Hash256 asHash() {
        String text = asString();
        try {
            return Hash256.fromDisplayHex(text);
        } catch (IllegalArgumentException e) {
            throw new Shape(path + ": expected a 64-hex-digit hash, got \"" + abbreviate(text) + "\"", e);
        }
    }

    /** Hex text, checked to be hex. */
    String asHex() {
        String text = asString();
        if (text.length() % 2 != 0 || !text.chars().allMatch(Json::isHexDigit)) {
            throw new Shape(path + ": expected hex, got \"" + abbreviate(text) + "\"");
        }
        return text;
    }

    @SuppressWarnings("unchecked")
    List<Json> asArray() {
        expect(Type.ARRAY, "an array");
        return (List<Json>) value;
    }

    List<String> asStringList() {
        List<Json> items = asArray();
        List<String> out = new ArrayList<>(items.size());
        for (Json item : items) {
            out.add(item.asString());
        }
        return List.copyOf(out);
    }

    List<Hash256> asHashList() {
        List<Json> items = asArray();
        List<Hash256> out = new ArrayList<>(items.size());
        for (Json item : items) {
            out.add(item.asHash());
        }
        return List.copyOf(out);
    }

    // ---- fields of this object

    @SuppressWarnings("unchecked")
    private Map<String, Json> fields() {
        expect(Type.OBJECT, "an object");
        return (Map<String, Json>) value;
    }

    /** The field {@code name}, which must be present (it may be JSON null). */
    Json field(String name) {
        Json field = fields().get(name);
        if (field == null) {
            throw new Shape(path + ": missing field \"" + name + "\"");
        }
        return field;
    }

    /** The field {@code name}, or empty when it is absent or JSON null. */
    Optional<Json> optional(String name) {
        Json field = fields().get(name);
        return field == null || field.isNull() ? Optional.empty() : Optional.of(field);
    }

    String string(String name) {
        return field(name).asString();
    }

    Optional<String> optString(String name) {
        return optional(name).map(Json::asString);
    }

    long longField(String name) {
        return field(name).asLong();
    }

    int intField(String name) {
        return field(name).asInt();
    }

    OptionalLong optLong(String name) {
        Optional<Json> field = optional(name);
        return field.isPresent() ? OptionalLong.of(field.get().asLong()) : OptionalLong.empty();
    }

    OptionalInt optInt(String name) {
        Optional<Json> field = optional(name);
        return field.isPresent() ? OptionalInt.of(field.get().asInt()) : OptionalInt.empty();
    }

    double doubleField(String name) {
        return field(name).asDouble();
    }

    boolean bool(String name) {
        return field(name).asBoolean();
    }

    boolean bool(String name, boolean absent) {
        return optional(name).map(Json::asBoolean).orElse(absent);
    }

    long sats(String name) {
        return field(name).asSats();
    }

    OptionalLong optSats(String name) {
        Optional<Json> field = optional(name);
        return field.isPresent() ? OptionalLong.of(field.get().asSats()) : OptionalLong.empty();
    }

    Hash256 hash(String name) {
        return field(name).asHash();
    }

    Optional<Hash256> optHash(String name) {
        return optional(name).map(Json::asHash);
    }

    /** A compact target ({@code nBits}) written as 8 hex digits, as {@code bitcoind} shows it. */
    int bits(String name) {
        Json field = field(name);
        String text = field.asString();
        if (text.length() != 8 || !text.chars().allMatch(Json::isHexDigit)) {
            throw new Shape(field.path + ": expected 8 hex digits of nBits, got \"" + abbreviate(text) + "\"");
        }
        return (int) Long.parseLong(text, 16);
    }

    private void expect(Type wanted, String what) {
        if (type != wanted) {
            throw new Shape(path + ": expected " + what + ", got " + describe());
        }
    }

    private String describe() {
        switch (type) {
            case STRING:
                return "the string \"" + abbreviate((String) value) + "\"";
            case NUMBER:
                return "the number " + value;
            case BOOLEAN:
                return String.valueOf(value);
            case NULL:
                return "null";
            case ARRAY:
                return "an array";
            default:
                return "an object";
        }
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
