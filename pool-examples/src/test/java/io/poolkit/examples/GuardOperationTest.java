package io.poolkit.examples;

import static io.poolkit.examples.ApiClient.items;
import static io.poolkit.examples.ApiClient.longAt;
import static io.poolkit.examples.ApiClient.textAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.guard.BanReason;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.guard.RefuseReason;
import io.poolkit.examples.CommandLine.Command;
import io.poolkit.examples.JsonTree.Node;
import io.poolkit.examples.JsonTree.Obj;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.client.SubscribeResult;
import io.poolkit.stratum.codec.MiningNotify;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection guard in a started demo pool, seen from a miner on 127.0.0.1 and from the HTTP API: a miner
 * sending shares that miss their target is banned by default (loopback is not exempt) and not with
 * {@code --no-bans}; bans show in {@code /api/bans} and {@code /metrics}; {@code --no-guard} lets one address
 * open more connections than a capped guard would.
 */
@Timeout(90)
class GuardOperationTest {
    /** More than the invalid-share rule's minimum of 100, all invalid. */
    private static final int BAD_SHARES = 200;
    private static final String WORKER = DemoAddresses.miner(7) + ".flood";

    @TempDir
    Path dir;
    private final List<StratumClient> clients = new ArrayList<>();
    private ReferencePool pool;

    @AfterEach
    void stop() throws Exception {
        for (StratumClient c : clients) {
            c.close().get(10, TimeUnit.SECONDS);
        }
        if (pool != null) {
            pool.stop();
        }
    }

    /** Demo settings without miners, at share difficulty 1: a nonce tried at random misses it. */
    private PoolSettings demo(String... flags) {
        List<String> args = new ArrayList<>(List.of("demo", "--stratum-port", "0", "--api-port", "0", "--data",
                dir.toString(), "--miners", "0", "--share-difficulty", "1", "--status-interval", "0"));
        args.addAll(List.of(flags));
        return ((Command.Demo) CommandLine.parse(args.toArray(new String[0]))).settings();
    }

    private ReferencePool start(PoolSettings settings) {
        pool = ReferencePool.start(settings, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        return pool;
    }

    private StratumClient client(CompletableFuture<MiningNotify> job) {
        StratumClient c = StratumClient.builder().host("127.0.0.1").port(pool.stratumPort())
                .requestTimeout(Duration.ofSeconds(10))
                .listener(new StratumClient.Listener() {
                    @Override
                    public void onNotify(MiningNotify notify) {
                        job.complete(notify);
                    }
                }).build();
        clients.add(c);
        return c;
    }

    /**
     * Logs in and sends up to {@link #BAD_SHARES} shares that miss the difficulty, one at a time; returns how
     * many were answered (each with error 23) before the connection closed.
     */
    private int sendBadShares() throws Exception {
        CompletableFuture<MiningNotify> job = new CompletableFuture<>();
        StratumClient miner = client(job);
        miner.connect().get(10, TimeUnit.SECONDS);
        SubscribeResult subscribed = miner.subscribe("flood/1").get(10, TimeUnit.SECONDS);
        assertTrue(miner.authorize(WORKER, "x").get(10, TimeUnit.SECONDS));
        MiningNotify notify = job.get(10, TimeUnit.SECONDS);
        byte[] extranonce2 = new byte[subscribed.extranonce().extranonce2Size()];
        int answered = 0;
        for (int nonce = 0; nonce < BAD_SHARES; nonce++) {
            SubmitResult result;
            try {
                result = miner.submit(WORKER, notify.jobId(), extranonce2, notify.ntime(), nonce)
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                break; // the pool closed the connection
            }
            assertEquals(23, result.code(), "share " + nonce + ": " + result);
            answered++;
        }
        return answered;
    }

    @Test
    void aLoopbackMinerSendingBadSharesIsBannedByDefaultAndTheBanShowsInTheApiAndMetrics() throws Exception {
        start(demo());
        assertFalse(pool.server().guard().settings().exemptLoopback());

        int answered = sendBadShares();

        GuardSettings rules = GuardSettings.defaults();
        // Banned when the rule's minimum was reached, all of them invalid; the rest found the connection closed.
        assertEquals(rules.invalidShareMinimum(), answered);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertTrue(pool.server().guard().isBanned(loopback));
        assertEquals(1, pool.server().stats().guard().bans(BanReason.INVALID_SHARES));

        ApiClient api = new ApiClient(pool.apiPort());
        Obj bans = api.json("/api/bans");
        assertEquals(1, longAt(bans, "count"));
        Node ban = items(bans, "bans").get(0);
        assertEquals("127.0.0.1", textAt(ban, "address"));
        assertEquals("invalid_shares", textAt(ban, "reason"));
        Instant until = Instant.parse(textAt(ban, "until"));
        Instant since = Instant.parse(textAt(ban, "since"));
        assertEquals(rules.invalidShareBan(), Duration.between(since, until));
        assertTrue(until.isAfter(Instant.now()), until.toString());

        String metrics = api.get("/metrics").body();
        assertTrue(metrics.contains("poolkit_guard_bans_total{reason=\"invalid_shares\"} 1.0"), metrics);
        assertTrue(metrics.contains("poolkit_guard_bans_active 1.0"), metrics);
        assertTrue(metrics.contains("poolkit_sessions_banned_total 1.0"), metrics);
        assertTrue(metrics.contains("poolkit_guard_invalid_shares_total " + (double) rules.invalidShareMinimum()),
                metrics);

        // A banned address's next connection is refused at accept, and counted.
        StratumClient again = client(new CompletableFuture<>());
        assertThrows(ExecutionException.class, () -> again.connect().thenCompose(c -> c.subscribe("again/1"))
                .get(10, TimeUnit.SECONDS));
        assertEquals(1, pool.server().stats().guard().refused(RefuseReason.BANNED));
        assertTrue(api.get("/metrics").body().contains("poolkit_guard_connections_refused_total{reason=\"banned\"} "
                + "1.0"));
    }

    @Test
    void withNoBansTheSameMinerIsNeverBanned() throws Exception {
        start(demo("--no-bans"));

        int answered = sendBadShares();

        assertEquals(BAD_SHARES, answered);
        assertFalse(pool.server().guard().isBanned(InetAddress.getByName("127.0.0.1")));
        assertEquals(0, pool.server().stats().guard().activeBans());
        assertEquals(BAD_SHARES, pool.server().stats().sharesRejectedTotal());
        ApiClient api = new ApiClient(pool.apiPort());
        Obj bans = api.json("/api/bans");
        assertEquals(0, longAt(bans, "count"));
        assertTrue(api.get("/metrics").body().contains("poolkit_guard_bans_total{reason=\"invalid_shares\"} 0.0"));
    }

    @Test
    void anAddressBannedThroughTheGuardShowsInTheApiAndMetrics() throws Exception {
        start(demo());
        InetAddress address = InetAddress.getByName("192.0.2.7"); // TEST-NET-1: never a real miner
        pool.server().guard().ban(address, Duration.ofMinutes(5), "test ban");

        ApiClient api = new ApiClient(pool.apiPort());
        Obj bans = api.json("/api/bans");
        assertTrue(bans.fields().get("guardEnabled") instanceof JsonTree.Scalar s && s.text().equals("true"));
        assertEquals(1, longAt(bans, "count"));
        Node ban = items(bans, "bans").get(0);
        assertEquals("192.0.2.7", textAt(ban, "address"));
        assertEquals("operator", textAt(ban, "reason"));
        assertEquals("test ban", textAt(ban, "detail"));
        assertEquals(Duration.ofMinutes(5), Duration.between(Instant.parse(textAt(ban, "since")),
                Instant.parse(textAt(ban, "until"))));
        String metrics = api.get("/metrics").body();
        assertTrue(metrics.contains("poolkit_guard_bans_total{reason=\"operator\"} 1.0"), metrics);
        assertTrue(metrics.contains("poolkit_guard_bans_active 1.0"), metrics);

        assertTrue(pool.server().guard().unban(address));
        assertEquals(0, longAt(api.json("/api/bans"), "count"));
    }

    @Test
    void noGuardLetsOneAddressOpenMoreConnectionsThanACappedGuard() throws Exception {
        int cap = 3;
        int wanted = cap + 3;
        // The default guard, with a small per-address cap as pool.json's guard.maxConnectionsPerAddress sets it.
        PoolSettings capped = withGuard(demo(), GuardSettings.builder().maxConnectionsPerAddress(cap).build());
        start(capped);
        assertEquals(cap, subscribedConnections(wanted));
        assertEquals(wanted - cap, pool.server().stats().guard().refused(RefuseReason.ADDRESS_LIMIT));
        stop();
        clients.clear();

        start(demo("--no-guard"));
        assertEquals(wanted, subscribedConnections(wanted));
        assertEquals(0, pool.server().stats().guard().refusedTotal());
        assertEquals(wanted, pool.server().stats().connectionsOpen());
        Obj bans = new ApiClient(pool.apiPort()).json("/api/bans");
        assertTrue(bans.fields().get("guardEnabled") instanceof JsonTree.Scalar s && s.text().equals("false"));
    }

    /** Opens {@code n} connections from 127.0.0.1, one after another; returns how many could subscribe. */
    private int subscribedConnections(int n) throws Exception {
        int subscribed = 0;
        for (int i = 0; i < n; i++) {
            StratumClient c = client(new CompletableFuture<>());
            try {
                c.connect().thenCompose(x -> x.subscribe("conn/" + x.localAddress().getPort()))
                        .get(10, TimeUnit.SECONDS);
                subscribed++;
            } catch (ExecutionException e) {
                // refused at accept: the connection was closed before any session existed
            }
        }
        return subscribed;
    }

    private static PoolSettings withGuard(PoolSettings s, GuardSettings guard) {
        return new PoolSettings(s.network(), s.node(), s.payoutAddress(), s.poolTag(), s.scheme(), s.schemeConfig(),
                s.feeBps(), s.payments(), s.stratum(), guard, s.difficulty(), s.ledger(), s.api(), s.dataDir(),
                s.statusInterval(), s.runFor(), s.demo());
    }
}
