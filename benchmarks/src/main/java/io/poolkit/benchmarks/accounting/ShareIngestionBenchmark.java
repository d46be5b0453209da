package io.poolkit.benchmarks.accounting;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.benchmarks.PoolKitBenchmark;
import io.poolkit.core.share.Share;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Durable share ingestion through {@link JdbcLedger}'s ShareSink: many producer threads (as the Stratum event
 * loops would be) each submit a burst of shares and wait until every one is acknowledged, i.e. committed.
 * The score is acknowledged (durable) shares per second.
 *
 * <p>PostgreSQL: the server on 127.0.0.1:5432 (database {@code test}, user {@code postgres}; override with
 * {@code -Dpoolkit.pg.url}/{@code .user}/{@code .password}), in a fresh schema dropped afterwards.
 */
@State(Scope.Benchmark)
@Threads(8)
public class ShareIngestionBenchmark extends PoolKitBenchmark {
    static final int BURST = 256;

    @Param({"sqlite", "postgresql"})
    public String backend;

    /** The ledger's scheme: {@code prop} prices nothing per share; {@code pps} credits every batch at once. */
    @Param({"prop"})
    public String scheme;

    private JdbcLedger ledger;
    private Path dir;
    private String schema;
    private final Properties pg = new Properties();
    private final String pgUrl = System.getProperty("poolkit.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");

    @Setup(Level.Trial)
    public void open() throws IOException {
        pg.setProperty("user", System.getProperty("poolkit.pg.user", "postgres"));
        pg.setProperty("password", System.getProperty("poolkit.pg.password", ""));
        JdbcLedger.Builder builder = JdbcLedger.builder()
                .scheme(PayoutSchemes.byName(scheme, Map.of("fee.bps", "100")));
        if (backend.equals("sqlite")) {
            dir = Files.createTempDirectory("poolkit-ingest");
            builder.sqlite(dir.resolve("ledger.db"));
        } else {
            schema = "poolkit_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            builder.postgresql(pgUrl, pg).schema(schema);
        }
        ledger = builder.build();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, SQLException {
        ledger.close();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(pgUrl, pg); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @State(Scope.Thread)
    public static class Producer {
        final String account = "bc1q" + UUID.randomUUID().toString().replace("-", "");
        final CompletableFuture<?>[] acks = new CompletableFuture<?>[BURST];
        long n;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void durableShares(Producer producer) {
        Instant now = Instant.now();
        for (int i = 0; i < BURST; i++) {
            double difficulty = 1 << (producer.n++ & 15);
            producer.acks[i] = ledger.accept(new Share(producer.account, producer.account + ".rig", difficulty,
                    1.2e14, 900_000, 312_500_000L, 25_000_000L, now));
        }
        CompletableFuture.allOf(producer.acks).join();
    }
}
