package io.poolkit.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON tree read with jackson-core's streaming parser: enough for {@code pool.json} and for tests that
 * read the HTTP API. Duplicate keys and trailing content are errors, as a configuration typo should be.
 *
 * <p>Values are immutable. Numbers keep their text exactly as written ({@code 1e-6}, {@code 0.00010}).
 */
final class JsonTree {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private JsonTree() {}

    /** A JSON value. */
    sealed interface Node permits Obj, Arr, Scalar {
        /** What kind of value this is, for messages: {@code an object}, {@code a string}... */
        String describe();
    }

    /** An object; its fields in the order written. */
    record Obj(Map<String, Node> fields) implements Node {
        Obj {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        @Override
        public String describe() {
            return "an object";
        }

        Node get(String key) {
            return fields.get(key);
        }
    }

    /** An array. */
    record Arr(List<Node> items) implements Node {
        Arr {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "an array";
        }
    }

    /**
     * A string, number, boolean or null.
     *
     * @param token the JSON token kind
     * @param text  the string's value, the number's text as written, {@code true}/{@code false}, or
     *              {@code null}
     */
    record Scalar(JsonToken token, String text) implements Node {
        @Override
        public String describe() {
            return switch (token) {
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                default -> "null";
            };
        }

        boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        boolean isNumber() {
            return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
        }
    }

    /** Why some bytes are not one JSON value; the message names the line and column. */
    static final class MalformedJson extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJson(String message) {
            super(message);
        }
    }

    /** Parses exactly one JSON value from {@code bytes} (UTF-8). */
    static Node parse(byte[] bytes) throws MalformedJson {
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new MalformedJson("it is empty (expected a JSON object)");
            }
            Node node = read(p, first);
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new MalformedJson("unexpected " + after.asString() + " after the end of the value at "
                        + where(p.currentTokenLocation()));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new MalformedJson(e.getOriginalMessage().lines().findFirst().orElse("malformed") + " at "
                    + where(e.getLocation()));
        } catch (IOException e) {
            throw new MalformedJson(e.getMessage());
        }
    }

    private static Node read(JsonParser p, JsonToken token) throws IOException, MalformedJson {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Node> fields = new LinkedHashMap<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String key = p.currentName();
                    JsonLocation at = p.currentTokenLocation();
                    Node value = read(p, p.nextToken());
                    if (fields.putIfAbsent(key, value) != null) {
                        throw new MalformedJson("duplicate key '" + key + "' at " + where(at));
                    }
                }
                return new Obj(fields);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    items.add(read(p, t));
                }
                return new Arr(items);
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
                return new Scalar(token, token == JsonToken.VALUE_NULL ? null : p.getText());
            }
            default -> throw new MalformedJson("unexpected " + token + " at " + where(p.currentTokenLocation()));
        }
    }

    private static String where(JsonLocation location) {
        return location == null ? "an unknown place" : "line " + location.getLineNr() + ", column "
                + location.getColumnNr();
    }
}
