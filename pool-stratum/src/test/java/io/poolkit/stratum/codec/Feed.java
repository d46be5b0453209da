package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Drives inbound bytes through a fresh {@link EmbeddedChannel}: whole, split at a given byte, or one
 * byte per write. Inputs alternate between heap and direct buffers so both decoder paths run. Every
 * buffer written is released by the pipeline or here; decoded {@link ByteBuf} lines are converted to
 * strings and released.
 */
final class Feed {
    private final Supplier<ChannelHandler[]> handlers;

    private Feed(Supplier<ChannelHandler[]> handlers) {
        this.handlers = handlers;
    }

    static final StratumDecoder SHARED_DECODER = new StratumDecoder();

    /** Frame decoder + message decoder, as a server or client pipeline has them. */
    static Feed messages() {
        return new Feed(() -> new ChannelHandler[] {new StratumFrameDecoder(), SHARED_DECODER});
    }

    static Feed messages(int maxLineLength) {
        return new Feed(() -> new ChannelHandler[] {new StratumFrameDecoder(maxLineLength), SHARED_DECODER});
    }

    /** The frame decoder alone; lines come back as strings. */
    static Feed lines(int maxLineLength) {
        return new Feed(() -> new ChannelHandler[] {new StratumFrameDecoder(maxLineLength)});
    }

    /** What came out, and whether the channel is still open, after writing {@code chunks} one by one. */
    Result feed(List<byte[]> chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(handlers.get());
        List<ByteBuf> written = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuf buf = (written.size() % 2 == 0) ? Unpooled.buffer(chunk.length)
                    : ByteBufAllocator.DEFAULT.directBuffer(chunk.length);
            buf.writeBytes(chunk);
            written.add(buf);
            if (channel.isOpen()) {
                channel.writeInbound(buf);
            } else {
                buf.release(); // a closed connection reads nothing more
            }
        }
        List<Object> out = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof ByteBuf line) {
                out.add(line.toString(StandardCharsets.UTF_8));
                line.release();
            } else {
                out.add(message);
            }
        }
        boolean open = channel.isOpen();
        channel.finishAndReleaseAll();
        for (ByteBuf buf : written) {
            assertEquals(0, buf.refCnt(), "every inbound buffer must end up released");
        }
        return new Result(out, open);
    }

    Result whole(byte[] input) {
        return feed(List.of(input));
    }

    Result splitAt(byte[] input, int at) {
        return feed(List.of(slice(input, 0, at), slice(input, at, input.length)));
    }

    Result bytewise(byte[] input) {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < input.length; i++) {
            chunks.add(slice(input, i, i + 1));
        }
        return feed(chunks);
    }

    /** Asserts that the input decodes to the same result whole, split at every byte, and byte by byte. */
    Result sameEverySplit(byte[] input) {
        Result whole = whole(input);
        for (int at = 0; at <= input.length; at++) {
            assertEquals(whole, splitAt(input, at), "split at byte " + at);
        }
        assertEquals(whole, bytewise(input), "one byte per write");
        return whole;
    }

    Result sameEverySplit(String input) {
        return sameEverySplit(input.getBytes(StandardCharsets.UTF_8));
    }

    /** The single message of a one-line input, checked at every split. */
    StratumMessage one(String line) {
        Result result = sameEverySplit(line);
        assertTrue(result.open(), "the channel must stay open");
        assertEquals(1, result.out().size(), () -> "one message expected from " + line + ": " + result.out());
        return (StratumMessage) result.out().get(0);
    }

    static byte[] slice(byte[] bytes, int from, int to) {
        byte[] part = new byte[to - from];
        System.arraycopy(bytes, from, part, 0, part.length);
        return part;
    }

    record Result(List<Object> out, boolean open) {}
}
