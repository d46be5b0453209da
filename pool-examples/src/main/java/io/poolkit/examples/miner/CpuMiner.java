package io.poolkit.examples.miner;

import io.netty.channel.EventLoopGroup;
import io.poolkit.stratum.client.ConfigureRequest;
import io.poolkit.stratum.client.ConfigureResult;
import io.poolkit.stratum.client.Reconnect;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.client.SubscribeResult;
import io.poolkit.stratum.codec.MiningNotify;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CPU miner for the demo: one Stratum connection over real TCP ({@link StratumClient}) and one thread that
 * hashes headers with {@link io.poolkit.core.hash.HeaderHasher}'s midstate and submits every share that meets
 * the pool's difficulty, as a real miner would. Optionally it asks for BIP 310 version rolling with
 * {@code mining.configure} and rolls the version bits the pool allows.
 *
 * <pre>{@code
 * CpuMiner miner = CpuMiner.builder()
 *         .host("127.0.0.1").port(3333)
 *         .worker("bcrt1q....rig1")
 *         .versionRolling(true)
 *         .hashrateCap(1_000_000)          // hashes per second; 0 for a whole core
 *         .build();
 * miner.start();
 * ...
 * miner.stop(Duration.ofSeconds(5));       // stop hashing, wait for the last answers, disconnect
 * CpuMiner.Stats stats = miner.stats();
 * }</pre>
 *
 * <p>Difficulty changes apply from the next job, as the pool sends them ({@code mining.set_difficulty} before
 * {@code mining.notify}). When the connection drops (the pool asks it to reconnect, or stops) the miner
 * connects again every second until it is stopped. Thread-safe: {@link #stats()} from any thread.
 */
public final class CpuMiner {
    private static final Logger LOG = LoggerFactory.getLogger(CpuMiner.class);
    /** The version bits BIP 320 leaves to miners. */
    public static final int VERSION_ROLLING_MASK = 0x1fffe000;
    /** Nonces hashed between looks at the job and the clock. */
    private static final int CHUNK = 1 << 14;
    /** Nonces tried on one header before moving to the next extranonce2 or version. */
    private static final int NONCES_PER_HEADER = 1 << 22;

    private final String name;
    private final String host;
    private final int port;
    private final String worker;
    private final String password;
    private final boolean versionRolling;
    private final long hashrateCap;
    private final EventLoopGroup group;
    private final Duration reconnectDelay;

    private final LongAdder hashes = new LongAdder();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong versionRolled = new AtomicLong();
    private final Map<Integer, LongAdder> rejectedByCode = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();

    private volatile boolean running;
    private volatile Thread thread;
    private volatile StratumClient client;
    private volatile Session session;

    private CpuMiner(Builder b) {
        this.name = b.name;
        this.host = b.host;
        this.port = b.port;
        this.worker = b.worker;
        this.password = b.password;
        this.versionRolling = b.versionRolling;
        this.hashrateCap = b.hashrateCap;
        this.group = b.group;
        this.reconnectDelay = b.reconnectDelay;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a miner has done so far.
     *
     * @param hashes          headers hashed
     * @param submitted       shares sent
     * @param accepted        shares the pool acknowledged
     * @param rejectedByCode  shares the pool refused, by Stratum error code
     * @param failed          shares with no answer (timed out, or the connection dropped first)
     * @param versionRolled   accepted shares sent with rolled version bits
     * @param connected       whether it is connected and subscribed now
     */
    public record Stats(long hashes, long submitted, long accepted, Map<Integer, Long> rejectedByCode, long failed,
                        long versionRolled, boolean connected) {
        public Stats {
            rejectedByCode = Map.copyOf(rejectedByCode);
        }

        /** Shares refused, whatever the code. */
        public long rejected() {
            return rejectedByCode.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The worker name it logs in with ({@code ADDRESS.WORKER}). */
    public String worker() {
        return worker;
    }

    /** Starts the mining thread, which connects and then mines until {@link #stop}. Call once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("miner " + name + " was started already");
        }
        running = true;
        Thread t = new Thread(this::run, "poolkit-miner-" + name);
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        thread = t;
        t.start();
    }

    /**
     * Stops hashing, waits up to {@code drain} for the answers to shares already sent, then disconnects.
     * Returns when the mining thread has ended.
     */
    public void stop(Duration drain) {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + drain.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleepQuietly(5);
        }
        StratumClient c = client;
        if (c != null) {
            c.close().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    public Stats stats() {
        Map<Integer, Long> rejected = new TreeMap<>();
        rejectedByCode.forEach((code, count) -> rejected.put(code, count.sum()));
        StratumClient c = client;
        return new Stats(hashes.sum(), submitted.get(), accepted.get(), rejected, failed.get(), versionRolled.get(),
                c != null && c.isConnected() && session != null);
    }

    // ---- the mining thread

    private void run() {
        while (running) {
            try {
                connect();
                mine();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.debug("miner {}: {}", name, e.toString());
                }
            }
            session = null;
            if (running) {
                sleepQuietly(reconnectDelay.toMillis());
            }
        }
    }

    /** One connection: configure (when rolling), subscribe, authorise. */
    private void connect() throws InterruptedException {
        StratumClient previous = client;
        if (previous != null) {
            previous.close();
        }
        Session fresh = new Session();
        StratumClient.Builder b = StratumClient.builder().host(host).port(port).listener(fresh)
                .requestTimeout(Duration.ofSeconds(30));
        if (group != null) {
            b.eventLoopGroup(group);
        }
        StratumClient c = b.build();
        client = c;
        await(c.connect());
        int mask = 0;
        if (versionRolling) {
            ConfigureResult configured = await(c.configure(ConfigureRequest.builder()
                    .versionRolling(VERSION_ROLLING_MASK, 2).build()));
            mask = configured.versionRolling() ? configured.versionRollingMask() : 0;
        }
        SubscribeResult subscribed = await(c.subscribe("poolkit-cpuminer/" + name));
        fresh.subscribed(subscribed.extranonce().extranonce1(), subscribed.extranonce().extranonce2Size(), mask);
        if (!await(c.authorize(worker, password))) {
            throw new IllegalStateException("the pool refused worker " + worker);
        }
        session = fresh;
    }

    private void mine() throws InterruptedException {
        Session s = session;
        long counter = 0;
        long started = System.nanoTime();
        long done = 0;
        while (running && s == session && s.open) {
            HeaderSearch search = s.work;
            if (search == null) {
                synchronized (s) {
                    if (s.work == null && s.open) {
                        s.wait(100);
                    }
                }
                continue;
            }
            counter++;
            byte[] extranonce2 = extranonce2(counter, search.extranonce2Size());
            search.prepare(extranonce2, rolled(counter));
            int nonce = 0;
            for (int scanned = 0; scanned < NONCES_PER_HEADER && running && s.work == search; scanned += CHUNK) {
                nonce = search.scan(nonce, CHUNK, found -> submit(search, found));
                hashes.add(CHUNK);
                done += CHUNK;
                if (hashrateCap > 0) {
                    long due = started + (long) (done * 1e9 / hashrateCap);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } else if (wait < -1_000_000_000L) {
                        started = System.nanoTime(); // far behind (a pause): don't sprint to catch up
                        done = 0;
                    }
                }
            }
        }
    }

    /** With rolling, a new version for each header; without, 0. */
    private static int rolled(long counter) {
        return (int) (counter << Integer.numberOfTrailingZeros(VERSION_ROLLING_MASK));
    }

    private byte[] extranonce2(long counter, int size) {
        // A rolling miner changes the version first and the extranonce2 only when the version bits wrap.
        long value = versionRolling ? counter >>> Integer.bitCount(VERSION_ROLLING_MASK) : counter;
        byte[] bytes = new byte[size];
        for (int i = 0; i < size && i < 8; i++) {
            bytes[size - 1 - i] = (byte) (value >>> (8 * i));
        }
        return bytes;
    }

    private void submit(HeaderSearch search, int nonce) {
        StratumClient c = client;
        if (c == null) {
            return;
        }
        submitted.incrementAndGet();
        inFlight.incrementAndGet();
        boolean rolledBits = search.versionMask() != 0;
        CompletableFuture<SubmitResult> result = rolledBits
                ? c.submit(worker, search.job().jobId(), search.extranonce2(), search.job().ntime(), nonce,
                        search.versionBits())
                : c.submit(worker, search.job().jobId(), search.extranonce2(), search.job().ntime(), nonce);
        result.whenComplete((r, e) -> {
            if (e != null) {
                failed.incrementAndGet();
            } else if (r.isAccepted()) {
                accepted.incrementAndGet();
                if (rolledBits && search.versionBits() != 0) {
                    versionRolled.incrementAndGet();
                }
            } else {
                rejectedByCode.computeIfAbsent(r.code(), k -> new LongAdder()).increment();
                LOG.debug("miner {}: share rejected: {} {}", name, r.code(), r.message());
            }
            inFlight.decrementAndGet();
        });
    }

    private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause() == null ? e.toString() : e.getCause().toString(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from the pool in 30 s", e);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One connection's state, written by the client's event loop (jobs, difficulty, mask) and read by the
     * mining thread (the current {@link HeaderSearch}).
     */
    private final class Session implements StratumClient.Listener {
        volatile HeaderSearch work;
        volatile boolean open = true;
        volatile int versionMask;
        private byte[] extranonce1;
        private int extranonce2Size;
        private double pendingDifficulty = 1;
        private MiningNotify early;

        synchronized void subscribed(byte[] extranonce1, int extranonce2Size, int mask) {
            this.extranonce1 = extranonce1;
            this.extranonce2Size = extranonce2Size;
            this.versionMask = mask;
            if (early != null) {
                onNotify(early); // a notify that came before the subscribe answer was read
            }
        }

        @Override
        public synchronized void onNotify(MiningNotify notify) {
            if (extranonce1 == null) {
                early = notify;
                return;
            }
            work = new HeaderSearch(notify, extranonce1, extranonce2Size, pendingDifficulty, versionMask);
            notifyAll();
        }

        @Override
        public synchronized void onSetDifficulty(double difficulty) {
            pendingDifficulty = difficulty; // from the next job on, as the pool applies it
        }

        @Override
        public synchronized void onSetVersionMask(int mask) {
            versionMask = mask & VERSION_ROLLING_MASK;
        }

        @Override
        public void onReconnect(Reconnect reconnect) {
            close();
        }

        @Override
        public void onDisconnect(Throwable cause) {
            close();
        }

        private synchronized void close() {
            open = false;
            work = null;
            notifyAll();
        }
    }

    /** Settings for a {@link CpuMiner}; checked in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private String name = "1";
        private String host = "127.0.0.1";
        private int port = 3333;
        private String worker;
        private String password = "x";
        private boolean versionRolling;
        private long hashrateCap;
        private EventLoopGroup group;
        private Duration reconnectDelay = Duration.ofSeconds(1);

        private Builder() {}

        /** A short name for thread names and logs (default {@code 1}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The worker name, {@code ADDRESS[.WORKER]} for PoolKit's default authorizer. Required. */
        public Builder worker(String worker) {
            this.worker = Objects.requireNonNull(worker, "worker");
            return this;
        }

        /** The password sent with {@code mining.authorize} (default {@code x}). */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Ask for BIP 310 version rolling and roll the version bits the pool allows (default off). */
        public Builder versionRolling(boolean versionRolling) {
            this.versionRolling = versionRolling;
            return this;
        }

        /** The most hashes per second; 0 (default) for as fast as one thread goes. */
        public Builder hashrateCap(long hashesPerSecond) {
            this.hashrateCap = hashesPerSecond;
            return this;
        }

        /** A shared event loop group for the connection (default: the client's own). Not shut down. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        /** How long to wait before connecting again after the connection dropped (default 1 s). */
        public Builder reconnectDelay(Duration delay) {
            this.reconnectDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        public CpuMiner build() {
            if (worker == null || worker.isEmpty()) {
                throw new IllegalArgumentException("a miner needs a worker name (ADDRESS[.WORKER])");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535: " + port);
            }
            if (hashrateCap < 0) {
                throw new IllegalArgumentException("hashrateCap must be >= 0: " + hashrateCap);
            }
            return new CpuMiner(this);
        }
    }
}
