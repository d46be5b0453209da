package io.poolkit.examples;

import static io.poolkit.examples.ApiClient.doubleAt;
import static io.poolkit.examples.ApiClient.longAt;
import static io.poolkit.examples.ApiClient.textAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.guard.RefuseReason;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.examples.CommandLine.Command;
import io.poolkit.examples.JsonTree.Obj;
import io.poolkit.examples.miner.TestShares;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.client.SubscribeResult;
import io.poolkit.stratum.codec.MiningNotify;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --config pool.json} on a node answering with a real Bitcoin Core regtest node's answers
 * ({@link FakeBitcoind}): the pool checks the node's chain at start, hands its template to miners and reports
 * the chain's height and difficulty; a TLS listener and the guard configured in {@code pool.json} serve
 * miners; a node on another chain, an unreachable node and a TLS file that is not PEM each stop the start
 * with a clear line.
 */
@UsesSharedVectors
class ReferencePoolNodeTest {
    // Addresses of a real Bitcoin Core wallet (regtest) and Bitcoin Core's key_io_valid.json (mainnet).
    private static final String REGTEST_ADDRESS = "mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv";
    private static final String MINER = "2NCHtcSYZHAwSiZVx3cnKEDwNRr96oprVki";
    private static final String MAINNET_ADDRESS = "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv";
    /** 2^-32, the easiest share difficulty: about half of all hashes meet it. */
    private static final String EASIEST = Double.toString(Math.scalb(1.0, -32));

    @TempDir
    Path dir;
    private FakeBitcoind node;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void startNode() {
        node = FakeBitcoind.builder().cookieFile(dir.resolve(".cookie")).start();
    }

    @AfterEach
    void stopNode() {
        if (node != null) { // null when the shared vectors are missing and the test was skipped
            node.close();
        }
    }

    private Path config(String network, String address, String nodeUrl, String extraStratum) throws Exception {
        return config(network, address, nodeUrl, extraStratum, "");
    }

    /** A pool.json for the fake node, with {@code extraStratum} in the stratum section and {@code extraTop} keys. */
    private Path config(String network, String address, String nodeUrl, String extraStratum, String extraTop)
            throws Exception {
        Path file = dir.resolve("pool.json");
        Files.writeString(file, """
                {EXTRA_TOP
                  "network": "NETWORK",
                  "node": {"url": "URL", "cookieFile": "COOKIE"},
                  "payoutAddress": "ADDRESS",
                  "stratum": {"host": "127.0.0.1", "port": 0EXTRA},
                  "ledger": {"type": "sqlite", "path": "LEDGER"},
                  "api": {"port": 0},
                  "statusInterval": 0
                }
                """.replace("NETWORK", network).replace("URL", nodeUrl)
                .replace("COOKIE", node.cookieFile().toString().replace("\\", "\\\\")).replace("ADDRESS", address)
                .replace("EXTRA_TOP", extraTop.isEmpty() ? "" : "\n  " + extraTop + ",")
                .replace("EXTRA", extraStratum)
                .replace("LEDGER", dir.resolve("ledger.db").toString().replace("\\", "\\\\")));
        return file;
    }

    private PoolSettings settings(Path config) {
        return ((Command.Run) CommandLine.parse("run", "--config", config.toString())).settings();
    }

    private PrintStream console() {
        return new PrintStream(console, true, StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(60)
    void minesTheNodesTemplateAndReportsItsChain() throws Exception {
        BlockTemplate template = BlockTemplate.parse(resultOf("getblocktemplate-with-transactions.json"));
        ReferencePool pool = ReferencePool.start(settings(config("regtest", REGTEST_ADDRESS, node.url().toString(),
                "")), console());
        try {
            CompletableFuture<MiningNotify> job = new CompletableFuture<>();
            StratumClient miner = StratumClient.builder().host("127.0.0.1").port(pool.stratumPort())
                    .listener(new StratumClient.Listener() {
                        @Override
                        public void onNotify(MiningNotify notify) {
                            job.complete(notify);
                        }
                    }).build();
            try {
                miner.connect().get(10, TimeUnit.SECONDS);
                miner.subscribe("test/1").get(10, TimeUnit.SECONDS);
                assertTrue(miner.authorize(MINER + ".rig", "x").get(10, TimeUnit.SECONDS));
                assertEquals(template.previousBlockHash(), job.get(30, TimeUnit.SECONDS).prevHash());
            } finally {
                miner.close().get(10, TimeUnit.SECONDS);
            }

            Obj status = new ApiClient(pool.apiPort()).json("/api/pool");
            assertEquals("regtest", textAt(status, "network"));
            assertEquals(template.height() - 1, longAt(status, "height"));
            assertEquals(template.networkDifficulty(), doubleAt(status, "networkDifficulty"));
            assertEquals(0, longAt(status, "blocksFound"));
            String out = console.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("mining on " + node.url()), out);
            assertTrue(out.contains("stratum+tcp://127.0.0.1:" + pool.stratumPort()), out);
        } finally {
            pool.stop();
        }
    }

    @Test
    void aNodeOnAnotherChainStopsTheStart() throws Exception {
        PoolSettings settings = settings(config("main", MAINNET_ADDRESS, node.url().toString(), ""));

        ReferencePool.StartException e = assertThrows(ReferencePool.StartException.class,
                () -> ReferencePool.start(settings, console()));

        assertEquals("bitcoind at " + node.url() + " is on chain 'regtest' but the configuration says network 'main'",
                e.getMessage());
    }

    @Test
    void anUnreachableNodeStopsTheStart() throws Exception {
        String url = node.url().toString();
        node.stop();
        PoolSettings settings = settings(config("regtest", REGTEST_ADDRESS, url, ""));

        ReferencePool.StartException e = assertThrows(ReferencePool.StartException.class,
                () -> ReferencePool.start(settings, console()));

        assertTrue(e.getMessage().startsWith("bitcoind at " + url + " does not answer getblockchaininfo"),
                e.getMessage());
    }

    @Test
    @Timeout(60)
    void aTlsListenerFromPoolJsonServesAMinerWhoseShareIsAccepted() throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir);
        Path config = config("regtest", REGTEST_ADDRESS, node.url().toString(), ", \"tls\": {\"port\": 0, "
                + "\"certificate\": \"" + json(pem.certificate()) + "\", \"key\": \"" + json(pem.key()) + "\"}",
                "\"difficulty\": {\"min\": " + EASIEST + ", \"fixed\": " + EASIEST + "}");
        ReferencePool pool = ReferencePool.start(settings(config), console());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertTrue(pool.tlsPort() > 0 && pool.tlsPort() != pool.stratumPort(), "TLS port " + pool.tlsPort());
            CompletableFuture<MiningNotify> job = new CompletableFuture<>();
            SslContext trustPool = SslContextBuilder.forClient().trustManager(pem.certificate().toFile()).build();
            StratumClient miner = StratumClient.builder().host("127.0.0.1").port(pool.tlsPort())
                    .eventLoopGroup(group).sslContext(trustPool).requestTimeout(Duration.ofSeconds(10))
                    .listener(new StratumClient.Listener() {
                        @Override
                        public void onNotify(MiningNotify notify) {
                            job.complete(notify);
                        }
                    }).build();
            try {
                miner.connect().get(10, TimeUnit.SECONDS); // the TLS handshake, against the pool's certificate
                SubscribeResult subscribed = miner.subscribe("tls-test/1").get(10, TimeUnit.SECONDS);
                assertTrue(miner.authorize(MINER + ".tls", "x").get(10, TimeUnit.SECONDS));
                MiningNotify notify = job.get(30, TimeUnit.SECONDS);
                byte[] extranonce2 = new byte[subscribed.extranonce().extranonce2Size()];
                int nonce = TestShares.nonceForShareNotBlock(notify, subscribed.extranonce().extranonce1(),
                        extranonce2, Math.scalb(1.0, -32));
                SubmitResult result = miner.submit(MINER + ".tls", notify.jobId(), extranonce2, notify.ntime(), nonce)
                        .get(10, TimeUnit.SECONDS);
                assertTrue(result.isAccepted(), result.toString());
            } finally {
                miner.close().get(10, TimeUnit.SECONDS);
            }
            assertEquals(1, pool.server().stats().sharesAccepted());
            String out = console.toString(StandardCharsets.UTF_8);
            assertTrue(out.contains("stratum+ssl://127.0.0.1:" + pool.tlsPort()), out);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            pool.stop();
        }
    }

    @Test
    @Timeout(60)
    void theGuardFromPoolJsonCapsConnectionsPerAddress() throws Exception {
        Path config = config("regtest", REGTEST_ADDRESS, node.url().toString(), "",
                "\"guard\": {\"maxConnectionsPerAddress\": 2}");
        ReferencePool pool = ReferencePool.start(settings(config), console());
        List<StratumClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                StratumClient c = StratumClient.builder().host("127.0.0.1").port(pool.stratumPort()).build();
                clients.add(c);
                c.connect().get(10, TimeUnit.SECONDS);
                c.subscribe("capped/" + i).get(10, TimeUnit.SECONDS);
            }
            StratumClient third = StratumClient.builder().host("127.0.0.1").port(pool.stratumPort())
                    .requestTimeout(Duration.ofSeconds(5)).build();
            clients.add(third);
            // The kernel completes the handshake; the guard closes the connection before any session exists.
            ExecutionException refused = assertThrows(ExecutionException.class, () -> third.connect()
                    .thenCompose(c -> c.subscribe("capped/2")).get(10, TimeUnit.SECONDS));
            assertTrue(refused.getCause() != null, refused.toString());
            assertEquals(1, pool.server().stats().guard().refused(RefuseReason.ADDRESS_LIMIT));
            String metrics = new ApiClient(pool.apiPort()).get("/metrics").body();
            assertTrue(metrics.contains("poolkit_guard_connections_refused_total{reason=\"address_limit\"} 1.0"),
                    metrics);
        } finally {
            for (StratumClient c : clients) {
                c.close().get(10, TimeUnit.SECONDS);
            }
            pool.stop();
        }
    }

    @Test
    void aTlsFileThatIsNotPemExitsWithStatusTwoNamingIt() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        Path config = config("regtest", REGTEST_ADDRESS, node.url().toString(), ", \"tls\": {\"port\": 0, "
                + "\"certificate\": \"" + json(cert) + "\", \"key\": \"" + json(key) + "\"}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = ReferencePool.run(new String[] {"run", "--config", config.toString()}, console(),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, status);
        String line = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("poolkit: invalid stratum.tls: "), line);
        assertTrue(line.contains(cert.toString()), line);
    }

    private static String json(Path path) {
        return path.toString().replace("\\", "\\\\");
    }

    private static String resultOf(String vector) {
        String body = SharedVectors.text("bitcoind-regtest/" + vector);
        return body.substring("{\"result\":".length(), body.lastIndexOf(",\"error\""));
    }
}
