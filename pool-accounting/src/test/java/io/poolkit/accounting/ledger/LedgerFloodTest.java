package io.poolkit.accounting.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.core.share.Share;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A share flood into a {@link JdbcLedger} with a small queue: once the queue is full, new shares wait (their
 * futures complete later) and none is dropped, failed or reordered; every one is in the database.
 */
class LedgerFloodTest {
    private static final int PRODUCERS = 4;
    private static final int SHARES_EACH = 5_000;
    private static final int CAPACITY = 64;

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aFloodPastTheQueueWaitsAndEveryShareIsCommittedInOrder() throws Exception {
        Path file = dir.resolve("flood.db");
        JdbcLedger ledger = JdbcLedger.builder().sqlite(file).scheme(PropScheme.withFee(0)).queueCapacity(CAPACITY)
                .maxBatch(CAPACITY).build();
        List<List<CompletableFuture<Void>>> futures = new ArrayList<>();
        AtomicInteger mostBacklog = new AtomicInteger();
        try {
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                List<CompletableFuture<Void>> mine = new ArrayList<>(SHARES_EACH);
                futures.add(mine);
                int producer = p;
                Thread thread = new Thread(() -> {
                    for (int n = 0; n < SHARES_EACH; n++) {
                        mine.add(ledger.accept(new Share("acct" + producer, "w" + producer + "-" + n, 1.0, 1000.0,
                                800_000, 312_500_000L, 1_000L, Instant.now())));
                        mostBacklog.accumulateAndGet(ledger.backlog(), Math::max);
                    }
                }, "flood-" + p);
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            for (List<CompletableFuture<Void>> mine : futures) {
                CompletableFuture.allOf(mine.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            }
        } finally {
            ledger.close();
        }
        System.out.printf("LedgerFloodTest: %,d shares from %d threads into a queue of %d: the backlog reached %,d,"
                + " every future completed normally%n", PRODUCERS * SHARES_EACH, PRODUCERS, CAPACITY, mostBacklog.get());
        assertTrue(mostBacklog.get() > CAPACITY, "the flood went past the queue: " + mostBacklog.get());

        // Every share is there, and each producer's shares were numbered in the order it sent them.
        Map<String, Integer> next = new HashMap<>();
        int rows = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT account, worker FROM shares ORDER BY seq")) {
            while (rs.next()) {
                String account = rs.getString(1);
                String worker = rs.getString(2);
                int expected = next.getOrDefault(account, 0);
                assertEquals("w" + account.substring(4) + "-" + expected, worker, "out of order");
                next.put(account, expected + 1);
                rows++;
            }
        }
        assertEquals(PRODUCERS * SHARES_EACH, rows);
    }
}
