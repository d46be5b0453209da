package io.poolkit.stratum.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.codec.StratumError;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumMethods;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.codec.StratumValue;
import io.poolkit.stratum.codec.StratumWriter;
import io.poolkit.stratum.testing.LeakTracking;
import io.poolkit.stratum.testing.Transcript;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakTracking.class)
@UsesSharedVectors
class StratumClientTest {
    private static final String WORKER = "bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1";
    private static EventLoopGroup shared;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Recorder events = new Recorder();

    @BeforeAll
    static void startSharedGroup() {
        shared = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopSharedGroup() {
        shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    @Test
    void replaysTheCkpoolSessionAndSendsWhatCpuminerSent() throws Exception {
        Transcript transcript = Transcript.load(Transcript.CPUMINER_CKPOOL);
        List<String> ckpool = transcript.poolLines();
        // ckpool's lines carry ids 1 and 2; the client numbers its requests from 1, as cpuminer did.
        ScriptedPool pool = pool((connection, request) -> {
            switch (request.method()) {
                case StratumMethods.SUBSCRIBE -> ckpool.subList(0, 3).forEach(connection::sendLine);
                case StratumMethods.AUTHORIZE -> connection.sendLine(ckpool.get(3));
                default -> throw new AssertionError(request);
            }
        });
        StratumClient client = connect(pool);

        SubscribeResult subscribed = client.subscribe("cpuminer/2.5.1").get(5, TimeUnit.SECONDS);
        assertEquals(Map.of("mining.notify", "6b0715a2"), subscribed.subscriptions());
        assertEquals("a215076b", subscribed.extranonce().extranonce1Hex());
        assertEquals(8, subscribed.extranonce().extranonce2Size());
        assertEquals(1_000_000.0, events.next());
        MiningNotify job = (MiningNotify) events.next();
        assertEquals("6b0715a100000001", job.jobId());
        assertEquals(3, job.merkleBranch().size());
        assertTrue(job.cleanJobs());

        assertTrue(client.authorize(WORKER, "x").get(5, TimeUnit.SECONDS));

        List<String> cpuminer = transcript.minerLines();
        assertEquals(decode(cpuminer.get(0)), pool.nextReceived());
        assertEquals(decode(cpuminer.get(1)), pool.nextReceived());
    }

    @Test
    void reportsEachSubmitAcceptedOrRejectedWithTheCodeAndMessage() throws Exception {
        ScriptedPool pool = pool((connection, request) -> connection.send(out -> {
            switch (request.stringParam(4)) {
                case "00000001" -> StratumWriter.writeTrue(out, request.id());
                case "00000002" -> StratumWriter.writeError(out, request.id(), StratumError.LOW_DIFFICULTY_SHARE);
                case "00000003" -> StratumWriter.writeError(out, request.id(), StratumError.JOB_NOT_FOUND);
                case "00000004" -> StratumWriter.writeFalse(out, request.id());
                default -> StratumWriter.writeError(out, request.id(), 31, "custom reason");
            }
        }));
        StratumClient client = connect(pool);

        SubmitResult accepted = client.submit(WORKER, "job1", new byte[] {0, 0, 0, 0, 0, 0, 0, 7}, 0x6b0715a1, 1)
                .get(5, TimeUnit.SECONDS);
        assertTrue(accepted.isAccepted());
        StratumRequest sent = (StratumRequest) pool.nextReceived();
        assertEquals(List.of(StratumValue.of(WORKER), StratumValue.of("job1"), StratumValue.of("0000000000000007"),
                StratumValue.of("6b0715a1"), StratumValue.of("00000001")), sent.params());

        SubmitResult low = client.submit(WORKER, "job1", new byte[8], 0x6b0715a1, 2, 0x00002000).get(5, TimeUnit.SECONDS);
        assertFalse(low.isAccepted());
        assertEquals(23, low.code());
        assertEquals("Low difficulty share", low.message());
        assertEquals(StratumError.LOW_DIFFICULTY_SHARE, low.error());
        assertEquals(StratumValue.of("00002000"), ((StratumRequest) pool.nextReceived()).param(5));

        assertEquals(SubmitResult.rejected(21, "Job not found"),
                client.submit(WORKER, "old", new byte[8], 0, 3).get(5, TimeUnit.SECONDS));
        SubmitResult refused = client.submit(WORKER, "job1", new byte[8], 0, 4).get(5, TimeUnit.SECONDS);
        assertEquals(20, refused.code());
        SubmitResult custom = client.submitHex(WORKER, "job1", "zz", "x", "00000005", null).get(5, TimeUnit.SECONDS);
        assertEquals(SubmitResult.rejected(31, "custom reason"), custom);
        assertNull(custom.error());
    }

    @Test
    void matchesRepliesToRequestsByIdInWhateverOrderTheyCome() throws Exception {
        List<StratumRequest> held = new ArrayList<>();
        ScriptedPool pool = pool((connection, request) -> {
            held.add(request);
            if (held.size() == 3) { // answer in reverse order, each with its own marker
                for (int i = 2; i >= 0; i--) {
                    StratumRequest r = held.get(i);
                    connection.send(out -> StratumWriter.writeError(out, r.id(), 30 + Integer.parseInt(r.stringParam(4)), "n"));
                }
            }
        });
        StratumClient client = connect(pool);
        List<CompletableFuture<SubmitResult>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(client.submitHex(WORKER, "j", "00", "00000000", Integer.toString(i), null));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(30 + i, futures.get(i).get(5, TimeUnit.SECONDS).code());
        }
    }

    @Test
    void deliversEveryNotificationToTheListener() throws Exception {
        ScriptedPool pool = pool((connection, request) -> { });
        StratumClient client = connect(pool);
        ScriptedPool.Connection connection = pool.nextConnection();

        connection.send(out -> StratumWriter.writeSetDifficulty(out, 0.000001));
        connection.send(out -> StratumWriter.writeSetExtranonce(out, new byte[] {1, 2, 3, 4}, 4));
        connection.send(out -> StratumWriter.writeSetVersionMask(out, 0x1fffe000));
        connection.send(StratumWriter::writeReconnect);
        connection.send(out -> StratumWriter.writeReconnect(out, "127.0.0.1", 3334, 5));
        connection.sendLine("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"127.0.0.1\",\"3335\"]}");
        connection.send(out -> StratumWriter.writeShowMessage(out, "maintenance at noon"));
        connection.sendLine("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[\"2048\"]}");

        assertEquals(0.000001, events.next());
        assertEquals(Extranonce.of("01020304", 4), events.next());
        assertEquals(0x1fffe000, events.next());
        assertEquals(new Reconnect(null, 0, 0), events.next());
        assertEquals(new Reconnect("127.0.0.1", 3334, 5), events.next());
        assertEquals(new Reconnect("127.0.0.1", 3335, 0), events.next());
        assertEquals("maintenance at noon", events.next());
        assertEquals(2048.0, events.next());
        assertTrue(client.isConnected());
    }

    @Test
    void dropsMalformedNotificationsAndCarriesOn() throws Exception {
        ScriptedPool pool = pool((connection, request) -> { });
        StratumClient client = connect(pool);
        ScriptedPool.Connection connection = pool.nextConnection();
        connection.sendLine("{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"j\",\"00\"]}");
        connection.sendLine("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[-1]}");
        connection.sendLine("{\"id\":null,\"method\":\"mining.set_version_mask\",\"params\":[\"xyz\"]}");
        connection.sendLine("this is not json");
        connection.sendLine("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[16]}");
        assertEquals(16.0, events.next(), "only the valid notification arrives");
        assertTrue(client.isConnected());
    }

    @Test
    void sendsBip310ConfigureAndReadsTheAnswer() throws Exception {
        ScriptedPool pool = pool((connection, request) -> connection.send(out -> StratumWriter.writeResult(out, request.id(),
                StratumValue.object(Map.of("version-rolling", StratumValue.TRUE,
                        "version-rolling.mask", StratumValue.of("1fffe000"))))));
        StratumClient client = connect(pool);
        ConfigureResult result = client.configure(ConfigureRequest.builder()
                .versionRolling(0xffffffff, 2).minimumDifficulty(0.5).subscribeExtranonce().build())
                .get(5, TimeUnit.SECONDS);
        assertTrue(result.versionRolling());
        assertEquals(0x1fffe000, result.versionRollingMask());
        assertFalse(result.minimumDifficulty());

        StratumRequest sent = (StratumRequest) pool.nextReceived();
        assertEquals(StratumMethods.CONFIGURE, sent.method());
        assertEquals("[[\"version-rolling\",\"minimum-difficulty\",\"subscribe-extranonce\"],"
                + "{\"version-rolling.mask\":\"ffffffff\",\"version-rolling.min-bit-count\":2,\"minimum-difficulty.value\":0.5}]",
                StratumValue.array(sent.params()).toJson());
    }

    @Test
    void sendsTheOtherRequests() throws Exception {
        ScriptedPool pool = pool((connection, request) -> connection.send(out -> StratumWriter.writeTrue(out, request.id())));
        StratumClient client = connect(pool);
        assertTrue(client.extranonceSubscribe().get(5, TimeUnit.SECONDS));
        assertEquals(StratumMethods.EXTRANONCE_SUBSCRIBE, ((StratumRequest) pool.nextReceived()).method());
        assertTrue(client.suggestDifficulty(0.001).get(5, TimeUnit.SECONDS));
        StratumRequest suggest = (StratumRequest) pool.nextReceived();
        assertEquals("0.001", suggest.param(0).numberText());
        StratumResponse pong = client.request("mining.ping", List.of()).get(5, TimeUnit.SECONDS);
        assertEquals(StratumValue.TRUE, pong.result());
    }

    @Test
    void answersTheServersGetVersionWithTheUserAgent() throws Exception {
        ScriptedPool pool = pool((connection, request) -> connection.send(out ->
                StratumWriter.writeSubscribeResult(out, request.id(), "s", new byte[] {1, 2, 3, 4}, 4)));
        StratumClient client = connect(pool);
        client.subscribe("demo-miner/0.1").get(5, TimeUnit.SECONDS);
        pool.nextReceived();
        ScriptedPool.Connection connection = pool.nextConnection();
        connection.sendLine("{\"id\":\"v1\",\"method\":\"client.get_version\",\"params\":[]}");
        assertEquals(StratumResponse.success(StratumId.ofString("v1"), StratumValue.of("demo-miner/0.1")), pool.nextReceived());
        connection.sendLine("{\"id\":77,\"method\":\"client.unknown\",\"params\":[]}");
        StratumResponse unknown = assertInstanceOf(StratumResponse.class, pool.nextReceived());
        assertEquals(StratumId.of(77), unknown.id());
        assertEquals(20, unknown.errorCode());
    }

    @Test
    void failsPendingRequestsWhenTheConnectionDrops() throws Exception {
        ScriptedPool pool = pool((connection, request) -> connection.close());
        StratumClient client = connect(pool);
        CompletableFuture<SubmitResult> pending = client.submit(WORKER, "j", new byte[4], 0, 0);
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(5, TimeUnit.SECONDS));
        assertInstanceOf(StratumClientException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("mining.submit"), e.getCause().getMessage());
        assertEquals("disconnected", events.next());

        CompletableFuture<Boolean> afterwards = client.authorize(WORKER, "x");
        ExecutionException late = assertThrows(ExecutionException.class, () -> afterwards.get(5, TimeUnit.SECONDS));
        assertInstanceOf(StratumClientException.class, late.getCause());
        assertFalse(client.isConnected());
    }

    @Test
    void failsARequestThatGetsNoReplyInTime() throws Exception {
        ScriptedPool pool = pool((connection, request) -> { });
        StratumClient client = StratumClient.builder().host("127.0.0.1").port(pool.port()).eventLoopGroup(shared)
                .requestTimeout(Duration.ofMillis(200)).build();
        toClose.add(() -> client.close().get(5, TimeUnit.SECONDS));
        client.connect().get(5, TimeUnit.SECONDS);
        CompletableFuture<Boolean> unanswered = client.suggestDifficulty(1);
        ExecutionException e = assertThrows(ExecutionException.class, () -> unanswered.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("mining.suggest_difficulty"), e.getCause().getMessage());
        assertTrue(client.isConnected(), "a timeout does not close the connection");
    }

    @Test
    void tellsTheListenerAboutAnOrderlyClose() throws Exception {
        ScriptedPool pool = pool((connection, request) -> { });
        StratumClient client = connect(pool);
        client.close().get(5, TimeUnit.SECONDS);
        assertEquals("disconnected", events.next());
        assertFalse(client.isConnected());
    }

    @Test
    void failsToConnectWhereNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        StratumClient client = StratumClient.builder().host("127.0.0.1").port(closedPort).build(); // its own group
        ExecutionException e = assertThrows(ExecutionException.class, () -> client.connect().get(5, TimeUnit.SECONDS));
        assertInstanceOf(StratumClientException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(Integer.toString(closedPort)), e.getCause().getMessage());
        client.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void worksWithItsOwnEventLoopGroupToo() throws Exception {
        ScriptedPool pool = pool((connection, request) -> connection.send(out -> StratumWriter.writeTrue(out, request.id())));
        StratumClient client = StratumClient.builder().host("127.0.0.1").port(pool.port()).build();
        client.connect().get(5, TimeUnit.SECONDS);
        assertTrue(client.authorize(WORKER, "x").get(5, TimeUnit.SECONDS));
        client.close().get(5, TimeUnit.SECONDS);
        assertFalse(client.isConnected());
    }

    @Test
    void manyClientsShareOneEventLoopAndBindTheGivenLocalAddress() throws Exception {
        ScriptedPool pool = pool((connection, request) -> connection.send(out ->
                StratumWriter.writeSubscribeResult(out, request.id(), "s", new byte[] {0, 0, 0, 1}, 8)));
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<StratumClient> clients = new ArrayList<>();
        List<CompletableFuture<SubscribeResult>> subscribed = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                StratumClient client = StratumClient.builder().host("127.0.0.1").port(pool.port())
                        .eventLoopGroup(shared).localAddress(loopback).build();
                clients.add(client);
                subscribed.add(client.connect().thenCompose(c -> c.subscribe("load/" + clients.size())));
            }
            Set<Integer> localPorts = new HashSet<>();
            for (int i = 0; i < clients.size(); i++) {
                assertEquals(8, subscribed.get(i).get(10, TimeUnit.SECONDS).extranonce().extranonce2Size());
                InetSocketAddress local = clients.get(i).localAddress();
                assertEquals(loopback, local.getAddress());
                localPorts.add(local.getPort());
            }
            assertEquals(200, localPorts.size());
        } finally {
            for (StratumClient client : clients) {
                client.close().get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void builderNamesTheBadValue() {
        IllegalStateException noHost = assertThrows(IllegalStateException.class, () -> StratumClient.builder().port(1).build());
        assertTrue(noHost.getMessage().contains("host"), noHost.getMessage());
        IllegalStateException badPort = assertThrows(IllegalStateException.class,
                () -> StratumClient.builder().host("h").port(70000).build());
        assertTrue(badPort.getMessage().contains("70000"), badPort.getMessage());
        IllegalStateException badTimeout = assertThrows(IllegalStateException.class,
                () -> StratumClient.builder().host("h").port(1).requestTimeout(Duration.ZERO).build());
        assertTrue(badTimeout.getMessage().contains("requestTimeout"), badTimeout.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------

    private ScriptedPool pool(ScriptedPool.Script script) {
        ScriptedPool pool = new ScriptedPool(script);
        toClose.add(0, pool);
        return pool;
    }

    private StratumClient connect(ScriptedPool pool) throws Exception {
        StratumClient client = StratumClient.builder().host("127.0.0.1").port(pool.port())
                .eventLoopGroup(shared).listener(events).build();
        toClose.add(0, () -> client.close().get(5, TimeUnit.SECONDS));
        return client.connect().get(5, TimeUnit.SECONDS);
    }

    private static StratumMessage decode(String line) {
        return new io.poolkit.stratum.codec.StratumDecoder().decode(
                io.netty.buffer.Unpooled.wrappedBuffer(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Records what the listener receives, in order. */
    private static final class Recorder implements StratumClient.Listener {
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        Object next() throws InterruptedException {
            Object event = events.poll(5, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no listener event within 5 s");
            }
            return event;
        }

        @Override
        public void onNotify(MiningNotify notify) {
            events.add(notify);
        }

        @Override
        public void onSetDifficulty(double difficulty) {
            events.add(difficulty);
        }

        @Override
        public void onSetExtranonce(Extranonce extranonce) {
            events.add(extranonce);
        }

        @Override
        public void onSetVersionMask(int mask) {
            events.add(mask);
        }

        @Override
        public void onReconnect(Reconnect reconnect) {
            events.add(reconnect);
        }

        @Override
        public void onShowMessage(String message) {
            events.add(message);
        }

        @Override
        public void onDisconnect(Throwable cause) {
            events.add("disconnected");
        }
    }
}
