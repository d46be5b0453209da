package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.poolkit.stratum.testing.LeakTracking;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(LeakTracking.class)
class StratumDecoderTest {
    private final Feed feed = Feed.messages();

    @Test
    void decodesASubmitAsSentByCpuminer() {
        StratumRequest request = request("{\"method\": \"mining.submit\", \"params\": [\"bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1\","
                + " \"6b0715a100000001\", \"0000000000000000\", \"6b0715a1\", \"4e37a2c3\"], \"id\":4}\n");
        assertEquals(StratumId.of(4), request.id());
        assertSame(StratumMethods.SUBMIT, request.method(), "known methods come back as the shared constant");
        assertEquals(5, request.paramCount());
        assertEquals("bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1", request.stringParam(0));
        assertEquals("4e37a2c3", request.stringParam(4));
        assertEquals(null, request.param(5));
        assertEquals(null, request.stringParam(5));
    }

    @Test
    void decodesMiningConfigureWithItsArrayAndObject() {
        StratumRequest request = request("{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\","
                + "\"minimum-difficulty\"],{\"version-rolling.mask\":\"1fffe000\",\"version-rolling.min-bit-count\":2,"
                + "\"minimum-difficulty.value\":0.5}]}\n");
        assertEquals(StratumMethods.CONFIGURE, request.method());
        StratumValue extensions = request.param(0);
        assertTrue(extensions.isArray());
        assertEquals(List.of(StratumValue.of("version-rolling"), StratumValue.of("minimum-difficulty")), extensions.asArray());
        Map<String, StratumValue> options = request.param(1).asObject();
        assertEquals(List.of("version-rolling.mask", "version-rolling.min-bit-count", "minimum-difficulty.value"),
                List.copyOf(options.keySet()), "members keep the order sent");
        assertEquals("1fffe000", options.get("version-rolling.mask").asString());
        assertEquals(2L, options.get("version-rolling.min-bit-count").asLong());
        assertEquals(0.5, options.get("minimum-difficulty.value").asDouble());
    }

    @Test
    void tellsParameterTypesApart() {
        StratumRequest request = request("{\"id\":7,\"method\":\"x.y\",\"params\":[\"s\",12,1.5,true,null,[],{}]}\n");
        assertEquals(List.of(StratumValue.Kind.STRING, StratumValue.Kind.NUMBER, StratumValue.Kind.NUMBER,
                StratumValue.Kind.BOOLEAN, StratumValue.Kind.NULL, StratumValue.Kind.ARRAY, StratumValue.Kind.OBJECT),
                request.params().stream().map(StratumValue::kind).toList());
        assertEquals(null, request.stringParam(1), "a number is not a string");
        assertEquals("x.y", request.method(), "unknown methods are kept");
        assertTrue(request.param(1).isLong());
        assertTrue(!request.param(2).isLong());
    }

    @Test
    void treatsMissingOrNullParamsAsNone() {
        assertEquals(List.of(), request("{\"id\":1,\"method\":\"mining.ping\"}\n").params());
        assertEquals(List.of(), request("{\"id\":1,\"method\":\"mining.ping\",\"params\":null}\n").params());
        assertEquals(List.of(), request("{\"id\":1,\"method\":\"mining.ping\",\"params\":[]}\n").params());
    }

    @Test
    void ignoresUnknownMembers() {
        StratumRequest request = request("{\"jsonrpc\":\"2.0\",\"id\":3,\"extra\":{\"a\":[1,2,{\"b\":null}]},"
                + "\"method\":\"mining.authorize\",\"params\":[\"w\",\"x\"]}\n");
        assertEquals(StratumId.of(3), request.id());
        assertEquals(List.of(StratumValue.of("w"), StratumValue.of("x")), request.params());
    }

    @ParameterizedTest
    @ValueSource(strings = {"4", "\"4\"", "null", "12345678901234567890", "-12345678901234567890123", "1e400",
            "1E+400", "-0", "0.5", "3.14159265358979323846264338327950288", "\"\"", "\"a\\\"b\\\\c\"",
            "\"\\u00e9t\\u00e9 \\ud83d\\ude00\"", "\"line\\nbreak\"", "1023", "1024", "0"})
    void echoesEveryKindOfIdExactly(String idJson) {
        StratumRequest request = request("{\"id\":" + idJson + ",\"method\":\"mining.submit\",\"params\":[]}\n");
        String reply = write(out -> StratumWriter.writeTrue(out, request.id()));
        String expectedId = switch (idJson) {
            // Strings come back with the same value; escapes the writer does not need are written plainly.
            case "\"\\u00e9t\\u00e9 \\ud83d\\ude00\"" -> "\"\u00e9t\u00e9 \ud83d\ude00\"";
            default -> idJson;
        };
        assertEquals("{\"id\":" + expectedId + ",\"result\":true,\"error\":null}\n", reply);
    }

    @Test
    void keepsTheIdKinds() {
        assertEquals(StratumId.Kind.NUMBER, request("{\"id\":4,\"method\":\"m\"}\n").id().kind());
        assertEquals(StratumId.Kind.STRING, request("{\"id\":\"4\",\"method\":\"m\"}\n").id().kind());
        assertEquals(StratumId.Kind.NULL, request("{\"id\":null,\"method\":\"m\"}\n").id().kind());
        assertEquals(StratumId.Kind.NULL, request("{\"method\":\"m\"}\n").id().kind(), "a missing id is null");
        assertEquals("4", request("{\"id\":\"4\",\"method\":\"m\"}\n").id().text());
        assertTrue(request("{\"id\":null,\"method\":\"mining.notify\"}\n").isNotification());
    }

    @Test
    void decodesResponsesAndTheirErrors() {
        StratumResponse accepted = response("{\"result\":true,\"error\":null,\"id\":2}\n");
        assertEquals(StratumId.of(2), accepted.id());
        assertEquals(StratumValue.TRUE, accepted.result());
        assertTrue(!accepted.isError());
        assertEquals(0, accepted.errorCode());

        StratumResponse stale = response("{\"id\":4,\"result\":null,\"error\":[21,\"Job not found\",null]}\n");
        assertTrue(stale.isError());
        assertEquals(21, stale.errorCode());
        assertEquals("Job not found", stale.errorMessage());

        StratumResponse objectStyle = response("{\"id\":5,\"result\":null,\"error\":{\"code\":23,\"message\":\"low\"}}\n");
        assertEquals(23, objectStyle.errorCode());
        assertEquals("low", objectStyle.errorMessage());

        StratumResponse bare = response("{\"id\":6,\"result\":false,\"error\":\"stale\"}\n");
        assertEquals(20, bare.errorCode(), "an error without a readable code counts as 20");
        assertEquals("stale", bare.errorMessage());

        StratumResponse onlyResult = response("{\"id\":7,\"result\":\"pong\"}\n");
        assertEquals("pong", onlyResult.result().asString());
        assertEquals(StratumValue.NULL, onlyResult.error());
    }

    @Test
    void decodesCoalescedMessagesInOrder() {
        String input = "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"a\"]}\n"
                + "{\"id\":2,\"result\":true,\"error\":null}\r\n"
                + "\n"
                + "not json\n"
                + "   \n"
                + "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0.000001]}\n";
        Feed.Result result = feed.sameEverySplit(input);
        assertTrue(result.open());
        assertEquals(4, result.out().size(), () -> result.out().toString());
        assertInstanceOf(StratumRequest.class, result.out().get(0));
        assertInstanceOf(StratumResponse.class, result.out().get(1));
        assertInstanceOf(StratumDecodeError.class, result.out().get(2));
        StratumRequest difficulty = (StratumRequest) result.out().get(3);
        assertEquals("0.000001", difficulty.param(0).numberText());
        assertEquals(0.000001, difficulty.param(0).asDouble());
    }

    @Test
    void answersMalformedJsonWithADecodeErrorAndANullId() {
        for (String line : List.of("{", "{\"id\":}", "{\"id\":1,\"method\":\"m\",}", "{'id':1}", "[1,2", "nonsense",
                "{\"id\":1 \"method\":\"m\"}", "{\"id\":01,\"method\":\"m\"}", "{\"id\":NaN,\"method\":\"m\"}",
                "{\"id\":1,\"method\":\"m\"}}")) {
            StratumDecodeError error = decodeError(line + "\n");
            assertTrue(error.reason().length() <= 200, error.reason());
        }
        assertEquals(StratumId.NULL, decodeError("{\"method\":\"m\",\n").id());
    }

    @Test
    void keepsTheIdWhenItWasReadBeforeTheProblem() {
        assertEquals(StratumId.of(9), decodeError("{\"id\":9,\"method\":\"mining.submit\",\"params\":[\"a\",}\n").id());
        assertEquals(StratumId.ofString("x"), decodeError("{\"id\":\"x\",\"method\":5}\n").id());
        assertEquals(StratumId.of(8), decodeError("{\"method\":[\"m\"],\"id\":8}\n").id(),
                "an id after a bad member still counts");
    }

    @Test
    void refusesAnythingButAnObject() {
        for (String line : List.of("[]", "[{\"id\":1,\"method\":\"m\"}]", "\"mining.subscribe\"", "42", "true", "null")) {
            StratumDecodeError error = decodeError(line + "\n");
            assertTrue(error.reason().startsWith("a Stratum message is a JSON object"), error.reason());
            assertEquals(StratumId.NULL, error.id());
        }
    }

    @Test
    void refusesTrailingContentAfterTheObject() {
        StratumDecodeError error = decodeError("{\"id\":1,\"method\":\"m\"} {\"id\":2,\"method\":\"m\"}\n");
        assertEquals(StratumId.of(1), error.id());
        assertTrue(error.reason().contains("after the JSON object"), error.reason());
    }

    @Test
    void refusesMessagesWithoutMethodResultOrError() {
        StratumDecodeError error = decodeError("{\"id\":12,\"params\":[]}\n");
        assertEquals("missing method", error.reason());
        assertEquals(StratumId.of(12), error.id());
        assertEquals("missing method", decodeError("{\"id\":12,\"method\":null,\"params\":[]}\n").reason());
    }

    @Test
    void refusesWrongTypesForIdMethodAndParams() {
        StratumDecodeError badId = decodeError("{\"id\":[1],\"method\":\"m\",\"params\":[]}\n");
        assertEquals(StratumId.NULL, badId.id());
        assertTrue(badId.reason().contains("id must be"), badId.reason());
        assertTrue(decodeError("{\"id\":true,\"method\":\"m\"}\n").reason().contains("id must be"));
        assertTrue(decodeError("{\"id\":1,\"method\":7}\n").reason().contains("method must be a string"));
        assertTrue(decodeError("{\"id\":1,\"method\":\"m\",\"params\":{\"a\":1}}\n").reason().contains("params must be an array"));
        assertTrue(decodeError("{\"id\":1,\"method\":\"m\",\"params\":\"a\"}\n").reason().contains("params must be an array"));
    }

    @Test
    void limitsNestingDepth() {
        String ok = "{\"id\":1,\"method\":\"m\",\"params\":[[[[[[[1]]]]]]]}\n"; // object + 7 arrays: depth 8
        assertEquals(1, request(ok).paramCount());
        String tooDeep = "{\"id\":1,\"method\":\"m\",\"params\":[[[[[[[[1]]]]]]]]}\n"; // depth 9
        StratumDecodeError error = decodeError(tooDeep);
        assertTrue(error.reason().startsWith("limit exceeded"), error.reason());
        assertEquals(StratumId.of(1), error.id());
        String veryDeep = "{\"id\":1,\"method\":\"m\",\"params\":" + "[".repeat(5000) + "]".repeat(5000) + "}\n";
        assertTrue(Feed.messages(64 * 1024).whole(veryDeep.getBytes(StandardCharsets.US_ASCII)).out().get(0)
                instanceof StratumDecodeError, "deep nesting is refused, not recursed into");
        String deepInUnknownMember = "{\"id\":1,\"method\":\"m\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}\n";
        assertTrue(decodeError(deepInUnknownMember).reason().startsWith("limit exceeded"));
    }

    @Test
    void refusesAbsurdlyLongNumbersButKeepsBigOnes() {
        String big = "9".repeat(100);
        assertEquals(big, request("{\"id\":" + big + ",\"method\":\"m\"}\n").id().text());
        StratumDecodeError error = decodeError("{\"id\":" + "9".repeat(101) + ",\"method\":\"m\"}\n");
        assertTrue(error.reason().startsWith("limit exceeded"), error.reason());
        StratumDecodeError inParams = decodeError("{\"id\":3,\"method\":\"m\",\"params\":[" + "1".repeat(500) + "]}\n");
        assertEquals(StratumId.of(3), inParams.id());
    }

    @Test
    void refusesInvalidUtf8() {
        byte[][] invalid = {
            {(byte) 0xff},                               // never valid
            {(byte) 0x80},                               // continuation byte without a start
            {(byte) 0xc3},                               // truncated two-byte sequence (then the quote)
            {(byte) 0xe2, (byte) 0x28, (byte) 0xa1},     // bad continuation
            {(byte) 0xf0, (byte) 0x9f, (byte) 0x98},     // truncated four-byte sequence
        };
        for (byte[] bad : invalid) {
            byte[] prefix = "{\"id\":1,\"method\":\"mining.authorize\",\"params\":[\"w".getBytes(StandardCharsets.US_ASCII);
            byte[] suffix = "\"]}\n".getBytes(StandardCharsets.US_ASCII);
            byte[] line = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, line, 0, prefix.length);
            System.arraycopy(bad, 0, line, prefix.length, bad.length);
            System.arraycopy(suffix, 0, line, prefix.length + bad.length, suffix.length);
            Feed.Result result = feed.sameEverySplit(line);
            assertTrue(result.open());
            StratumDecodeError error = assertInstanceOf(StratumDecodeError.class, result.out().get(0));
            assertEquals(StratumId.of(1), error.id());
        }
        StratumRequest valid = request("{\"id\":1,\"method\":\"m\",\"params\":[\"\u00e9\u20ac\ud83d\ude00\"]}\n");
        assertEquals("\u00e9\u20ac\ud83d\ude00", valid.stringParam(0));
    }

    @Test
    void skipsLinesOfOnlyWhitespace() {
        Feed.Result result = feed.sameEverySplit("  \t \n\r\n{\"id\":1,\"method\":\"m\"}\n");
        assertEquals(1, result.out().size());
    }

    @Test
    void decodesFromHeapAndDirectBuffersAlikeWithoutTouchingThem() {
        byte[] line = "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"w\",\"j\",\"00\",\"01\",\"02\"]}"
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuf heap = Unpooled.wrappedBuffer(line);
        ByteBuf direct = Unpooled.directBuffer(line.length).writeBytes(line);
        StratumDecoder decoder = new StratumDecoder();
        assertEquals(decoder.decode(heap), decoder.decode(direct));
        assertEquals(0, heap.readerIndex());
        assertEquals(1, direct.refCnt());
        heap.release();
        direct.release();
    }

    private StratumRequest request(String line) {
        return assertInstanceOf(StratumRequest.class, feed.one(line));
    }

    private StratumResponse response(String line) {
        return assertInstanceOf(StratumResponse.class, feed.one(line));
    }

    private StratumDecodeError decodeError(String line) {
        return assertInstanceOf(StratumDecodeError.class, feed.one(line));
    }

    static String write(java.util.function.Consumer<ByteBuf> writer) {
        ByteBuf out = Unpooled.buffer();
        try {
            writer.accept(out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
