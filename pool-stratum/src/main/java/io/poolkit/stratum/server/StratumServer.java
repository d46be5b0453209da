package io.poolkit.stratum.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.AddressAuthorizer;
import io.poolkit.core.guard.Authorizer;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobListener;
import io.poolkit.core.share.ShareSink;
import io.poolkit.core.share.ShareValidator;
import io.poolkit.core.vardiff.VardiffSettings;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stratum V1 mining server on Netty: accepts miners, hands out work, judges their shares and records
 * the accepted ones in every {@link ShareSink} before acknowledging them.
 *
 * <pre>{@code
 * StratumServer server = StratumServer.builder()
 *         .port(3333)
 *         .network(Network.REGTEST)                 // ADDRESS[.WORKER] logins; or .authorizer(...)
 *         .shareValidator(validator)
 *         .shareSink(ledger)                        // the reply waits for the ledger's commit
 *         .initialDifficulty(1)
 *         .build()
 *         .start();
 * dispatcher.addListener(server);                 // each new job goes to every miner
 * ...
 * server.stop(Duration.ofSeconds(10)).join();      // client.reconnect, drain acknowledgements, close
 * }</pre>
 *
 * <p><b>Threads.</b> One acceptor thread and, by default, one worker event loop per core, on Linux epoll
 * where available and NIO otherwise; or the groups given to {@link Builder#eventLoopGroups}. Each
 * connection lives on one worker loop, where its requests are read, judged and answered; the
 * {@link ShareValidator}, {@link Authorizer} and {@link ShareSink#accept} are called there and must not
 * block.
 *
 * <p><b>Jobs.</b> {@link #publish(Job)} encodes the job's {@code mining.notify} once and sends it to every
 * subscribed session, one task per event loop, with {@code mining.set_difficulty} first for sessions whose
 * difficulty changed. Difficulty changes (vardiff, {@code mining.suggest_difficulty}) apply from the next
 * job; shares for earlier jobs count at the easier of the old and new targets.
 *
 * <p>Thread-safe: every public method may be called from any thread.
 */
public final class StratumServer implements JobListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StratumServer.class);

    /** The version-rolling bits BIP 320 leaves to miners. */
    public static final int DEFAULT_VERSION_ROLLING_MASK = 0x1fffe000;

    private final ServerCore core;
    private final StratumPipeline pipeline;
    private final InetSocketAddress bindAddress;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final boolean ownsGroups;
    private final long sweepPeriodMillis;

    private final Object lock = new Object();
    private Channel serverChannel;
    private boolean started;
    private CompletableFuture<Void> stopped;

    private StratumServer(Builder b, ServerCore.Settings settings) {
        this.core = new ServerCore(settings);
        this.pipeline = new StratumPipeline(core, b.maxLineLength, b.stages.admission, b.stages.transport,
                b.stages.messageHandlers);
        this.bindAddress = b.bindAddress;
        this.ownsGroups = b.bossGroup == null;
        if (ownsGroups) {
            boolean epoll = Epoll.isAvailable();
            this.bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stratum-accept"),
                    epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
            this.workerGroup = new MultiThreadIoEventLoopGroup(b.workerThreads, new DefaultThreadFactory("stratum-io"),
                    epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        } else {
            this.bossGroup = b.bossGroup;
            this.workerGroup = b.workerGroup;
        }
        long shortest = Math.min(settings.subscribeTimeoutMillis, settings.idleTimeoutMillis);
        this.sweepPeriodMillis = Math.max(20, Math.min(1000, shortest / 4));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts accepting miners; returns once listening.
     *
     * @throws StratumServerException when the address cannot be bound (e.g. the port is taken)
     * @throws IllegalStateException  when called twice or after {@link #stop}
     */
    public StratumServer start() {
        synchronized (lock) {
            if (started || stopped != null) {
                throw new IllegalStateException("start() may be called once, before stop()");
            }
            started = true;
        }
        // Each loop made here gets the newest job already published, if any (a job source started first).
        for (EventExecutor executor : workerGroup) {
            LoopState loop = core.loopFor(executor);
            loop.sweep = executor.scheduleAtFixedRate(() -> core.sweep(loop), sweepPeriodMillis, sweepPeriodMillis,
                    TimeUnit.MILLISECONDS);
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(serverChannelFor(workerGroup))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(pipeline.initializer());
        ChannelFuture bound = bootstrap.bind(bindAddress).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            stop(Duration.ZERO).join();
            throw new StratumServerException("cannot listen on " + describe(bindAddress) + ": "
                    + (cause == null ? "unknown error" : cause.getMessage()), cause);
        }
        synchronized (lock) {
            serverChannel = bound.channel();
        }
        LOG.info("Stratum server listening on {} ({}, {} worker loops)", serverChannel.localAddress(),
                serverChannel instanceof EpollServerSocketChannel ? "epoll" : "nio", core.loops().size());
        return this;
    }

    /** The port listened on (the one the system chose when built with port 0); -1 before {@link #start()}. */
    public int port() {
        InetSocketAddress address = localAddress();
        return address == null ? -1 : address.getPort();
    }

    /** The address listened on; null before {@link #start()}. */
    public InetSocketAddress localAddress() {
        synchronized (lock) {
            return serverChannel == null ? null : (InetSocketAddress) serverChannel.localAddress();
        }
    }

    /**
     * Sends {@code job} to every subscribed miner (and makes it the job new subscribers get). Jobs must come
     * in increasing {@link Job#sequence()} order, with extranonce sizes matching the server's.
     *
     * @throws IllegalArgumentException when the job's extranonce sizes differ from the server's
     */
    public void publish(Job job) {
        core.publish(Objects.requireNonNull(job, "job"));
    }

    /** {@link JobListener}: publishes the job (see {@link #publish(Job)}). */
    @Override
    public void onJob(Job job) {
        publish(job);
    }

    /**
     * {@link JobListener}: every job went stale without a replacement (the node is gone). New subscribers
     * get no job until the next one; shares on the old ones are the validator's to refuse as stale.
     */
    @Override
    public void onJobsInvalidated(String reason) {
        LOG.warn("all jobs invalidated ({}); miners get no new work until the next job", reason);
        core.invalidateJobs();
    }

    /**
     * Sends {@code client.reconnect} to every connection: to {@code host:port} after {@code waitSeconds}, or
     * back to this server when {@code host} is null. Completes once queued on every event loop.
     */
    public CompletableFuture<Void> reconnectAll(String host, int port, int waitSeconds) {
        if (host != null && (port < 1 || port > 65535 || waitSeconds < 0)) {
            throw new IllegalArgumentException("reconnect needs a port 1..65535 and a wait >= 0; got " + port + ", "
                    + waitSeconds);
        }
        return core.onEveryLoop(loop -> {
            for (int i = loop.sessionCount() - 1; i >= 0; i--) {
                loop.session(i).session().reconnect(host, port, waitSeconds);
            }
        });
    }

    /**
     * Changes the pool's version-rolling mask: sessions that negotiated version rolling get
     * {@code mining.set_version_mask} with their new mask (the pool's mask and theirs).
     */
    public CompletableFuture<Void> versionRollingMask(int mask) {
        core.versionRollingMask(mask);
        return core.onEveryLoop(loop -> {
            for (int i = loop.sessionCount() - 1; i >= 0; i--) {
                loop.session(i).session().onPoolVersionMask(mask);
            }
        });
    }

    /** The pool's current version-rolling mask. */
    public int versionRollingMask() {
        return core.versionRollingMask();
    }

    /** A snapshot of the counters. */
    public StratumServerStats stats() {
        return core.counters.snapshot();
    }

    /**
     * Stops gracefully: stops accepting, sends {@code client.reconnect} to every miner, waits up to
     * {@code drain} for shares whose sinks have not answered yet (so their acknowledgements reach the
     * miners), then closes every connection and, when the server made them, its event loops. Completes when
     * all is closed; calling it again returns the same future.
     */
    public CompletableFuture<Void> stop(Duration drain) {
        Objects.requireNonNull(drain, "drain");
        Channel listening;
        synchronized (lock) {
            if (stopped != null) {
                return stopped;
            }
            stopped = new CompletableFuture<>();
            listening = serverChannel;
        }
        CompletableFuture<Void> result = stopped;
        CompletableFuture<Void> unbound = new CompletableFuture<>();
        if (listening == null) {
            unbound.complete(null);
        } else {
            listening.close().addListener(f -> unbound.complete(null));
        }
        long deadline = System.nanoTime() + drain.toNanos();
        unbound.thenCompose(ignored -> core.onEveryLoop(loop -> {
                    if (loop.sweep != null) {
                        loop.sweep.cancel(false);
                    }
                    for (int i = loop.sessionCount() - 1; i >= 0; i--) {
                        loop.session(i).session().reconnect(null, 0, 0);
                    }
                }))
                .thenCompose(ignored -> drained(deadline))
                .thenCompose(ignored -> core.onEveryLoop(loop -> {
                    for (int i = loop.sessionCount() - 1; i >= 0; i--) {
                        loop.session(i).close("server stopping");
                    }
                }))
                // A second round: the closes above queued the connections' last events ahead of it.
                .thenCompose(ignored -> core.onEveryLoop(LoopState::releaseJob))
                .thenCompose(ignored -> shutDownGroups())
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.warn("Stratum server stopped with an error", failure);
                    }
                    LOG.info("Stratum server stopped ({} shares were still unacknowledged)", core.inFlight.get());
                    result.complete(null);
                });
        return result;
    }

    /** Stops at once: {@code stop(Duration.ZERO).join()}. */
    @Override
    public void close() {
        stop(Duration.ZERO).join();
    }

    // ------------------------------------------------------------------------------------ package side

    /** The shared state, for tests. */
    ServerCore core() {
        return core;
    }

    /** The pipeline builder, for tests that drive connections through {@code EmbeddedChannel}s. */
    StratumPipeline pipeline() {
        return pipeline;
    }

    private CompletableFuture<Void> drained(long deadlineNanos) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (core.inFlight.get() == 0 || System.nanoTime() >= deadlineNanos) {
            done.complete(null);
            return done;
        }
        EventExecutor timer = bossGroup.next();
        io.netty.util.concurrent.ScheduledFuture<?>[] poll = new io.netty.util.concurrent.ScheduledFuture<?>[1];
        poll[0] = timer.scheduleAtFixedRate(() -> {
            if (core.inFlight.get() == 0 || System.nanoTime() >= deadlineNanos) {
                if (core.inFlight.get() > 0) {
                    LOG.warn("drain time over with {} shares still waiting for their sinks", core.inFlight.get());
                }
                done.complete(null);
                poll[0].cancel(false);
            }
        }, 5, 5, TimeUnit.MILLISECONDS);
        return done;
    }

    private CompletableFuture<Void> shutDownGroups() {
        if (!ownsGroups) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> boss = new CompletableFuture<>();
        CompletableFuture<Void> workers = new CompletableFuture<>();
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> boss.complete(null));
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> workers.complete(null));
        return CompletableFuture.allOf(boss, workers);
    }

    private static Class<? extends ServerChannel> serverChannelFor(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class)) {
            return EpollServerSocketChannel.class;
        }
        return NioServerSocketChannel.class;
    }

    private static String describe(InetSocketAddress address) {
        return (address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress()) + ":"
                + address.getPort();
    }

    /**
     * Configures a {@link StratumServer}. Required: a {@link ShareValidator} and either a {@link Network}
     * (for the default {@link AddressAuthorizer}) or an {@link Authorizer}. Not thread-safe.
     */
    public static final class Builder {
        private InetSocketAddress bindAddress;
        private String host = "0.0.0.0";
        private int port = 3333;
        private Network network;
        private Authorizer authorizer;
        private ShareValidator validator;
        private final List<ShareSink> sinks = new ArrayList<>();
        private ExtranonceAllocator allocator;
        private int extranonce2Size = 4;
        private double initialDifficulty = 1;
        private double minDifficulty = 1e-6;
        private double maxDifficulty = 1e15;
        private VardiffSettings vardiff;
        private boolean difficultiesSet;
        private int versionRollingMask = DEFAULT_VERSION_ROLLING_MASK;
        private Duration subscribeTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private int maxLineLength = StratumFrameDecoder.DEFAULT_MAX_LINE_LENGTH;
        private EventLoopGroup bossGroup;
        private EventLoopGroup workerGroup;
        private int workerThreads = Runtime.getRuntime().availableProcessors();
        private Clock clock = Clock.systemUTC();
        private String serverVersion = "PoolKit/0.1";
        private final StratumPipeline.Stages stages = new StratumPipeline.Stages();

        private Builder() {}

        /** The address to listen on (default {@code 0.0.0.0}, every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port to listen on (default 3333); 0 lets the system choose, see {@link StratumServer#port()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The network whose addresses log in as {@code ADDRESS[.WORKER]} (the default authorizer). */
        public Builder network(Network network) {
            this.network = network;
            return this;
        }

        /** Decides who may mine and for which account; overrides {@link #network}'s default authorizer. */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = authorizer;
            return this;
        }

        /** Judges shares; required. It also submits blocks (see {@code ShareOutcome.Block}). */
        public Builder shareValidator(ShareValidator validator) {
            this.validator = validator;
            return this;
        }

        /** Adds a sink for accepted shares and found blocks; a share is acknowledged when every sink has it. */
        public Builder shareSink(ShareSink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /** Hands out extranonce1 values (default: 4 bytes, no instance prefix). */
        public Builder extranonceAllocator(ExtranonceAllocator allocator) {
            this.allocator = allocator;
            return this;
        }

        /** The miner's part of the extranonce, in bytes (default 4); must equal the jobs' {@code extranonce2Size}. */
        public Builder extranonce2Size(int size) {
            this.extranonce2Size = size;
            return this;
        }

        /** The share difficulty a new session starts at (default 1); fractional values are allowed. */
        public Builder initialDifficulty(double difficulty) {
            this.initialDifficulty = difficulty;
            this.difficultiesSet = true;
            return this;
        }

        /**
         * The range every session difficulty stays in, whatever vardiff, a miner's suggestion or its
         * {@code d=} password says (default 0.000001 to 10<sup>15</sup>).
         */
        public Builder difficultyRange(double min, double max) {
            this.minDifficulty = min;
            this.maxDifficulty = max;
            this.difficultiesSet = true;
            return this;
        }

        /**
         * Turns on vardiff: each session's difficulty follows its share rate towards the settings' target
         * interval, applied from the next job. The settings' initial, minimum and maximum difficulty then
         * replace {@link #initialDifficulty} and {@link #difficultyRange}. Without it, difficulties stay
         * where they start (the initial difficulty, or what the miner asks for within the range).
         */
        public Builder vardiff(VardiffSettings settings) {
            this.vardiff = settings;
            return this;
        }

        /** The version bits miners may roll (BIP 310); default {@code 0x1fffe000}. */
        public Builder versionRollingMask(int mask) {
            this.versionRollingMask = mask;
            return this;
        }

        /** How long a connection may take to subscribe and authorise a worker (default 60 s). */
        public Builder subscribeTimeout(Duration timeout) {
            this.subscribeTimeout = timeout;
            return this;
        }

        /** How long a connection may stay silent before it is closed (default 10 minutes). */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** The longest line accepted from a miner (default 16 KiB); a longer one closes the connection. */
        public Builder maxLineLength(int maxLineLength) {
            this.maxLineLength = maxLineLength;
            return this;
        }

        /**
         * Event loops to run on, owned by the caller (not shut down by {@link StratumServer#stop}). Both
         * must be of the same transport (epoll or NIO). By default the server makes its own.
         */
        public Builder eventLoopGroups(EventLoopGroup boss, EventLoopGroup workers) {
            this.bossGroup = Objects.requireNonNull(boss, "boss");
            this.workerGroup = Objects.requireNonNull(workers, "workers");
            return this;
        }

        /** Worker event loops when the server makes its own (default: one per core). */
        public Builder workerThreads(int threads) {
            this.workerThreads = threads;
            return this;
        }

        /** The clock for share times and timeouts (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The answer to a miner's {@code client.get_version} (default {@code PoolKit/0.1}). */
        public Builder serverVersion(String version) {
            this.serverVersion = version;
            return this;
        }

        /**
         * A check at accept time, before any handler is made: connections it refuses are closed at once
         * (package-private: the seam for issue 8's bans and connection caps).
         */
        Builder admission(Predicate<SocketAddress> admission) {
            stages.admission = Objects.requireNonNull(admission, "admission");
            return this;
        }

        /** A handler before the line framer, e.g. TLS or the PROXY protocol (package-private seam). */
        Builder transportHandler(String name, Function<Channel, ChannelHandler> factory) {
            stages.transport.add(new StratumPipeline.Stage(name, factory));
            return this;
        }

        /** A handler between the decoder and the session, seeing decoded messages (package-private seam). */
        Builder messageHandler(String name, Function<Channel, ChannelHandler> factory) {
            stages.messageHandlers.add(new StratumPipeline.Stage(name, factory));
            return this;
        }

        /**
         * Checks the settings and makes the server (not started).
         *
         * @throws IllegalStateException naming the first bad or missing setting
         */
        public StratumServer build() {
            if (validator == null) {
                throw new IllegalStateException("shareValidator is required");
            }
            if (authorizer == null && network == null) {
                throw new IllegalStateException("an authorizer or a network (for the default AddressAuthorizer) is required");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalStateException("port must be 0..65535; got " + port);
            }
            try {
                bindAddress = new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot resolve host '" + host + "'", e);
            }
            if (extranonce2Size < 1 || extranonce2Size > 16) {
                throw new IllegalStateException("extranonce2Size must be 1..16 bytes; got " + extranonce2Size);
            }
            if (vardiff != null) {
                if (difficultiesSet) {
                    throw new IllegalStateException("with vardiff, the initial difficulty and the range come from the"
                            + " VardiffSettings (" + vardiff + "); do not set initialDifficulty or difficultyRange");
                }
                initialDifficulty = vardiff.initialDifficulty();
                minDifficulty = vardiff.minDifficulty();
                maxDifficulty = vardiff.maxDifficulty();
            }
            if (!(minDifficulty > 0) || !(maxDifficulty >= minDifficulty) || Double.isInfinite(maxDifficulty)) {
                throw new IllegalStateException("difficultyRange must be 0 < min <= max < infinity; got " + minDifficulty
                        + ".." + maxDifficulty);
            }
            if (!(initialDifficulty >= minDifficulty && initialDifficulty <= maxDifficulty)) {
                throw new IllegalStateException("initialDifficulty must be within the difficulty range " + minDifficulty
                        + ".." + maxDifficulty + "; got " + initialDifficulty);
            }
            requirePositive(subscribeTimeout, "subscribeTimeout");
            requirePositive(idleTimeout, "idleTimeout");
            if (maxLineLength < 64) {
                throw new IllegalStateException("maxLineLength must be at least 64; got " + maxLineLength);
            }
            if (bossGroup == null && workerThreads < 1) {
                throw new IllegalStateException("workerThreads must be >= 1; got " + workerThreads);
            }
            if (clock == null || serverVersion == null) {
                throw new IllegalStateException("clock and serverVersion must not be null");
            }
            ServerCore.Settings settings = new ServerCore.Settings();
            settings.authorizer = authorizer != null ? authorizer : new AddressAuthorizer(network);
            settings.validator = validator;
            settings.sinks = List.copyOf(sinks);
            settings.allocator = allocator != null ? allocator : ExtranonceAllocator.create();
            settings.extranonce2Size = extranonce2Size;
            settings.initialDifficulty = initialDifficulty;
            settings.minDifficulty = minDifficulty;
            settings.maxDifficulty = maxDifficulty;
            settings.subscribeTimeoutMillis = subscribeTimeout.toMillis();
            settings.idleTimeoutMillis = idleTimeout.toMillis();
            settings.clock = clock;
            settings.serverVersion = serverVersion;
            settings.vardiff = vardiff;
            settings.versionRollingMask = versionRollingMask;
            return new StratumServer(this, settings);
        }

        private static void requirePositive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalStateException(name + " must be positive; got " + duration);
            }
        }
    }
}
