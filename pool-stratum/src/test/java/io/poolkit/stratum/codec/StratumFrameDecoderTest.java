package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.poolkit.stratum.testing.LeakTracking;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakTracking.class)
class StratumFrameDecoderTest {
    private static final int LIMIT = 64;

    @Test
    void splitsLinesAtNewlinesWhateverTheChunking() {
        Feed.Result result = Feed.lines(LIMIT).sameEverySplit("{\"a\":1}\n{\"b\":2}\nthird\n");
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "third"), result.out());
        assertTrue(result.open());
    }

    @Test
    void stripsCarriageReturnBeforeNewline() {
        Feed.Result result = Feed.lines(LIMIT).sameEverySplit("one\r\ntwo\nthree\r\n");
        assertEquals(List.of("one", "two", "three"), result.out());
    }

    @Test
    void keepsACarriageReturnThatIsNotBeforeANewline() {
        assertEquals(List.of("a\rb"), Feed.lines(LIMIT).sameEverySplit("a\rb\n").out());
    }

    @Test
    void skipsEmptyLines() {
        Feed.Result result = Feed.lines(LIMIT).sameEverySplit("\n\r\n\nx\n\r\n\n\ny\n");
        assertEquals(List.of("x", "y"), result.out());
        assertTrue(result.open());
    }

    @Test
    void holdsAnUnterminatedLineUntilItsNewlineArrives() {
        EmbeddedChannel channel = new EmbeddedChannel(new StratumFrameDecoder(LIMIT));
        channel.writeInbound(ascii("partial"));
        assertNull(channel.readInbound());
        channel.writeInbound(ascii(" line\nnext"));
        ByteBuf line = channel.readInbound();
        assertEquals("partial line", line.toString(StandardCharsets.US_ASCII));
        line.release();
        assertNull(channel.readInbound());
        channel.finishAndReleaseAll();
    }

    @Test
    void acceptsALineOfExactlyTheLimitWithEitherTerminator() {
        String line = "x".repeat(LIMIT);
        assertEquals(List.of(line), Feed.lines(LIMIT).sameEverySplit(line + "\n").out());
        assertEquals(List.of(line), Feed.lines(LIMIT).sameEverySplit(line + "\r\n").out());
    }

    @Test
    void closesTheConnectionOnALineOverTheLimit() {
        String tooLong = "y".repeat(LIMIT + 1);
        Feed.Result result = Feed.lines(LIMIT).sameEverySplit("ok\n" + tooLong + "\nnever\n");
        assertEquals(List.of("ok"), result.out(), "nothing after the long line is decoded");
        assertFalse(result.open());
    }

    @Test
    void closesAsSoonAsTheLimitIsPassedWithoutWaitingForANewline() {
        EmbeddedChannel channel = new EmbeddedChannel(new StratumFrameDecoder(LIMIT));
        ByteBuf first = ascii("z".repeat(LIMIT));
        channel.writeInbound(first);
        assertTrue(channel.isOpen(), "exactly the limit may still be a valid line");
        ByteBuf second = ascii("zz");
        channel.writeInbound(second);
        assertFalse(channel.isOpen(), "limit + 2 bytes without a newline can never be a valid line");
        assertEquals(0, first.refCnt());
        assertEquals(0, second.refCnt());
        assertNull(channel.readInbound());
        channel.finishAndReleaseAll();
    }

    @Test
    void tellsTheHandlersAfterItOfTheLongLineBeforeClosing() {
        List<Object> events = new ArrayList<>();
        List<Boolean> openWhenTold = new ArrayList<>();
        Supplier<ChannelInboundHandlerAdapter> listener = () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                events.add(event);
                openWhenTold.add(ctx.channel().isOpen());
            }
        };
        EmbeddedChannel complete = new EmbeddedChannel(new StratumFrameDecoder(LIMIT), listener.get());
        complete.writeInbound(ascii("q".repeat(LIMIT + 7) + "\n"));
        EmbeddedChannel cut = new EmbeddedChannel(new StratumFrameDecoder(LIMIT), listener.get());
        cut.writeInbound(ascii("q".repeat(LIMIT + 2)));
        assertEquals(List.of(new StratumFrameDecoder.LineTooLong(LIMIT + 7, true, LIMIT),
                new StratumFrameDecoder.LineTooLong(LIMIT + 2, false, LIMIT)), events);
        assertEquals(List.of(true, true), openWhenTold, "told before the close");
        assertFalse(complete.isOpen());
        assertFalse(cut.isOpen());
        complete.finishAndReleaseAll();
        cut.finishAndReleaseAll();
    }

    @Test
    void logsOnceAndDiscardsAllLaterInputOfACondemnedConnection() {
        // Swallows the decoder's close so more input can arrive, as reads already under way would.
        AtomicInteger closes = new AtomicInteger();
        ChannelOutboundHandlerAdapter closeRecorder = new ChannelOutboundHandlerAdapter() {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                closes.incrementAndGet();
                promise.setSuccess();
            }
        };
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        EmbeddedChannel channel = new EmbeddedChannel(closeRecorder, new StratumFrameDecoder(LIMIT));
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            ByteBuf first = ascii("w".repeat(LIMIT + 30));
            ByteBuf second = ascii("w".repeat(100) + "\n{\"id\":1,\"method\":\"m\"}\n" + "v".repeat(LIMIT * 2));
            channel.writeInbound(first);
            channel.writeInbound(second);
            assertNull(channel.readInbound(), "nothing is decoded after the limit was passed");
            assertEquals(0, first.refCnt());
            assertEquals(0, second.refCnt());
        } finally {
            System.setErr(original);
        }
        assertEquals(1, closes.get());
        List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("exceeds the limit")).toList();
        assertEquals(1, warnings.size(), captured.toString(StandardCharsets.UTF_8));
        String warning = warnings.get(0);
        assertTrue(warning.contains("closing " + channel.remoteAddress()), warning);
        assertTrue(warning.contains("at least " + (LIMIT + 30) + " bytes"), warning);
        assertTrue(warning.contains("limit of " + LIMIT + " bytes"), warning);
        channel.finishAndReleaseAll();
    }

    @Test
    void defaultLimitIsSixteenKibibytes() {
        assertEquals(16 * 1024, new StratumFrameDecoder().maxLineLength());
        String atLimit = "a".repeat(16 * 1024);
        assertEquals(List.of(atLimit), Feed.lines(16 * 1024).whole((atLimit + "\n").getBytes(StandardCharsets.US_ASCII)).out());
        Feed.Result over = Feed.messages().whole(("a" + atLimit + "\n").getBytes(StandardCharsets.US_ASCII));
        assertFalse(over.open());
        assertEquals(List.of(), over.out());
    }

    @Test
    void refusesAUselesslySmallLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StratumFrameDecoder(10));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }
}
