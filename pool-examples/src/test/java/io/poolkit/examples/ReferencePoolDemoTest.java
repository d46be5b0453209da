package io.poolkit.examples;

import static io.poolkit.examples.ApiClient.at;
import static io.poolkit.examples.ApiClient.doubleAt;
import static io.poolkit.examples.ApiClient.isNull;
import static io.poolkit.examples.ApiClient.items;
import static io.poolkit.examples.ApiClient.longAt;
import static io.poolkit.examples.ApiClient.textAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.BlockRecord;
import io.poolkit.accounting.ledger.BlockStatus;
import io.poolkit.accounting.ledger.CreditKind;
import io.poolkit.accounting.ledger.CreditRecord;
import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.ledger.Ledger;
import io.poolkit.accounting.ledger.ShareStats;
import io.poolkit.accounting.payment.PaymentRecord;
import io.poolkit.accounting.payment.PaymentStatus;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.accounting.scheme.Splits;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.node.EmbeddedChain;
import io.poolkit.examples.CommandLine.Command;
import io.poolkit.examples.JsonTree.Node;
import io.poolkit.examples.JsonTree.Obj;
import io.poolkit.examples.miner.CpuMiner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo, in this JVM, for a bounded time with the chain tuned for a block every couple of seconds: blocks
 * are found and accepted by the chain, every share the miners saw accepted is in the ledger, each block's
 * PPLNS split adds up to its reward, payments reach the chain, and the HTTP API agrees with the ledger.
 */
class ReferencePoolDemoTest {
    private static final double SHARE_DIFFICULTY = 2e-5;
    private static final int FEE_BPS = 100;

    @Test
    @Timeout(120)
    void findsAndPaysBlocksAndEveryFigureAgreesWithTheLedger(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(consoleBytes, true, StandardCharsets.UTF_8);
        PoolSettings settings = ((Command.Demo) CommandLine.parse("demo", "--stratum-port", "0", "--api-port", "0",
                "--data", dir.toString(), "--miners", "3", "--miner-hashrate", "300k", "--block-interval", "2s",
                "--maturity", "2", "--share-difficulty", Double.toString(SHARE_DIFFICULTY), "--fee-bps",
                Integer.toString(FEE_BPS), "--payout-threshold", "1000", "--payout-interval", "1s",
                "--status-interval", "1s")).settings();

        ReferencePool pool = ReferencePool.start(settings, console);
        Ledger ledger = pool.ledger();
        EmbeddedChain chain = pool.demoChain().chain();
        try {
            // Run until blocks have matured and a payment is on the chain; at most 60 s.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !(ledger.blocks(BlockStatus.CONFIRMED).size() >= 2
                    && paymentConfirmed(ledger, chain))) {
                Thread.sleep(250);
            }
            pool.stopMiners(); // no new shares; every answer received
            pool.pauseBackgroundWork(); // no maturity or payment runs: the books stand still from here

            List<BlockRecord> blocks = ledger.blocks(1000);
            assertTrue(blocks.size() >= 3, "blocks found: " + blocks.size() + "\n" + consoleBytes);
            assertTrue(paymentConfirmed(ledger, chain), "a payment confirmed on the chain\n" + consoleBytes);

            blocksAreOnTheChain(blocks, chain);
            everyAcceptedShareIsInTheLedger(pool, ledger);
            splitsAddUpToTheReward(blocks, ledger);
            apiAgreesWithTheLedger(pool, ledger, blocks);

            String out = consoleBytes.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("stratum+tcp://127.0.0.1:" + pool.stratumPort()), out);
            assertTrue(out.contains("| blocks "), out);
            assertTrue(out.contains("| last block "), out);
        } finally {
            pool.stop();
        }
        // The ledger was flushed and closed: a new one on the same file sees the same books.
        try (JdbcLedger reopened = JdbcLedger.builder().sqlite(dir.resolve("ledger.db"))
                .scheme(PayoutSchemes.byName("pplns", Map.of("fee.bps", Integer.toString(FEE_BPS)))).build()) {
            long minersAccepted = pool.miners().stream().mapToLong(m -> m.stats().accepted()).sum();
            assertEquals(minersAccepted, reopened.poolShares(Instant.EPOCH).count());
        }
    }

    private static boolean paymentConfirmed(Ledger ledger, EmbeddedChain chain) {
        for (PaymentRecord p : ledger.payments(100)) {
            if (p.status() == PaymentStatus.SENT && chain.transactionConfirmations(Hash256.fromDisplayHex(p.txid()))
                    >= 1) {
                return true;
            }
        }
        return false;
    }

    private static void blocksAreOnTheChain(List<BlockRecord> blocks, EmbeddedChain chain) throws Exception {
        for (BlockRecord b : blocks) {
            BlockState state = chain.blockState(b.hash(), b.height()).get();
            assertTrue(state.onBestChain(), "block " + b.hash() + " on the chain");
            assertEquals(b.hash(), chain.blockHash(b.height()).orElseThrow());
            assertTrue(chain.block(b.hash()).isPresent(), "the chain validated and holds " + b.hash());
        }
    }

    private static void everyAcceptedShareIsInTheLedger(ReferencePool pool, Ledger ledger) {
        long accepted = 0;
        for (CpuMiner miner : pool.miners()) {
            CpuMiner.Stats stats = miner.stats();
            String account = miner.worker().substring(0, miner.worker().indexOf('.'));
            assertTrue(stats.accepted() > 0, miner.worker() + " had shares accepted: " + stats);
            assertEquals(stats.accepted(), ledger.accountShares(account, Instant.EPOCH).count(),
                    "every share " + miner.worker() + " saw accepted is in the ledger: " + stats);
            accepted += stats.accepted();
        }
        assertEquals(accepted, ledger.poolShares(Instant.EPOCH).count());
        assertEquals(accepted, pool.server().stats().sharesAccepted());
        assertEquals(accepted, pool.meter().totalShares());
        // The miner asking for version rolling had shares with rolled bits accepted.
        assertTrue(pool.miners().get(0).stats().versionRolled() > 0, pool.miners().get(0).stats().toString());
    }

    private static void splitsAddUpToTheReward(List<BlockRecord> blocks, Ledger ledger) {
        for (BlockRecord b : blocks) {
            long miners = 0;
            long fee = 0;
            long residual = 0;
            for (CreditRecord c : ledger.creditsOfBlock(b.hash())) {
                switch (c.kind()) {
                    case MINER -> miners += c.sats();
                    case FEE -> fee += c.sats();
                    case RESIDUAL -> residual += c.sats();
                    default -> throw new AssertionError(c.kind());
                }
            }
            assertEquals(Splits.fee(b.rewardSats(), FEE_BPS), fee, "fee of block " + b.height());
            assertEquals(b.rewardSats() - fee, miners + residual, "block " + b.height() + ": credits + residual");
            assertTrue(miners > 0, "block " + b.height() + " credited its miners");
            assertEquals("pplns", b.scheme());
        }
    }

    private static void apiAgreesWithTheLedger(ReferencePool pool, Ledger ledger, List<BlockRecord> blocks)
            throws Exception {
        ApiClient api = new ApiClient(pool.apiPort());
        // The job for the chain's newest tip reaches the pool a moment after the block that made it.
        Obj poolJson = api.json("/api/pool");
        for (int i = 0; i < 50 && longAt(poolJson, "height") != pool.demoChain().chain().height(); i++) {
            Thread.sleep(100);
            poolJson = api.json("/api/pool");
        }
        Instant now = Instant.now();
        ShareStats fiveMinutes = ledger.poolShares(now.minus(Duration.ofMinutes(5)));
        ShareStats hour = ledger.poolShares(now.minus(Duration.ofHours(1)));
        assertEquals(fiveMinutes.count(), longAt(poolJson, "shares", "5m"));
        assertEquals(hour.count(), longAt(poolJson, "shares", "1h"));
        assertEquals(fiveMinutes.difficultySum() * 4_294_967_296.0 / 300, doubleAt(poolJson, "hashrate", "5m"),
                1e-6 * doubleAt(poolJson, "hashrate", "5m"));
        assertEquals(hour.difficultySum() * 4_294_967_296.0 / 3600, doubleAt(poolJson, "hashrate", "1h"),
                1e-6 * doubleAt(poolJson, "hashrate", "1h"));
        assertEquals(blocks.size(), longAt(poolJson, "blocksFound"));
        assertEquals(ledger.blocks(BlockStatus.CONFIRMED).size(), longAt(poolJson, "blocks", "confirmed"));
        assertEquals(blocks.get(0).hash().displayHex(), textAt(poolJson, "lastBlock", "hash"));
        assertEquals(3, longAt(poolJson, "miners"));
        assertEquals(3, longAt(poolJson, "workers"));
        assertEquals("regtest", textAt(poolJson, "network"));
        assertEquals(pool.demoChain().chain().height(), longAt(poolJson, "height"));
        assertEquals(pool.demoChain().chain().difficulty(), doubleAt(poolJson, "networkDifficulty"),
                1e-9 * pool.demoChain().chain().difficulty());

        Obj blocksJson = api.json("/api/blocks?limit=1000");
        List<Node> listed = items(blocksJson, "blocks");
        assertEquals(blocks.size(), listed.size());
        for (int i = 0; i < blocks.size(); i++) {
            BlockRecord b = blocks.get(i);
            Node j = listed.get(i);
            assertEquals(b.hash().displayHex(), textAt(j, "hash"));
            assertEquals(b.height(), longAt(j, "height"));
            assertEquals(b.status().name().toLowerCase(), textAt(j, "status"));
            assertEquals(b.rewardSats(), longAt(j, "rewardSats"));
            assertEquals(pool.demoChain().chain().height() - b.height() + 1, longAt(j, "confirmations"));
            assertEquals(b.rewardSats(), longAt(j, "credits", "minersSats") + longAt(j, "credits", "feeSats")
                    + longAt(j, "credits", "residualSats"));
        }

        Map<String, Long> paid = new HashMap<>();
        for (PaymentRecord p : ledger.payments(1000)) {
            if (p.status() == PaymentStatus.SENT) {
                paid.merge(p.account(), p.sats(), Long::sum);
            }
        }
        for (CpuMiner miner : pool.miners()) {
            String address = miner.worker().substring(0, miner.worker().indexOf('.'));
            Obj m = api.json("/api/miners/" + address);
            assertEquals(address, textAt(m, "address"));
            assertEquals(ledger.balance(address), longAt(m, "balanceSats"));
            assertEquals(ledger.immature(address), longAt(m, "immatureSats"));
            assertEquals(paid.getOrDefault(address, 0L), longAt(m, "paidSats"));
            assertEquals(ledger.accountShares(address, Instant.EPOCH).count(), longAt(m, "shares", "1h"));
            assertEquals(miner.worker(), textAt(items(m, "workers").get(0), "name"));
            assertEquals(ledger.payments(address, 50).size(), items(m, "payments").size());
        }
        assertTrue(paid.values().stream().mapToLong(Long::longValue).sum() > 0, "someone was paid");

        ApiClient.Answer invalid = api.get("/api/miners/not-an-address");
        assertEquals(404, invalid.status());
        assertTrue(textAt(invalid.json(), "error").contains("not a regtest address"), invalid.body());
        ApiClient.Answer stranger = api.get("/api/miners/" + DemoAddresses.miner(40));
        assertEquals(404, stranger.status());
        assertTrue(textAt(stranger.json(), "error").startsWith("no miner with address"), stranger.body());
        ApiClient.Answer nothing = api.get("/api/nothing");
        assertEquals(404, nothing.status());
        assertTrue(textAt(nothing.json(), "error").startsWith("no such endpoint"), nothing.body());
        assertEquals(405, api.post("/api/pool").status());
        assertEquals(400, api.get("/api/blocks?limit=0").status());
        assertFalse(isNull(poolJson, "lastBlock"));

        ApiClient.Answer metrics = api.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.contentType().startsWith("text/plain"), metrics.contentType());
        long accepted = pool.server().stats().sharesAccepted();
        assertTrue(metrics.body().contains("poolkit_shares_accepted_total " + (double) accepted), metrics.body());
        assertTrue(metrics.body().contains("poolkit_shares_rejected_total{reason=\"low_difficulty\"}"));
        assertTrue(metrics.body().contains("poolkit_blocks_accepted_total " + (double) pool.server().stats()
                .blocksAccepted()));
        assertTrue(metrics.body().contains("poolkit_hashrate_hashes_per_second{window=\"5m\"}"), metrics.body());
        assertTrue(metrics.body().contains("poolkit_ledger_queue"));
        assertTrue(at(poolJson, "hashrate") instanceof Obj);
    }
}
