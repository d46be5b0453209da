package io.poolkit.stratum.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one line of bytes into a {@link StratumMessage} with jackson-core's streaming parser. Never
 * throws on any input: every problem becomes a {@link StratumDecodeError}. Thread-safe (the factory is).
 */
final class MessageParser {
    /** Root object, params array, an object or array inside it, one more level: Stratum needs 4. */
    static final int MAX_DEPTH = 8;
    /** Longer numbers are no id or difficulty anyone sends; refusing them bounds the work on them. */
    static final int MAX_NUMBER_LENGTH = 100;
    private static final int MAX_REASON_LENGTH = 160;
    private static final Logger LOG = LoggerFactory.getLogger(MessageParser.class);

    private final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .build();

    /** The message in {@code bytes[offset, offset+length)}; {@code null} for a line of only whitespace. */
    StratumMessage parse(byte[] bytes, int offset, int length) {
        StratumId id = StratumId.NULL;
        try (JsonParser p = factory.createParser(bytes, offset, length)) {
            JsonToken token = p.nextToken();
            if (token == null) {
                return null;
            }
            if (token != JsonToken.START_OBJECT) {
                return new StratumDecodeError(StratumId.NULL,
                        "a Stratum message is a JSON object, not " + describe(token));
            }
            String problem = null;
            String method = null;
            ArrayList<StratumValue> params = null;
            StratumValue result = null;
            StratumValue error = null;
            String name;
            while ((name = p.nextFieldName()) != null) {
                token = p.nextToken();
                switch (name) {
                    case "id" -> {
                        StratumId read = readId(p, token);
                        if (read != null) {
                            id = read;
                        } else {
                            problem = "id must be a number, a string or null, not " + describe(token);
                            p.skipChildren();
                        }
                    }
                    case "method" -> {
                        if (token == JsonToken.VALUE_STRING) {
                            method = knownMethodOrText(p);
                        } else if (token != JsonToken.VALUE_NULL) {
                            problem = "method must be a string, not " + describe(token);
                            p.skipChildren();
                        }
                    }
                    case "params" -> {
                        if (token == JsonToken.START_ARRAY) {
                            params = readElements(p);
                        } else if (token != JsonToken.VALUE_NULL) {
                            problem = "params must be an array, not " + describe(token);
                            p.skipChildren();
                        }
                    }
                    case "result" -> result = readValue(p, token);
                    case "error" -> error = readValue(p, token);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                return new StratumDecodeError(id, "unexpected content after the JSON object");
            }
            if (problem != null) {
                return new StratumDecodeError(id, problem);
            }
            if (method != null) {
                return StratumRequest.trusted(id, method, params);
            }
            if (result != null || error != null) {
                return StratumResponse.of(id, result == null ? StratumValue.NULL : result,
                        error == null ? StratumValue.NULL : error);
            }
            return new StratumDecodeError(id, "missing method");
        } catch (StreamConstraintsException e) {
            return new StratumDecodeError(id, "limit exceeded: " + abbreviate(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            return new StratumDecodeError(id, "malformed JSON: " + abbreviate(e.getOriginalMessage()));
        } catch (IOException e) {
            return new StratumDecodeError(id, "malformed JSON: " + abbreviate(e.getMessage()));
        } catch (RuntimeException e) {
            // Jackson documents only IOExceptions; anything else is a bug here or there, but it must
            // not take the session down with it.
            LOG.warn("unexpected failure decoding a Stratum line; answered as a decode error", e);
            return new StratumDecodeError(id, "undecodable line");
        }
    }

    private static StratumId readId(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                StratumId small = StratumId.cachedSmall(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                return small != null ? small : StratumId.trustedNumber(p.getText());
            }
            case VALUE_STRING -> {
                return StratumId.ofString(p.getText());
            }
            case VALUE_NULL -> {
                return StratumId.NULL;
            }
            default -> {
                return null;
            }
        }
    }

    /** The elements of the array whose START_ARRAY is the current token. */
    private static ArrayList<StratumValue> readElements(JsonParser p) throws IOException {
        ArrayList<StratumValue> elements = new ArrayList<>(8);
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY && token != null) {
            elements.add(readValue(p, token));
        }
        if (token == null) {
            throw new JsonParseException(p, "unexpected end of input in an array");
        }
        return elements;
    }

    // Recursion is bounded: Jackson refuses nesting deeper than MAX_DEPTH before we get here.
    private static StratumValue readValue(JsonParser p, JsonToken token) throws IOException {
        if (token == null) {
            throw new JsonParseException(p, "unexpected end of input");
        }
        switch (token) {
            case VALUE_STRING:
                return StratumValue.of(p.getText());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return StratumValue.trustedNumber(p.getText());
            case VALUE_TRUE:
                return StratumValue.TRUE;
            case VALUE_FALSE:
                return StratumValue.FALSE;
            case VALUE_NULL:
                return StratumValue.NULL;
            case START_ARRAY:
                return StratumValue.trustedArray(readElements(p));
            case START_OBJECT: {
                LinkedHashMap<String, StratumValue> members = new LinkedHashMap<>();
                String name;
                while ((name = p.nextFieldName()) != null) {
                    members.put(name, readValue(p, p.nextToken()));
                }
                return StratumValue.trustedObject(members);
            }
            default:
                throw new JsonParseException(p, "unexpected " + describe(token));
        }
    }

    /** The shared constant for a known method name, so methods of hot requests cost no allocation. */
    private static String knownMethodOrText(JsonParser p) throws IOException {
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int length = p.getTextLength();
        for (String known : StratumMethods.KNOWN) {
            if (known.length() == length && regionEquals(known, chars, offset)) {
                return known;
            }
        }
        return p.getText();
    }

    private static boolean regionEquals(String known, char[] chars, int offset) {
        for (int i = 0; i < known.length(); i++) {
            if (known.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "unknown problem";
        }
        return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH - 3) + "...";
    }
}
