package io.poolkit.accounting.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.poolkit.accounting.scheme.PropScheme;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger contract on embedded SQLite, one file per test. */
class SqliteLedgerTest extends LedgerContract {
    @TempDir
    Path dir;

    @Override
    JdbcLedger.Builder database() {
        return JdbcLedger.builder().sqlite(dir.resolve("ledger.db"));
    }

    @Override
    Connection openRaw() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ledger.db"));
    }

    @Test
    void usesWriteAheadLoggingWithFullSynchronousCommits() throws SQLException {
        ledger(PropScheme.withFee(0));
        try (Connection c = new Dialect.Sqlite(dir.resolve("ledger.db")).open(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertEquals("wal", rs.getString(1));
            }
            try (ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
                rs.next();
                assertEquals(2, rs.getInt(1), "synchronous=FULL is 2");
            }
        }
    }
}
