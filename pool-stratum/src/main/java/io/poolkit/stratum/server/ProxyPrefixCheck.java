package io.poolkit.stratum.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Fails a PROXY listener's connection at its first bytes when they cannot begin a PROXY header (v1 starts
 * with {@code "PROXY "}, v2 with a fixed 12-byte signature). Netty's decoder takes anything that is not v2
 * for v1 and waits for its CRLF, so a client talking Stratum straight to the listener would otherwise wait
 * for the header timeout. Removes itself once 12 bytes matched.
 *
 * <p>Not sharable: one per channel, confined to its event loop.
 */
final class ProxyPrefixCheck extends ChannelInboundHandlerAdapter {
    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

    private int seen;
    private boolean v1 = true;
    private boolean v2 = true;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        for (int i = in.readerIndex(); i < in.writerIndex() && seen < V2.length; i++, seen++) {
            byte b = in.getByte(i);
            v1 &= seen >= V1.length || b == V1[seen];
            v2 &= b == V2[seen];
        }
        if (!v1 && !v2) {
            ReferenceCountUtil.release(in);
            ctx.fireExceptionCaught(new HAProxyProtocolException("the connection does not start with a PROXY header"));
            return;
        }
        if (seen >= V2.length) {
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(in);
    }
}
