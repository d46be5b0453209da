package io.poolkit.stratum.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.poolkit.stratum.codec.StratumDecoder;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Builds each accepted connection's pipeline, in stages with a slot for what later layers add:
 *
 * <pre>
 *   admission check (refuse before any handler is made: bans, connection caps)
 *   transport handlers  (TLS: SslHandler; PROXY protocol: HAProxyMessageDecoder + its reader)
 *   "framer"            StratumFrameDecoder (per channel, line limit)
 *   "decoder"           StratumDecoder (shared)
 *   message handlers    (guards on decoded messages: rate limits, abuse counters)
 *   "session"           SessionHandler → StratumSession
 * </pre>
 *
 * <p>Stages are fixed when the server is built; the pipeline of every connection is made from them.
 * Thread-safe once built.
 */
final class StratumPipeline {
    static final String FRAMER = "framer";
    static final String DECODER = "decoder";
    static final String SESSION = "session";

    private static final StratumDecoder SHARED_DECODER = new StratumDecoder();

    /** A named handler made per connection (or one {@code @Sharable} instance returned every time). */
    record Stage(String name, Function<Channel, ChannelHandler> factory) {
        Stage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(factory, "factory");
        }
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

    /** Adds the stages to {@code channel}'s pipeline; closes it instead when admission refuses it. */
    void initialize(Channel channel) {
        if (!admission.test(channel.remoteAddress())) {
            channel.close();
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        for (Stage stage : transport) {
            pipeline.addLast(stage.name(), stage.factory().apply(channel));
        }
        pipeline.addLast(FRAMER, new StratumFrameDecoder(maxLineLength));
        pipeline.addLast(DECODER, SHARED_DECODER);
        for (Stage stage : messageHandlers) {
            pipeline.addLast(stage.name(), stage.factory().apply(channel));
        }
        pipeline.addLast(SESSION, new SessionHandler(core));
    }

    /** The child handler for a server bootstrap (and for {@code EmbeddedChannel}s in tests). */
    ChannelInitializer<Channel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                initialize(channel);
            }
        };
    }

    /** Mutable lists of stages, for the server builder. */
    static final class Stages {
        final List<Stage> transport = new ArrayList<>();
        final List<Stage> messageHandlers = new ArrayList<>();
        Predicate<SocketAddress> admission = address -> true;
    }
}
