package io.poolkit.stratum.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.AddressAuthorizer;
import io.poolkit.core.guard.Authorizer;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
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
import java.nio.file.Path;
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
 * <p><b>Listeners.</b> The builder's {@link Builder#host}, {@link Builder#port}, {@link Builder#tls} and
 * {@link Builder#proxyProtocol} describe the first listener; {@link Builder#listener} adds more (a TLS port
 * next to a plain one, a PROXY protocol port for a load balancer). All share the sessions, jobs, guard and
 * event loops.
 *
 * <p><b>Abuse.</b> A {@link ConnectionGuard} (by default one with {@link GuardSettings#defaults()}) caps
 * connections overall and per address, limits how fast an address connects and how fast a session submits,
 * and bans addresses that send mostly invalid shares, unreadable or oversized lines, or failed
 * authorisations. A refused connection is closed on the acceptor thread before it costs a pipeline; a
 * banned session is closed after its reply. Lines are limited to {@link Builder#maxLineLength}; a client
 * that stops reading stops being read, gets no jobs (only the newest when it reads again) and is closed
 * after {@link Builder#unwritableTimeout}; a session with {@link Builder#maxPendingShares} share replies
 * waiting for the sinks, or a server with {@link Builder#maxSharesInFlight}, stops reading the sessions that
 * add more until they drain, so a share flood is slowed down, never dropped and never grows the heap
 * without bound.
 *
 * <p>Thread-safe: every public method may be called from any thread.
 */
public final class StratumServer implements JobListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StratumServer.class);

    /** The version-rolling bits BIP 320 leaves to miners. */
    public static final int DEFAULT_VERSION_ROLLING_MASK = 0x1fffe000;
    /** Default outbound bytes per connection below which it is writable again: 32 KiB. */
    public static final int DEFAULT_LOW_WATER_MARK = 32 * 1024;
    /** Default outbound bytes per connection above which it counts as not reading: 64 KiB. */
    public static final int DEFAULT_HIGH_WATER_MARK = 64 * 1024;
    /** Default time a connection may stay above the high-water mark before it is closed. */
    public static final Duration DEFAULT_UNWRITABLE_TIMEOUT = Duration.ofSeconds(20);
    /** Default share replies one connection may have waiting before it is not read. */
    public static final int DEFAULT_MAX_PENDING_SHARES = 64;
    /** Default shares the server may have waiting for its sinks before connections adding more are not read. */
    public static final int DEFAULT_MAX_SHARES_IN_FLIGHT = 65_536;

    /**
     * The most one read takes from a connection: lines already read are handled even after the session
     * stops reading, so this bounds what a flood adds beyond {@code maxPendingShares} (Netty's default is
     * 64 KiB; Stratum messages are small).
     */
    static final int MAX_READ_BYTES = 16 * 1024;

    /** How often the guard's whole table is looked through (it also sweeps itself as it is used). */
    private static final long GUARD_SWEEP_MILLIS = 10_000;

    private final ServerCore core;
    private final StratumPipeline pipeline;
    private final List<Bound> listeners;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final boolean ownsGroups;
    private final long sweepPeriodMillis;
    private final WriteBufferWaterMark waterMark;
    /** The child channels' allocator, set by tests; null for Netty's default. */
    private final ByteBufAllocator childAllocator;

    private final Object lock = new Object();
    private final List<Channel> serverChannels = new ArrayList<>();
    private ScheduledFuture<?> guardSweep;
    private boolean started;
    private CompletableFuture<Void> stopped;

    /** A listener's address and transport, resolved at build time. */
    private record Bound(InetSocketAddress address, StratumPipeline.Transport transport) {}

    private StratumServer(Builder b, ServerCore.Settings settings, List<Bound> listeners) {
        this.core = new ServerCore(settings);
        this.pipeline = new StratumPipeline(core, b.maxLineLength, b.stages.admission, b.stages.transport,
                b.stages.messageHandlers);
        this.listeners = List.copyOf(listeners);
        this.waterMark = new WriteBufferWaterMark(b.lowWaterMark, b.highWaterMark);
        this.childAllocator = b.childAllocator;
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
        long shortest = Math.min(Math.min(settings.subscribeTimeoutMillis, settings.idleTimeoutMillis),
                settings.unwritableTimeoutMillis);
        this.sweepPeriodMillis = Math.max(20, Math.min(1000, shortest / 4));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds every listener and starts accepting miners; returns once listening.
     *
     * @throws StratumServerException when an address cannot be bound (e.g. the port is taken)
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
            long tick = Math.max(1, sweepPeriodMillis / ServerCore.SWEEP_SLICES);
            loop.sweep = executor.scheduleAtFixedRate(() -> core.sweep(loop), tick, tick, TimeUnit.MILLISECONDS);
        }
        for (Bound listener : listeners) {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(serverChannelFor(workerGroup))
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .handler(pipeline.acceptFilter(listener.transport()))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                            new AdaptiveRecvByteBufAllocator(64, 1024, MAX_READ_BYTES))
                    .childHandler(pipeline.initializer(listener.transport()));
            if (childAllocator != null) {
                bootstrap.childOption(ChannelOption.ALLOCATOR, childAllocator);
            }
            ChannelFuture bound = bootstrap.bind(listener.address()).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                Throwable cause = bound.cause();
                stop(Duration.ZERO).join();
                throw new StratumServerException("cannot listen on " + describe(listener.address()) + " ("
                        + listener.transport().description() + "): "
                        + (cause == null ? "unknown error" : cause.getMessage()), cause);
            }
            synchronized (lock) {
                serverChannels.add(bound.channel());
            }
            LOG.info("Stratum server listening on {} ({}, {}, {} worker loops)", bound.channel().localAddress(),
                    listener.transport().description(),
                    bound.channel() instanceof EpollServerSocketChannel ? "epoll" : "nio", core.loops().size());
        }
        EventExecutor timer = bossGroup.next();
        synchronized (lock) {
            guardSweep = timer.scheduleAtFixedRate(core.guard::sweep, GUARD_SWEEP_MILLIS, GUARD_SWEEP_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * The port of the first listener (the one the system chose when built with port 0); -1 before
     * {@link #start()}.
     */
    public int port() {
        InetSocketAddress address = localAddress();
        return address == null ? -1 : address.getPort();
    }

    /** The address of the first listener; null before {@link #start()}. */
    public InetSocketAddress localAddress() {
        List<InetSocketAddress> all = localAddresses();
        return all.isEmpty() ? null : all.get(0);
    }

    /** The addresses listened on, in the order the listeners were configured; empty before {@link #start()}. */
    public List<InetSocketAddress> localAddresses() {
        synchronized (lock) {
            List<InetSocketAddress> out = new ArrayList<>(serverChannels.size());
            for (Channel channel : serverChannels) {
                out.add((InetSocketAddress) channel.localAddress());
            }
            return List.copyOf(out);
        }
    }

    /**
     * The connection guard: for operators to {@link ConnectionGuard#ban ban}, {@link ConnectionGuard#unban
     * unban} and {@link ConnectionGuard#bans list bans}; its counters are also in {@link #stats()}.
     */
    public ConnectionGuard guard() {
        return core.guard;
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

    /** A snapshot of the counters, the guard's included. */
    public StratumServerStats stats() {
        return core.counters.snapshot(core.guard.stats());
    }

    /**
     * Stops gracefully: stops accepting, sends {@code client.reconnect} to every miner, waits up to
     * {@code drain} for shares whose sinks have not answered yet (so their acknowledgements reach the
     * miners), then closes every connection and, when the server made them, its event loops. Completes when
     * all is closed; calling it again returns the same future.
     */
    public CompletableFuture<Void> stop(Duration drain) {
        Objects.requireNonNull(drain, "drain");
        List<Channel> listening;
        synchronized (lock) {
            if (stopped != null) {
                return stopped;
            }
            stopped = new CompletableFuture<>();
            listening = List.copyOf(serverChannels);
            if (guardSweep != null) {
                guardSweep.cancel(false);
            }
        }
        CompletableFuture<Void> result = stopped;
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (Channel channel : listening) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            channel.close().addListener(f -> closed.complete(null));
            closes.add(closed);
        }
        CompletableFuture<Void> unbound = CompletableFuture.allOf(closes.toArray(new CompletableFuture<?>[0]));
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
        ScheduledFuture<?>[] poll = new ScheduledFuture<?>[1];
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
        /** The first listener: the builder's host, port, TLS and PROXY settings go straight into it. */
        private final StratumListener.Builder first = StratumListener.builder().port(3333);
        private final List<StratumListener> moreListeners = new ArrayList<>();
        private ConnectionGuard guard;
        private int lowWaterMark = DEFAULT_LOW_WATER_MARK;
        private int highWaterMark = DEFAULT_HIGH_WATER_MARK;
        private Duration unwritableTimeout = DEFAULT_UNWRITABLE_TIMEOUT;
        private int maxPendingShares = DEFAULT_MAX_PENDING_SHARES;
        private int maxSharesInFlight = DEFAULT_MAX_SHARES_IN_FLIGHT;
        private ByteBufAllocator childAllocator;
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

        /** The address of the first listener (default {@code 0.0.0.0}, every interface). */
        public Builder host(String host) {
            first.host(host);
            return this;
        }

        /**
         * The port of the first listener (default 3333); 0 lets the system choose, see
         * {@link StratumServer#port()}.
         */
        public Builder port(int port) {
            first.port(port);
            return this;
        }

        /**
         * Makes the first listener TLS ({@code stratum+ssl}) with a PEM certificate chain (the server's
         * certificate first) and its unencrypted PKCS#8 PEM private key. Checked at {@link #build()}: missing
         * files, files that are not PEM, and a key that does not belong to the certificate are errors naming
         * the file. See {@link StratumListener.Builder#tls(Path, Path)}.
         */
        public Builder tls(Path certChain, Path privateKey) {
            return tls(certChain, privateKey, null);
        }

        /** As {@link #tls(Path, Path)}, for an encrypted PKCS#8 key. */
        public Builder tls(Path certChain, Path privateKey, String keyPassword) {
            first.tls(certChain, privateKey, keyPassword);
            return this;
        }

        /**
         * Makes the first listener expect a PROXY protocol header (v1 or v2) on every connection; see
         * {@link StratumListener.Builder#proxyProtocol}. Default off.
         */
        public Builder proxyProtocol(boolean on) {
            first.proxyProtocol(on);
            return this;
        }

        /** The first listener accepts connections only from these proxies; see {@link StratumListener.Builder#trustedProxies}. */
        public Builder trustedProxies(String... addressesOrRanges) {
            first.trustedProxies(addressesOrRanges);
            return this;
        }

        /** Adds a listener besides the first (e.g. a TLS port next to the plain one). */
        public Builder listener(StratumListener listener) {
            moreListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The guard against floods and abuse (see {@link ConnectionGuard}). Default: a guard with
         * {@link GuardSettings#defaults()} on the server's clock, made at {@link #build()}. Pass one made with
         * {@link GuardSettings#disabled()} for benchmarks, or with {@code exemptLoopback(true)} for a proxy on the
         * same machine.
         */
        public Builder guard(ConnectionGuard guard) {
            this.guard = Objects.requireNonNull(guard, "guard");
            return this;
        }

        /**
         * The outbound bytes per connection above which it counts as not reading (it is then not read, gets no
         * new jobs, and is closed after {@link #unwritableTimeout}), and below which it is writable again
         * (default 32 KiB low, 64 KiB high).
         */
        public Builder writeBufferWaterMark(int low, int high) {
            this.lowWaterMark = low;
            this.highWaterMark = high;
            return this;
        }

        /** How long a connection may stay above the high-water mark before it is closed (default 20 s). */
        public Builder unwritableTimeout(Duration timeout) {
            this.unwritableTimeout = timeout;
            return this;
        }

        /**
         * Share replies one connection may have waiting for the sinks (and the replies queued behind them)
         * before it is not read until half of them are sent (default 64). Up to one read's worth of lines
         * already received is still handled.
         */
        public Builder maxPendingShares(int shares) {
            this.maxPendingShares = shares;
            return this;
        }

        /**
         * Shares the whole server may have waiting for its sinks before each connection adding more is not
         * read, until three quarters remain (default 65,536, the default queue of {@code JdbcLedger}).
         */
        public Builder maxSharesInFlight(int shares) {
            this.maxSharesInFlight = shares;
            return this;
        }

        /**
         * The allocator of the connections' buffers and the encoded notifies (package-private: tests count
         * bytes with it).
         */
        Builder allocator(ByteBufAllocator allocator) {
            this.childAllocator = Objects.requireNonNull(allocator, "allocator");
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
         * A check at accept time, before the guard and before any handler is made: connections it refuses are
         * closed at once and counted in {@code connectionsRefused} (package-private, for tests).
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
            List<StratumListener> all = new ArrayList<>();
            all.add(first.build());
            all.addAll(moreListeners);
            List<Bound> bound = new ArrayList<>();
            for (StratumListener listener : all) {
                InetSocketAddress address;
                try {
                    address = new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port());
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("cannot resolve host '" + listener.host() + "'", e);
                }
                for (Bound other : bound) {
                    if (address.getPort() != 0 && other.address().equals(address)) {
                        throw new IllegalStateException("two listeners on " + describe(address));
                    }
                }
                SslContext ssl = listener.isTls()
                        ? TlsFiles.serverContext(listener.certChain(), listener.privateKey(), listener.keyPassword())
                        : null;
                bound.add(new Bound(address, new StratumPipeline.Transport(ssl, listener.proxyProtocol(),
                        AddressRanges.parse(listener.trustedProxies()), listener.toString())));
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
            if (lowWaterMark < 1 || highWaterMark < lowWaterMark) {
                throw new IllegalStateException("writeBufferWaterMark must be 1 <= low <= high; got " + lowWaterMark
                        + ", " + highWaterMark);
            }
            requirePositive(unwritableTimeout, "unwritableTimeout");
            if (maxPendingShares < 2) {
                throw new IllegalStateException("maxPendingShares must be at least 2; got " + maxPendingShares);
            }
            if (maxSharesInFlight < 4) {
                throw new IllegalStateException("maxSharesInFlight must be at least 4; got " + maxSharesInFlight);
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
            if (childAllocator != null) {
                settings.alloc = childAllocator; // the encoded notifies too
            }
            settings.guard = guard != null ? guard : new ConnectionGuard(GuardSettings.defaults(), clock);
            settings.maxPendingShares = maxPendingShares;
            settings.maxSharesInFlight = maxSharesInFlight;
            settings.unwritableTimeoutMillis = unwritableTimeout.toMillis();
            return new StratumServer(this, settings, bound);
        }

        private static void requirePositive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalStateException(name + " must be positive; got " + duration);
            }
        }
    }
}
