package io.poolkit.examples;

import static io.poolkit.examples.ApiClient.longAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.node.EmbeddedChain;
import io.poolkit.examples.CommandLine.Command;
import io.poolkit.examples.JsonTree.Obj;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.codec.MiningNotify;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark profile's flags on a started demo pool: the guard it runs with ({@code --no-guard},
 * {@code --no-bans}, the defaults without a flag), and {@code --mine-every}, whose blocks give every session a
 * clean new-block job while the pool's books count none of them as its own.
 */
@Timeout(90)
class BenchmarkProfileTest {
    @TempDir
    Path dir;

    private ReferencePool start(String... flags) {
        List<String> args = new ArrayList<>(List.of("demo", "--stratum-port", "0", "--api-port", "0", "--data",
                dir.toString(), "--miners", "0", "--status-interval", "0"));
        args.addAll(List.of(flags));
        PoolSettings settings = ((Command.Demo) CommandLine.parse(args.toArray(new String[0]))).settings();
        return ReferencePool.start(settings, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
    }

    @Test
    void theServerRunsTheGuardTheFlagsAskFor() {
        try (ReferencePool pool = start()) {
            assertSame(GuardSettings.defaults(), pool.server().guard().settings());
        }
        try (ReferencePool pool = start("--no-guard")) {
            assertFalse(pool.server().guard().settings().enabled());
        }
        try (ReferencePool pool = start("--no-bans")) {
            GuardSettings guard = pool.server().guard().settings();
            assertTrue(guard.enabled());
            assertFalse(guard.invalidShareBanEnabled() || guard.protocolAbuseBanEnabled()
                    || guard.authFailureBanEnabled(), guard.toString());
            assertEquals(GuardSettings.defaults().maxConnectionsPerAddress(), guard.maxConnectionsPerAddress());
        }
    }

    @Test
    void mineEveryGivesEverySessionACleanJobAndThePoolCountsNoneOfTheBlocks() throws Exception {
        ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
        PoolSettings settings = ((Command.Demo) CommandLine.parse("demo", "--stratum-port", "0", "--api-port", "0",
                "--data", dir.toString(), "--miners", "0", "--status-interval", "0", "--mine-every", "300ms"))
                .settings();
        ReferencePool pool = ReferencePool.start(settings, new PrintStream(consoleBytes, true,
                StandardCharsets.UTF_8));
        EmbeddedChain chain = pool.demoChain().chain();
        BlockingQueue<MiningNotify> notifies = new LinkedBlockingQueue<>();
        StratumClient client = StratumClient.builder().host("127.0.0.1").port(pool.stratumPort())
                .requestTimeout(Duration.ofSeconds(10))
                .listener(new StratumClient.Listener() {
                    @Override
                    public void onNotify(MiningNotify notify) {
                        notifies.add(notify);
                    }
                }).build();
        try {
            // Its difficulty is low enough for the chain to mine its own blocks.
            assertTrue(chain.difficulty() <= DemoChain.SELF_MINABLE_DIFFICULTY, "difficulty " + chain.difficulty());
            client.connect().get(10, TimeUnit.SECONDS);
            client.subscribe("bench/1").get(10, TimeUnit.SECONDS);
            assertTrue(client.authorize(DemoAddresses.miner(0) + ".bench", "x").get(10, TimeUnit.SECONDS));

            // Clean jobs on new tips: at least three after the first job, within 20 s.
            Set<Hash256> newTips = new LinkedHashSet<>();
            Hash256 firstTip = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (newTips.size() < 3 && System.nanoTime() < deadline) {
                MiningNotify n = notifies.poll(500, TimeUnit.MILLISECONDS);
                if (n == null) {
                    continue;
                }
                if (firstTip == null) {
                    firstTip = n.prevHash();
                } else if (!n.prevHash().equals(firstTip) && n.cleanJobs()) {
                    newTips.add(n.prevHash());
                }
            }
            pool.pauseBackgroundWork(); // no more blocks from here
            assertTrue(newTips.size() >= 3, "clean new-block jobs seen: " + newTips.size());

            // Each new tip is a block of the chain's own, on its best chain.
            long height = chain.height();
            Set<Hash256> chainBlocks = new LinkedHashSet<>();
            for (long h = 1; h <= height; h++) {
                chainBlocks.add(chain.blockHash(h).orElseThrow());
            }
            assertTrue(chainBlocks.containsAll(newTips), newTips + " on " + chainBlocks);
            assertEquals(height, pool.demoChain().outsideBlocks(), "every block is the chain's own (no miners)");

            // The pool's books: none of them is the pool's.
            assertEquals(List.of(), pool.ledger().blocks(100));
            assertEquals(0, pool.server().stats().blocksFound());
            assertEquals(0, pool.server().stats().blocksAccepted());
            assertEquals(0, pool.meter().blocksFound());
            ApiClient api = new ApiClient(pool.apiPort());
            Obj poolJson = api.json("/api/pool");
            assertEquals(0, longAt(poolJson, "blocksFound"));
            for (int i = 0; i < 50 && longAt(poolJson, "height") != height; i++) {
                Thread.sleep(100);
                poolJson = api.json("/api/pool");
            }
            assertEquals(height, longAt(poolJson, "height"));
            assertTrue(pool.statusLine().contains("| blocks 0 (+" + height + " by others)"), pool.statusLine());
            assertTrue(consoleBytes.toString(StandardCharsets.UTF_8).contains("as an outside miner would"));
        } finally {
            client.close().get(10, TimeUnit.SECONDS);
            pool.stop();
        }
    }
}
