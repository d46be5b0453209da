package io.poolkit.stratum.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generates hostile Stratum lines cheaply from a seed, each with what the codec must make of it: random
 * bytes, other encodings, invalid UTF-8, truncated and deeply nested JSON, huge numbers and strings, wrong
 * types, every method with every wrong parameter shape, broken structure, mutations of real requests,
 * blank lines and responses. Lines never contain {@code \n}; terminators are the caller's. Not thread-safe.
 */
final class FuzzLines {
    /** What one line must decode to. */
    enum Expect {
        /** A {@link StratumRequest} with {@link Line#method}. */
        REQUEST,
        /** A {@link StratumResponse}. */
        RESPONSE,
        /** A {@link StratumDecodeError}. */
        ERROR,
        /** Exactly one message of any kind. */
        ANY,
        /** Nothing: an empty or whitespace-only line. */
        BLANK
    }

    /** One generated line (without terminator), what it must decode to, and the category that made it. */
    static final class Line {
        final byte[] bytes;
        final Expect expect;
        final String method;
        final String category;

        Line(byte[] bytes, Expect expect, String method, String category) {
            this.bytes = bytes;
            this.expect = expect;
            this.method = method;
            this.category = category;
        }

        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
            return category + " (" + expect + (method != null ? " " + method : "") + ", " + bytes.length + " bytes): "
                    + escape(text) + (bytes.length > 300 ? "..." : "");
        }

        private static String escape(String text) {
            StringBuilder out = new StringBuilder();
            for (char c : text.toCharArray()) {
                if (c >= 0x20 && c < 0x7f) {
                    out.append(c);
                } else {
                    out.append(String.format("\\x%02x", (int) c));
                }
            }
            return out.toString();
        }
    }

    /** Methods a miner sends, plus names no pool knows. */
    static final String[] METHODS = {
        StratumMethods.SUBSCRIBE, StratumMethods.AUTHORIZE, StratumMethods.SUBMIT, StratumMethods.CONFIGURE,
        StratumMethods.EXTRANONCE_SUBSCRIBE, StratumMethods.SUGGEST_DIFFICULTY, StratumMethods.SUGGEST_TARGET,
        StratumMethods.GET_VERSION, StratumMethods.PING, "mining.unknown", "", "MINING.SUBSCRIBE",
        "mining.subscribe ", "mining.sübmit", "x".repeat(200),
    };

    private final SplittableRandom random;
    private final int maxLineLength;
    private final Out out = new Out();

    FuzzLines(long seed, int maxLineLength) {
        this.random = new SplittableRandom(seed);
        this.maxLineLength = maxLineLength;
    }

    /** The next line, of at most the line limit. */
    Line next() {
        int pick = random.nextInt(1000);
        Line line;
        if (pick < 80) {
            line = randomBytes();
        } else if (pick < 100) {
            line = otherEncoding();
        } else if (pick < 160) {
            line = invalidUtf8();
        } else if (pick < 240) {
            line = truncated();
        } else if (pick < 300) {
            line = nested();
        } else if (pick < 360) {
            line = number();
        } else if (pick < 420) {
            line = string();
        } else if (pick < 500) {
            line = wrongType();
        } else if (pick < 700) {
            line = methodShape();
        } else if (pick < 750) {
            line = structure();
        } else if (pick < 850) {
            line = mutated();
        } else if (pick < 870) {
            line = blank();
        } else if (pick < 900) {
            line = response();
        } else if (pick < 998) {
            line = valid();
        } else {
            line = exactlyTheLimit();
        }
        if (line.bytes.length > maxLineLength) {
            throw new AssertionError("generated a line over the limit: " + line);
        }
        return line;
    }

    /** A line over the limit: {@code limit + 1} to {@code limit + 5000} bytes, none a newline. */
    byte[] oversized() {
        byte[] bytes = new byte[maxLineLength + 1 + random.nextInt(5000)];
        byte fill = (byte) "{[\"ax 9".charAt(random.nextInt(7));
        Arrays.fill(bytes, fill);
        if (random.nextBoolean()) {
            byte[] start = request(StratumMethods.SUBMIT, 0);
            System.arraycopy(start, 0, bytes, 0, Math.min(start.length - 1, bytes.length));
        }
        return bytes;
    }

    // ---- categories ----------------------------------------------------------------------------------

    private Line randomBytes() {
        byte[] bytes = new byte[1 + random.nextInt(random.nextInt(10) == 0 ? 4000 : 300)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        // A first byte that is no whitespace, byte-order mark or UTF-16/32 zero makes the line non-blank
        // in every encoding Jackson may detect.
        byte first;
        do {
            first = (byte) random.nextInt(256);
        } while (first == 0 || first == ' ' || first == '\t' || first == '\r' || first == '\n'
                || (first & 0xFF) == 0xEF || (first & 0xFF) == 0xFE || (first & 0xFF) == 0xFF);
        bytes[0] = first;
        return new Line(noNewlines(bytes), Expect.ANY, null, "random bytes");
    }

    private Line otherEncoding() {
        byte[] json = request(METHODS[random.nextInt(METHODS.length)], 0);
        String text = new String(json, StandardCharsets.UTF_8);
        byte[] bytes = switch (random.nextInt(5)) {
            case 0 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json);
            case 1 -> text.getBytes(StandardCharsets.UTF_16LE);
            case 2 -> text.getBytes(StandardCharsets.UTF_16BE);
            case 3 -> text.getBytes(StandardCharsets.UTF_16); // with its byte-order mark
            default -> concat(new byte[] {0, 0, 0}, json);
        };
        return new Line(noNewlines(bytes), Expect.ANY, null, "other encoding");
    }

    private Line invalidUtf8() {
        int kind = random.nextInt(8);
        byte[] bad = switch (kind) {
            case 0 -> new byte[] {(byte) (0x80 + random.nextInt(64))};         // a continuation byte alone
            case 1 -> new byte[] {(byte) (0xF8 + random.nextInt(5))};          // never a UTF-8 byte
            case 2 -> new byte[] {(byte) (0xC2 + random.nextInt(30)), 'a'};    // a sequence cut short
            case 3 -> new byte[] {(byte) 0xE2, (byte) 0x82, 'z'};
            case 4 -> new byte[] {(byte) 0xC0, (byte) 0x80};                   // overlong
            case 5 -> new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80};      // a surrogate
            case 6 -> new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}; // past U+10FFFF
            default -> new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98};     // four-byte sequence cut short
        };
        out.reset();
        String method = METHODS[random.nextInt(9)];
        boolean inMethod = random.nextInt(4) == 0;
        out.ascii("{\"id\":").ascii(Integer.toString(random.nextInt(100))).ascii(",\"method\":\"");
        if (inMethod) {
            out.utf8(method.substring(0, random.nextInt(method.length() + 1))).bytes(bad);
        } else {
            out.utf8(method);
        }
        out.ascii("\",\"params\":[\"");
        if (!inMethod) {
            out.ascii("rig").bytes(bad).ascii("1");
        }
        out.ascii("\"]}");
        // Overlong forms, surrogates and code points past U+10FFFF included: Jackson decodes strictly.
        return new Line(out.toBytes(), Expect.ERROR, null, "invalid UTF-8");
    }

    private Line truncated() {
        byte[] whole = request(METHODS[random.nextInt(METHODS.length)], 0);
        int cut = 1 + random.nextInt(whole.length - 1);
        return new Line(Arrays.copyOf(whole, cut), Expect.ERROR, null, "truncated JSON");
    }

    private Line nested() {
        int depth = random.nextInt(4) == 0 ? 1 + random.nextInt(2000) : 1 + random.nextInt(12);
        boolean objects = random.nextBoolean();
        boolean closed = random.nextInt(5) != 0;
        out.reset();
        int where = random.nextInt(4);
        if (where == 0) {
            // At the root: never an object, so never a message.
            open(depth, objects);
            out.ascii("1");
            if (closed) {
                close(depth, objects);
            }
            return new Line(out.toBytes(), Expect.ERROR, null, "nested at the root");
        }
        String method = METHODS[random.nextInt(METHODS.length)];
        out.ascii("{\"id\":7,\"method\":");
        quoted(method);
        if (where == 1) {
            out.ascii(",\"id\":"); // an id that is an array or object is refused whatever its depth
            open(depth, objects);
            out.ascii("2");
            if (closed) {
                close(depth, objects);
                out.ascii("}");
            }
            return new Line(out.toBytes(), Expect.ERROR, null, "nested id");
        }
        out.ascii(",\"params\":[");
        open(depth, objects);
        out.ascii("\"x\"");
        if (closed) {
            close(depth, objects);
            out.ascii("]}");
        }
        // Root object 1, params 2, then the nesting: 8 levels are allowed, 9 are refused.
        Expect expect = !closed || depth >= 7 ? Expect.ERROR : Expect.REQUEST;
        return new Line(out.toBytes(), expect, expect == Expect.REQUEST ? method : null, "nested params");
    }

    private Line number() {
        int digits = random.nextInt(3) == 0 ? 1 + random.nextInt(3000) : 1 + random.nextInt(150);
        int form = random.nextInt(14);
        String text;
        Expect expect;
        if (form < 6) {
            StringBuilder number = new StringBuilder();
            if (random.nextBoolean()) {
                number.append('-');
            }
            number.append((char) ('1' + random.nextInt(9)));
            for (int i = 1; i < digits; i++) {
                number.append((char) ('0' + random.nextInt(10)));
            }
            if (form >= 3) {
                number.insert(number.length() - digits / 2, digits > 1 ? "." : "");
            }
            if (form == 5) {
                number.append(random.nextBoolean() ? "e" : "E").append(random.nextBoolean() ? "-" : "+")
                        .append(1 + random.nextInt(999999));
            }
            text = number.toString();
            expect = text.length() <= 90 ? Expect.REQUEST : text.length() >= 110 ? Expect.ERROR : Expect.ANY;
        } else {
            String[] malformed = {"01", "+1", "1e", "--1", ".5", "1.e5", "0x1F", "NaN", "Infinity", "-Infinity", "1_000",
                "1.2.3", "-", "1e+"};
            text = malformed[random.nextInt(malformed.length)];
            expect = Expect.ERROR;
        }
        String method = METHODS[random.nextInt(METHODS.length)];
        out.reset();
        out.ascii("{\"id\":");
        boolean asId = random.nextBoolean();
        out.ascii(asId ? text : Integer.toString(random.nextInt(1000)));
        out.ascii(",\"method\":");
        quoted(method);
        out.ascii(",\"params\":[\"w\",").ascii(asId ? "1" : text).ascii("]}");
        return new Line(out.toBytes(), expect, expect == Expect.REQUEST ? method : null, "number");
    }

    private Line string() {
        String method = METHODS[random.nextInt(METHODS.length)];
        out.reset();
        out.ascii("{\"id\":\"s").ascii(Integer.toString(random.nextInt(1000))).ascii("\",\"method\":");
        quoted(method);
        out.ascii(",\"params\":[\"");
        int kind = random.nextInt(10);
        Expect expect = Expect.REQUEST;
        int budget = random.nextInt(50) == 0 ? maxLineLength - 400 : 300;
        int length = random.nextInt(budget);
        switch (kind) {
            case 0, 1, 2 -> { // letters, multi-byte characters and valid escapes
                while (out.length() < length) {
                    switch (random.nextInt(8)) {
                        case 0 -> out.utf8("é");
                        case 1 -> out.utf8("中");
                        case 2 -> out.utf8("😀");
                        case 3 -> out.ascii(new String[] {"\\n", "\\t", "\\\\", "\\\"", "\\/", "\\u00e9", "\\ud83d\\ude00",
                            "\\u0000", "\\b", "\\f", "\\r"}[random.nextInt(11)]);
                        default -> out.ascii(Character.toString('a' + random.nextInt(26)));
                    }
                }
            }
            case 3 -> { // an escape that is none
                out.ascii("ab").ascii(new String[] {"\\x41", "\\u12", "\\uZZZZ", "\\q", "\\U0041", "\\"}[random.nextInt(6)]);
                expect = Expect.ERROR;
            }
            case 4 -> { // a raw control character inside a string
                int control = 1 + random.nextInt(30);
                out.ascii("ab").byteValue((byte) (control >= '\n' ? control + 1 : control)).ascii("cd");
                expect = Expect.ERROR;
            }
            case 5 -> out.ascii(random.nextBoolean() ? "\\ud800" : "\\udfff x"); // a lone surrogate escape: JSON allows it
            case 6 -> { // never closed
                out.ascii("a".repeat(length));
                return new Line(out.toBytes(), Expect.ERROR, null, "unterminated string");
            }
            default -> out.ascii("a".repeat(length));
        }
        out.ascii("\"]}");
        return new Line(out.toBytes(), expect, expect == Expect.REQUEST ? method : null, "string");
    }

    private Line wrongType() {
        String[] wrong = {"true", "false", "[]", "[1,2]", "{}", "{\"a\":1}", "[[\"x\"]]"};
        String value = wrong[random.nextInt(wrong.length)];
        String method = METHODS[random.nextInt(METHODS.length)];
        out.reset();
        switch (random.nextInt(4)) {
            case 0 -> {
                out.ascii("{\"id\":").ascii(value).ascii(",\"method\":");
                quoted(method);
                out.ascii(",\"params\":[]}");
            }
            case 1 -> out.ascii("{\"id\":1,\"method\":").ascii(random.nextBoolean() ? value : "42").ascii(",\"params\":[]}");
            case 2 -> {
                out.ascii("{\"id\":1,\"method\":");
                quoted(method);
                out.ascii(",\"params\":").ascii(new String[] {"{}", "{\"a\":[1]}", "\"x\"", "5", "true", "-1.5e3"}
                        [random.nextInt(6)]).ascii("}");
            }
            default -> out.ascii("{\"id\":1,\"method\":null,\"params\":[\"x\"]}");
        }
        return new Line(out.toBytes(), Expect.ERROR, null, "wrong type");
    }

    /** Every method with a parameter list of the wrong shape: the codec must still hand it over as a request. */
    private Line methodShape() {
        String method = METHODS[random.nextInt(METHODS.length)];
        String[] params = correctParams(method);
        out.reset();
        out.ascii("{");
        id();
        out.ascii(",\"method\":");
        quoted(method);
        int shape = random.nextInt(9);
        switch (shape) {
            case 0 -> { } // missing
            case 1 -> out.ascii(",\"params\":null");
            case 2 -> out.ascii(",\"params\":[]");
            case 3 -> commaParams(Arrays.copyOf(params, Math.max(0, params.length - 1 - random.nextInt(3)))); // too few
            case 4 -> { // extra
                String[] extra = Arrays.copyOf(params, params.length + 1 + random.nextInt(4));
                for (int i = params.length; i < extra.length; i++) {
                    extra[i] = value(3);
                }
                commaParams(extra);
            }
            case 5 -> { // one parameter of the wrong type
                String[] wrong = params.length == 0 ? new String[] {value(3)} : params.clone();
                wrong[random.nextInt(wrong.length)] = value(3);
                commaParams(wrong);
            }
            case 6 -> { // all null
                String[] nulls = new String[Math.max(1, params.length)];
                Arrays.fill(nulls, "null");
                commaParams(nulls);
            }
            case 7 -> { // the right list, wrapped once more
                out.ascii(",\"params\":[[");
                joined(params);
                out.ascii("]]");
            }
            default -> commaParams(params);
        }
        out.ascii("}");
        return new Line(out.toBytes(), Expect.REQUEST, method, "method shape " + shape);
    }

    private Line structure() {
        String ping = "{\"id\":1,\"method\":\"mining.ping\",\"params\":[]}";
        return switch (random.nextInt(14)) {
            case 0 -> line("{}", Expect.ERROR, null);
            case 1 -> line("{\"id\":1}", Expect.ERROR, null);
            case 2 -> line(ping + " trailing", Expect.ERROR, null);
            case 3 -> line(ping + ping, Expect.ERROR, null);
            case 4 -> line(ping + ",", Expect.ERROR, null);
            case 5 -> line("[" + ping + "]", Expect.ERROR, null);
            case 6 -> line(new String[] {"\"mining.ping\"", "123", "null", "true", "-0.5"}[random.nextInt(5)], Expect.ERROR, null);
            case 7 -> line("{\"id\":1,\"method\":\"mining.ping\",\"method\":\"mining.submit\",\"params\":[]}", Expect.REQUEST,
                    StratumMethods.SUBMIT);
            case 8 -> line("{\"jsonrpc\":\"2.0\",\"x\":{\"y\":[1,2,{\"z\":null}]},\"id\":1,\"method\":\"mining.ping\"}",
                    Expect.REQUEST, StratumMethods.PING);
            case 9 -> line("{\"id\":1,\"method\":\"mining.ping\",}", Expect.ERROR, null);
            case 10 -> line("{'id':1,'method':'mining.ping'}", Expect.ERROR, null);
            case 11 -> line("/* hi */" + ping, Expect.ERROR, null);
            case 12 -> line("{id:1,method:\"mining.ping\"}", Expect.ERROR, null);
            default -> line("  \t" + ping + " \t ", Expect.REQUEST, StratumMethods.PING);
        };
    }

    private Line mutated() {
        byte[] bytes = request(METHODS[random.nextInt(METHODS.length)], 0);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(bytes.length);
            String specials = "\"{}[],:\\\u0000 e-1x";
            byte b = (byte) specials.charAt(random.nextInt(specials.length()));
            if (random.nextInt(4) == 0) {
                b = (byte) random.nextInt(256);
            }
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = b;
                case 1 -> { // insert
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = b;
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                default -> { // delete
                    if (bytes.length > 20) {
                        byte[] shorter = new byte[bytes.length - 1];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                        bytes = shorter;
                    }
                }
            }
        }
        return new Line(noNewlines(bytes), Expect.ANY, null, "mutated request");
    }

    private Line blank() {
        String[] blanks = {"", " ", "\t", "  \t  ", "\r", " \r\t "};
        return line(blanks[random.nextInt(blanks.length)], Expect.BLANK, null);
    }

    private Line response() {
        String[] responses = {
            "{\"id\":1,\"result\":true,\"error\":null}",
            "{\"id\":2,\"result\":null,\"error\":[21,\"Job not found\",null]}",
            "{\"id\":null,\"result\":[[\"mining.notify\",\"ae6812eb4cd7735a302a8a9dd95cf71f\"],\"08000002\",4],\"error\":null}",
            "{\"result\":false}",
        };
        return line(responses[random.nextInt(responses.length)], Expect.RESPONSE, null);
    }

    private Line valid() {
        String method = METHODS[random.nextInt(METHODS.length)];
        return new Line(request(method, random.nextInt(3)), Expect.REQUEST, method, "valid request");
    }

    private Line exactlyTheLimit() {
        String method = StratumMethods.AUTHORIZE;
        out.reset();
        out.ascii("{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"");
        String tail = "\",\"\"]}";
        out.ascii("p".repeat(maxLineLength - out.length() - tail.length())).ascii(tail);
        if (out.length() != maxLineLength) {
            throw new AssertionError(out.length() + " bytes");
        }
        return new Line(out.toBytes(), Expect.REQUEST, method, "exactly the limit");
    }

    // ---- pieces --------------------------------------------------------------------------------------

    /** A well-formed request for {@code method}, with {@code spacing} 0 (compact) to 2 (blanks everywhere). */
    private byte[] request(String method, int spacing) {
        String gap = spacing == 0 ? "" : spacing == 1 ? " " : " \t ";
        out.reset();
        out.ascii("{").ascii(gap);
        boolean methodFirst = random.nextBoolean();
        if (methodFirst) {
            out.ascii("\"method\":").ascii(gap);
            quoted(method);
            out.ascii(",").ascii(gap);
            id();
        } else {
            id();
            out.ascii(",").ascii(gap).ascii("\"method\":").ascii(gap);
            quoted(method);
        }
        out.ascii(",").ascii(gap);
        params(correctParams(method));
        out.ascii(gap).ascii("}");
        return out.toBytes();
    }

    private String[] correctParams(String method) {
        return switch (method) {
            case StratumMethods.SUBSCRIBE -> random.nextBoolean() ? new String[] {"\"cgminer/4.12.0\""}
                    : new String[] {"\"bmminer/2.0.0\"", "\"ae6812eb4cd7735a302a8a9dd95cf71f\""};
            case StratumMethods.AUTHORIZE -> new String[] {"\"bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1\"", "\"x\""};
            case StratumMethods.SUBMIT -> random.nextBoolean()
                    ? new String[] {"\"bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1\"", "\"6b0715a100000001\"",
                        "\"0000000000000000\"", "\"6b0715a1\"", "\"4e37a2c3\""}
                    : new String[] {"\"w\"", "\"1f\"", "\"00000000\"", "\"6b0715a1\"", "\"4e37a2c3\"", "\"1fffe000\""};
            case StratumMethods.CONFIGURE -> new String[] {"[\"version-rolling\",\"minimum-difficulty\"]",
                "{\"version-rolling.mask\":\"1fffe000\",\"version-rolling.min-bit-count\":2,\"minimum-difficulty.value\":2048}"};
            case StratumMethods.SUGGEST_DIFFICULTY -> new String[] {random.nextBoolean() ? "1024" : "0.5"};
            case StratumMethods.SUGGEST_TARGET -> new String[] {
                "\"00000000ffff0000000000000000000000000000000000000000000000000000\""};
            default -> new String[0];
        };
    }

    private void id() {
        out.ascii("\"id\":");
        switch (random.nextInt(6)) {
            case 0 -> out.ascii("null");
            case 1 -> out.ascii("\"abc-").ascii(Integer.toString(random.nextInt(1000))).ascii("\"");
            case 2 -> out.ascii("12345678901234567890123");
            case 3 -> out.ascii("-7.5e3");
            default -> out.ascii(Integer.toString(random.nextInt(100_000)));
        }
    }

    private void commaParams(String[] values) {
        out.ascii(",");
        params(values);
    }

    private void params(String[] values) {
        out.ascii("\"params\":[");
        joined(values);
        out.ascii("]");
    }

    private void joined(String[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.ascii(",");
            }
            out.utf8(values[i]);
        }
    }

    /** A JSON value, nested at most {@code depth} more levels. */
    private String value(int depth) {
        int kind = random.nextInt(depth > 0 ? 9 : 7);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> Long.toString(random.nextLong());
            case 3 -> Double.toString(random.nextDouble() * 1e6 - 5e5);
            case 4 -> "\"" + "s".repeat(random.nextInt(40)) + "\"";
            case 5 -> "\"" + "é中😀".repeat(random.nextInt(5)) + "\"";
            case 6 -> "\"" + "f".repeat(random.nextInt(2) == 0 ? 8 : 64) + "\"";
            case 7 -> {
                StringBuilder array = new StringBuilder("[");
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    array.append(i > 0 ? "," : "").append(value(depth - 1));
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                int n = random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    object.append(i > 0 ? "," : "").append("\"k").append(i).append("\":").append(value(depth - 1));
                }
                yield object.append('}').toString();
            }
        };
    }

    private void open(int depth, boolean objects) {
        for (int i = 0; i < depth; i++) {
            out.ascii(objects && i > 0 ? "{\"a\":" : "[");
        }
    }

    private void close(int depth, boolean objects) {
        for (int i = depth - 1; i >= 0; i--) {
            out.ascii(objects && i > 0 ? "}" : "]");
        }
    }

    private void quoted(String text) {
        out.ascii("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.ascii("\\");
            }
            if (c < 0x80) {
                out.byteValue((byte) c);
            } else {
                out.utf8(String.valueOf(c));
            }
        }
        out.ascii("\"");
    }

    private Line line(String text, Expect expect, String method) {
        return new Line(text.getBytes(StandardCharsets.UTF_8), expect, method, "structure");
    }

    private static byte[] noNewlines(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                bytes[i] = (byte) 0x0B;
            }
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** A growable byte array, reused for every line. */
    private static final class Out {
        private byte[] bytes = new byte[512];
        private int length;

        void reset() {
            length = 0;
        }

        int length() {
            return length;
        }

        Out byteValue(byte b) {
            ensure(1);
            bytes[length++] = b;
            return this;
        }

        Out bytes(byte[] more) {
            ensure(more.length);
            System.arraycopy(more, 0, bytes, length, more.length);
            length += more.length;
            return this;
        }

        Out ascii(String text) {
            ensure(text.length());
            for (int i = 0; i < text.length(); i++) {
                bytes[length++] = (byte) text.charAt(i);
            }
            return this;
        }

        Out utf8(String text) {
            return bytes(text.getBytes(StandardCharsets.UTF_8));
        }

        byte[] toBytes() {
            return Arrays.copyOf(bytes, length);
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
