package io.poolkit.accounting.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.accounting.testing.ChildJvm;
import io.poolkit.accounting.testing.PostgresDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is appending shares through the ledger's ShareSink with SIGKILL, three times, and checks
 * after each restart that every share it acknowledged is in the ledger: on SQLite and on PostgreSQL.
 */
class ShareSinkCrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedShareSurvivesAKillMidStreamOnSqlite() throws Exception {
        Path db = dir.resolve("crash.db");
        killThreeTimes(new String[] {"sqlite", db.toString()},
                () -> JdbcLedger.builder().sqlite(db).scheme(PropScheme.withFee(0)).build().close(),
                () -> storedIds(DriverManager.getConnection("jdbc:sqlite:" + db)));
    }

    @Test
    void everyAcknowledgedShareSurvivesAKillMidStreamOnPostgresql() throws Exception {
        PostgresDatabase pg = PostgresDatabase.createSchema();
        try {
            killThreeTimes(new String[] {"postgresql", pg.url(), pg.schema(), pg.properties().getProperty("user"),
                            pg.properties().getProperty("password")},
                    () -> JdbcLedger.builder().postgresql(pg.url(), pg.properties()).schema(pg.schema())
                            .scheme(PropScheme.withFee(0)).build().close(),
                    () -> storedIds(pg.open()));
        } finally {
            pg.dropSchema();
        }
    }

    interface Step {
        void run() throws Exception;
    }

    interface Ids {
        Set<Long> get() throws Exception;
    }

    private void killThreeTimes(String[] database, Step reopen, Ids storedIds) throws Exception {
        Path stderr = dir.resolve("child.err");
        Set<Long> acknowledged = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            long first = round * 1_000_000L;
            int killAfter = 2_000 + round * 1_500;
            int acksThisRound = 0;
            String[] args = new String[2 + database.length];
            args[0] = Long.toString(first);
            args[1] = "200000";
            System.arraycopy(database, 0, args, 2, database.length);
            try (ChildJvm child = ChildJvm.start(ShareProducerMain.class, stderr, args)) {
                assertEquals("ready", child.nextLine(60_000), () -> "child did not start: " + read(stderr));
                String line;
                while (acksThisRound < killAfter && (line = child.nextLine(60_000)) != null) {
                    acknowledged.add(Long.parseLong(line.substring(4)));
                    acksThisRound++;
                }
                assertTrue(child.isAlive(), () -> "child died on its own: " + read(stderr));
                child.kill();
                // Lines already written before the kill are acknowledgements too.
                while ((line = child.nextLine(1_000)) != null) {
                    acknowledged.add(Long.parseLong(line.substring(4)));
                    acksThisRound++;
                }
            }
            assertTrue(acksThisRound >= killAfter, "round " + round + " saw " + acksThisRound + " acks");

            // Restart: the ledger opens (migrations are idempotent) and holds every acknowledged share.
            reopen.run();
            Set<Long> stored = storedIds.get();
            Set<Long> missing = new HashSet<>(acknowledged);
            missing.removeAll(stored);
            assertTrue(missing.isEmpty(), missing.size() + " acknowledged shares missing after kill " + (round + 1)
                    + ", e.g. " + missing.stream().sorted().limit(10).toList());
        }
        assertTrue(acknowledged.size() >= 2_000 + 3_500 + 5_000);
    }

    private static Set<Long> storedIds(Connection connection) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = connection; Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT worker FROM shares")) {
            while (rs.next()) {
                ids.add(Long.parseLong(rs.getString(1).substring(3)));
            }
        }
        return ids;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no stderr)";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
