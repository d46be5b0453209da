package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.node.BitcoindClient;
import io.poolkit.core.node.GbtJobSource;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.RejectReason;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.client.SubscribeResult;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.testing.LeakTracking;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node failing under a running pool, with the real parts: a {@link GbtJobSource} on the HTTP test node
 * ({@link FakeBitcoind}, serving Bitcoin Core's recorded answers) feeding a {@link JobDispatcher}, the
 * {@link StratumServer} with the real validator, and {@link StratumClient} miners. The node is down at start,
 * killed mid-run, answers garbage, refuses a block; each time the pool withdraws the jobs (a share on them is
 * answered 21, stale, and no miner is sent a stale job), keeps running, and hands out clean work, accepting
 * shares again, as soon as the node is back.
 */
@UsesSharedVectors // TestJobs' templates are the real regtest answers
@ExtendWith(LeakTracking.class)
@Timeout(90)
class NodeFaultTest {
    /** Met by about half of all hashes. */
    private static final double EASY = Math.scalb(1.0, -31);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final BlockTemplate VECTOR =
            BlockTemplate.parse(SharedVectors.text(FakeBitcoind.VECTORS + "getblocktemplate-with-transactions.json"));

    private static EventLoopGroup clients;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final JobRegistry registry = new JobRegistry();
    private FakeBitcoind node;
    private StratumServer server;
    private int extranonce2;

    @BeforeAll
    static void startClients() {
        clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopClients() {
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    /** A miner that records the jobs it is sent. */
    private final class Miner implements StratumClient.Listener {
        final BlockingQueue<MiningNotify> jobs = new LinkedBlockingQueue<>();
        final StratumClient client = StratumClient.builder().host("127.0.0.1").port(server.port())
                .eventLoopGroup(clients).listener(this).requestTimeout(WAIT).build();
        byte[] extranonce1;

        @Override
        public void onNotify(MiningNotify notify) {
            jobs.add(notify);
        }

        Miner logIn() throws Exception {
            client.connect().get(10, TimeUnit.SECONDS);
            closeables.add(() -> client.close().get(10, TimeUnit.SECONDS));
            SubscribeResult subscribed = client.subscribe("node-fault/1").get(10, TimeUnit.SECONDS);
            extranonce1 = subscribed.extranonce().extranonce1();
            assertTrue(client.authorize(TestJobs.WORKER, "x").get(10, TimeUnit.SECONDS));
            return this;
        }

        MiningNotify nextJob() throws InterruptedException {
            MiningNotify job = jobs.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(job, "no job within " + WAIT);
            return job;
        }

        /** A share meeting the session difficulty on {@code jobId} (looked up in the registry). */
        SubmitResult submit(String jobId) throws Exception {
            Job job = registry.lookup(jobId).job();
            byte[] e2 = Shares.bytes(++extranonce2, 4);
            int nonce = Shares.findNonce(job, extranonce1, e2, 0, Shares.meets(EASY));
            return client.submit(TestJobs.WORKER, jobId, e2, (int) job.nTime(), nonce).get(10, TimeUnit.SECONDS);
        }
    }

    /** Starts the node (running or not), the source, the dispatcher and the server. */
    private void startPool(boolean nodeUp) {
        node = FakeBitcoind.start();
        closeables.add(node);
        // The node's tip is the parent of its template, as on a real node.
        node.on("getbestblockhash", Answer.result("\"" + VECTOR.previousBlockHash().displayHex() + "\""));
        if (!nodeUp) {
            node.stop();
        }
        BitcoindClient rpc = node.clientBuilder().requestTimeout(Duration.ofSeconds(5)).build();
        closeables.add(rpc);
        GbtJobSource source = GbtJobSource.builder().network(Network.REGTEST).node(rpc)
                .bestBlockPollInterval(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .blockVerification(2, Duration.ofMillis(20)).longPoll(false).build();
        JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(), registry);
        server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new BitcoinShareValidator(registry, source))
                .difficultyRange(Math.scalb(1.0, -32), 1e15).initialDifficulty(EASY).workerThreads(1)
                .guard(new ConnectionGuard(GuardSettings.defaults(), Clock.systemUTC()))
                .build().start();
        closeables.add(server);
        dispatcher.addListener(server);
        source.start(dispatcher);
        closeables.add(source);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT + " for " + what);
            }
            Thread.sleep(5);
        }
    }

    private void awaitWithdrawn(String jobId) throws InterruptedException {
        await("job " + jobId + " to be withdrawn", () -> registry.lookup(jobId).isStale());
    }

    private static void assertStale(SubmitResult result) {
        assertEquals(21, result.code(), result.toString());
        assertEquals(RejectReason.STALE.message(), result.message());
    }

    @Test
    void aNodeKilledMidRunWithdrawsTheJobsAndItsReturnBringsCleanWorkAndAcceptedShares() throws Exception {
        startPool(true);
        Miner miner = new Miner().logIn();
        MiningNotify first = miner.nextJob();
        assertTrue(first.cleanJobs());
        assertTrue(miner.submit(first.jobId()).isAccepted());

        node.stop();
        awaitWithdrawn(first.jobId());
        assertStale(miner.submit(first.jobId()));
        assertNull(miner.jobs.poll(300, TimeUnit.MILLISECONDS), "no job while the node is gone");
        Miner late = new Miner().logIn();
        assertNull(late.jobs.poll(300, TimeUnit.MILLISECONDS), "a miner arriving now gets no stale job either");
        assertTrue(server.stats().sessionsAuthorized() == 2, "the miners stay connected");

        node.restart();
        MiningNotify back = miner.nextJob();
        assertTrue(back.cleanJobs(), "the first job after the outage is clean");
        assertNotEquals(first.jobId(), back.jobId());
        assertEquals(back.jobId(), late.nextJob().jobId());
        assertTrue(miner.submit(back.jobId()).isAccepted());
        assertTrue(late.submit(back.jobId()).isAccepted());
        assertStale(miner.submit(first.jobId()));
        assertEquals(3, server.stats().sharesAccepted());
        assertEquals(2, server.stats().sharesRejected(RejectReason.STALE));
    }

    @Test
    void aNodeDownAtStartGivesMinersNoWorkUntilItComesUp() throws Exception {
        startPool(false);
        Miner miner = new Miner().logIn();
        assertNull(miner.jobs.poll(300, TimeUnit.MILLISECONDS), "no job while there is no node");

        node.restart();
        MiningNotify first = miner.nextJob();
        assertTrue(first.cleanJobs());
        assertTrue(miner.submit(first.jobId()).isAccepted());
    }

    @Test
    void aGarbageAnswerWithdrawsTheJobsAndTheNextOneIsClean() throws Exception {
        startPool(true);
        Miner miner = new Miner().logIn();
        MiningNotify first = miner.nextJob();

        node.enqueue("getbestblockhash", Answer.garbage());
        awaitWithdrawn(first.jobId());
        MiningNotify back = miner.nextJob();

        assertTrue(back.cleanJobs());
        assertStale(miner.submit(first.jobId()));
        assertTrue(miner.submit(back.jobId()).isAccepted());
    }

    @Test
    void aBlockTheNodeRefusesIsLoggedAndCountedAndTheShareStillCounts() throws Exception {
        startPool(true);
        node.on("submitblock", Answer.vector("submitblock-high-hash-or-duplicate.json"));
        node.on("getblockheader", Answer.rpcError(-5, "Block not found")); // the check: not on the node's chain
        Miner miner = new Miner().logIn();
        MiningNotify job = miner.nextJob();
        // About every other share meeting EASY is also a block on this regtest template.
        int shares = 0;
        while (server.stats().blocksFound() == 0 && shares++ < 64) {
            assertTrue(miner.submit(job.jobId()).isAccepted(), "a share is a share, whatever the node says of the block");
        }
        await("the node's verdict on the block", () -> server.stats().blocksRejected() == 1);
        assertEquals(0, server.stats().blocksAccepted());
        assertTrue(miner.client.isConnected());
        assertEquals(shares, server.stats().sharesAccepted());
    }
}
