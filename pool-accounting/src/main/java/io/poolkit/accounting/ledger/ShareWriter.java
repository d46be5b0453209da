package io.poolkit.accounting.ledger;

import io.poolkit.accounting.scheme.Allocation;
import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.accounting.scheme.PerShareCredits;
import io.poolkit.accounting.scheme.ShareWeight;
import io.poolkit.accounting.scheme.ShareWindow;
import io.poolkit.accounting.scheme.WindowSpec;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's single writer: one ordered queue of shares and found blocks, committed in batches (group
 * commit), each item's future completed only after its batch's transaction committed.
 *
 * <p>Producers ({@link #enqueue}) never block: up to {@code capacity} items sit in the queue; past that they
 * wait, in order, in an overflow list and enter the queue as the writer frees room, so a share is never dropped
 * and its future simply completes later. One thread runs {@link #run()}; everything else is thread-safe.
 */
final class ShareWriter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ShareWriter.class);

    static final String INSERT_SHARE = "INSERT INTO shares (seq, account, worker, difficulty, network_difficulty,"
            + " height, subsidy_sats, fees_sats, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String UPSERT_BALANCE = "INSERT INTO balances (account, sats, updated_ms) VALUES (?, ?, ?)"
            + " ON CONFLICT (account) DO UPDATE SET sats = balances.sats + excluded.sats,"
            + " updated_ms = excluded.updated_ms";

    abstract static sealed class Item permits ShareItem, BlockItem {
        final CompletableFuture<Void> future = new CompletableFuture<>();
    }

    static final class ShareItem extends Item {
        final Share share;
        long seq = -1;

        ShareItem(Share share) {
            this.share = share;
        }
    }

    static final class BlockItem extends Item {
        final FoundBlock block;
        long shareSeq = -1;

        BlockItem(FoundBlock block) {
            this.block = block;
        }
    }

    /** Settings of the writer; see {@link JdbcLedger.Builder}. */
    record Settings(PayoutScheme scheme, String feeAccount, String residualAccount, Clock clock, int capacity,
                    int maxBatch, long lingerNanos, int commitAttempts, long retryBackoffMillis,
                    long pruneIntervalMillis, long statsRetentionMillis) {}

    private final Dialect dialect;
    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final ArrayDeque<Item> waiting = new ArrayDeque<>();
    private boolean closed;
    private boolean finished;

    private Connection connection;
    private long nextSeq;
    private long lastPruneMillis;
    private boolean blockSincePrune;

    ShareWriter(Dialect dialect, Settings settings, long nextSeq) {
        this.dialect = dialect;
        this.settings = settings;
        this.nextSeq = nextSeq;
        this.lastPruneMillis = settings.clock().millis();
    }

    /** Queues an item; its future completes after the commit that holds it, or exceptionally. */
    CompletableFuture<Void> enqueue(Item item) {
        lock.lock();
        try {
            if (closed) {
                item.future.completeExceptionally(new IllegalStateException("the ledger is closed"));
                return item.future;
            }
            if (waiting.isEmpty() && queue.size() < settings.capacity()) {
                queue.add(item);
                int size = queue.size();
                if (size == 1 || size == settings.maxBatch()) {
                    notEmpty.signal();
                }
            } else {
                waiting.add(item);
            }
        } finally {
            lock.unlock();
        }
        return item.future;
    }

    /** Items queued or waiting, not yet taken into a batch. */
    int backlog() {
        lock.lock();
        try {
            return queue.size() + waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking items and waits up to {@code timeoutMillis} for the queued ones to be committed. */
    void close(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (!finished && nanos > 0) {
                nanos = drained.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        List<Item> batch = new ArrayList<>();
        List<BlockItem> carried = new ArrayList<>();
        try {
            while (true) {
                batch.clear();
                batch.addAll(carried);
                carried.clear();
                boolean open = take(batch);
                if (!batch.isEmpty()) {
                    assignSequence(batch);
                    if (commitWithRetry(batch)) {
                        for (Item item : batch) {
                            item.future.complete(null);
                        }
                    } else {
                        failShares(batch, carried, open);
                    }
                }
                if (!open && carried.isEmpty()) {
                    break;
                }
                maybePrune();
            }
        } catch (Throwable t) {
            log.error("ledger writer stopped by a bug", t);
            lock.lock();
            try {
                closed = true;
                for (Item item : batch) {
                    item.future.completeExceptionally(t);
                }
                queue.forEach(i -> i.future.completeExceptionally(t));
                waiting.forEach(i -> i.future.completeExceptionally(t));
                queue.clear();
                waiting.clear();
            } finally {
                lock.unlock();
            }
        } finally {
            closeConnection();
            lock.lock();
            try {
                finished = true;
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Fills {@code batch} in queue order; false once closed and nothing is left. */
    private boolean take(List<Item> batch) throws InterruptedException {
        lock.lock();
        try {
            if (queue.isEmpty() && !closed && batch.isEmpty()) {
                long idle = TimeUnit.MILLISECONDS.toNanos(Math.min(settings.pruneIntervalMillis(), 1000));
                notEmpty.awaitNanos(idle);
            }
            if (!queue.isEmpty() && settings.lingerNanos() > 0 && queue.size() < settings.maxBatch() && !closed) {
                // Let a few more shares arrive so one fsync covers them.
                long nanos = settings.lingerNanos();
                while (queue.size() < settings.maxBatch() && nanos > 0 && !closed) {
                    nanos = notEmpty.awaitNanos(nanos);
                }
            }
            int room = settings.maxBatch() - batch.size();
            while (room-- > 0 && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            while (!waiting.isEmpty() && queue.size() < settings.capacity()) {
                queue.add(waiting.poll());
            }
            return !(closed && queue.isEmpty() && waiting.isEmpty());
        } finally {
            lock.unlock();
        }
    }

    private void assignSequence(List<Item> batch) {
        for (Item item : batch) {
            if (item instanceof ShareItem share && share.seq < 0) {
                share.seq = nextSeq++;
            } else if (item instanceof BlockItem block && block.shareSeq < 0) {
                block.shareSeq = nextSeq - 1;
            }
        }
    }

    /** Shares of a batch that could not be committed fail; its blocks are kept and retried with the next. */
    private void failShares(List<Item> batch, List<BlockItem> carried, boolean open) {
        LedgerUnavailableException failure = new LedgerUnavailableException(
                "could not commit to the ledger database " + dialect.describe() + " after "
                        + settings.commitAttempts() + " attempts", null);
        for (Item item : batch) {
            if (item instanceof BlockItem block && open) {
                carried.add(block);
            } else {
                item.future.completeExceptionally(failure);
            }
        }
        if (!carried.isEmpty()) {
            log.error("ledger: {} found block(s) not yet recorded; retrying with the next batch", carried.size());
        }
    }

    /*
     * AssertionError is caught with SQLException throughout: the PostgreSQL driver raises it from a batch whose
     * connection the server closed (when assertions are enabled), and that is a database failure, not a bug.
     */
    private boolean commitWithRetry(List<Item> batch) throws InterruptedException {
        long backoff = settings.retryBackoffMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                commit(batch);
                return true;
            } catch (SQLException | RuntimeException | AssertionError e) {
                closeConnection();
                log.warn("ledger commit of {} item(s) failed (attempt {} of {}): {}", batch.size(), attempt,
                        settings.commitAttempts(), e.toString());
                if (attempt >= settings.commitAttempts()) {
                    return false;
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
                // The commit may have reached the database before the connection broke.
                if (alreadyCommitted(batch)) {
                    return true;
                }
            }
        }
    }

    private boolean alreadyCommitted(List<Item> batch) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int shares = 0;
        for (Item item : batch) {
            if (item instanceof ShareItem share) {
                first = Math.min(first, share.seq);
                last = Math.max(last, share.seq);
                shares++;
            }
        }
        if (shares == 0) {
            return false; // blocks alone are recorded idempotently by hash: just run them again
        }
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM shares WHERE seq BETWEEN ? AND ?")) {
                ps.setLong(1, first);
                ps.setLong(2, last);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == shares;
                }
            }
        } catch (SQLException | RuntimeException | AssertionError e) {
            closeConnection();
            return false;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            // Idle in auto-commit: SQLite's driver opens the next transaction right after a commit, and an
            // IMMEDIATE one would hold the write lock between batches.
            connection = dialect.open();
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Already broken; a new one is opened for the next attempt.
            }
            connection = null;
        }
    }

    private void commit(List<Item> batch) throws SQLException {
        Connection c = connection();
        long now = settings.clock().millis();
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement(INSERT_SHARE)) {
            PerShareCredits perShare = settings.scheme().paysPerShare()
                    ? new PerShareCredits(settings.scheme()) : null;
            int pending = 0;
            for (Item item : batch) {
                if (item instanceof ShareItem s) {
                    Share share = s.share;
                    insert.setLong(1, s.seq);
                    insert.setString(2, share.account());
                    insert.setString(3, share.worker());
                    insert.setDouble(4, share.difficulty());
                    insert.setDouble(5, share.networkDifficulty());
                    insert.setLong(6, share.height());
                    insert.setLong(7, share.subsidySats());
                    insert.setLong(8, share.feesSats());
                    insert.setLong(9, share.time().toEpochMilli());
                    insert.addBatch();
                    pending++;
                    if (perShare != null) {
                        perShare.add(share);
                    }
                } else {
                    if (pending > 0) {
                        insert.executeBatch();
                        pending = 0;
                    }
                    recordBlock(c, (BlockItem) item, now);
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
            if (perShare != null && !perShare.isEmpty()) {
                applyPerShare(c, perShare, now);
            }
            c.commit();
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException | AssertionError e) {
            Schema.rollbackQuietly(c);
            throw e;
        }
    }

    private void recordBlock(Connection c, BlockItem item, long now) throws SQLException {
        FoundBlock block = item.block;
        String hash = block.hash().displayHex();
        PayoutScheme scheme = settings.scheme();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO blocks (hash, height, account, worker,"
                + " reward_sats, network_difficulty, found_ms, share_seq, status, confirmations, scheme, updated_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (hash) DO NOTHING")) {
            ps.setString(1, hash);
            ps.setLong(2, block.height());
            ps.setString(3, block.account());
            ps.setString(4, block.worker());
            ps.setLong(5, block.rewardSats());
            ps.setDouble(6, block.networkDifficulty());
            ps.setLong(7, block.time().toEpochMilli());
            ps.setLong(8, item.shareSeq);
            ps.setString(9, BlockStatus.PENDING.name());
            ps.setString(10, scheme.name());
            ps.setLong(11, now);
            if (ps.executeUpdate() == 0) {
                return; // already recorded: a block is split once
            }
        }
        ShareWindow window = WindowLoader.load(c, scheme.window(), block, item.shareSeq);
        Allocation allocation;
        try {
            allocation = scheme.allocate(block.rewardSats(), window);
            if (allocation.rewardSats() != block.rewardSats()) {
                throw new IllegalStateException("scheme " + scheme.name() + " split " + allocation.rewardSats()
                        + " sats, not the block's " + block.rewardSats());
            }
        } catch (RuntimeException e) {
            // A broken plugin must not lose the block nor stop the share stream: the pool keeps the whole
            // reward as residual, visible in the ledger, for the operator to settle by hand.
            log.error("payout scheme {} failed on block {}; its reward is recorded as residual", scheme.name(),
                    hash, e);
            allocation = Allocation.residualOnly(block.rewardSats());
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO credits (block_hash, account, sats, kind,"
                + " status, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, Long> credit : allocation.credits().entrySet()) {
                addCredit(ps, hash, credit.getKey(), credit.getValue(), CreditKind.MINER, now);
            }
            addCredit(ps, hash, settings.feeAccount(), allocation.feeSats(), CreditKind.FEE, now);
            addCredit(ps, hash, settings.residualAccount(), allocation.residualSats(), CreditKind.RESIDUAL, now);
            ps.executeBatch();
        }
        blockSincePrune = true;
    }

    private static void addCredit(PreparedStatement ps, String hash, String account, long sats, CreditKind kind,
                                  long now) throws SQLException {
        if (sats <= 0) {
            return;
        }
        ps.setString(1, hash);
        ps.setString(2, account);
        ps.setLong(3, sats);
        ps.setString(4, kind.name());
        ps.setString(5, CreditStatus.IMMATURE.name());
        ps.setLong(6, now);
        ps.setLong(7, now);
        ps.addBatch();
    }

    private void applyPerShare(Connection c, PerShareCredits perShare, long now) throws SQLException {
        List<String> accounts = new ArrayList<>(new TreeSet<>(perShare.accounts()));
        Map<String, Long> carries = new HashMap<>();
        for (int from = 0; from < accounts.size(); from += 200) {
            List<String> chunk = accounts.subList(from, Math.min(accounts.size(), from + 200));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT account, units FROM per_share_carry WHERE fee = 0 AND account IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        carries.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        long feeCarry = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT units FROM per_share_carry WHERE fee = 1 AND account = ?")) {
            ps.setString(1, settings.feeAccount());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    feeCarry = rs.getLong(1);
                }
            }
        }
        PerShareCredits.Settlement settlement = perShare.settle(carries, feeCarry);
        try (PreparedStatement carry = c.prepareStatement("INSERT INTO per_share_carry (account, fee, units)"
                + " VALUES (?, ?, ?) ON CONFLICT (account, fee) DO UPDATE SET units = excluded.units");
             PreparedStatement earned = c.prepareStatement("INSERT INTO per_share_credits (account, sats,"
                     + " updated_ms) VALUES (?, ?, ?) ON CONFLICT (account) DO UPDATE SET"
                     + " sats = per_share_credits.sats + excluded.sats, updated_ms = excluded.updated_ms");
             PreparedStatement balance = c.prepareStatement(UPSERT_BALANCE)) {
            for (Map.Entry<String, Long> e : settlement.carryUnits().entrySet()) {
                carry.setString(1, e.getKey());
                carry.setInt(2, 0);
                carry.setLong(3, e.getValue());
                carry.addBatch();
            }
            carry.setString(1, settings.feeAccount());
            carry.setInt(2, 1);
            carry.setLong(3, settlement.feeCarryUnits());
            carry.addBatch();
            carry.executeBatch();
            // Sorted accounts: every writer takes balance row locks in the same order, so none deadlock.
            Map<String, Long> credits = new java.util.TreeMap<>(settlement.creditSats());
            if (settlement.feeSats() > 0) {
                credits.merge(settings.feeAccount(), settlement.feeSats(), Math::addExact);
            }
            int rows = 0;
            for (Map.Entry<String, Long> e : credits.entrySet()) {
                if (e.getValue() <= 0) {
                    continue;
                }
                earned.setString(1, e.getKey());
                earned.setLong(2, e.getValue());
                earned.setLong(3, now);
                earned.addBatch();
                balance.setString(1, e.getKey());
                balance.setLong(2, e.getValue());
                balance.setLong(3, now);
                balance.addBatch();
                rows++;
            }
            if (rows > 0) {
                earned.executeBatch();
                balance.executeBatch();
            }
        }
    }

    private void maybePrune() {
        long now = settings.clock().millis();
        if (!blockSincePrune && now - lastPruneMillis < settings.pruneIntervalMillis()) {
            return;
        }
        lastPruneMillis = now;
        blockSincePrune = false;
        try {
            int deleted = prune(connection(), now);
            if (deleted > 0) {
                log.debug("ledger pruned {} share(s)", deleted);
            }
        } catch (SQLException | RuntimeException | AssertionError e) {
            closeConnection();
            log.warn("ledger prune failed: {}", e.toString());
        }
    }

    /**
     * Deletes shares that neither a future block's window nor the statistics can need: older than the stats
     * retention and outside twice the scheme's window (the margin covers a rising network difficulty). The
     * newest share is always kept.
     */
    int prune(Connection c, long now) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            long maxSeq;
            double networkDifficulty;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, network_difficulty FROM shares ORDER BY seq DESC LIMIT 1")) {
                if (!rs.next()) {
                    return 0;
                }
                maxSeq = rs.getLong(1);
                networkDifficulty = rs.getDouble(2);
            }
            long cutoffSeq = maxSeq;
            long cutoffTime = now - settings.statsRetentionMillis();
            WindowSpec spec = settings.scheme().window();
            switch (spec.kind()) {
                case NONE -> { }
                case ROUND -> {
                    try (Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(share_seq), 0) FROM blocks")) {
                        rs.next();
                        cutoffSeq = Math.min(cutoffSeq, rs.getLong(1) + 1);
                    }
                }
                case TIME -> cutoffTime = Math.min(cutoffTime, now - 2 * spec.duration().toMillis());
                case DIFFICULTY -> cutoffSeq = Math.min(cutoffSeq,
                        difficultyCutoff(c, spec.targetWeight(networkDifficulty).shiftLeft(1)));
                default -> throw new IllegalStateException("unknown window " + spec);
            }
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM shares WHERE seq < ? AND time_ms < ?")) {
                ps.setLong(1, cutoffSeq);
                ps.setLong(2, cutoffTime);
                deleted = ps.executeUpdate();
            }
            c.commit();
            return deleted;
        } catch (SQLException | RuntimeException | AssertionError e) {
            Schema.rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** The seq of the oldest share still inside a window of {@code keep} weight ending at the newest share. */
    private static long difficultyCutoff(Connection c, BigInteger keep) throws SQLException {
        BigInteger capped = keep.bitLength() > 126 ? BigInteger.ONE.shiftLeft(126) : keep;
        long keepHigh = capped.shiftRight(64).longValue();
        long keepLow = capped.longValue();
        long sumHigh = 0;
        long sumLow = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, difficulty FROM shares ORDER BY seq DESC")) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double d = rs.getDouble(2);
                    long low = sumLow + ShareWeight.low(d);
                    sumHigh += ShareWeight.high(d) + (Long.compareUnsigned(low, sumLow) < 0 ? 1 : 0);
                    sumLow = low;
                    int cmp = Long.compare(sumHigh, keepHigh);
                    if (cmp > 0 || (cmp == 0 && Long.compareUnsigned(sumLow, keepLow) >= 0)) {
                        return rs.getLong(1);
                    }
                }
            }
        }
        return 0; // the window is not full: keep everything
    }
}
