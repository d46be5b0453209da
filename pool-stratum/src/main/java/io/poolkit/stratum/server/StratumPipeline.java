package io.poolkit.stratum.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.poolkit.core.guard.Decision;
import io.poolkit.stratum.codec.StratumDecoder;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds each accepted connection's pipeline, in stages:
 *
 * <pre>
 *   at accept, on the acceptor thread, before the connection is given to a worker loop:
 *     a PROXY listener's trusted-proxy check; the admission check and the ConnectionGuard (for a PROXY
 *     listener these two wait for the header, so they see the real client)
 *   "proxy-check", "proxy-decoder", "proxy"
 *                              ProxyPrefixCheck + HAProxyMessageDecoder + ProxyHeaderHandler (PROXY listeners)
 *   "tls"                      SslHandler (TLS listeners)
 *   transport handlers         (package-private seam)
 *   "framer"                   StratumFrameDecoder (per channel, line limit)
 *   "decoder"                  StratumDecoder (shared)
 *   message handlers           (package-private seam)
 *   "session"                  SessionHandler → StratumSession
 * </pre>
 *
 * <p>A connection the accept-time checks refuse is closed at once, without being registered or given a
 * pipeline, and counted in {@code connectionsRefused}. One the guard allows gets a session handler that
 * reports its close to {@link io.poolkit.core.guard.ConnectionGuard#onDisconnect} (so an admitted connection
 * costs no extra listener or attribute). Stages are fixed when the server is built. Thread-safe once built.
 */
final class StratumPipeline {
    static final String PROXY_CHECK = "proxy-check";
    static final String PROXY_DECODER = "proxy-decoder";
    static final String PROXY = "proxy";
    static final String TLS = "tls";
    static final String FRAMER = "framer";
    static final String DECODER = "decoder";
    static final String SESSION = "session";

    private static final Logger LOG = LoggerFactory.getLogger(StratumPipeline.class);
    private static final StratumDecoder SHARED_DECODER = new StratumDecoder();
    private static final RareLog UNTRUSTED_LOG = new RareLog();
    private static final RareLog REFUSED_LOG = new RareLog();

    /** A named handler made per connection (or one {@code @Sharable} instance returned every time). */
    record Stage(String name, Function<Channel, ChannelHandler> factory) {
        Stage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(factory, "factory");
        }
    }

    /** One listener's transport: TLS (or null), PROXY protocol, and the proxies trusted to send headers. */
    record Transport(SslContext ssl, boolean proxyProtocol, AddressRanges trustedProxies, String description) {
        static final Transport PLAIN = new Transport(null, false, AddressRanges.parse(List.of()), "stratum+tcp");
    }

    private final ServerCore core;
    private final int maxLineLength;
    private final Predicate<SocketAddress> admission;
    private final List<Stage> transport;
    private final List<Stage> messageHandlers;

    StratumPipeline(ServerCore core, int maxLineLength, Predicate<SocketAddress> admission, List<Stage> transport,
            List<Stage> messageHandlers) {
        this.core = core;
        this.maxLineLength = maxLineLength;
        this.admission = admission;
        this.transport = List.copyOf(transport);
        this.messageHandlers = List.copyOf(messageHandlers);
    }

    /** A pipeline with no extra stages: framer, decoder, session. */
    static StratumPipeline plain(ServerCore core, int maxLineLength) {
        return new StratumPipeline(core, maxLineLength, address -> true, List.of(), List.of());
    }

    /**
     * The child handler of a plain listener without accept-time checks, for {@code EmbeddedChannel}s in
     * tests (the accept-time checks live in {@link #acceptFilter}).
     */
    ChannelInitializer<Channel> initializer() {
        return initializer(Transport.PLAIN);
    }

    /** The child handler for a listener of {@code transport}. */
    ChannelInitializer<Channel> initializer(Transport listener) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                initialize(channel, listener);
            }
        };
    }

    /** The handler for a listener's server channel that checks each accepted connection on the acceptor thread. */
    ChannelHandler acceptFilter(Transport listener) {
        return new AcceptFilter(listener);
    }

    private void initialize(Channel channel, Transport listener) {
        ChannelPipeline pipeline = channel.pipeline();
        if (listener.proxyProtocol()) {
            pipeline.addLast(PROXY_CHECK, new ProxyPrefixCheck());
            pipeline.addLast(PROXY_DECODER, new HAProxyMessageDecoder());
            pipeline.addLast(PROXY, new ProxyHeaderHandler(this, core));
        }
        if (listener.ssl() != null) {
            pipeline.addLast(TLS, listener.ssl().newHandler(channel.alloc()));
        }
        for (Stage stage : transport) {
            pipeline.addLast(stage.name(), stage.factory().apply(channel));
        }
        if (!listener.proxyProtocol()) {
            addStratumStages(pipeline, null);
        }
    }

    /**
     * Adds the framer, the decoder, the message handlers and the session for a miner at {@code peer} (null: the
     * channel's remote address), whose connection the guard admitted under that address.
     */
    void addStratumStages(ChannelPipeline pipeline, InetSocketAddress peer) {
        Channel channel = pipeline.channel();
        pipeline.addLast(FRAMER, new StratumFrameDecoder(maxLineLength));
        pipeline.addLast(DECODER, SHARED_DECODER);
        for (Stage stage : messageHandlers) {
            pipeline.addLast(stage.name(), stage.factory().apply(channel));
        }
        pipeline.addLast(SESSION, new SessionHandler(core, peer));
    }

    /**
     * The admission check and the guard for a new connection from {@code peer}: true when it may proceed (the
     * guard then counts it until its session handler reports its close); false when refused (counted).
     */
    boolean admit(SocketAddress peer) {
        if (!admission.test(peer)) {
            refused(peer, "refused by the admission check");
            return false;
        }
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            Decision decision = core.guard.onConnect(inet.getAddress());
            if (decision instanceof Decision.Refused refusal) {
                // The guard logs its own refusals, once per state change.
                core.counters.connectionsRefused.increment();
                LOG.debug("refused {}: {}", peer, refusal.reason());
                return false;
            }
        }
        return true;
    }

    void refused(SocketAddress peer, String why) {
        core.counters.connectionsRefused.increment();
        if (REFUSED_LOG.due(core.clock.millis())) {
            LOG.info("refused a connection from {}: {} (counted in connectionsRefused; logged at most once a minute)",
                    peer, why);
        } else {
            LOG.debug("refused a connection from {}: {}", peer, why);
        }
    }

    /**
     * On a listener's server channel, sees each accepted connection before it is registered with a worker
     * loop: a refused one is closed there and then, costing no pipeline, no registration and no session.
     */
    @ChannelHandler.Sharable
    private final class AcceptFilter extends ChannelInboundHandlerAdapter {
        private final Transport listener;

        AcceptFilter(Transport listener) {
            this.listener = listener;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Channel child)) {
                ctx.fireChannelRead(msg);
                return;
            }
            SocketAddress remote = child.remoteAddress();
            if (!listener.trustedProxies().isEmpty() && !(remote instanceof InetSocketAddress inet
                    && inet.getAddress() != null && listener.trustedProxies().contains(inet.getAddress()))) {
                core.counters.connectionsRefused.increment();
                if (UNTRUSTED_LOG.due(core.clock.millis())) {
                    LOG.warn("closed a connection to the PROXY listener {} from {}, which is not a trusted proxy"
                            + " (counted in connectionsRefused; logged at most once a minute)", listener.description(),
                            remote);
                }
                child.unsafe().closeForcibly();
                return;
            }
            if (!listener.proxyProtocol()) {
                if (!admit(remote)) {
                    child.unsafe().closeForcibly();
                    return;
                }
            }
            ctx.fireChannelRead(child);
        }
    }

    /** Mutable lists of stages, for the server builder. */
    static final class Stages {
        final List<Stage> transport = new ArrayList<>();
        final List<Stage> messageHandlers = new ArrayList<>();
        Predicate<SocketAddress> admission = address -> true;
    }
}
