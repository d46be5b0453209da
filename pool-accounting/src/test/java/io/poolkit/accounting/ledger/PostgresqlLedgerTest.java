package io.poolkit.accounting.ledger;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.accounting.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ledger contract on the machine's real PostgreSQL server, each test in its own schema. */
class PostgresqlLedgerTest extends LedgerContract {
    private PostgresDatabase db;

    @BeforeEach
    void createSchema() {
        db = PostgresDatabase.createSchema();
    }

    @AfterEach
    void dropSchema() {
        closeLedgers();
        if (db != null) {
            db.dropSchema();
        }
    }

    @Override
    JdbcLedger.Builder database() {
        return JdbcLedger.builder().postgresql(db.url(), db.properties()).schema(db.schema());
    }

    @Override
    Connection openRaw() throws SQLException {
        return db.open();
    }

    @Test
    void recoversWhenTheServerDropsItsConnections() throws Exception {
        JdbcLedger ledger = database().scheme(PropScheme.withFee(0)).clock(clock)
                .retryBackoff(Duration.ofMillis(20)).build();
        List<CompletableFuture<Void>> acked = new ArrayList<>();
        int failed = 0;
        try {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<Void>> acks = new ArrayList<>();
                acks.add(ledger.accept(share("m0", 1, 100, T0)));
                await(acks.get(0)); // the writer is connected
                for (int i = 0; i < 300; i++) {
                    acks.add(ledger.accept(share("m" + (i % 5), 1, 100, T0)));
                    if (i == 150) {
                        assertTrue(db.terminateLedgerSessions() >= 1, "the ledger had a session to end");
                    }
                }
                for (CompletableFuture<Void> ack : acks) {
                    try {
                        await(ack);
                        acked.add(ack);
                    } catch (CompletionException e) {
                        failed++;
                    }
                }
            }
            await(ledger.blockFound(block(1, "m0", 1_000, 100, T0)));
            assertEquals(1_000L, ledger.creditsOfBlock(io.poolkit.accounting.testing.TestShares.hash(1)).stream()
                    .mapToLong(CreditRecord::sats).sum());
        } finally {
            ledger.close();
        }
        // Retried batches commit after the reconnect; a share's future fails only after every attempt did.
        assertEquals(0, failed, "every share survives a dropped connection through retries");
        assertEquals(acked.size(), count("SELECT COUNT(*) FROM shares"));
    }

    @Test
    void sharesFailWhileTheDatabaseIsAwayAndTheLedgerRecoversWhenItReturns() throws Exception {
        JdbcLedger ledger = JdbcLedger.builder().postgresql(db.url(), db.roleProperties()).schema(db.schema())
                .scheme(PropScheme.withFee(0)).clock(clock).commitAttempts(2).retryBackoff(Duration.ofMillis(50))
                .build();
        try {
            await(ledger.accept(share("before", 1, 100, T0)));

            db.lockOut(true);
            List<CompletableFuture<Void>> during = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                during.add(ledger.accept(share("during", 1, 100, T0)));
            }
            CompletableFuture<Void> found = ledger.blockFound(block(1, "before", 1_000, 100, T0));
            for (CompletableFuture<Void> ack : during) {
                CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                        () -> await(ack));
                assertTrue(e.getCause() instanceof LedgerUnavailableException, e.toString());
            }
            Thread.sleep(300);
            assertTrue(!found.isDone(), "a found block is never given up: it waits for the database");

            db.lockOut(false);
            await(found);
            await(ledger.accept(share("after", 1, 100, T0)));
        } finally {
            ledger.close();
        }
        assertEquals(0, count("SELECT COUNT(*) FROM shares WHERE account = 'during'"), "no share failed to the"
                + " miner was recorded");
        assertEquals(2, count("SELECT COUNT(*) FROM shares"));
        assertEquals(1_000, count("SELECT SUM(sats) FROM credits WHERE account = 'before'"));
    }

    @Test
    void createsItsSchemaOnFirstStart() throws Exception {
        String fresh = db.schema() + "_fresh";
        try {
            try (JdbcLedger ledger = JdbcLedger.builder().postgresql(db.url(), db.properties()).schema(fresh)
                    .scheme(PropScheme.withFee(0)).clock(clock).build()) {
                await(ledger.accept(share("alice", 1, 100, T0)));
                assertEquals(new ShareStats(1, 1.0), ledger.poolShares(T0));
            }
            assertEquals(1, count("SELECT COUNT(*) FROM " + fresh + ".shares"), "the share is in the new schema");
        } finally {
            db.dropOtherSchema(fresh);
        }
    }
}
