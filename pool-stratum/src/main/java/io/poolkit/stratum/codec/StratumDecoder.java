package io.poolkit.stratum.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.List;

/**
 * Decodes each line from {@link StratumFrameDecoder} into one {@link StratumMessage}: a
 * {@link StratumRequest} (requests and notifications), a {@link StratumResponse}, or a
 * {@link StratumDecodeError} for anything unusable. It never throws on input, so a miner's garbage
 * becomes an error reply and the session lives on. Lines of only whitespace produce nothing.
 *
 * <p>Parsing uses jackson-core's streaming parser, no tree model. Limits: nesting deeper than 8 levels
 * and numbers longer than 100 characters are decode errors. Number texts are kept verbatim, never
 * converted, so ids like {@code 12345678901234567890} or {@code 1e400} echo back exactly.
 *
 * <pre>{@code
 * StratumDecoder decoder = new StratumDecoder();        // one for all channels
 * channel.pipeline().addLast(new StratumFrameDecoder(), decoder, sessionHandler);
 * }</pre>
 *
 * <p>Stateless and {@link Sharable}: share one instance between all channels. Releases every line it
 * receives.
 */
@Sharable
public final class StratumDecoder extends MessageToMessageDecoder<ByteBuf> {
    /** Lines up to this size are copied into a per-thread buffer, so direct buffers cost no allocation. */
    private static final int MAX_CACHED_SCRATCH = 64 * 1024;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[1024];
        }
    };

    private final MessageParser parser = new MessageParser();

    public StratumDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        StratumMessage message = decode(line);
        if (message != null) {
            out.add(message);
        }
    }

    /**
     * Decodes the readable bytes of {@code line} (one line, without its terminator) without changing
     * its indices or reference count; {@code null} when it holds only whitespace. For handlers that
     * frame lines themselves, and for benchmarks.
     */
    public StratumMessage decode(ByteBuf line) {
        int length = line.readableBytes();
        if (line.hasArray()) {
            return parser.parse(line.array(), line.arrayOffset() + line.readerIndex(), length);
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, Math.min(2 * scratch.length, MAX_CACHED_SCRATCH))];
            if (scratch.length <= MAX_CACHED_SCRATCH) {
                SCRATCH.set(scratch);
            }
        }
        line.getBytes(line.readerIndex(), scratch, 0, length);
        return parser.parse(scratch, 0, length);
    }
}
