package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.poolkit.stratum.testing.LeakTracking;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Feeds more than a million hostile lines ({@link FuzzLines}) through the codec pipeline a server uses,
 * {@link StratumFrameDecoder} then {@link StratumDecoder}, in an {@link EmbeddedChannel}: whole lines one
 * write each, or the whole stream cut into chunks of random size (one byte to 128 KiB), from heap and
 * direct buffers. Every line must give exactly what {@link FuzzLines.Expect} says (one request, response or
 * decode error, or nothing for a blank line), no exception may escape, the channel must stay open until a
 * line over the limit closes it, every buffer must be released, and the heap must return to its baseline.
 *
 * <p>Buffers come from an unpooled allocator without leak detection but with exact accounting of the
 * memory it has handed out, which must be zero after every try: a leak check on every buffer, the
 * cumulation buffers included, that costs nothing (paranoid leak detection on a million buffers would take
 * minutes). The run prints {@code fuzzed N lines}.
 */
class StratumCodecFuzzTest {
    private static final int TRIES = 1000;
    private static final int LINES_PER_TRY = 1024;
    private static final int LIMIT = StratumFrameDecoder.DEFAULT_MAX_LINE_LENGTH;
    private static final long HEAP_SLACK = 16L << 20;
    private static final StratumDecoder DECODER = new StratumDecoder();

    // jqwik runs the tries of a property one after another on one thread.
    private static long lines;
    private static long bytes;
    private static long requests;
    private static long responses;
    private static long errors;
    private static long blanks;
    private static long closes;
    private static long baselineHeap;
    private static long startNanos;

    @BeforeContainer
    static void measureTheBaseline() {
        baselineHeap = usedHeapAfterGc();
        startNanos = System.nanoTime();
    }

    @AfterContainer
    static void reportAndCheckTheHeap() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long heap = usedHeapAfterGc();
        System.out.printf("fuzzed %,d lines (%,d bytes) in %.1f s: %,d requests, %,d responses, %,d decode errors,"
                        + " %,d blank, %,d closed for length; used heap after GC %,d KiB before, %,d KiB after%n",
                lines, bytes, seconds, requests, responses, errors, blanks, closes, baselineHeap >> 10, heap >> 10);
        assertTrue(lines >= 1_000_000, "only " + lines + " lines fuzzed");
        assertTrue(heap - baselineHeap < HEAP_SLACK, "the heap grew from " + baselineHeap + " to " + heap + " bytes");
        LeakTracking.assertNoLeaks();
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void everyLineGivesOneMessageOrClosesForLengthAndNothingEscapesOrLeaks(@ForAll long seed) {
        FuzzLines generator = new FuzzLines(seed, LIMIT);
        SplittableRandom random = new SplittableRandom(~seed);
        List<FuzzLines.Line> batch = new ArrayList<>(LINES_PER_TRY);
        for (int i = 0; i < LINES_PER_TRY; i++) {
            batch.add(generator.next());
        }
        int ending = random.nextInt(10);
        byte[] oversized = ending <= 1 ? generator.oversized() : null;
        boolean newlineAfterOversized = ending == 0;

        UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new StratumFrameDecoder(LIMIT), DECODER);
        Input input = new Input(channel, allocator);
        try {
            if (random.nextInt(4) == 0) {
                lineByLine(batch, input, random, seed);
            } else {
                chunked(batch, oversized == null ? null : withOptionalNewline(oversized, newlineAfterOversized), input,
                        random, seed);
                oversized = null; // already sent
            }
            if (oversized != null) {
                input.write(withOptionalNewline(oversized, newlineAfterOversized));
                assertEquals(List.of(), input.drain(), "nothing comes of a line over the limit");
            }
            if (ending <= 1) {
                assertFalse(channel.isOpen(), "a line over the limit closes the connection (seed " + seed + ")");
                closes++;
                lines++;
            } else {
                assertTrue(channel.isOpen(), "lines within the limit keep the connection open (seed " + seed + ")");
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertEquals(0, allocator.metric().usedHeapMemory(), "heap buffer bytes not released (seed " + seed + ")");
        assertEquals(0, allocator.metric().usedDirectMemory(), "direct buffer bytes not released (seed " + seed + ")");
    }

    /** Each line in its own write, checked as it goes. */
    private static void lineByLine(List<FuzzLines.Line> batch, Input input, SplittableRandom random, long seed) {
        for (FuzzLines.Line line : batch) {
            input.write(terminated(line, random));
            List<Object> out = input.drain();
            check(line, out.isEmpty() ? null : out.get(0), seed);
            assertEquals(line.expect == FuzzLines.Expect.BLANK ? 0 : 1, out.size(), () -> "from " + line + ": " + out);
            assertTrue(input.channel.isOpen(), () -> "closed by " + line);
        }
    }

    /** The whole stream (and the oversized line, if any) in chunks of random size, checked at the end. */
    private static void chunked(List<FuzzLines.Line> batch, byte[] oversized, Input input, SplittableRandom random,
            long seed) {
        int total = oversized == null ? 0 : oversized.length;
        List<byte[]> terminated = new ArrayList<>(batch.size());
        for (FuzzLines.Line line : batch) {
            byte[] withTerminator = terminated(line, random);
            terminated.add(withTerminator);
            total += withTerminator.length;
        }
        byte[] stream = new byte[total];
        int at = 0;
        for (byte[] part : terminated) {
            System.arraycopy(part, 0, stream, at, part.length);
            at += part.length;
        }
        if (oversized != null) {
            System.arraycopy(oversized, 0, stream, at, oversized.length);
        }
        int[] largest = {64, 1024, 16 * 1024, 128 * 1024};
        int maxChunk = largest[random.nextInt(largest.length)];
        List<Object> out = new ArrayList<>(batch.size());
        for (int from = 0; from < stream.length; ) {
            int to = Math.min(stream.length, from + 1 + random.nextInt(maxChunk));
            input.write(Arrays.copyOfRange(stream, from, to));
            out.addAll(input.drain());
            from = to;
        }
        int next = 0;
        for (FuzzLines.Line line : batch) {
            if (line.expect == FuzzLines.Expect.BLANK) {
                blanks++;
                lines++;
                continue;
            }
            if (next == out.size()) {
                fail("no message for " + line + " (seed " + seed + ", " + out.size() + " messages in all)");
            }
            check(line, out.get(next++), seed);
        }
        assertEquals(out.size(), next, () -> "more messages than lines (seed " + seed + ")");
    }

    private static void check(FuzzLines.Line line, Object message, long seed) {
        bytes += line.bytes.length;
        lines++;
        String where = " from " + line + " (seed " + seed + "): " + message;
        switch (line.expect) {
            case BLANK -> {
                assertEquals(null, message, "a blank line gives nothing" + where);
                blanks++;
                return;
            }
            case REQUEST -> {
                assertTrue(message instanceof StratumRequest, "a request expected" + where);
                String method = ((StratumRequest) message).method();
                assertEquals(line.method, method, "the method" + where);
                if (Arrays.asList(StratumMethods.KNOWN).contains(line.method)) {
                    assertSame(StratumMethods.KNOWN[Arrays.asList(StratumMethods.KNOWN).indexOf(line.method)], method,
                            "a known method is the shared constant" + where);
                }
            }
            case RESPONSE -> assertTrue(message instanceof StratumResponse, "a response expected" + where);
            case ERROR -> assertTrue(message instanceof StratumDecodeError, "a decode error expected" + where);
            case ANY -> assertTrue(message instanceof StratumMessage, "a message expected" + where);
        }
        if (message instanceof StratumDecodeError error) {
            // The parser's last resort for exceptions Jackson should never throw: a bug if it shows.
            assertNotEquals("undecodable line", error.reason(), "an unexpected exception inside the parser" + where);
            errors++;
        } else if (message instanceof StratumRequest) {
            requests++;
        } else {
            responses++;
        }
    }

    private static byte[] terminated(FuzzLines.Line line, SplittableRandom random) {
        boolean crlf = random.nextInt(5) == 0;
        byte[] out = Arrays.copyOf(line.bytes, line.bytes.length + (crlf ? 2 : 1));
        if (crlf) {
            out[out.length - 2] = '\r';
        }
        out[out.length - 1] = '\n';
        return out;
    }

    private static byte[] withOptionalNewline(byte[] line, boolean newline) {
        if (!newline) {
            return line;
        }
        byte[] out = Arrays.copyOf(line, line.length + 1);
        out[line.length] = '\n';
        return out;
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Writes into the channel from heap and direct buffers in turn; a closed channel reads nothing more. */
    private static final class Input {
        final EmbeddedChannel channel;
        private final UnpooledByteBufAllocator allocator;
        private boolean direct;

        Input(EmbeddedChannel channel, UnpooledByteBufAllocator allocator) {
            this.channel = channel;
            this.allocator = allocator;
        }

        void write(byte[] data) {
            direct = !direct;
            ByteBuf buf = direct ? allocator.directBuffer(data.length) : allocator.heapBuffer(data.length);
            buf.writeBytes(data);
            if (channel.isOpen()) {
                channel.writeInbound(buf); // rethrows anything that reached the end of the pipeline
            } else {
                buf.release();
            }
        }

        List<Object> drain() {
            List<Object> out = new ArrayList<>();
            Object message;
            while ((message = channel.readInbound()) != null) {
                out.add(message);
            }
            return out;
        }
    }
}
