package io.poolkit.benchmarks.load;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.node.EmbeddedChain;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.stratum.server.StratumServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A whole pool in the test's process, wired as a user of the SDK wires one: an embedded chain, jobs, the
 * Bitcoin share validator, a durable SQLite ledger as the share sink (a share is acknowledged once committed),
 * and the Stratum server on 127.0.0.1 with a fixed share difficulty and the guard off (many connections from
 * one address, most shares invalid on the reject path).
 */
final class TestPool implements AutoCloseable {
    final EmbeddedChain chain;
    final JdbcLedger ledger;
    final StratumServer server;
    final Path ledgerFile;

    /**
     * @param shareDifficulty the fixed share difficulty (below 2^-32 nearly every random share is accepted)
     * @param chainDifficulty the chain's; high keeps random shares from being blocks, low lets
     *                        {@link #mineBlock()} find one quickly
     */
    TestPool(Path dir, double shareDifficulty, double chainDifficulty) throws AddressException {
        ledgerFile = dir.resolve("ledger.db");
        chain = EmbeddedChain.builder().difficulty(chainDifficulty).build();
        ledger = JdbcLedger.builder().sqlite(ledgerFile).scheme(PayoutSchemes.byName("prop", Map.of("fee.bps", "100")))
                .build();
        JobFactory factory = JobFactory.builder()
                .payTo(Address.parse(LoadOptions.DEFAULT_ADDRESS, Network.REGTEST)).build();
        JobRegistry registry = new JobRegistry();
        JobDispatcher dispatcher = new JobDispatcher(factory, registry);
        server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new BitcoinShareValidator(registry, chain))
                .shareSink(ledger)
                .extranonce2Size(factory.extranonce2Size())
                .initialDifficulty(shareDifficulty).difficultyRange(shareDifficulty, shareDifficulty)
                .guard(new ConnectionGuard(GuardSettings.disabled(), Clock.systemUTC()))
                .workerThreads(2)
                .build().start();
        dispatcher.addListener(server);
        chain.start(dispatcher);
    }

    int port() {
        return server.port();
    }

    /** A block of the chain's own: every session gets a clean job. */
    void mineBlock() {
        chain.mineBlocks(1);
    }

    /** Rows in the ledger's shares table (read through a connection of its own). */
    long ledgerShares() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shares")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Deletes the ledger's newest share, as a ledger that lost one would be. */
    void deleteNewestShare() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile);
             Statement s = c.createStatement()) {
            int deleted = s.executeUpdate("DELETE FROM shares WHERE seq = (SELECT MAX(seq) FROM shares)");
            if (deleted != 1) {
                throw new IllegalStateException("deleted " + deleted + " shares");
            }
        }
    }

    /** Stops the server (draining acknowledgements), then the chain, then the ledger (flushing it). */
    @Override
    public void close() {
        try {
            server.stop(Duration.ofSeconds(5)).join();
        } finally {
            chain.close();
            ledger.close();
        }
    }
}
