package io.poolkit.examples.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.poolkit.accounting.ledger.BlockRecord;
import io.poolkit.accounting.ledger.BlockStatus;
import io.poolkit.accounting.ledger.CreditKind;
import io.poolkit.accounting.ledger.CreditRecord;
import io.poolkit.accounting.ledger.Ledger;
import io.poolkit.accounting.ledger.ShareStats;
import io.poolkit.accounting.payment.PaymentRecord;
import io.poolkit.accounting.payment.PaymentStatus;
import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.guard.Ban;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.Job;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference pool's HTTP API on the JDK's built-in HTTP server: pool, block and miner statistics as JSON
 * read from the {@link Ledger}, and Prometheus metrics.
 *
 * <pre>{@code
 * GET /api/pool                 hash rate (5 min, 1 h), miners, workers, height, network difficulty, blocks
 * GET /api/blocks[?limit=N]     found blocks, newest first, with status, confirmations and their split
 * GET /api/miners/{address}     a miner's hash rate, workers, balance, immature credits and payments
 * GET /api/bans                 the connection guard's bans in force: address, reason, since, until
 * GET /metrics                  Prometheus text format
 * }</pre>
 *
 * <p>Hash rates are the accepted share difficulty in the window × 2<sup>32</sup> / the window's seconds, from
 * the ledger's shares. Amounts are satoshis ({@code ...Sats}), times ISO-8601 UTC. Anything else answers 404
 * with {@code {"error": "..."}}; methods other than GET answer 405. Thread-safe; requests run on two threads
 * of its own.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final double HASHES_PER_DIFFICULTY = 4_294_967_296.0;
    private static final Duration SHORT = Duration.ofMinutes(5);
    private static final Duration LONG = Duration.ofHours(1);
    private static final int DEFAULT_BLOCKS = 50;
    private static final int MAX_BLOCKS = 1000;
    private static final Duration CHAIN_ASK_TIMEOUT = Duration.ofSeconds(2);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Ledger ledger;
    private final PoolView pool;
    private final Supplier<String> metrics;
    private final Clock clock;
    private final String scheme;
    private final int feeBps;
    private final HttpServer http;
    private final ExecutorService executor;

    private ApiServer(Builder b) throws IOException {
        this.ledger = b.ledger;
        this.pool = b.pool;
        this.metrics = b.metrics;
        this.clock = b.clock;
        this.scheme = b.scheme;
        this.feeBps = b.feeBps;
        this.http = HttpServer.create(new InetSocketAddress(b.host, b.port), 64);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "poolkit-api-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    public static Builder builder(Ledger ledger, PoolView pool) {
        return new Builder(ledger, pool);
    }

    /** Starts answering; returns at once. */
    public ApiServer start() {
        http.start();
        return this;
    }

    /** The port it listens on (the system's choice when built with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops answering, giving running requests up to a second. */
    @Override
    public void close() {
        http.stop(1);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- routing

    private void handle(HttpExchange exchange) {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, error("only GET is supported; got " + exchange.getRequestMethod()));
                return;
            }
            try {
                if (path.equals("/api/pool")) {
                    send(exchange, 200, poolJson());
                } else if (path.equals("/api/blocks")) {
                    send(exchange, 200, blocksJson(limit(uri.getRawQuery())));
                } else if (path.startsWith("/api/miners/")) {
                    String address = URLDecoder.decode(path.substring("/api/miners/".length()), StandardCharsets.UTF_8);
                    minerJson(exchange, address);
                } else if (path.equals("/api/bans")) {
                    send(exchange, 200, bansJson());
                } else if (path.equals("/metrics")) {
                    byte[] body = metrics.get().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                } else {
                    send(exchange, 404, error("no such endpoint: " + path
                            + "; try /api/pool, /api/blocks, /api/miners/ADDRESS, /api/bans or /metrics"));
                }
            } catch (BadRequest e) {
                send(exchange, 400, error(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("API {} failed: {}", path, e.toString());
                send(exchange, 503, error("the pool cannot answer now: " + e.getMessage()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("API exchange failed: {}", e.toString());
        }
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private static int limit(String query) {
        if (query == null || query.isEmpty()) {
            return DEFAULT_BLOCKS;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("limit=")) {
                String value = pair.substring("limit=".length());
                try {
                    int limit = Integer.parseInt(value);
                    if (limit >= 1 && limit <= MAX_BLOCKS) {
                        return limit;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw new BadRequest("limit must be a whole number from 1 to " + MAX_BLOCKS + "; got '" + value + "'");
            }
        }
        return DEFAULT_BLOCKS;
    }

    // ---- /api/pool

    private byte[] poolJson() {
        Instant now = clock.instant();
        ShareStats shortStats = ledger.poolShares(now.minus(SHORT));
        ShareStats longStats = ledger.poolShares(now.minus(LONG));
        List<BlockRecord> pending = ledger.blocks(BlockStatus.PENDING);
        List<BlockRecord> confirmed = ledger.blocks(BlockStatus.CONFIRMED);
        List<BlockRecord> orphaned = ledger.blocks(BlockStatus.ORPHANED);
        List<BlockRecord> last = ledger.blocks(1);
        Optional<Job> job = pool.currentJob();
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("network", pool.network().chainName());
            if (job.isPresent()) {
                g.writeNumberField("height", job.get().height() - 1);
                g.writeNumberField("networkDifficulty", job.get().networkDifficulty());
            } else {
                g.writeNullField("height");
                g.writeNullField("networkDifficulty");
            }
            writeWindows(g, "hashrate", hashrate(shortStats, SHORT), hashrate(longStats, LONG));
            g.writeObjectFieldStart("shares");
            g.writeNumberField("5m", shortStats.count());
            g.writeNumberField("1h", longStats.count());
            g.writeEndObject();
            g.writeNumberField("miners", pool.miners(SHORT));
            g.writeNumberField("workers", pool.workers(SHORT));
            g.writeNumberField("connections", pool.connections());
            g.writeNumberField("blocksFound", pending.size() + confirmed.size() + orphaned.size());
            g.writeObjectFieldStart("blocks");
            g.writeNumberField("pending", pending.size());
            g.writeNumberField("confirmed", confirmed.size());
            g.writeNumberField("orphaned", orphaned.size());
            g.writeEndObject();
            g.writeFieldName("lastBlock");
            if (last.isEmpty()) {
                g.writeNull();
            } else {
                writeBlock(g, last.get(0), confirmations(last.get(0)), false);
            }
            g.writeStringField("scheme", scheme);
            g.writeNumberField("feeBps", feeBps);
            g.writeStringField("time", now.toString());
            g.writeEndObject();
        });
    }

    // ---- /api/blocks

    private byte[] blocksJson(int limit) {
        List<BlockRecord> blocks = ledger.blocks(limit);
        List<Integer> confirmations = new ArrayList<>();
        for (BlockRecord b : blocks) {
            confirmations.add(confirmations(b));
        }
        return json(g -> {
            g.writeStartObject();
            g.writeNumberField("count", blocks.size());
            g.writeArrayFieldStart("blocks");
            for (int i = 0; i < blocks.size(); i++) {
                writeBlock(g, blocks.get(i), confirmations.get(i), true);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** Confirmations now: asked of the chain for blocks not orphaned, the ledger's last record otherwise. */
    private int confirmations(BlockRecord block) {
        if (block.status() == BlockStatus.ORPHANED) {
            return 0;
        }
        try {
            CompletableFuture<BlockState> state = pool.blockState(block.hash(), block.height());
            return state.get(CHAIN_ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).confirmations();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return block.confirmations();
        } catch (Exception e) {
            return block.confirmations(); // the node cannot say now: the last figure recorded
        }
    }

    private void writeBlock(JsonGenerator g, BlockRecord b, int confirmations, boolean withCredits)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("hash", b.hash().displayHex());
        g.writeNumberField("height", b.height());
        g.writeStringField("status", b.status().name().toLowerCase(Locale.ROOT));
        g.writeNumberField("confirmations", confirmations);
        g.writeNumberField("rewardSats", b.rewardSats());
        g.writeStringField("finder", b.account());
        g.writeStringField("worker", b.worker());
        g.writeStringField("foundAt", b.foundAt().toString());
        g.writeNumberField("networkDifficulty", b.networkDifficulty());
        g.writeStringField("scheme", b.scheme());
        if (withCredits) {
            long miners = 0;
            long fee = 0;
            long residual = 0;
            int lines = 0;
            for (CreditRecord c : ledger.creditsOfBlock(b.hash())) {
                if (c.kind() == CreditKind.FEE) {
                    fee += c.sats();
                } else if (c.kind() == CreditKind.RESIDUAL) {
                    residual += c.sats();
                } else {
                    miners += c.sats();
                    lines++;
                }
            }
            g.writeObjectFieldStart("credits");
            g.writeNumberField("minersSats", miners);
            g.writeNumberField("miners", lines);
            g.writeNumberField("feeSats", fee);
            g.writeNumberField("residualSats", residual);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    // ---- /api/miners/{address}

    private void minerJson(HttpExchange exchange, String text) throws IOException {
        String address;
        try {
            address = Address.parse(text, pool.network()).toString();
        } catch (AddressException e) {
            send(exchange, 404, error("'" + text + "' is not a " + pool.network().chainName() + " address: "
                    + e.getMessage()));
            return;
        }
        Instant now = clock.instant();
        ShareStats shortStats = ledger.accountShares(address, now.minus(SHORT));
        ShareStats longStats = ledger.accountShares(address, now.minus(LONG));
        ShareStats ever = ledger.accountShares(address, Instant.EPOCH);
        long balance = ledger.balance(address);
        long immature = ledger.immature(address);
        List<PaymentRecord> payments = ledger.payments(address, 50);
        List<CreditRecord> credits = ledger.credits(address, 20);
        Map<String, Instant> workers = pool.workersOf(address);
        if (ever.count() == 0 && balance == 0 && immature == 0 && payments.isEmpty() && credits.isEmpty()
                && workers.isEmpty()) {
            send(exchange, 404, error("no miner with address " + address + " has mined here"));
            return;
        }
        long paid = payments.stream().filter(p -> p.status() == PaymentStatus.SENT).mapToLong(PaymentRecord::sats)
                .sum();
        send(exchange, 200, json(g -> {
            g.writeStartObject();
            g.writeStringField("address", address);
            writeWindows(g, "hashrate", hashrate(shortStats, SHORT), hashrate(longStats, LONG));
            g.writeObjectFieldStart("shares");
            g.writeNumberField("5m", shortStats.count());
            g.writeNumberField("1h", longStats.count());
            g.writeEndObject();
            g.writeArrayFieldStart("workers");
            for (Map.Entry<String, Instant> w : workers.entrySet()) {
                g.writeStartObject();
                g.writeStringField("name", w.getKey());
                g.writeStringField("lastShare", w.getValue().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("balanceSats", balance);
            g.writeNumberField("immatureSats", immature);
            g.writeNumberField("paidSats", paid);
            g.writeArrayFieldStart("payments");
            for (PaymentRecord p : payments) {
                g.writeStartObject();
                g.writeStringField("status", p.status().name().toLowerCase(Locale.ROOT));
                g.writeNumberField("sats", p.sats());
                if (p.txid() == null) {
                    g.writeNullField("txid");
                } else {
                    g.writeStringField("txid", p.txid());
                }
                g.writeStringField("time", p.createdAt().toString());
                g.writeStringField("key", p.key());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("credits");
            for (CreditRecord c : credits) {
                g.writeStartObject();
                g.writeStringField("block", c.blockHash().displayHex());
                g.writeNumberField("sats", c.sats());
                g.writeStringField("status", c.status().name().toLowerCase(Locale.ROOT));
                g.writeStringField("time", c.createdAt().toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }));
    }

    // ---- /api/bans

    private byte[] bansJson() {
        List<Ban> bans = pool.bans();
        boolean enabled = pool.guardEnabled();
        return json(g -> {
            g.writeStartObject();
            g.writeBooleanField("guardEnabled", enabled);
            g.writeNumberField("count", bans.size());
            g.writeArrayFieldStart("bans");
            for (Ban b : bans) {
                g.writeStartObject();
                g.writeStringField("address", b.address());
                g.writeStringField("reason", b.reason().name().toLowerCase(Locale.ROOT));
                g.writeStringField("detail", b.detail());
                g.writeStringField("since", b.since().toString());
                g.writeStringField("until", b.until().toString());
                g.writeNumberField("offence", b.offence());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    // ---- JSON plumbing

    @FunctionalInterface
    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] json(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static byte[] error(String message) {
        return json(g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    private static void writeWindows(JsonGenerator g, String name, double shortValue, double longValue)
            throws IOException {
        g.writeObjectFieldStart(name);
        g.writeNumberField("5m", shortValue);
        g.writeNumberField("1h", longValue);
        g.writeEndObject();
    }

    /** Hashes per second that the window's accepted difficulty stands for. */
    static double hashrate(ShareStats stats, Duration window) {
        return stats.difficultySum() * HASHES_PER_DIFFICULTY / window.toSeconds();
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Settings for an {@link ApiServer}. Not thread-safe. */
    public static final class Builder {
        private final Ledger ledger;
        private final PoolView pool;
        private Supplier<String> metrics = () -> "";
        private Clock clock = Clock.systemUTC();
        private String host = "127.0.0.1";
        private int port = 8080;
        private String scheme = "";
        private int feeBps;

        private Builder(Ledger ledger, PoolView pool) {
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            this.pool = Objects.requireNonNull(pool, "pool");
        }

        /** The address to listen on (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 8080); 0 for any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** What {@code /metrics} answers: Prometheus text, made at each request. */
        public Builder metrics(Supplier<String> metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The scheme's name and the fee, shown by {@code /api/pool}. */
        public Builder scheme(String name, int feeBps) {
            this.scheme = Objects.requireNonNull(name, "name");
            this.feeBps = feeBps;
            return this;
        }

        /**
         * Binds the port (not yet answering: call {@link ApiServer#start()}).
         *
         * @throws IOException when the port cannot be bound
         */
        public ApiServer build() throws IOException {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            return new ApiServer(this);
        }
    }
}
