package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.StratumClientException;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.client.SubscribeResult;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.testing.LeakTracking;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS listener ({@code stratum+ssl}) next to a plain one: a {@link StratumClient} completes a real TLS
 * handshake, logs in, gets a job and has a share accepted; the PEM files are checked when the server is
 * built, with errors that name the file. The certificates are made fresh by {@link TestCertificates}.
 */
@ExtendWith(LeakTracking.class)
@Timeout(120)
class TlsListenerTest {
    /** Met by about half of all hashes. */
    private static final double EASY = Math.scalb(1.0, -31);

    @TempDir
    static Path dir;
    private static TestCertificates.Identity ec;
    private static TestCertificates.Identity rsa;
    private static EventLoopGroup clients;

    private StratumServer server;

    @BeforeAll
    static void makeCertificates() throws Exception {
        ec = TestCertificates.generate(dir, "ec", "EC");
        rsa = TestCertificates.generate(dir, "rsa", "RSA");
        clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopClients() {
        if (clients != null) {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static StratumServer.Builder builder() {
        return StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new ScriptedValidator()).workerThreads(1)
                .guard(new ConnectionGuard(GuardSettings.defaults(), Clock.systemUTC()));
    }

    private static StratumClient tlsClient(int port, Path trusted) throws Exception {
        SslContext context = SslContextBuilder.forClient().trustManager(trusted.toFile()).build();
        return StratumClient.builder().host("127.0.0.1").port(port).eventLoopGroup(clients).sslContext(context)
                .requestTimeout(Duration.ofSeconds(10)).listener(new StratumClient.Listener() {}).build();
    }

    @Test
    void aMinerOverTlsLogsInGetsAJobAndHasItsShareAccepted() throws Exception {
        SharedVectors.sharedDir(); // its job comes from TestJobs: the real regtest answers in ../shared
        JobRegistry registry = new JobRegistry();
        JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(), registry);
        server = builder().shareValidator(new BitcoinShareValidator(registry,
                        candidate -> CompletableFuture.completedFuture(BlockVerdict.accepted())))
                .difficultyRange(Math.scalb(1.0, -32), 1e15).initialDifficulty(EASY)
                .listener(StratumListener.builder().host("127.0.0.1").port(0).tls(ec.certificate(), ec.privateKey())
                        .build())
                .build().start();
        dispatcher.addListener(server);
        dispatcher.onTemplate(Shares.hardTemplate(), true);
        Job job = registry.current();
        int tlsPort = server.localAddresses().get(1).getPort();
        assertNotEquals(server.port(), tlsPort);

        CompletableFuture<MiningNotify> notified = new CompletableFuture<>();
        SslContext context = SslContextBuilder.forClient().trustManager(ec.certificate().toFile()).build();
        StratumClient client = StratumClient.builder().host("127.0.0.1").port(tlsPort).eventLoopGroup(clients)
                .sslContext(context).requestTimeout(Duration.ofSeconds(10))
                .listener(new StratumClient.Listener() {
                    @Override
                    public void onNotify(MiningNotify notify) {
                        notified.complete(notify);
                    }
                }).build();
        client.connect().get(10, TimeUnit.SECONDS);
        SubscribeResult subscribed = client.subscribe("tls-miner/1").get(10, TimeUnit.SECONDS);
        assertTrue(client.authorize(TestJobs.WORKER, "x").get(10, TimeUnit.SECONDS));
        assertEquals(job.id(), notified.get(10, TimeUnit.SECONDS).jobId());

        byte[] extranonce2 = {0, 0, 0, 9};
        int nonce = Shares.findNonce(job, subscribed.extranonce().extranonce1(), extranonce2, 0, Shares.meets(EASY));
        SubmitResult result = client.submit(TestJobs.WORKER, job.id(), extranonce2, (int) job.nTime(), nonce)
                .get(10, TimeUnit.SECONDS);
        assertTrue(result.isAccepted(), result.toString());
        assertEquals(1, server.stats().sharesAccepted());

        // The plain listener of the same server works alongside.
        StratumClient plain = StratumClient.builder().host("127.0.0.1").port(server.port()).eventLoopGroup(clients)
                .requestTimeout(Duration.ofSeconds(10)).build();
        plain.connect().get(10, TimeUnit.SECONDS);
        plain.subscribe("plain/1").get(10, TimeUnit.SECONDS);
        assertEquals(2, server.stats().sessionsSubscribed());
        client.close().get(10, TimeUnit.SECONDS);
        plain.close().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anRsaCertificateWithAnEncryptedKeyServesTls() throws Exception {
        server = builder().tls(rsa.certificate(), rsa.encryptedKey(), TestCertificates.PASSWORD).build().start();
        StratumClient client = tlsClient(server.port(), rsa.certificate());
        client.connect().get(10, TimeUnit.SECONDS);
        assertEquals(4, client.subscribe("tls/1").get(10, TimeUnit.SECONDS).extranonce().extranonce2Size());
        client.close().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTlsListenerBehindAProxyReadsTheHeaderBeforeTheHandshake() throws Exception {
        server = builder().tls(ec.certificate(), ec.privateKey()).proxyProtocol(true).build().start();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("pool", TlsFiles.certificates(ec.certificate()).get(0));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            plain.setSoTimeout(10_000);
            // The load balancer's header in the clear, then the client's TLS passed through.
            plain.getOutputStream().write(ProxyProtocolTest.v1("TCP4", "198.51.100.20", "127.0.0.1", 45678,
                    server.port()));
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost",
                    server.port(), true)) {
                tls.startHandshake();
                tls.getOutputStream().write((RawMiner.SUBSCRIBE + "\n").getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(),
                        StandardCharsets.US_ASCII));
                assertTrue(in.readLine().startsWith("{\"id\":1,\"result\":[["));
                List<SocketAddress> peers = new ArrayList<>();
                server.core().onEveryLoop(loop -> {
                    for (int i = 0; i < loop.sessionCount(); i++) {
                        synchronized (peers) {
                            peers.add(loop.session(i).remote());
                        }
                    }
                }).get(5, TimeUnit.SECONDS);
                assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("198.51.100.20"), 45678)), peers);
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsItsHandshake() throws Exception {
        server = builder().tls(ec.certificate(), ec.privateKey()).build().start();
        StratumClient client = tlsClient(server.port(), rsa.certificate());
        ExecutionException e = assertThrows(ExecutionException.class, () -> client.connect().get(10, TimeUnit.SECONDS));
        assertInstanceOf(StratumClientException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("TLS handshake"), e.getCause().getMessage());
    }

    @Test
    void aPlainClientOnTheTlsPortGetsNoStratumAnswer() throws Exception {
        server = builder().tls(ec.certificate(), ec.privateKey()).build().start();
        try (RawMiner miner = RawMiner.connect("127.0.0.1", server.port())) {
            miner.send(RawMiner.SUBSCRIBE);
            String answer = miner.nextLine();
            assertTrue(answer == null || !answer.contains("\"result\""), "no Stratum reply in the clear: " + answer);
        }
        assertEquals(0, server.stats().sessionsSubscribed());
    }

    @Test
    void badFilesAreRefusedAtBuildNamingTheFile() throws Exception {
        Path missing = dir.resolve("nope.pem");
        assertMessage(builder().tls(missing, ec.privateKey()), "TLS certificate chain file " + missing + " does not exist");
        assertMessage(builder().tls(ec.certificate(), missing), "TLS private key file " + missing + " does not exist");

        Path text = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
        assertMessage(builder().tls(text, ec.privateKey()), "TLS certificate chain " + text + " is not PEM");
        assertMessage(builder().tls(ec.certificate(), text), "TLS private key " + text + " is not PEM");

        assertMessage(builder().tls(ec.certificate(), rsa.privateKey()), "TLS private key " + rsa.privateKey()
                + " does not belong to the certificate CN=localhost in " + ec.certificate());
        assertMessage(builder().tls(rsa.certificate(), rsa.encryptedKey()), "is encrypted: give its password");
        assertMessage(builder().tls(rsa.certificate(), rsa.encryptedKey(), "wrong"), "wrong password");

        String pkcs1 = Files.readString(ec.privateKey(), StandardCharsets.US_ASCII).replace("PRIVATE KEY", "EC PRIVATE KEY");
        Path sec1 = Files.writeString(dir.resolve("sec1.pem"), pkcs1);
        assertMessage(builder().tls(ec.certificate(), sec1), "convert it to PKCS#8");

        assertMessage(builder().listener(StratumListener.builder().port(0).tls(ec.certificate(), missing).build()),
                "does not exist");
    }

    @Test
    void listenerSettingsAreCheckedAtBuild() {
        assertTrue(assertThrows(IllegalStateException.class, () -> StratumListener.builder().build()).getMessage()
                .contains("none"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> StratumListener.builder().port(1).trustedProxies("10.0.0.0/8").build()).getMessage()
                .contains("proxyProtocol"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> StratumListener.builder().port(1).proxyProtocol(true).trustedProxies("10.0.0.0/33").build())
                .getMessage().contains("10.0.0.0/33"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> StratumListener.builder().port(1).proxyProtocol(true).trustedProxies("proxy.example").build())
                .getMessage().contains("proxy.example"));
        assertTrue(assertThrows(IllegalStateException.class, () -> builder().port(3333).host("127.0.0.1")
                .listener(StratumListener.builder().host("127.0.0.1").port(3333).build()).build()).getMessage()
                .contains("two listeners on 127.0.0.1:3333"));
        assertTrue(assertThrows(IllegalStateException.class, () -> builder().writeBufferWaterMark(10, 5).build())
                .getMessage().contains("10, 5"));
        assertTrue(assertThrows(IllegalStateException.class, () -> builder().maxPendingShares(1).build())
                .getMessage().contains("maxPendingShares"));
        assertTrue(assertThrows(IllegalStateException.class, () -> builder().maxSharesInFlight(0).build())
                .getMessage().contains("maxSharesInFlight"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> builder().unwritableTimeout(Duration.ZERO).build()).getMessage().contains("unwritableTimeout"));
    }

    private static void assertMessage(StratumServer.Builder builder, String part) {
        IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
    }
}
