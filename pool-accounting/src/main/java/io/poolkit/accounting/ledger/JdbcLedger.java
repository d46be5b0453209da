package io.poolkit.accounting.ledger;

import io.poolkit.accounting.payment.PaymentBatch;
import io.poolkit.accounting.payment.PaymentRecord;
import io.poolkit.accounting.payment.PaymentStatus;
import io.poolkit.accounting.payment.PaymentStore;
import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import io.poolkit.core.share.ShareSink;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ledger on a JDBC database: SQLite embedded (the default: one file, WAL, {@code synchronous=FULL}) or
 * PostgreSQL, with the same versioned schema, migrated at start.
 *
 * <p>As a {@link ShareSink} it group-commits: shares and found blocks go into one ordered, bounded queue; a
 * writer thread commits them in batches (every few milliseconds or {@code maxBatch} items, one transaction
 * each) and completes each item's future only after its commit, so an acknowledged share is durable. A full
 * queue never drops a share: it waits, outside the queue and unbounded, and its future completes later, so
 * whoever sends shares bounds how many await their futures ({@code StratumServer}'s {@code maxSharesInFlight}
 * does, at the queue's capacity by default). A batch that fails is retried on a new
 * connection ({@code commitAttempts} times, with backoff) before its shares' futures fail; found blocks are
 * never given up and are retried with the next batch, so the ledger recovers when the database comes back.
 * A found block is split by the configured {@link PayoutScheme} over the window it asks for, in the
 * transaction that records the block, once per block hash. Future callbacks run on the writer thread: keep
 * them short or use the {@code *Async} variants.
 *
 * <p>Run one {@code JdbcLedger} per database: its writer numbers shares itself. Thread-safe.
 *
 * <pre>{@code
 * JdbcLedger ledger = JdbcLedger.builder()
 *         .sqlite(Path.of("poolkit-data/ledger.db"))
 *         .scheme(PayoutSchemes.byName("pplns", Map.of("n", "2", "fee.bps", "100")))
 *         .feeAccount("bc1qpoolfee...")
 *         .build();
 * // hand it to the Stratum server as its ShareSink; read balances, blocks and payments from it
 * }</pre>
 *
 * <p>PostgreSQL instead of SQLite:
 * <pre>{@code
 * Properties login = new Properties();
 * login.setProperty("user", "pool");
 * login.setProperty("password", "...");
 * JdbcLedger ledger = JdbcLedger.builder()
 *         .postgresql("jdbc:postgresql://db.internal:5432/pool", login).schema("ledger")
 *         .scheme(scheme)
 *         .build();
 * }</pre>
 */
public final class JdbcLedger implements Ledger, ShareSink, PaymentStore {
    private final Dialect dialect;
    private final PayoutScheme scheme;
    private final String feeAccount;
    private final String residualAccount;
    private final Clock clock;
    private final ShareWriter writer;
    private final Thread writerThread;
    private final ReentrantLock readerLock = new ReentrantLock();
    private Connection reader;
    private boolean closed;

    private JdbcLedger(Builder b) throws SQLException {
        this.dialect = b.dialect;
        this.scheme = b.scheme;
        this.feeAccount = b.feeAccount;
        this.residualAccount = b.residualAccount;
        this.clock = b.clock;
        long nextSeq;
        try (Connection c = dialect.open()) {
            dialect.prepare(c);
            Schema.migrate(c, dialect, clock.millis());
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT (SELECT COALESCE(MAX(seq), 0) FROM shares),"
                         + " (SELECT COALESCE(MAX(share_seq), 0) FROM blocks)")) {
                rs.next();
                nextSeq = Math.max(rs.getLong(1), rs.getLong(2)) + 1;
            }
        }
        ShareWriter.Settings settings = new ShareWriter.Settings(scheme, feeAccount, residualAccount, clock,
                b.queueCapacity, b.maxBatch, b.maxDelay.toNanos(), b.commitAttempts, b.retryBackoff.toMillis(),
                b.pruneInterval.toMillis(), b.statsRetention.toMillis());
        this.writer = new ShareWriter(dialect, settings, nextSeq);
        this.writerThread = new Thread(writer, "poolkit-ledger-writer");
        writerThread.setDaemon(true);
        writerThread.start();
    }

    /** A builder; choose a database with {@link Builder#sqlite} or {@link Builder#postgresql}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The scheme this ledger splits blocks with. */
    public PayoutScheme scheme() {
        return scheme;
    }

    /** The account pool fees are credited to. */
    public String feeAccount() {
        return feeAccount;
    }

    /** The account residual lines are credited to. */
    public String residualAccount() {
        return residualAccount;
    }

    /** Shares and blocks queued or waiting for the writer. */
    public int backlog() {
        return writer.backlog();
    }

    // ---- ShareSink ----

    @Override
    public CompletableFuture<Void> accept(Share share) {
        Objects.requireNonNull(share, "share");
        return writer.enqueue(new ShareWriter.ShareItem(share));
    }

    @Override
    public CompletableFuture<Void> blockFound(FoundBlock block) {
        Objects.requireNonNull(block, "block");
        return writer.enqueue(new ShareWriter.BlockItem(block));
    }

    // ---- Ledger: reads ----

    @Override
    public long balance(String account) {
        return read(c -> queryLong(c, "SELECT COALESCE(SUM(sats), 0) FROM balances WHERE account = ?", account));
    }

    @Override
    public Map<String, Long> balances() {
        return read(c -> {
            Map<String, Long> result = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT account, sats FROM balances WHERE sats > 0");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(rs.getString(1), rs.getLong(2));
                }
            }
            return result;
        });
    }

    @Override
    public long immature(String account) {
        return read(c -> queryLong(c, "SELECT COALESCE(SUM(sats), 0) FROM credits WHERE account = ?"
                + " AND status = 'IMMATURE'", account));
    }

    @Override
    public long perShareEarned(String account) {
        return read(c -> queryLong(c, "SELECT COALESCE(SUM(sats), 0) FROM per_share_credits WHERE account = ?",
                account));
    }

    @Override
    public List<CreditRecord> credits(String account, int limit) {
        return read(c -> credits(c, "SELECT block_hash, account, sats, kind, status, created_ms FROM credits"
                + " WHERE account = ? ORDER BY id DESC LIMIT " + positive(limit), account));
    }

    @Override
    public List<CreditRecord> creditsOfBlock(Hash256 block) {
        return read(c -> credits(c, "SELECT block_hash, account, sats, kind, status, created_ms FROM credits"
                + " WHERE block_hash = ? ORDER BY id", block.displayHex()));
    }

    @Override
    public Optional<BlockRecord> block(Hash256 hash) {
        return read(c -> blocks(c, BLOCK_COLUMNS + " WHERE hash = ?", hash.displayHex())).stream().findFirst();
    }

    @Override
    public List<BlockRecord> blocks(int limit) {
        return read(c -> blocks(c, BLOCK_COLUMNS + " ORDER BY found_ms DESC, height DESC LIMIT " + positive(limit)));
    }

    @Override
    public List<BlockRecord> blocks(BlockStatus status) {
        return read(c -> blocks(c, BLOCK_COLUMNS + " WHERE status = ? ORDER BY found_ms, height", status.name()));
    }

    @Override
    public List<PaymentRecord> payments(String account, int limit) {
        return read(c -> paymentRecords(c, " WHERE p.account = ? ORDER BY b.created_ms DESC, b.payment_key"
                + " LIMIT " + positive(limit), account));
    }

    @Override
    public List<PaymentRecord> payments(int limit) {
        return read(c -> paymentRecords(c, " ORDER BY b.created_ms DESC, b.payment_key, p.account LIMIT "
                + positive(limit)));
    }

    @Override
    public ShareStats poolShares(Instant since) {
        return read(c -> shareStats(c, "SELECT COUNT(*), COALESCE(SUM(difficulty), 0) FROM shares WHERE time_ms >= ?",
                since.toEpochMilli(), null));
    }

    @Override
    public ShareStats accountShares(String account, Instant since) {
        return read(c -> shareStats(c, "SELECT COUNT(*), COALESCE(SUM(difficulty), 0) FROM shares"
                + " WHERE time_ms >= ? AND account = ?", since.toEpochMilli(), account));
    }

    // ---- Ledger: maturity ----

    @Override
    public boolean confirmBlock(Hash256 hash, int confirmations, Instant now) {
        return write(c -> {
            String h = hash.displayHex();
            if (!updateBlockStatus(c, h, BlockStatus.CONFIRMED, confirmations, now)) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO balances (account, sats, updated_ms)"
                    + " SELECT account, SUM(sats), ? FROM credits WHERE block_hash = ? AND status = 'IMMATURE'"
                    + " GROUP BY account ORDER BY account"
                    + " ON CONFLICT (account) DO UPDATE SET sats = balances.sats + excluded.sats,"
                    + " updated_ms = excluded.updated_ms")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setString(2, h);
                ps.executeUpdate();
            }
            setCreditStatus(c, h, CreditStatus.MATURE, now);
            return true;
        });
    }

    @Override
    public boolean orphanBlock(Hash256 hash, Instant now) {
        return write(c -> {
            String h = hash.displayHex();
            if (!updateBlockStatus(c, h, BlockStatus.ORPHANED, 0, now)) {
                return false;
            }
            setCreditStatus(c, h, CreditStatus.VOID, now);
            return true;
        });
    }

    @Override
    public void recordConfirmations(Hash256 hash, int confirmations, Instant now) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE blocks SET confirmations = ?, updated_ms = ?"
                    + " WHERE hash = ? AND status = 'PENDING'")) {
                ps.setInt(1, confirmations);
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, hash.displayHex());
                return ps.executeUpdate();
            }
        });
    }

    private static boolean updateBlockStatus(Connection c, String hash, BlockStatus status, int confirmations,
                                             Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE blocks SET status = ?, confirmations = ?,"
                + " updated_ms = ? WHERE hash = ? AND status = 'PENDING'")) {
            ps.setString(1, status.name());
            ps.setInt(2, confirmations);
            ps.setLong(3, now.toEpochMilli());
            ps.setString(4, hash);
            return ps.executeUpdate() == 1;
        }
    }

    private static void setCreditStatus(Connection c, String hash, CreditStatus status, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE credits SET status = ?, updated_ms = ?"
                + " WHERE block_hash = ? AND status = 'IMMATURE'")) {
            ps.setString(1, status.name());
            ps.setLong(2, now.toEpochMilli());
            ps.setString(3, hash);
            ps.executeUpdate();
        }
    }

    // ---- PaymentStore ----

    @Override
    public Optional<PaymentBatch> preparePayment(String key, long thresholdSats, int maxOutputs,
                                                 Set<String> excluded, Instant now) {
        Objects.requireNonNull(key, "key");
        if (thresholdSats <= 0 || maxOutputs <= 0) {
            throw new IllegalArgumentException("threshold and max outputs must be > 0: " + thresholdSats + ", "
                    + maxOutputs);
        }
        return write(c -> {
            Map<String, Long> outputs = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT account, sats FROM balances WHERE sats >= ?"
                    + " ORDER BY account")) {
                ps.setLong(1, thresholdSats);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next() && outputs.size() < maxOutputs) {
                        if (!excluded.contains(rs.getString(1))) {
                            outputs.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                }
            }
            if (outputs.isEmpty()) {
                return Optional.<PaymentBatch>empty();
            }
            long at = now.toEpochMilli();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO payment_batches (payment_key, status,"
                    + " created_ms, updated_ms) VALUES (?, 'PENDING', ?, ?)")) {
                ps.setString(1, key);
                ps.setLong(2, at);
                ps.setLong(3, at);
                ps.executeUpdate();
            }
            Map<String, Long> debited = new TreeMap<>();
            try (PreparedStatement debit = c.prepareStatement("UPDATE balances SET sats = sats - ?, updated_ms = ?"
                    + " WHERE account = ? AND sats >= ?");
                 PreparedStatement line = c.prepareStatement("INSERT INTO payments (payment_key, account, sats)"
                         + " VALUES (?, ?, ?)")) {
                for (Map.Entry<String, Long> e : outputs.entrySet()) {
                    debit.setLong(1, e.getValue());
                    debit.setLong(2, at);
                    debit.setString(3, e.getKey());
                    debit.setLong(4, e.getValue());
                    if (debit.executeUpdate() != 1) {
                        continue; // changed under us (another payer): leave it for the next run
                    }
                    line.setString(1, key);
                    line.setString(2, e.getKey());
                    line.setLong(3, e.getValue());
                    line.executeUpdate();
                    debited.put(e.getKey(), e.getValue());
                }
            }
            if (debited.isEmpty()) {
                throw new SQLException("no balance could be debited for payment " + key);
            }
            return Optional.of(new PaymentBatch(key, PaymentStatus.PENDING, new TreeMap<>(debited), null, now, now));
        });
    }

    @Override
    public List<PaymentBatch> pendingPayments() {
        return read(c -> {
            Map<String, PaymentBatch> batches = new LinkedHashMap<>();
            Map<String, Map<String, Long>> outputs = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT b.payment_key, b.created_ms, b.updated_ms,"
                    + " p.account, p.sats FROM payment_batches b JOIN payments p ON p.payment_key = b.payment_key"
                    + " WHERE b.status = 'PENDING' ORDER BY b.created_ms, b.payment_key, p.account");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1);
                    Instant created = Instant.ofEpochMilli(rs.getLong(2));
                    Instant updated = Instant.ofEpochMilli(rs.getLong(3));
                    batches.putIfAbsent(key, new PaymentBatch(key, PaymentStatus.PENDING, new TreeMap<>(), null,
                            created, updated));
                    outputs.computeIfAbsent(key, k -> new TreeMap<>()).put(rs.getString(4), rs.getLong(5));
                }
            }
            List<PaymentBatch> result = new ArrayList<>();
            for (PaymentBatch b : batches.values()) {
                result.add(new PaymentBatch(b.key(), b.status(), new TreeMap<>(outputs.get(b.key())), null,
                        b.createdAt(), b.updatedAt()));
            }
            return result;
        });
    }

    @Override
    public boolean markPaymentSent(String key, String txid, Instant now) {
        Objects.requireNonNull(txid, "txid");
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE payment_batches SET status = 'SENT', txid = ?,"
                    + " updated_ms = ? WHERE payment_key = ? AND status = 'PENDING'")) {
                ps.setString(1, txid);
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, key);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean markPaymentFailed(String key, String reason, Instant now) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE payment_batches SET status = 'FAILED',"
                    + " reason = ?, updated_ms = ? WHERE payment_key = ? AND status = 'PENDING'")) {
                ps.setString(1, reason);
                ps.setLong(2, now.toEpochMilli());
                ps.setString(3, key);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO balances (account, sats, updated_ms)"
                    + " SELECT account, sats, ? FROM payments WHERE payment_key = ? ORDER BY account"
                    + " ON CONFLICT (account) DO UPDATE SET sats = balances.sats + excluded.sats,"
                    + " updated_ms = excluded.updated_ms")) {
                ps.setLong(1, now.toEpochMilli());
                ps.setString(2, key);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Prunes now, on the caller's thread (the writer also prunes on its own schedule). */
    int pruneNow() {
        return read(c -> writer.prune(c, clock.millis()));
    }

    // ---- lifecycle ----

    /** Waits up to 30 s for queued shares to be committed, then releases the database. */
    @Override
    public void close() {
        try {
            writer.close(30_000);
            writerThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readerLock.lock();
        try {
            closed = true;
            closeReader();
        } finally {
            readerLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "JdbcLedger(" + dialect.describe() + ", " + scheme + ")";
    }

    // ---- plumbing ----

    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(SqlWork<T> work) {
        readerLock.lock();
        try {
            Connection c = reader();
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException | AssertionError e) {
            closeReader();
            throw new LedgerUnavailableException("ledger read failed on " + dialect.describe() + ": " + e, e);
        } finally {
            readerLock.unlock();
        }
    }

    private <T> T write(SqlWork<T> work) {
        readerLock.lock();
        try {
            Connection c = reader();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | AssertionError e) {
                Schema.rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException | AssertionError e) {
            closeReader();
            throw new LedgerUnavailableException("ledger update failed on " + dialect.describe() + ": " + e, e);
        } finally {
            readerLock.unlock();
        }
    }

    private Connection reader() throws SQLException {
        if (closed) {
            throw new IllegalStateException("the ledger is closed");
        }
        if (reader == null) {
            reader = dialect.open();
        }
        return reader;
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (SQLException ignored) {
                // Broken already; the next call opens a new one.
            }
            reader = null;
        }
    }

    private static int positive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0: " + limit);
        }
        return limit;
    }

    private static long queryLong(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static ShareStats shareStats(Connection c, String sql, long since, String account) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, since);
            if (account != null) {
                ps.setString(2, account);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ShareStats(rs.getLong(1), rs.getDouble(2));
            }
        }
    }

    private static List<CreditRecord> credits(Connection c, String sql, String arg) throws SQLException {
        List<CreditRecord> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new CreditRecord(Hash256.fromDisplayHex(rs.getString(1)), rs.getString(2),
                            rs.getLong(3), CreditKind.valueOf(rs.getString(4)), CreditStatus.valueOf(rs.getString(5)),
                            Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
        }
        return result;
    }

    private static final String BLOCK_COLUMNS = "SELECT hash, height, account, worker, reward_sats,"
            + " network_difficulty, found_ms, status, confirmations, scheme FROM blocks";

    private static List<BlockRecord> blocks(Connection c, String sql, String... args) throws SQLException {
        List<BlockRecord> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new BlockRecord(Hash256.fromDisplayHex(rs.getString(1)), rs.getLong(2),
                            rs.getString(3), rs.getString(4), rs.getLong(5), rs.getDouble(6),
                            Instant.ofEpochMilli(rs.getLong(7)), BlockStatus.valueOf(rs.getString(8)), rs.getInt(9),
                            rs.getString(10)));
                }
            }
        }
        return result;
    }

    private static List<PaymentRecord> paymentRecords(Connection c, String where, String... args)
            throws SQLException {
        List<PaymentRecord> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT b.payment_key, p.account, p.sats, b.status, b.txid,"
                + " b.created_ms FROM payments p JOIN payment_batches b ON b.payment_key = p.payment_key" + where)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new PaymentRecord(rs.getString(1), rs.getString(2), rs.getLong(3),
                            PaymentStatus.valueOf(rs.getString(4)), rs.getString(5),
                            Instant.ofEpochMilli(rs.getLong(6))));
                }
            }
        }
        return result;
    }

    /**
     * Builds a {@link JdbcLedger}: the database ({@link #sqlite} or {@link #postgresql}) and the scheme are
     * required; the rest have production defaults. Not thread-safe.
     */
    public static final class Builder {
        private Dialect dialect;
        private String pgUrl;
        private Properties pgProperties;
        private String pgSchema;
        private PayoutScheme scheme;
        private String feeAccount = "pool-fee";
        private String residualAccount = "pool-residual";
        private Clock clock = Clock.systemUTC();
        private int queueCapacity = 65_536;
        private int maxBatch = 4_096;
        private Duration maxDelay = Duration.ofMillis(1);
        private int commitAttempts = 5;
        private Duration retryBackoff = Duration.ofMillis(100);
        private Duration pruneInterval = Duration.ofMinutes(1);
        private Duration statsRetention = Duration.ofHours(24);

        private Builder() {}

        /** The embedded SQLite database in {@code file} (created if missing; its folder must exist). */
        public Builder sqlite(Path file) {
            this.dialect = new Dialect.Sqlite(Objects.requireNonNull(file, "file"));
            this.pgUrl = null;
            return this;
        }

        /**
         * A PostgreSQL database: {@code jdbcUrl} like {@code jdbc:postgresql://127.0.0.1:5432/pool}, with
         * {@code properties} for the driver ({@code user}, {@code password}, ...).
         */
        public Builder postgresql(String jdbcUrl, Properties properties) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
            }
            this.pgUrl = jdbcUrl;
            this.pgProperties = Objects.requireNonNull(properties, "properties");
            this.dialect = null;
            return this;
        }

        /** PostgreSQL only: keep the ledger's tables in {@code schema} (created if missing). */
        public Builder schema(String schema) {
            this.pgSchema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /** The scheme that splits found blocks (and prices shares, for PPS/FPPS). Required. */
        public Builder scheme(PayoutScheme scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /** The account pool fees are credited to; default {@code pool-fee}. */
        public Builder feeAccount(String account) {
            this.feeAccount = Objects.requireNonNull(account, "account");
            return this;
        }

        /** The account residual lines are credited to; default {@code pool-residual}. */
        public Builder residualAccount(String account) {
            this.residualAccount = Objects.requireNonNull(account, "account");
            return this;
        }

        /** Where times come from; default the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Items the queue holds before new ones wait in overflow; default 65536. */
        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        /** Most items in one transaction; default 4096. */
        public Builder maxBatch(int items) {
            this.maxBatch = items;
            return this;
        }

        /** How long the writer waits for a batch to fill before committing; default 1 ms. */
        public Builder maxDelay(Duration delay) {
            this.maxDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** Commit attempts per batch before its shares fail; default 5. */
        public Builder commitAttempts(int attempts) {
            this.commitAttempts = attempts;
            return this;
        }

        /** The first pause between attempts, doubled each time up to 5 s; default 100 ms. */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** How often shares no window needs are deleted (also after each found block); default 1 minute. */
        public Builder pruneInterval(Duration interval) {
            this.pruneInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** How long shares are kept for statistics even when no window needs them; default 24 h. */
        public Builder statsRetention(Duration retention) {
            this.statsRetention = Objects.requireNonNull(retention, "retention");
            return this;
        }

        /**
         * Opens the database, applies migrations and starts the writer.
         *
         * @throws IllegalArgumentException naming the bad setting
         * @throws LedgerUnavailableException when the database cannot be opened or migrated
         */
        public JdbcLedger build() {
            if (pgUrl != null) {
                dialect = new Dialect.Postgresql(pgUrl, pgProperties, pgSchema);
            } else if (pgSchema != null) {
                throw new IllegalArgumentException("schema '" + pgSchema + "' applies to PostgreSQL only");
            }
            if (dialect == null) {
                throw new IllegalArgumentException("no database: call sqlite(path) or postgresql(url, properties)");
            }
            if (scheme == null) {
                throw new IllegalArgumentException("no payout scheme: call scheme(...)");
            }
            if (feeAccount.isEmpty() || residualAccount.isEmpty()) {
                throw new IllegalArgumentException("fee and residual accounts must not be empty: '" + feeAccount
                        + "', '" + residualAccount + "'");
            }
            requirePositive("queueCapacity", queueCapacity);
            requirePositive("maxBatch", maxBatch);
            requirePositive("commitAttempts", commitAttempts);
            if (maxDelay.isNegative() || maxDelay.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("maxDelay must be 0..1 s: " + maxDelay);
            }
            if (retryBackoff.isNegative() || pruneInterval.isNegative() || pruneInterval.isZero()
                    || statsRetention.isNegative()) {
                throw new IllegalArgumentException("retryBackoff, pruneInterval and statsRetention must be positive: "
                        + retryBackoff + ", " + pruneInterval + ", " + statsRetention);
            }
            try {
                return new JdbcLedger(this);
            } catch (SQLException e) {
                throw new LedgerUnavailableException("cannot open the ledger on " + dialect.describe() + ": " + e, e);
            }
        }

        private static void requirePositive(String name, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be > 0: " + value);
            }
        }
    }
}
