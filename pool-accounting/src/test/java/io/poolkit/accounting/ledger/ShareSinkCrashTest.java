package io.poolkit.accounting.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.accounting.testing.ChildJvm;
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
 * after each restart that every share it acknowledged is in the ledger.
 */
class ShareSinkCrashTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedShareSurvivesAKillMidStream() throws Exception {
        Path db = dir.resolve("crash.db");
        Path stderr = dir.resolve("child.err");
        Set<Long> acknowledged = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            long first = round * 1_000_000L;
            int killAfter = 2_000 + round * 1_500;
            int acksThisRound = 0;
            try (ChildJvm child = ChildJvm.start(ShareProducerMain.class, stderr, db.toString(),
                    Long.toString(first), "200000")) {
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
            JdbcLedger.builder().sqlite(db).scheme(PropScheme.withFee(0)).build().close();
            Set<Long> stored = storedIds(db);
            Set<Long> missing = new HashSet<>(acknowledged);
            missing.removeAll(stored);
            assertTrue(missing.isEmpty(), missing.size() + " acknowledged shares missing after kill " + (round + 1)
                    + ", e.g. " + missing.stream().sorted().limit(10).toList());
        }
        assertTrue(acknowledged.size() >= 2_000 + 3_500 + 5_000);
    }

    private static Set<Long> storedIds(Path db) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
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
