package io.poolkit.accounting.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The ledger's versioned schema: numbered migrations, each applied once, in order, in one transaction that
 * also records it in {@code schema_version}. Applying at start is idempotent: a database already at the
 * newest version is left alone.
 */
final class Schema {

    record Migration(int version, String description, List<String> statements) {}

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "shares, blocks, credits, balances, payments", List.of(
                    "CREATE TABLE shares (seq ${SEQ_KEY}, account TEXT NOT NULL, worker TEXT NOT NULL,"
                            + " difficulty ${DOUBLE} NOT NULL, network_difficulty ${DOUBLE} NOT NULL,"
                            + " height BIGINT NOT NULL, subsidy_sats BIGINT NOT NULL, fees_sats BIGINT NOT NULL,"
                            + " time_ms BIGINT NOT NULL)",
                    "CREATE INDEX shares_time ON shares (time_ms)",
                    "CREATE INDEX shares_account_time ON shares (account, time_ms)",
                    "CREATE TABLE blocks (hash TEXT PRIMARY KEY, height BIGINT NOT NULL, account TEXT NOT NULL,"
                            + " worker TEXT NOT NULL, reward_sats BIGINT NOT NULL,"
                            + " network_difficulty ${DOUBLE} NOT NULL, found_ms BIGINT NOT NULL,"
                            + " share_seq BIGINT NOT NULL, status TEXT NOT NULL, confirmations INTEGER NOT NULL,"
                            + " scheme TEXT NOT NULL, updated_ms BIGINT NOT NULL)",
                    "CREATE INDEX blocks_status ON blocks (status)",
                    "CREATE INDEX blocks_share_seq ON blocks (share_seq)",
                    "CREATE TABLE credits (id ${ID_KEY}, block_hash TEXT NOT NULL REFERENCES blocks (hash),"
                            + " account TEXT NOT NULL, sats BIGINT NOT NULL CHECK (sats > 0), kind TEXT NOT NULL,"
                            + " status TEXT NOT NULL, created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL)",
                    "CREATE INDEX credits_block ON credits (block_hash)",
                    "CREATE INDEX credits_account ON credits (account, status)",
                    "CREATE TABLE per_share_credits (account TEXT PRIMARY KEY, sats BIGINT NOT NULL,"
                            + " updated_ms BIGINT NOT NULL)",
                    "CREATE TABLE per_share_carry (account TEXT NOT NULL, fee INTEGER NOT NULL,"
                            + " units BIGINT NOT NULL, PRIMARY KEY (account, fee))",
                    "CREATE TABLE balances (account TEXT PRIMARY KEY, sats BIGINT NOT NULL CHECK (sats >= 0),"
                            + " updated_ms BIGINT NOT NULL)",
                    "CREATE TABLE payment_batches (payment_key TEXT PRIMARY KEY, status TEXT NOT NULL, txid TEXT,"
                            + " reason TEXT, created_ms BIGINT NOT NULL, updated_ms BIGINT NOT NULL)",
                    "CREATE INDEX payment_batches_status ON payment_batches (status)",
                    "CREATE TABLE payments (payment_key TEXT NOT NULL REFERENCES payment_batches (payment_key),"
                            + " account TEXT NOT NULL, sats BIGINT NOT NULL CHECK (sats > 0),"
                            + " PRIMARY KEY (payment_key, account))",
                    "CREATE INDEX payments_account ON payments (account)")));

    /** The newest schema version this code knows. */
    static final int LATEST = MIGRATIONS.get(MIGRATIONS.size() - 1).version();

    private Schema() {}

    /** Brings the database to {@link #LATEST}; returns the number of migrations applied. */
    static int migrate(Connection connection, Dialect dialect, long nowMillis) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                    + " description TEXT NOT NULL, applied_ms BIGINT NOT NULL)");
            dialect.lockForMigration(connection);
            int current;
            try (ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > LATEST) {
                throw new SQLException("the ledger database is at schema version " + current
                        + ", newer than this code (" + LATEST + "): " + dialect.describe());
            }
            int applied = 0;
            for (Migration migration : MIGRATIONS) {
                if (migration.version() <= current) {
                    continue;
                }
                for (String sql : migration.statements()) {
                    statement.execute(dialect.ddl(sql));
                }
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO schema_version (version, description, applied_ms) VALUES (?, ?, ?)")) {
                    record.setInt(1, migration.version());
                    record.setString(2, migration.description());
                    record.setLong(3, nowMillis);
                    record.executeUpdate();
                }
                applied++;
            }
            connection.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is going away; the database rolls the transaction back itself.
        }
    }
}
