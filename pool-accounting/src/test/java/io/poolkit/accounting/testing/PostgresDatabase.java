package io.poolkit.accounting.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

/**
 * The machine's real PostgreSQL server for ledger tests, one fresh schema per test class or run.
 *
 * <p>Where no server answers on 127.0.0.1:5432 the calling test is skipped with a message; when the
 * environment variable {@code CI} is set it fails instead, so CI never goes green by skipping (the same rule
 * as {@code SharedVectors.requirePresent}). Override the server with {@code -Dpoolkit.pg.url},
 * {@code -Dpoolkit.pg.user}, {@code -Dpoolkit.pg.password}.
 *
 * <pre>{@code
 * PostgresDatabase db = PostgresDatabase.createSchema();   // skips or fails when absent
 * JdbcLedger.builder().postgresql(db.url(), db.properties()).schema(db.schema())...
 * db.dropSchema();
 * }</pre>
 */
public final class PostgresDatabase {
    private static final String URL = System.getProperty("poolkit.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("poolkit.pg.user", "postgres");
    private static final String PASSWORD = System.getProperty("poolkit.pg.password", "");

    private final String schema;

    private PostgresDatabase(String schema) {
        this.schema = schema;
    }

    /** A new, empty, uniquely named schema on the server; skips (or fails under CI) when there is no server. */
    public static PostgresDatabase createSchema() {
        String schema = "poolkit_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .toLowerCase(Locale.ROOT);
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            requirePresent(false, "PostgreSQL at " + URL + " (" + e.getMessage() + ")");
        }
        return new PostgresDatabase(schema);
    }

    /** Drops the schema and everything in it, and the outage role if one was made. */
    public void dropSchema() {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            if (roleCreated) {
                st.execute("DROP OWNED BY " + role());
                st.execute("DROP ROLE IF EXISTS " + role());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test schema " + schema, e);
        }
    }

    private boolean roleCreated;

    /** Drops another schema a test made on the same server (named after this one). */
    public void dropOtherSchema(String other) throws SQLException {
        if (!other.startsWith(schema)) {
            throw new IllegalArgumentException("only schemas named after " + schema + ": " + other);
        }
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + other + " CASCADE");
        }
    }

    /** The login role of {@link #roleProperties()}, named after the schema. */
    public String role() {
        return schema + "_user";
    }

    /**
     * Driver properties for a login role made for this schema (which it then owns), so that a test can lock the
     * ledger out of the server, as an outage would, with {@link #lockOut(boolean)}.
     */
    public Properties roleProperties() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role() + " LOGIN PASSWORD 'x'");
            roleCreated = true;
            st.execute("ALTER SCHEMA " + schema + " OWNER TO " + role());
            st.execute("GRANT CONNECT ON DATABASE " + c.getCatalog() + " TO " + role());
        }
        Properties properties = properties();
        properties.setProperty("user", role());
        properties.setProperty("password", "x");
        return properties;
    }

    /** Refuses (or allows again) new sessions of the role and, when refusing, ends its open ones. */
    public void lockOut(boolean locked) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + role() + (locked ? " NOLOGIN" : " LOGIN"));
            if (locked) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role() + "'");
            }
        }
    }

    public String url() {
        return URL;
    }

    public String schema() {
        return schema;
    }

    /** Driver properties: user, password, and an application name that identifies this schema's sessions. */
    public Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("ApplicationName", applicationName());
        properties.setProperty("connectTimeout", "5");
        return properties;
    }

    /** The application name the ledger's connections report in {@code pg_stat_activity}. */
    public String applicationName() {
        return "pk-" + schema;
    }

    /** A plain connection with the search path on this schema. */
    public Connection open() throws SQLException {
        Connection c = connect();
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
        }
        return c;
    }

    /** Ends every server session of this schema's ledger, as a server restart would. Returns how many. */
    public int terminateLedgerSessions() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                     + " WHERE application_name = '" + applicationName() + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(URL, properties);
    }

    /** Skips the calling test when {@code present} is false, or fails it when {@code CI} is set. */
    public static void requirePresent(boolean present, String what) {
        if (present) {
            return;
        }
        String message = "missing " + what + ": the PostgreSQL ledger tests need the server";
        if (System.getenv("CI") != null) {
            fail(message + " and CI is set, so this is a failure, not a skip");
        }
        assumeTrue(false, message + "; skipping");
    }
}
