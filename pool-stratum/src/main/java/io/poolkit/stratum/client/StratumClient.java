package io.poolkit.stratum.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.poolkit.core.chain.Hex;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.codec.StratumDecodeError;
import io.poolkit.stratum.codec.StratumDecoder;
import io.poolkit.stratum.codec.StratumEncoder;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumMethods;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.codec.StratumValue;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Stratum V1 client on Netty: one connection to a pool, with a future per request and a
 * {@link Listener} for what the pool pushes. Used by tests, the demo CPU miners and the load harness.
 *
 * <pre>{@code
 * StratumClient client = StratumClient.builder()
 *         .host("127.0.0.1").port(3333)
 *         .eventLoopGroup(sharedGroup)              // optional; share one among many clients
 *         .listener(new StratumClient.Listener() {
 *             public void onNotify(MiningNotify job) { miner.work(job); }
 *             public void onSetDifficulty(double difficulty) { miner.difficulty(difficulty); }
 *         })
 *         .build();
 * client.connect().get();
 * SubscribeResult subscribed = client.subscribe("poolkit-miner/1.0").get();
 * boolean authorized = client.authorize("bc1q....rig1", "x").get();
 * SubmitResult verdict = client.submit("bc1q....rig1", job.jobId(), extranonce2, job.ntime(), nonce).get();
 * }</pre>
 *
 * <p><b>Threading.</b> Thread-safe: any thread may call any method. The connection lives on one event
 * loop thread of the group; requests hop onto it, and listener callbacks and future completions run on
 * it, one at a time, in the order the pool sent them. Do not block in a listener or in a dependent
 * stage of a returned future (use the {@code ...Async} stages to leave the event loop).
 *
 * <p><b>Scale.</b> A client is one channel plus a few small objects; it has no thread of its own when
 * given a shared {@link EventLoopGroup}, so thousands of clients can share a few threads. Without one,
 * each client makes (and on {@link #close()} shuts down) a private one-thread group: fine for a test,
 * wasteful for many clients.
 *
 * <p><b>TLS.</b> With {@link Builder#sslContext} the client speaks TLS ({@code stratum+ssl}); {@link #connect()}
 * completes once the handshake is done, and fails when it fails (an untrusted or mismatched certificate).
 *
 * <p><b>Failures.</b> Request futures complete exceptionally with {@link StratumClientException} when
 * the client is not connected or the connection drops before the reply, and with
 * {@link TimeoutException} when no reply comes within the request timeout. A pool's error reply is not
 * an exception: it is a {@link SubmitResult} rejection, an {@code authorize} of {@code false}, or for
 * {@link #request} a {@link StratumResponse} with an error. A client connects once; to reconnect (for
 * example after {@link Listener#onReconnect}), build a new one.
 */
public final class StratumClient {
    private static final Logger LOG = LoggerFactory.getLogger(StratumClient.class);
    private static final StratumDecoder DECODER = new StratumDecoder();
    private static final StratumEncoder ENCODER = new StratumEncoder();

    private final String host;
    private final int port;
    private final InetAddress localAddress;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final int connectTimeoutMillis;
    private final long requestTimeoutNanos;
    private final int maxLineLength;
    private final Listener listener;
    /** TLS, or null for plain TCP. */
    private final SslContext sslContext;
    private final AtomicBoolean connectCalled = new AtomicBoolean();

    private volatile Channel channel;
    private volatile String userAgent = "poolkit";

    // Confined to the channel's event loop.
    private long nextId = 1;
    private LongObjectHashMap<Pending> pending;
    private Throwable failure;

    private StratumClient(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.localAddress = b.localAddress;
        this.ownsGroup = b.group == null;
        this.group = ownsGroup
                ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stratum-client", true), NioIoHandler.newFactory())
                : b.group;
        this.connectTimeoutMillis = (int) b.connectTimeout.toMillis();
        this.requestTimeoutNanos = b.requestTimeout.toNanos();
        this.maxLineLength = b.maxLineLength;
        this.listener = b.listener;
        this.sslContext = b.sslContext;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Connects; the future completes with this client once the TCP connection is up, or fails with a
     * {@link StratumClientException}. Call once.
     */
    public CompletableFuture<StratumClient> connect() {
        if (!connectCalled.compareAndSet(false, true)) {
            throw new IllegalStateException("connect() may be called once per client; build a new client to reconnect");
        }
        CompletableFuture<StratumClient> connected = new CompletableFuture<>();
        InetSocketAddress remote;
        try {
            remote = new InetSocketAddress(host, port);
        } catch (RuntimeException e) {
            connected.completeExceptionally(new StratumClientException("cannot resolve " + host, e));
            return connected;
        }
        if (remote.isUnresolved()) {
            connected.completeExceptionally(new StratumClientException("cannot resolve " + host));
            return connected;
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(socketChannelFor(group))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (sslContext != null) {
                            ch.pipeline().addLast(sslContext.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new StratumFrameDecoder(maxLineLength), DECODER, ENCODER, new Inbound());
                    }
                });
        ChannelFuture future = localAddress == null
                ? bootstrap.connect(remote)
                : bootstrap.connect(remote, new InetSocketAddress(localAddress, 0));
        channel = future.channel();
        future.addListener(f -> {
            if (f.isSuccess() && sslContext != null) {
                channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        connected.complete(this);
                    } else {
                        connected.completeExceptionally(new StratumClientException("TLS handshake with " + remote
                                + " failed: " + h.cause().getMessage(), h.cause()));
                        close();
                    }
                });
            } else if (f.isSuccess()) {
                connected.complete(this);
            } else {
                connected.completeExceptionally(new StratumClientException("cannot connect to " + remote
                        + (localAddress == null ? "" : " from " + localAddress.getHostAddress()), f.cause()));
                if (ownsGroup) {
                    group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
                }
            }
        });
        return connected;
    }

    /** {@code mining.subscribe} with this user agent (also the answer to the pool's {@code client.get_version}). */
    public CompletableFuture<SubscribeResult> subscribe(String userAgent) {
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
        return call(StratumMethods.SUBSCRIBE, List.of(StratumValue.of(userAgent)),
                response -> SubscribeResult.fromResult(successfulResult(response)));
    }

    /** {@code mining.authorize}: true when the pool authorised the worker, false on {@code false} or an error reply. */
    public CompletableFuture<Boolean> authorize(String worker, String password) {
        return call(StratumMethods.AUTHORIZE, List.of(StratumValue.of(worker), StratumValue.of(password)),
                StratumClient::isTrue);
    }

    /** {@code mining.configure} (BIP 310); send it before {@code mining.subscribe}, as miners do. */
    public CompletableFuture<ConfigureResult> configure(ConfigureRequest request) {
        return call(StratumMethods.CONFIGURE, request.params(),
                response -> ConfigureResult.fromResult(successfulResult(response)));
    }

    /** {@code mining.extranonce.subscribe}: true when the pool will send {@code mining.set_extranonce}. */
    public CompletableFuture<Boolean> extranonceSubscribe() {
        return call(StratumMethods.EXTRANONCE_SUBSCRIBE, List.of(), StratumClient::isTrue);
    }

    /**
     * {@code mining.suggest_difficulty}. Some pools never answer it; the future then fails with a
     * {@link TimeoutException}, which is safe to ignore.
     */
    public CompletableFuture<Boolean> suggestDifficulty(double difficulty) {
        return call(StratumMethods.SUGGEST_DIFFICULTY, List.of(StratumValue.of(difficulty)), StratumClient::isTrue);
    }

    /**
     * {@code mining.submit} of a share: extranonce2 as hex, ntime and nonce as the eight hex digits of
     * their 32-bit values (as in {@code mining.notify}; the header stores them little-endian).
     */
    public CompletableFuture<SubmitResult> submit(String worker, String jobId, byte[] extranonce2, int ntime, int nonce) {
        return submitHex(worker, jobId, Hex.encode(extranonce2), hex32(ntime), hex32(nonce), null);
    }

    /** {@code mining.submit} with the rolled version bits (BIP 310: the bits within the mask that the miner changed). */
    public CompletableFuture<SubmitResult> submit(String worker, String jobId, byte[] extranonce2, int ntime, int nonce,
            int versionBits) {
        return submitHex(worker, jobId, Hex.encode(extranonce2), hex32(ntime), hex32(nonce), hex32(versionBits));
    }

    /**
     * {@code mining.submit} with every field as the exact text to send, unchecked, so tests can send
     * what a broken miner would. {@code versionBitsHex} may be {@code null} to leave it out.
     */
    public CompletableFuture<SubmitResult> submitHex(String worker, String jobId, String extranonce2Hex,
            String ntimeHex, String nonceHex, String versionBitsHex) {
        List<StratumValue> params = new ArrayList<>(6);
        params.add(StratumValue.of(worker));
        params.add(StratumValue.of(jobId));
        params.add(StratumValue.of(extranonce2Hex));
        params.add(StratumValue.of(ntimeHex));
        params.add(StratumValue.of(nonceHex));
        if (versionBitsHex != null) {
            params.add(StratumValue.of(versionBitsHex));
        }
        return call(StratumMethods.SUBMIT, params, SubmitResult::fromResponse);
    }

    /** Any request; the future holds the pool's response, error replies included. */
    public CompletableFuture<StratumResponse> request(String method, List<StratumValue> params) {
        return call(Objects.requireNonNull(method, "method"), List.copyOf(params), Function.identity());
    }

    /**
     * Closes the connection; pending requests fail and {@link Listener#onDisconnect} runs. The future
     * completes once the connection (and the private event loop group, if this client made one) is closed.
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null || !ch.isOpen()) { // never connected, or already closed (a failed connect included)
            shutDownOwnGroup(closed);
            return closed;
        }
        ch.close().addListener(f -> shutDownOwnGroup(closed));
        return closed;
    }

    private void shutDownOwnGroup(CompletableFuture<Void> closed) {
        if (!ownsGroup) {
            closed.complete(null);
            return;
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> closed.complete(null));
    }

    public boolean isConnected() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    /** The local end of the connection (the harness spreads clients over source addresses); null before connecting. */
    public InetSocketAddress localAddress() {
        Channel ch = channel;
        SocketAddress address = ch == null ? null : ch.localAddress();
        return address instanceof InetSocketAddress inet ? inet : null;
    }

    // ---------------------------------------------------------------------------------------------------

    private <T> CompletableFuture<T> call(String method, List<StratumValue> params, Function<StratumResponse, T> mapper) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            future.completeExceptionally(new StratumClientException("not connected: cannot send " + method));
            return future;
        }
        EventLoop loop = ch.eventLoop();
        if (loop.inEventLoop()) {
            send(ch, method, params, mapper, future);
        } else {
            try {
                loop.execute(() -> send(ch, method, params, mapper, future));
            } catch (RejectedExecutionException e) {
                future.completeExceptionally(new StratumClientException("event loop shut down: cannot send " + method, e));
            }
        }
        return future;
    }

    @SuppressWarnings("unchecked")
    private <T> void send(Channel ch, String method, List<StratumValue> params, Function<StratumResponse, T> mapper,
            CompletableFuture<T> future) {
        if (!ch.isActive()) {
            future.completeExceptionally(new StratumClientException("connection closed: cannot send " + method));
            return;
        }
        long id = nextId++;
        Pending entry = new Pending(method, (CompletableFuture<Object>) future, (Function<StratumResponse, Object>) mapper);
        if (pending == null) {
            pending = new LongObjectHashMap<>(4);
        }
        pending.put(id, entry);
        entry.timeout = ch.eventLoop().schedule(() -> timedOut(id), requestTimeoutNanos, TimeUnit.NANOSECONDS);
        // A failed write closes the channel, which fails this request with the others.
        ch.writeAndFlush(StratumRequest.of(StratumId.of(id), method, params), ch.voidPromise());
    }

    private void timedOut(long id) {
        Pending entry = pending == null ? null : pending.remove(id);
        if (entry != null) {
            entry.future.completeExceptionally(new TimeoutException("no reply to " + entry.method + " (id " + id
                    + ") within " + Duration.ofNanos(requestTimeoutNanos)));
        }
    }

    private void onResponse(StratumResponse response) {
        long id = numericId(response.id());
        Pending entry = id < 0 || pending == null ? null : pending.remove(id);
        if (entry == null) {
            LOG.debug("{}: response to no pending request: {}", host, response);
            return;
        }
        entry.timeout.cancel(false);
        Object value;
        try {
            value = entry.mapper.apply(response);
        } catch (RuntimeException e) {
            entry.future.completeExceptionally(new StratumClientException("unusable reply to " + entry.method + ": "
                    + SubscribeResult.abbreviate(response.toString()) + " (" + e.getMessage() + ")", e));
            return;
        }
        entry.future.complete(value);
    }

    private void onRequest(ChannelHandlerContext ctx, StratumRequest request) {
        List<StratumValue> params = request.params();
        try {
            switch (request.method()) {
                case StratumMethods.NOTIFY -> listener.onNotify(MiningNotify.fromParams(params));
                case StratumMethods.SET_DIFFICULTY -> listener.onSetDifficulty(positiveNumber(request.param(0), "difficulty"));
                case StratumMethods.SET_EXTRANONCE -> listener.onSetExtranonce(extranonce(params));
                case StratumMethods.SET_VERSION_MASK -> listener.onSetVersionMask(versionMask(request.stringParam(0)));
                case StratumMethods.RECONNECT -> listener.onReconnect(reconnect(params));
                case StratumMethods.SHOW_MESSAGE -> listener.onShowMessage(request.stringParam(0));
                case StratumMethods.GET_VERSION -> {
                    if (!request.isNotification()) {
                        ctx.writeAndFlush(StratumResponse.success(request.id(), StratumValue.of(userAgent)), ctx.voidPromise());
                    }
                }
                default -> {
                    if (!request.isNotification()) {
                        ctx.writeAndFlush(StratumResponse.error(request.id(), 20, "unknown method " + request.method()),
                                ctx.voidPromise());
                    }
                    LOG.debug("{}: ignored {}", host, request.method());
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: dropped a malformed {}: {}", host, request.method(), e.getMessage());
        }
    }

    private void onClosed() {
        LongObjectHashMap<Pending> waiting = pending;
        pending = null;
        if (waiting != null && !waiting.isEmpty()) {
            for (Pending entry : waiting.values()) {
                entry.timeout.cancel(false);
                entry.future.completeExceptionally(new StratumClientException(
                        "connection closed before the reply to " + entry.method, failure));
            }
        }
        safely(() -> listener.onDisconnect(failure));
    }

    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: a StratumClient listener threw", host, e);
        }
    }

    private static long numericId(StratumId id) {
        if (id.isNull()) {
            return -1;
        }
        String text = id.text();
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(text);
    }

    private static StratumValue successfulResult(StratumResponse response) {
        if (response.isError()) {
            throw new IllegalArgumentException("error " + response.errorCode() + " " + response.errorMessage());
        }
        return response.result();
    }

    private static Boolean isTrue(StratumResponse response) {
        return !response.isError() && response.result().isBoolean() && response.result().asBoolean();
    }

    private static double positiveNumber(StratumValue value, String what) {
        double number;
        if (value != null && value.isNumber()) {
            number = value.asDouble();
        } else if (value != null && value.isString()) {
            try {
                number = Double.parseDouble(value.asString());
            } catch (NumberFormatException e) {
                number = Double.NaN;
            }
        } else {
            number = Double.NaN;
        }
        if (!(number > 0) || Double.isInfinite(number)) {
            throw new IllegalArgumentException(what + " must be a positive number; got "
                    + (value == null ? "nothing" : value.toJson()));
        }
        return number;
    }

    private static Extranonce extranonce(List<StratumValue> params) {
        if (params.size() < 2 || !params.get(0).isString() || !params.get(1).isLong()) {
            throw new IllegalArgumentException("set_extranonce needs [hex, size]; got " + StratumValue.array(params).toJson());
        }
        long size = params.get(1).asLong();
        if (size < 0 || size > 32) {
            throw new IllegalArgumentException("extranonce2 size must be 0..32; got " + size);
        }
        return Extranonce.of(params.get(0).asString(), (int) size);
    }

    private static int versionMask(String hex) {
        if (!isHex32(hex)) {
            throw new IllegalArgumentException("version mask must be 8 hex digits; got " + hex);
        }
        return Integer.parseUnsignedInt(hex, 16);
    }

    /** Exactly eight hex digits, no sign (which {@link Integer#parseUnsignedInt} would accept). */
    static boolean isHex32(String text) {
        if (text == null || text.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static Reconnect reconnect(List<StratumValue> params) {
        String host = params.isEmpty() || params.get(0).isNull() ? null : stringOrThrow(params.get(0), "host");
        if (host != null && host.isEmpty()) {
            host = null;
        }
        int port = params.size() < 2 ? 0 : intOf(params.get(1), "port", 0, 65535);
        int wait = params.size() < 3 ? 0 : intOf(params.get(2), "wait", 0, Integer.MAX_VALUE);
        return new Reconnect(host, port, wait);
    }

    private static String stringOrThrow(StratumValue value, String what) {
        if (!value.isString()) {
            throw new IllegalArgumentException(what + " must be a string; got " + value.toJson());
        }
        return value.asString();
    }

    /** Pools send reconnect ports and waits as numbers or as strings of digits. */
    private static int intOf(StratumValue value, String what, int min, int max) {
        long number;
        if (value.isLong()) {
            number = value.asLong();
        } else if (value.isString() && value.asString().matches("[0-9]{1,10}")) {
            number = Long.parseLong(value.asString());
        } else {
            throw new IllegalArgumentException(what + " must be an integer; got " + value.toJson());
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException(what + " must be " + min + ".." + max + "; got " + number);
        }
        return (int) number;
    }

    private static String hex32(int value) {
        return String.format("%08x", value);
    }

    private static Class<? extends SocketChannel> socketChannelFor(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io && io.isIoType(EpollIoHandler.class)) {
            return EpollSocketChannel.class;
        }
        return NioSocketChannel.class;
    }

    /** One request waiting for its reply. Confined to the event loop. */
    private static final class Pending {
        final String method;
        final CompletableFuture<Object> future;
        final Function<StratumResponse, Object> mapper;
        ScheduledFuture<?> timeout;

        Pending(String method, CompletableFuture<Object> future, Function<StratumResponse, Object> mapper) {
            this.method = method;
            this.future = future;
            this.mapper = mapper;
        }
    }

    /** The end of the pipeline: dispatches decoded messages. Runs on the event loop. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            StratumMessage message = (StratumMessage) msg;
            if (message instanceof StratumResponse response) {
                onResponse(response);
            } else if (message instanceof StratumRequest request) {
                onRequest(ctx, request);
            } else {
                LOG.warn("{}: undecodable line from the pool: {}", host, ((StratumDecodeError) message).reason());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
            LOG.debug("{}: closing after {}", host, cause.toString());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onClosed();
            ctx.fireChannelInactive();
        }
    }

    /**
     * Receives what the pool pushes. Every method has an empty default; override what you need. Called
     * on the connection's event loop, one call at a time: return quickly and never block. A listener
     * that throws is logged and the connection continues.
     */
    public interface Listener {
        /** A new job. A malformed notify is logged and dropped, never passed here. */
        default void onNotify(MiningNotify notify) {}

        /** The share difficulty for the next jobs (cpuminer applies it from the next notify). */
        default void onSetDifficulty(double difficulty) {}

        /** A new extranonce for the next jobs ({@code mining.set_extranonce}). */
        default void onSetExtranonce(Extranonce extranonce) {}

        /** The version bits the miner may roll from now on ({@code mining.set_version_mask}). */
        default void onSetVersionMask(int mask) {}

        /** The pool asks the miner to reconnect; this client does not do so by itself. */
        default void onReconnect(Reconnect reconnect) {}

        /** A message for the operator ({@code client.show_message}). */
        default void onShowMessage(String message) {}

        /** The connection closed; {@code cause} is the error that closed it, or null for an orderly close. */
        default void onDisconnect(Throwable cause) {}
    }

    /** Configures a {@link StratumClient}; {@code host} and {@code port} are required. Not thread-safe. */
    public static final class Builder {
        private String host;
        private int port;
        private InetAddress localAddress;
        private EventLoopGroup group;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxLineLength = StratumFrameDecoder.DEFAULT_MAX_LINE_LENGTH;
        private Listener listener = new Listener() {};
        private SslContext sslContext;

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The local address to connect from (any free port); by default the system picks. */
        public Builder localAddress(InetAddress localAddress) {
            this.localAddress = localAddress;
            return this;
        }

        /**
         * The event loop group to run on, shared with other clients and not shut down by this one. Its
         * transport (NIO or epoll) decides the channel type. By default each client makes its own.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** How long {@link #connect()} may take; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long a request waits for its reply before its future fails; default 30 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** The longest line accepted from the pool; default 16 KiB (a notify with a deep branch fits easily). */
        public Builder maxLineLength(int maxLineLength) {
            this.maxLineLength = maxLineLength;
            return this;
        }

        public Builder listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Speaks TLS with this client context, e.g. {@code SslContextBuilder.forClient().trustManager(poolCert).build()};
         * the pool's certificate is checked against {@code host}. Default: plain TCP.
         */
        public Builder sslContext(SslContext sslContext) {
            if (sslContext != null && !sslContext.isClient()) {
                throw new IllegalArgumentException("sslContext must be a client context");
            }
            this.sslContext = sslContext;
            return this;
        }

        public StratumClient build() {
            if (host == null || host.isBlank()) {
                throw new IllegalStateException("host is required; got " + (host == null ? "none" : "'" + host + "'"));
            }
            if (port < 1 || port > 65535) {
                throw new IllegalStateException("port must be 1..65535; got " + port);
            }
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(requestTimeout, "requestTimeout");
            if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalStateException("connectTimeout is too long: " + connectTimeout);
            }
            if (maxLineLength < 64) {
                throw new IllegalStateException("maxLineLength must be at least 64; got " + maxLineLength);
            }
            if (listener == null) {
                throw new IllegalStateException("listener must not be null");
            }
            return new StratumClient(this);
        }

        private static void requirePositive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalStateException(name + " must be positive; got " + duration);
            }
        }
    }
}
