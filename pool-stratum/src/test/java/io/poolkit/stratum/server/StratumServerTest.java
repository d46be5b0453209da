package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.poolkit.core.chain.Network;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.Share;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.client.ConfigureRequest;
import io.poolkit.stratum.client.ConfigureResult;
import io.poolkit.stratum.client.Reconnect;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.StratumClientException;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.client.SubscribeResult;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.testing.LeakTracking;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server over real TCP on 127.0.0.1, with {@link StratumClient}s. */
@ExtendWith(LeakTracking.class)
@Timeout(60)
@UsesSharedVectors
class StratumServerTest {
    private static final EventLoopGroup CLIENTS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    private final TestJobs jobs = new TestJobs();
    private StratumServer server;

    @AfterAll
    static void stopClients() {
        CLIENTS.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static StratumServer.Builder localServer() {
        return StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new ScriptedValidator()).workerThreads(2);
    }

    /** Everything a client was pushed, in order. */
    static final class Recorder implements StratumClient.Listener {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public void onNotify(MiningNotify notify) {
            events.add(notify);
        }

        @Override
        public void onSetDifficulty(double difficulty) {
            events.add(difficulty);
        }

        @Override
        public void onReconnect(Reconnect reconnect) {
            events.add(reconnect);
        }

        @Override
        public void onDisconnect(Throwable cause) {
            events.add("disconnected");
        }

        Object next() throws InterruptedException {
            Object event = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "no event within 10 s");
            return event;
        }
    }

    private StratumClient client(Recorder recorder) throws Exception {
        StratumClient client = StratumClient.builder().host("127.0.0.1").port(server.port()).eventLoopGroup(CLIENTS)
                .listener(recorder).requestTimeout(Duration.ofSeconds(10)).build();
        return client.connect().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStratumClientLogsInAndGetsDifficultyAndJobs() throws Exception {
        server = localServer().initialDifficulty(0.5).build().start();
        assertTrue(server.port() > 0);
        Job first = jobs.next(true);
        server.publish(first);

        Recorder recorder = new Recorder();
        StratumClient client = client(recorder);
        ConfigureResult configured = client.configure(ConfigureRequest.builder().versionRolling(0xffffffff, 2).build())
                .get(10, TimeUnit.SECONDS);
        assertTrue(configured.versionRolling());
        assertEquals(0x1fffe000, configured.versionRollingMask());
        SubscribeResult subscribed = client.subscribe("poolkit-test/1").get(10, TimeUnit.SECONDS);
        assertEquals(4, subscribed.extranonce().extranonce2Size());
        assertEquals(4, subscribed.extranonce().extranonce1().length);
        assertTrue(client.authorize(TestJobs.WORKER, "x").get(10, TimeUnit.SECONDS));

        assertEquals(0.5, recorder.next());
        assertEquals(first.id(), ((MiningNotify) recorder.next()).jobId());
        Job second = jobs.next(false);
        server.publish(second);
        MiningNotify notify = (MiningNotify) recorder.next();
        assertEquals(second.id(), notify.jobId());
        assertFalse(notify.cleanJobs());

        SubmitResult result = client.submit(TestJobs.WORKER, second.id(), new byte[4], (int) second.nTime(), 7)
                .get(10, TimeUnit.SECONDS);
        assertEquals(23, result.code());
        assertEquals(1, server.stats().connectionsOpen());
        assertEquals(1, server.stats().sessionsAuthorized());
        client.close().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aJobPublishedBeforeStartReachesTheFirstMinersAndInvalidationWithdrawsIt() throws Exception {
        server = localServer().build();
        Job job = jobs.next(true);
        server.publish(job);
        server.start();
        Recorder first = new Recorder();
        client(first).subscribe("x").get(10, TimeUnit.SECONDS);
        assertEquals(1.0, first.next());
        assertEquals(job.id(), ((MiningNotify) first.next()).jobId());

        server.onJobsInvalidated("node gone");
        Recorder second = new Recorder();
        client(second).subscribe("x").get(10, TimeUnit.SECONDS);
        assertEquals(1.0, second.next());
        Job next = jobs.next(true);
        server.onJob(next);
        assertEquals(next.id(), ((MiningNotify) second.next()).jobId(), "no job in between");
        assertEquals(next.id(), ((MiningNotify) first.next()).jobId());
    }

    @Test
    void aTakenPortIsAClearError() {
        server = localServer().build().start();
        StratumServer second = localServer().port(server.port()).build();
        StratumServerException e = assertThrows(StratumServerException.class, second::start);
        assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
        second.close();
    }

    @Test
    void startTwiceIsABug() {
        server = localServer().build().start();
        assertThrows(IllegalStateException.class, server::start);
    }

    @Test
    void stopSendsReconnectToEveryMinerThenCloses() throws Exception {
        server = localServer().build().start();
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        StratumClient a = client(first);
        StratumClient b = client(second);
        a.subscribe("a").get(10, TimeUnit.SECONDS);
        assertEquals(1.0, first.next());
        // b never subscribes: it is asked to reconnect too.
        server.stop(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
        assertEquals(new Reconnect(null, 0, 0), first.next());
        assertEquals("disconnected", first.next());
        assertEquals(new Reconnect(null, 0, 0), second.next());
        assertEquals("disconnected", second.next());
        assertFalse(a.isConnected());
        assertFalse(b.isConnected());
        assertEquals(0, server.stats().connectionsOpen());
        assertTrue(server.stop(Duration.ZERO).isDone(), "stopping again returns the same, finished, future");
    }

    @Test
    void stopWaitsForAnAcknowledgementInFlightBeforeClosing() throws Exception {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        BlockingQueue<Share> recorded = new LinkedBlockingQueue<>();
        JobRegistry registry = new JobRegistry();
        JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(), registry);
        server = localServer().shareValidator(new BitcoinShareValidator(registry,
                        candidate -> CompletableFuture.completedFuture(BlockVerdict.accepted())))
                .shareSink(share -> {
                    recorded.add(share);
                    return commit;
                })
                .difficultyRange(Math.scalb(1.0, -32), 1).initialDifficulty(Math.scalb(1.0, -31)).build().start();
        dispatcher.addListener(server);
        dispatcher.onTemplate(Shares.hardTemplate(), true);
        Job job = registry.current();

        Recorder recorder = new Recorder();
        StratumClient client = client(recorder);
        SubscribeResult subscribed = client.subscribe("x").get(10, TimeUnit.SECONDS);
        assertTrue(client.authorize(TestJobs.WORKER, "x").get(10, TimeUnit.SECONDS));
        byte[] extranonce2 = {1, 2, 3, 4};
        int nonce = Shares.findNonce(job, subscribed.extranonce().extranonce1(), extranonce2, 0,
                Shares.meets(Math.scalb(1.0, -31)));
        CompletableFuture<SubmitResult> reply = client.submit(TestJobs.WORKER, job.id(), extranonce2, (int) job.nTime(), nonce);
        assertNotNull(recorded.poll(10, TimeUnit.SECONDS), "the sink got the share");

        CompletableFuture<Void> stopped = server.stop(Duration.ofSeconds(20));
        Object event;
        do {
            event = recorder.next();
        } while (!(event instanceof Reconnect));
        Thread.sleep(200);
        assertFalse(reply.isDone(), "no acknowledgement before the commit");
        assertFalse(stopped.isDone(), "the server waits for the acknowledgement");
        assertTrue(client.isConnected());

        commit.complete(null);
        assertTrue(reply.get(10, TimeUnit.SECONDS).isAccepted());
        stopped.get(10, TimeUnit.SECONDS);
        assertEquals("disconnected", recorder.next());
        assertEquals(1, server.stats().sharesAccepted());
    }

    @Test
    void stopGivesUpOnASinkThatNeverAnswersAfterTheDrainTime() throws Exception {
        JobRegistry registry = new JobRegistry();
        JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(), registry);
        server = localServer().shareValidator(new BitcoinShareValidator(registry,
                        candidate -> CompletableFuture.completedFuture(BlockVerdict.accepted())))
                .shareSink(share -> new CompletableFuture<>())
                .difficultyRange(Math.scalb(1.0, -32), 1).initialDifficulty(Math.scalb(1.0, -31)).build().start();
        dispatcher.addListener(server);
        dispatcher.onTemplate(Shares.hardTemplate(), true);
        Job job = registry.current();
        Recorder recorder = new Recorder();
        StratumClient client = client(recorder);
        SubscribeResult subscribed = client.subscribe("x").get(10, TimeUnit.SECONDS);
        assertTrue(client.authorize(TestJobs.WORKER, "x").get(10, TimeUnit.SECONDS));
        byte[] extranonce2 = {1, 2, 3, 4};
        int nonce = Shares.findNonce(job, subscribed.extranonce().extranonce1(), extranonce2, 0,
                Shares.meets(Math.scalb(1.0, -31)));
        CompletableFuture<SubmitResult> reply = client.submit(TestJobs.WORKER, job.id(), extranonce2, (int) job.nTime(), nonce);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.core().inFlight.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long start = System.nanoTime();
        server.stop(Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "it waited the drain time");
        assertTrue(assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS)).getCause()
                instanceof StratumClientException, "never a false acknowledgement: the connection closed instead");
    }

    @Test
    void userSuppliedEventLoopsAreLeftRunning() throws Exception {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            server = localServer().eventLoopGroups(boss, workers).build().start();
            Recorder recorder = new Recorder();
            client(recorder).subscribe("x").get(10, TimeUnit.SECONDS);
            server.close();
            assertFalse(boss.isShuttingDown());
            assertFalse(workers.isShuttingDown());
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theBuilderNamesTheBadSetting() {
        assertEquals("shareValidator is required", assertThrows(IllegalStateException.class,
                () -> StratumServer.builder().network(Network.REGTEST).build()).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> localServer().port(70000).build())
                .getMessage().contains("70000"));
        assertTrue(assertThrows(IllegalStateException.class, () -> localServer().initialDifficulty(0).build())
                .getMessage().contains("initialDifficulty"));
        assertTrue(assertThrows(IllegalStateException.class, () -> localServer().difficultyRange(2, 1).build())
                .getMessage().contains("2.0..1.0"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> localServer().idleTimeout(Duration.ZERO).build()).getMessage().contains("idleTimeout"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> StratumServer.builder().shareValidator(new ScriptedValidator()).build()).getMessage()
                .contains("authorizer"));
    }

    @Test
    void aRefusedConnectionIsClosedBeforeItsPipelineIsBuilt() throws Exception {
        server = localServer().admission(address -> false).build().start();
        Recorder recorder = new Recorder();
        StratumClient client = client(recorder);
        assertEquals("disconnected", recorder.next());
        assertFalse(client.isConnected());
        assertEquals(0, server.stats().connectionsTotal());
    }

    @Test
    void listsOfStagesAreKeptInOrder() {
        StratumServer built = localServer()
                .transportHandler("tls", ch -> new io.netty.channel.ChannelInboundHandlerAdapter())
                .messageHandler("guard", ch -> new io.netty.channel.ChannelInboundHandlerAdapter())
                .build();
        EmbeddedMiner miner = new EmbeddedMiner(built);
        assertEquals(List.of("tls", StratumPipeline.FRAMER, StratumPipeline.DECODER, "guard", StratumPipeline.SESSION),
                miner.channel.pipeline().names().subList(0, 5));
        miner.close();
    }
}
