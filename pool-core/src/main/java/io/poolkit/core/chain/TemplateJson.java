package io.poolkit.core.chain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@code getblocktemplate} answer with jackson-core's streaming parser into a
 * {@link BlockTemplate}. Stateless; each call has its own parser.
 */
final class TemplateJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private static final List<String> REQUIRED = List.of(
            "version", "previousblockhash", "transactions", "coinbasevalue", "target", "bits", "curtime",
            "mintime", "height");
    private static final List<String> REQUIRED_IN_TRANSACTION = List.of("data", "txid", "fee", "sigops", "weight");

    private TemplateJson() {}

    static BlockTemplate parse(String json) {
        try {
            return parse(FACTORY.createParser(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BlockTemplate parse(byte[] utf8Json) {
        try {
            return parse(FACTORY.createParser(utf8Json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BlockTemplate parse(JsonParser parser) {
        try (JsonParser p = parser) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a getblocktemplate answer is a JSON object; got "
                        + describe(first, p));
            }
            BlockTemplate.Builder builder = BlockTemplate.builder();
            Set<String> seen = new HashSet<>();
            boolean envelope = false;
            boolean resultNull = false;
            String error = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "result" -> {
                        envelope = true;
                        if (value == JsonToken.VALUE_NULL) {
                            resultNull = true;
                        } else if (value == JsonToken.START_OBJECT) {
                            readTemplate(p, builder, seen);
                        } else {
                            throw typeError("result", "an object", p);
                        }
                    }
                    case "error" -> {
                        envelope = true;
                        if (value != JsonToken.VALUE_NULL) {
                            error = readError(p);
                        }
                    }
                    case "id" -> p.skipChildren();
                    default -> templateField(name, p, builder, seen);
                }
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("unexpected content after the getblocktemplate answer: "
                        + describe(p.currentToken(), p));
            }
            if (error != null) {
                throw new IllegalArgumentException("getblocktemplate failed: " + error);
            }
            if (envelope && resultNull) {
                throw new IllegalArgumentException("getblocktemplate answer has a null result and no error");
            }
            for (String field : REQUIRED) {
                if (!seen.contains(field)) {
                    throw new IllegalArgumentException("getblocktemplate answer lacks the required field '" + field + "'");
                }
            }
            return builder.build();
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at " + e.getLocation().offsetDescription();
            throw new IllegalArgumentException("getblocktemplate answer is not valid JSON: " + e.getOriginalMessage()
                    + where, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readTemplate(JsonParser p, BlockTemplate.Builder builder, Set<String> seen) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            templateField(name, p, builder, seen);
        }
    }

    private static void templateField(String name, JsonParser p, BlockTemplate.Builder b, Set<String> seen)
            throws IOException {
        seen.add(name);
        switch (name) {
            case "version" -> b.version(int32(name, p));
            case "previousblockhash" -> b.previousBlockHash(hash(name, p));
            case "transactions" -> b.transactions(transactions(p));
            case "coinbasevalue" -> b.coinbaseValueSats(range(name, p, 0, TxOutput.MAX_MONEY_SATS));
            case "target" -> b.targetBigEndian(hexOfLength(name, p, 32));
            case "bits" -> b.bits(bits(name, p));
            case "curtime" -> b.curTime(range(name, p, 0, 0xffff_ffffL));
            case "mintime" -> b.minTime(range(name, p, 0, 0xffff_ffffL));
            case "height" -> b.height(range(name, p, 1, Integer.MAX_VALUE));
            case "default_witness_commitment" -> b.witnessCommitmentScript(hex(name, p));
            case "longpollid" -> b.longPollId(string(name, p));
            case "rules" -> b.rules(strings(name, p));
            case "capabilities" -> b.capabilities(strings(name, p));
            case "mutable" -> b.mutable(strings(name, p));
            case "vbavailable" -> b.vbAvailable(intMap(name, p));
            case "vbrequired" -> b.vbRequired(int32(name, p));
            case "noncerange" -> b.nonceRangeHex(Hex.encode(hexOfLength(name, p, 8)));
            case "sigoplimit" -> b.sigOpLimit(range(name, p, 0, Long.MAX_VALUE));
            case "sizelimit" -> b.sizeLimit(range(name, p, 0, Long.MAX_VALUE));
            case "weightlimit" -> b.weightLimit(range(name, p, 0, Long.MAX_VALUE));
            case "coinbaseaux" -> b.coinbaseAux(stringMap(name, p));
            default -> p.skipChildren();
        }
    }

    private static List<TemplateTransaction> transactions(JsonParser p) throws IOException {
        expect("transactions", JsonToken.START_ARRAY, "an array", p);
        List<TemplateTransaction> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String where = "transactions[" + list.size() + "]";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw typeError(where, "an object", p);
            }
            list.add(transaction(where, p));
        }
        return list;
    }

    private static TemplateTransaction transaction(String where, JsonParser p) throws IOException {
        byte[] data = null;
        Hash256 txid = null;
        Hash256 wtxid = null;
        long fee = 0;
        int sigOps = 0;
        int weight = 0;
        List<Integer> depends = List.of();
        Set<String> seen = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String field = where + "." + name;
            p.nextToken();
            seen.add(name);
            switch (name) {
                case "data" -> data = hex(field, p);
                case "txid" -> txid = hash(field, p);
                case "hash" -> wtxid = hash(field, p);
                case "fee" -> fee = range(field, p, 0, TxOutput.MAX_MONEY_SATS);
                case "sigops" -> sigOps = (int) range(field, p, 0, Integer.MAX_VALUE);
                case "weight" -> weight = (int) range(field, p, 0, Integer.MAX_VALUE);
                case "depends" -> depends = ints(field, p);
                default -> p.skipChildren();
            }
        }
        for (String required : REQUIRED_IN_TRANSACTION) {
            if (!seen.contains(required)) {
                throw new IllegalArgumentException("getblocktemplate answer lacks the required field '" + where + "."
                        + required + "'");
            }
        }
        return new TemplateTransaction(data, txid, wtxid == null ? txid : wtxid, fee, sigOps, weight, depends);
    }

    private static String readError(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            return describe(p.currentToken(), p);
        }
        String code = "?";
        String message = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("code") && value.isNumeric()) {
                code = p.getText();
            } else if (name.equals("message") && value == JsonToken.VALUE_STRING) {
                message = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return "error " + code + ": " + message;
    }

    private static long range(String field, JsonParser p, long min, long max) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            throw typeError(field, "an integer", p);
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new IllegalArgumentException("field '" + field + "' is out of range " + min + ".." + max + ": "
                    + p.getText());
        }
        long value = p.getLongValue();
        if (value < min || value > max) {
            throw new IllegalArgumentException("field '" + field + "' is out of range " + min + ".." + max + ": "
                    + value);
        }
        return value;
    }

    /** A 32-bit field that nodes print signed or unsigned. */
    private static int int32(String field, JsonParser p) throws IOException {
        return (int) range(field, p, Integer.MIN_VALUE, 0xffff_ffffL);
    }

    private static String string(String field, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw typeError(field, "a string", p);
        }
        return p.getText();
    }

    private static byte[] hex(String field, JsonParser p) throws IOException {
        String text = string(field, p);
        try {
            return Hex.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field '" + field + "' is not hex: " + e.getMessage(), e);
        }
    }

    private static byte[] hexOfLength(String field, JsonParser p, int bytes) throws IOException {
        byte[] value = hex(field, p);
        if (value.length != bytes) {
            throw new IllegalArgumentException("field '" + field + "' must be " + (2 * bytes) + " hex digits; got '"
                    + p.getText() + "'");
        }
        return value;
    }

    private static Hash256 hash(String field, JsonParser p) throws IOException {
        String text = string(field, p);
        try {
            return Hash256.fromDisplayHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field '" + field + "' is not a hash: " + e.getMessage(), e);
        }
    }

    private static int bits(String field, JsonParser p) throws IOException {
        return (int) Long.parseLong(Hex.encode(hexOfLength(field, p, 4)), 16);
    }

    private static List<String> strings(String field, JsonParser p) throws IOException {
        expect(field, JsonToken.START_ARRAY, "an array of strings", p);
        List<String> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            list.add(string(field + "[" + list.size() + "]", p));
        }
        return list;
    }

    private static List<Integer> ints(String field, JsonParser p) throws IOException {
        expect(field, JsonToken.START_ARRAY, "an array of integers", p);
        List<Integer> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            list.add((int) range(field + "[" + list.size() + "]", p, 0, Integer.MAX_VALUE));
        }
        return list;
    }

    private static Map<String, Integer> intMap(String field, JsonParser p) throws IOException {
        expect(field, JsonToken.START_OBJECT, "an object", p);
        Map<String, Integer> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            map.put(key, int32(field + "." + key, p));
        }
        return map;
    }

    private static Map<String, String> stringMap(String field, JsonParser p) throws IOException {
        expect(field, JsonToken.START_OBJECT, "an object", p);
        Map<String, String> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            map.put(key, string(field + "." + key, p));
        }
        return map;
    }

    private static void expect(String field, JsonToken token, String what, JsonParser p) {
        if (p.currentToken() != token) {
            throw typeError(field, what, p);
        }
    }

    private static IllegalArgumentException typeError(String field, String expected, JsonParser p) {
        return new IllegalArgumentException("field '" + field + "' must be " + expected + "; got "
                + describe(p.currentToken(), p));
    }

    private static String describe(JsonToken token, JsonParser p) {
        if (token == null) {
            return "nothing";
        }
        String text;
        try {
            text = token.isStructStart() ? token.asString() : p.getText();
        } catch (IOException e) {
            text = token.name();
        }
        String kind = switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> token.name();
        };
        if (text != null && text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        return token == JsonToken.VALUE_STRING ? kind + " \"" + text + "\"" : kind + (text == null ? "" : " " + text);
    }
}
