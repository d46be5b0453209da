package io.poolkit.stratum.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PROXY protocol header (decoded by Netty's {@code HAProxyMessageDecoder} in front of it) of a
 * connection on a PROXY listener: the client the header names becomes the connection's peer, the admission
 * check and the guard judge that address, and only then are the Stratum stages and the session added (with
 * the real address, for bans, limits, logs and stats). A {@code LOCAL} header (a proxy's health check) or an
 * {@code UNKNOWN} one keeps the TCP peer's address.
 *
 * <p>A connection whose header is malformed, or missing (bytes that are not a header), or does not arrive
 * within {@link ServerCore#proxyHeaderTimeoutMillis}, is closed and counted in {@code connectionsRefused}.
 *
 * <p>Not sharable: one per channel, confined to its event loop; it removes itself after the header.
 */
final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyHeaderHandler.class);
    private static final RareLog BAD_HEADER_LOG = new RareLog();

    private final StratumPipeline pipeline;
    private final ServerCore core;
    private ScheduledFuture<?> timeout;
    private boolean done;

    ProxyHeaderHandler(StratumPipeline pipeline, ServerCore core) {
        this.pipeline = pipeline;
        this.core = core;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timeout = ctx.executor().schedule(() -> {
            if (!done && ctx.channel().isOpen()) {
                done = true;
                refuse(ctx, "no PROXY header within " + core.proxyHeaderTimeoutMillis + " ms");
            }
        }, core.proxyHeaderTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);
            return;
        }
        done = true;
        timeout.cancel(false);
        InetSocketAddress client;
        try {
            client = clientOf(header, ctx.channel().remoteAddress());
        } finally {
            ReferenceCountUtil.release(header);
        }
        if (client == null) {
            refuse(ctx, "a PROXY header with an unusable source address");
            return;
        }
        if (!pipeline.admit(client)) {
            ctx.close();
            return;
        }
        pipeline.addStratumStages(ctx.pipeline(), client);
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!done) {
            done = true;
            timeout.cancel(false);
            refuse(ctx, "no valid PROXY header: " + cause.getMessage());
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        core.counters.connectionsRefused.increment();
        if (BAD_HEADER_LOG.due(core.clock.millis())) {
            LOG.warn("closing {}: {} (counted in connectionsRefused; logged at most once a minute)",
                    ctx.channel().remoteAddress(), why);
        } else {
            LOG.debug("closing {}: {}", ctx.channel().remoteAddress(), why);
        }
        ctx.close();
    }

    /** The client the header names; the TCP peer for LOCAL and UNKNOWN headers; null when unusable. */
    static InetSocketAddress clientOf(HAProxyMessage header, SocketAddress tcpPeer) {
        HAProxyProxiedProtocol.AddressFamily family = header.proxiedProtocol().addressFamily();
        if (header.command() == HAProxyCommand.LOCAL || family == HAProxyProxiedProtocol.AddressFamily.AF_UNSPEC
                || family == HAProxyProxiedProtocol.AddressFamily.AF_UNIX) {
            return tcpPeer instanceof InetSocketAddress inet ? inet : null;
        }
        byte[] bytes = header.sourceAddress() == null ? null
                : NetUtil.createByteArrayFromIpAddressString(header.sourceAddress());
        if (bytes == null) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), header.sourcePort());
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }
}
