package io.poolkit.stratum.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a Stratum byte stream into lines: emits each non-empty line as a {@link ByteBuf} without its
 * {@code \n} or {@code \r\n}, and never buffers more than the line limit.
 *
 * <p>A line longer than the limit (default {@value #DEFAULT_MAX_LINE_LENGTH} bytes, terminator not
 * counted) is a misbehaving or hostile peer: the decoder logs one warning naming the remote address and
 * the size, drops everything it holds, fires a {@link LineTooLong} user event down the pipeline (so a
 * later handler can count the abuse against the peer), and closes the connection. It does not wait for the
 * end of the line, so a peer that never sends a newline costs at most the limit.
 *
 * <pre>{@code
 * pipeline.addLast(new StratumFrameDecoder(), decoder, handler); // decoder: a shared StratumDecoder
 * }</pre>
 *
 * <p>Not thread-safe and not sharable: one instance per channel. Emitted buffers are retained slices
 * that the next handler must release ({@link StratumDecoder} does).
 */
public final class StratumFrameDecoder extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX_LINE_LENGTH = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(StratumFrameDecoder.class);

    private final int maxLineLength;
    /** Bytes after the reader index already known to hold no newline, so each byte is scanned once. */
    private int scanned;
    private boolean closing;

    public StratumFrameDecoder() {
        this(DEFAULT_MAX_LINE_LENGTH);
    }

    /** @param maxLineLength the longest line accepted, in bytes, without its terminator; at least 64 */
    public StratumFrameDecoder(int maxLineLength) {
        if (maxLineLength < 64) {
            throw new IllegalArgumentException("maxLineLength must be at least 64 bytes; got " + maxLineLength);
        }
        this.maxLineLength = maxLineLength;
    }

    public int maxLineLength() {
        return maxLineLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (closing) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            int start = in.readerIndex();
            int newline = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
            if (newline < 0) {
                int pending = in.readableBytes();
                // One byte of slack: a line of exactly the limit may be waiting for the \n after its \r.
                boolean mayStillFit = pending <= maxLineLength
                        || (pending == maxLineLength + 1 && in.getByte(in.writerIndex() - 1) == '\r');
                if (!mayStillFit) {
                    tooLong(ctx, in, pending, false);
                } else {
                    scanned = pending;
                }
                return;
            }
            scanned = 0;
            int end = newline > start && in.getByte(newline - 1) == '\r' ? newline - 1 : newline;
            int length = end - start;
            if (length > maxLineLength) {
                tooLong(ctx, in, length, true);
                return;
            }
            if (length == 0) {
                in.readerIndex(newline + 1);
                continue;
            }
            out.add(in.retainedSlice(start, length));
            in.readerIndex(newline + 1);
        }
    }

    private void tooLong(ChannelHandlerContext ctx, ByteBuf in, int size, boolean complete) {
        closing = true;
        scanned = 0;
        in.skipBytes(in.readableBytes());
        LOG.warn("closing {}: a line of {}{} bytes exceeds the limit of {} bytes",
                ctx.channel().remoteAddress(), complete ? "" : "at least ", size, maxLineLength);
        ctx.fireUserEventTriggered(new LineTooLong(size, complete, maxLineLength));
        ctx.close();
    }

    /**
     * The user event fired just before the decoder closes a connection for a line over the limit.
     *
     * @param length   the line's length in bytes, or what had arrived of it when it was cut off
     * @param complete whether the line's end had arrived ({@code false}: at least {@code length} bytes)
     * @param limit    the decoder's line limit
     */
    public record LineTooLong(int length, boolean complete, int limit) {}
}
