package io.poolkit.stratum.codec;

import static io.poolkit.stratum.codec.StratumDecoderTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.poolkit.core.chain.Hash256;
import io.poolkit.stratum.testing.LeakTracking;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakTracking.class)
class StratumWriterTest {
    @Test
    void writesTheAcceptedReplyWithTheIdSplicedIn() {
        assertEquals("{\"id\":4,\"result\":true,\"error\":null}\n", write(out -> StratumWriter.writeTrue(out, StratumId.of(4))));
        assertEquals("{\"id\":\"4\",\"result\":true,\"error\":null}\n", write(out -> StratumWriter.writeTrue(out, StratumId.ofString("4"))));
        assertEquals("{\"id\":null,\"result\":false,\"error\":null}\n", write(out -> StratumWriter.writeFalse(out, StratumId.NULL)));
        assertEquals("{\"id\":12345678901234567890,\"result\":true,\"error\":null}\n",
                write(out -> StratumWriter.writeTrue(out, StratumId.ofNumberText("12345678901234567890"))));
    }

    @Test
    void writesEachErrorWithItsDeFactoCodeAndMessage() {
        Map<StratumError, String> expected = Map.of(
                StratumError.OTHER, "[20,\"Other/Unknown\",null]",
                StratumError.JOB_NOT_FOUND, "[21,\"Job not found\",null]",
                StratumError.DUPLICATE_SHARE, "[22,\"Duplicate share\",null]",
                StratumError.LOW_DIFFICULTY_SHARE, "[23,\"Low difficulty share\",null]",
                StratumError.UNAUTHORIZED_WORKER, "[24,\"Unauthorized worker\",null]",
                StratumError.NOT_SUBSCRIBED, "[25,\"Not subscribed\",null]");
        assertEquals(StratumError.values().length, expected.size());
        for (StratumError error : StratumError.values()) {
            String line = write(out -> StratumWriter.writeError(out, StratumId.of(7), error));
            assertEquals("{\"id\":7,\"result\":null,\"error\":" + expected.get(error) + "}\n", line);
            StratumResponse decoded = (StratumResponse) Feed.messages().one(line);
            assertEquals(error.code(), decoded.errorCode());
            assertEquals(error.message(), decoded.errorMessage());
            assertEquals(error, StratumError.forCode(error.code()));
        }
        assertEquals(null, StratumError.forCode(26));
    }

    @Test
    void writesAnErrorWithASpecificMessageEscaped() {
        String line = write(out -> StratumWriter.writeError(out, StratumId.NULL, StratumError.OTHER,
                "unknown method \"mining.x\"\n"));
        assertEquals("{\"id\":null,\"result\":null,\"error\":[20,\"unknown method \\\"mining.x\\\"\\n\",null]}\n", line);
        assertEquals("unknown method \"mining.x\"\n", ((StratumResponse) Feed.messages().one(line)).errorMessage());
    }

    @Test
    void escapesStringsSoTheyReadBackExactly() {
        List<String> samples = List.of("", "plain", "quote\" backslash\\ slash/", "\u0000\u0001\u001f\u007f",
                "\b\f\n\r\t", "\u00e9\u20ac\u2028\u2029", "\ud83d\ude00 emoji", "lone \ud800 high", "lone \udc00 low",
                "\udc00\ud800 reversed pair", "end high \ud83d");
        for (String sample : samples) {
            String line = write(out -> StratumWriter.writeShowMessage(out, sample));
            assertFalse(line.substring(0, line.length() - 1).contains("\n"), "one line: " + line);
            StratumRequest decoded = (StratumRequest) Feed.messages().one(line);
            assertEquals(sample, decoded.stringParam(0), "round trip of " + sample.codePoints().boxed().toList());
            // The same escaping through the id path and StratumValue.toJson.
            StratumId id = StratumId.ofString(sample);
            StratumRequest echoed = (StratumRequest) Feed.messages().one(
                    "{\"id\":" + id.json() + ",\"method\":\"m\",\"params\":[" + StratumValue.of(sample).toJson() + "]}\n");
            assertEquals(id, echoed.id());
            assertEquals(sample, echoed.stringParam(0));
        }
    }

    @Test
    void formatsDifficultiesAsPlainDecimalsThatReadBackExactly() {
        assertEquals("1000000", StratumWriter.formatDifficulty(1_000_000));
        assertEquals("1", StratumWriter.formatDifficulty(1));
        assertEquals("0.000001", StratumWriter.formatDifficulty(0.000001));
        assertEquals("0.5", StratumWriter.formatDifficulty(0.5));
        assertEquals("0.0001220703125", StratumWriter.formatDifficulty(1.0 / 8192));
        assertEquals("65536.5", StratumWriter.formatDifficulty(65536.5));
        assertEquals("0.1", StratumWriter.formatDifficulty(0.1));
        assertEquals("1000000000000000000000", StratumWriter.formatDifficulty(1e21));
        assertEquals("0.00000000000000000001", StratumWriter.formatDifficulty(1e-20));
        assertEquals("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0.000001]}\n",
                write(out -> StratumWriter.writeSetDifficulty(out, 0.000001)));
        for (double d : new double[] {Double.MIN_VALUE, Double.MAX_VALUE, 1.0 / 3, 2.0 / 3 * 1e-7, 123456789.123456789,
                4.35e-8, 1e15 + 0.5, 9007199254740993.0}) {
            String text = StratumWriter.formatDifficulty(d);
            assertFalse(text.contains("E") || text.contains("e"), text);
            assertEquals(d, Double.parseDouble(text), text);
        }
    }

    @Test
    void refusesDifficultiesJsonCannotCarryOrMinersCannotUse() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY, -0.0}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StratumWriter.formatDifficulty(bad));
            assertTrue(e.getMessage().contains(Double.toString(bad)), e.getMessage());
        }
    }

    @Test
    void encodesANotifyIntoOneSharedBuffer() {
        MiningNotify notify = sampleNotify(12);
        ByteBuf once = StratumWriter.encodeNotify(ByteBufAllocator.DEFAULT, notify);
        try {
            assertEquals(once.writerIndex(), once.readableBytes());
            assertTrue(once.capacity() >= once.readableBytes());
            List<String> sent = new ArrayList<>();
            for (int session = 0; session < 3; session++) {
                ByteBuf copy = once.retainedDuplicate();
                sent.add(copy.toString(StandardCharsets.US_ASCII));
                copy.release();
            }
            assertEquals(1, once.refCnt());
            assertEquals(1, sent.stream().distinct().count());
            String line = sent.get(0);
            assertTrue(line.startsWith("{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"job-1\",\""), line);
            assertTrue(line.endsWith(",\"20000000\",\"1d00ffff\",\"5f5e1000\",false]}\n"), line);
            StratumRequest decoded = (StratumRequest) Feed.messages().one(line);
            assertEquals(notify, MiningNotify.fromParams(decoded.params()));
            assertEquals(12, decoded.param(4).asArray().size());
        } finally {
            once.release();
        }
    }

    @Test
    void writesTheOtherNotifications() {
        assertEquals("{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":[\"a215076b\",8]}\n",
                write(out -> StratumWriter.writeSetExtranonce(out, new byte[] {(byte) 0xa2, 0x15, 0x07, 0x6b}, 8)));
        assertEquals("{\"id\":null,\"method\":\"mining.set_version_mask\",\"params\":[\"1fffe000\"]}\n",
                write(out -> StratumWriter.writeSetVersionMask(out, 0x1fffe000)));
        assertEquals("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[]}\n",
                write(StratumWriter::writeReconnect));
        assertEquals("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"pool.example\",3333,5]}\n",
                write(out -> StratumWriter.writeReconnect(out, "pool.example", 3333, 5)));
        assertEquals("{\"id\":null,\"method\":\"client.show_message\",\"params\":[\"hi\"]}\n",
                write(out -> StratumWriter.writeShowMessage(out, "hi")));
    }

    @Test
    void writesTheSubscribeResult() {
        assertEquals("{\"id\":1,\"result\":[[[\"mining.set_difficulty\",\"s1\"],[\"mining.notify\",\"s1\"]],\"00ff10\",4],\"error\":null}\n",
                write(out -> StratumWriter.writeSubscribeResult(out, StratumId.of(1), "s1", new byte[] {0, (byte) 0xff, 0x10}, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> write(out -> StratumWriter.writeSubscribeResult(out, StratumId.of(1), "s", new byte[4], 0)));
    }

    @Test
    void writesGeneralResultsRequestsAndResponses() {
        StratumValue configured = StratumValue.object(Map.of("version-rolling", StratumValue.TRUE));
        assertEquals("{\"id\":3,\"result\":{\"version-rolling\":true},\"error\":null}\n",
                write(out -> StratumWriter.writeResult(out, StratumId.of(3), configured)));
        StratumRequest request = StratumRequest.of(StratumId.of(9), StratumMethods.SUBMIT,
                StratumValue.of("w"), StratumValue.of(-5), StratumValue.of(0.25), StratumValue.NULL,
                StratumValue.array(StratumValue.TRUE), StratumValue.number("1e400"));
        String line = write(out -> StratumWriter.writeRequest(out, request));
        assertEquals("{\"id\":9,\"method\":\"mining.submit\",\"params\":[\"w\",-5,0.25,null,[true],1e400]}\n", line);
        assertEquals(request, Feed.messages().one(line));
        assertEquals(request.toString() + "\n", line);
        StratumResponse response = StratumResponse.error(StratumId.ofString("a"), StratumError.DUPLICATE_SHARE);
        String responseLine = write(out -> StratumWriter.writeResponse(out, response));
        assertEquals("{\"id\":\"a\",\"result\":null,\"error\":[22,\"Duplicate share\",null]}\n", responseLine);
        assertEquals(response, assertInstanceOf(StratumResponse.class, Feed.messages().one(responseLine)));
    }

    @Test
    void writesLongsWithoutAllocatingStrings() {
        for (long v : new long[] {0, 7, 10, 99, 100, 123456789, Long.MAX_VALUE, -1, -10, Long.MIN_VALUE}) {
            assertEquals(Long.toString(v), write(out -> JsonOut.writeLong(out, v)));
        }
        for (int v : new int[] {0, 1, 0x1fffe000, -1, 0x20000000, Integer.MIN_VALUE}) {
            assertEquals(String.format("%08x", v), write(out -> JsonOut.writeHex32(out, v)));
        }
    }

    static MiningNotify sampleNotify(int branchLength) {
        List<Hash256> branch = new ArrayList<>();
        for (int i = 0; i < branchLength; i++) {
            byte[] bytes = new byte[32];
            for (int j = 0; j < 32; j++) {
                bytes[j] = (byte) (i * 31 + j * 7);
            }
            branch.add(Hash256.fromInternalBytes(bytes));
        }
        return MiningNotify.builder()
                .jobId("job-1")
                .prevHash(Hash256.fromDisplayHex("00000000000000000007878ec04bb2b2e12317804810f4c26033585b3f81ffaa"))
                .coinbase1(new byte[60])
                .coinbase2(new byte[] {1, 2, 3, (byte) 0xff})
                .merkleBranch(branch)
                .version(0x20000000)
                .nbits(0x1d00ffff)
                .ntime(0x5f5e1000)
                .cleanJobs(false)
                .build();
    }
}
