package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import io.poolkit.core.share.ShareSink;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.testing.LeakTracking;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that stops reading, and a share flood, against a server over real TCP: the server's memory for a
 * connection stays bounded (its outbound bytes near the high-water mark, its shares waiting for the sink
 * near {@code maxPendingShares}), the other miners are unaffected, nothing is dropped, and a connection that
 * never reads again is closed after the grace period.
 */
@UsesSharedVectors // TestJobs' templates are the real regtest answers
@ExtendWith(LeakTracking.class)
@Timeout(90)
class BackpressureTest {
    private static final double EASY = Math.scalb(1.0, -31);
    /** The server's largest read: the lines one read can bring in before the session stops reading. */
    private static final int MAX_READ = StratumServer.MAX_READ_BYTES;
    private static final Pattern EXTRANONCE1 = Pattern.compile("\"([0-9a-f]{8})\",4\\]");

    private final List<AutoCloseable> closeables = new ArrayList<>();
    /**
     * Counts every byte the server's connections and notifies hold, exactly; without leak detection (each of
     * thousands of notifies tracked with stack traces would take most of the test's time), so the slow-reader
     * tests check that it returns to zero once the server stopped.
     */
    private final UnpooledByteBufAllocator counted = new UnpooledByteBufAllocator(true, true);
    private StratumServer server;

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static StratumServer.Builder builder() {
        return StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new ScriptedValidator()).workerThreads(1)
                .guard(new ConnectionGuard(GuardSettings.defaults(), Clock.systemUTC()));
    }

    private RawMiner loggedIn(String from, int receiveBuffer) throws Exception {
        RawMiner miner = RawMiner.connect(from, server.port(), receiveBuffer);
        closeables.add(miner);
        miner.send(RawMiner.SUBSCRIBE);
        miner.readLineContaining("\"id\":1");
        miner.send(RawMiner.AUTHORIZE);
        miner.readLineContaining("\"id\":2");
        return miner;
    }

    /** The server's channel of the miner whose local address is {@code local}. */
    private Channel serverSideOf(SocketAddress local) throws Exception {
        AtomicReference<Channel> found = new AtomicReference<>();
        server.core().onEveryLoop(loop -> {
            for (int i = 0; i < loop.sessionCount(); i++) {
                if (loop.session(i).remote().equals(local)) {
                    found.set(loop.session(i).channel());
                }
            }
        }).get(5, TimeUnit.SECONDS);
        assertNotNull(found.get(), "no session for " + local);
        return found.get();
    }

    private long usedBytes() {
        return counted.metric().usedDirectMemory() + counted.metric().usedHeapMemory();
    }

    /** Stops the server and checks that it gave back every byte it took from {@link #counted}. */
    private void assertEverythingReleased() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        closeables.clear();
        server.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
        assertEquals(0, usedBytes(), "bytes still held by the stopped server");
    }

    private static long pendingBytes(Channel channel) {
        var buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited 20 s for " + what);
            }
            Thread.sleep(5);
        }
    }

    // ------------------------------------------------------------------------------------- slow readers

    @Test
    void aClientThatStopsReadingIsBoundedGetsNoJobsAndIsClosedAfterTheGrace() throws Exception {
        server = builder().unwritableTimeout(Duration.ofSeconds(1)).allocator(counted).build().start();
        TestJobs jobs = new TestJobs();
        server.publish(jobs.next(true));
        RawMiner slow = loggedIn("127.0.0.1", 4096);
        Channel channel = serverSideOf(slow.socket.getLocalSocketAddress());
        AtomicReference<String> lastJob = new AtomicReference<>();
        StratumClient good = StratumClient.builder().host("127.0.0.1").port(server.port())
                .listener(new StratumClient.Listener() {
                    @Override
                    public void onNotify(MiningNotify notify) {
                        lastJob.set(notify.jobId());
                    }
                }).build();
        good.connect().get(10, TimeUnit.SECONDS);
        closeables.add(() -> good.close().get(10, TimeUnit.SECONDS));
        good.subscribe("good/1").get(10, TimeUnit.SECONDS);

        // Jobs as fast as the test can make them, until the slow connection's buffers are full.
        long most = 0;
        long mostUsed = 0;
        int published = 0;
        Job last = null;
        while (server.stats().notifiesSkipped() == 0 && published < 200_000) {
            last = jobs.withTransactions(false);
            server.publish(last);
            published++;
            most = Math.max(most, pendingBytes(channel));
            mostUsed = Math.max(mostUsed, usedBytes());
        }
        assertTrue(server.stats().notifiesSkipped() > 0, "the slow connection never filled its buffers");
        for (int i = 0; i < 2_000; i++) { // and many more while it is not reading
            last = jobs.withTransactions(false);
            server.publish(last);
            published++;
            most = Math.max(most, pendingBytes(channel));
            mostUsed = Math.max(mostUsed, usedBytes());
        }
        String lastId = last.id();
        await("the good miner to get the last job", () -> lastId.equals(lastJob.get()));
        System.out.printf("BackpressureTest: %,d jobs published; the slow connection's outbound bytes peaked at"
                + " %,d (high-water mark %,d), the server's buffers at %,d bytes; %,d notifies skipped%n", published,
                most, StratumServer.DEFAULT_HIGH_WATER_MARK, mostUsed, server.stats().notifiesSkipped());
        // At most the high-water mark plus what was written in the task that crossed it (one notify).
        assertTrue(most <= StratumServer.DEFAULT_HIGH_WATER_MARK + 4096, "outbound bytes grew to " + most);
        // Notifies are shared by every connection: the slow one holds duplicates of a few, not copies of all.
        assertTrue(mostUsed <= 1 << 20, "the server's buffers grew to " + mostUsed + " bytes");
        assertFalse(channel.config().isAutoRead(), "a connection that does not read is not read either");

        await("the slow connection to be closed", () -> !channel.isOpen());
        assertEquals(1, server.stats().sessionsClosedSlow());
        assertEquals(0, pendingBytes(channel));
        assertTrue(good.isConnected());
        assertEverythingReleased();
    }

    @Test
    void aClientThatReadsAgainGetsTheNewestJobMarkedCleanWhenItMissedACleanOne() throws Exception {
        server = builder().unwritableTimeout(Duration.ofSeconds(60)).allocator(counted).build().start();
        TestJobs jobs = new TestJobs();
        server.publish(jobs.next(true));
        RawMiner slow = loggedIn("127.0.0.1", 4096);
        Channel channel = serverSideOf(slow.socket.getLocalSocketAddress());
        int published = 0;
        while (server.stats().notifiesSkipped() == 0 && published++ < 200_000) {
            server.publish(jobs.withTransactions(false));
        }
        Job clean = jobs.next(true);
        server.publish(clean);
        Job newest = jobs.next(false);
        server.publish(newest);
        assertTrue(channel.isOpen());

        // Reading again: the backlog arrives, then the newest job, flagged clean since a clean one was missed.
        String line;
        String notifyOfNewest = null;
        int notifies = 0;
        while ((line = slow.nextLine()) != null) {
            if (line.contains("\"mining.notify\"")) {
                notifies++;
                if (line.contains("\"" + newest.id() + "\"")) {
                    notifyOfNewest = line;
                    break;
                }
                assertFalse(line.contains("\"" + clean.id() + "\""), "the missed clean job itself is not sent");
            }
        }
        assertNotNull(notifyOfNewest, "the newest job arrived");
        assertTrue(notifyOfNewest.endsWith(",true]}"), notifyOfNewest);
        // Jobs broadcast: the first, the loop's, the clean one and the newest. Skipped ones never arrive; the
        // newest may come once more as the missed job.
        long skipped = server.stats().notifiesSkipped();
        assertTrue(skipped > 0);
        assertTrue(notifies <= published + 3 - skipped + 1, notifies + " notifies for " + (published + 3)
                + " jobs, " + skipped + " skipped");
        assertTrue(channel.isOpen());
        assertTrue(channel.config().isAutoRead(), "read again once writable");
        assertEverythingReleased();
    }

    // ------------------------------------------------------------------------------------- share floods

    /** A sink that holds every share's future until the test's completer lets it go. */
    static final class HoldingSink implements ShareSink {
        final ConcurrentLinkedQueue<CompletableFuture<Void>> held = new ConcurrentLinkedQueue<>();
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger mostOutstanding = new AtomicInteger();

        @Override
        public CompletableFuture<Void> accept(Share share) {
            accepted.incrementAndGet();
            mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            CompletableFuture<Void> future = new CompletableFuture<>();
            held.add(future);
            return future;
        }

        @Override
        public CompletableFuture<Void> blockFound(FoundBlock block) {
            return CompletableFuture.completedFuture(null);
        }

        /** Lets up to {@code n} shares through, oldest first; how many it let through. */
        int release(int n) {
            int released = 0;
            CompletableFuture<Void> next;
            while (released < n && (next = held.poll()) != null) {
                outstanding.decrementAndGet();
                next.complete(null);
                released++;
            }
            return released;
        }
    }

    /** A logged-in flooder's connection, its extranonce1, and the submit lines it will send. */
    private record Flood(RawMiner miner, List<String> lines, int firstId) {}

    private Flood flood(String from, Job job, int shares, int firstId) throws Exception {
        RawMiner miner = RawMiner.connect(from, server.port());
        closeables.add(miner);
        miner.send(RawMiner.SUBSCRIBE);
        Matcher m = EXTRANONCE1.matcher(miner.readLineContaining("\"id\":1"));
        assertTrue(m.find());
        byte[] extranonce1 = Shares.bytes(Long.parseLong(m.group(1), 16), 4);
        miner.send(RawMiner.AUTHORIZE);
        miner.readLineContaining("\"id\":2");
        byte[] extranonce2 = {0, 0, 0, 1};
        List<String> lines = new ArrayList<>(shares);
        int nonce = 0;
        for (int i = 0; i < shares; i++) {
            nonce = Shares.findNonce(job, extranonce1, extranonce2, nonce, Shares.meets(EASY));
            lines.add("{\"id\": " + (firstId + i) + ", \"method\": \"mining.submit\", \"params\": [\"" + TestJobs.WORKER
                    + "\", \"" + job.id() + "\", \"00000001\", \"" + Shares.hex8(job.nTime()) + "\", \""
                    + Shares.hex8(nonce) + "\"]}");
            nonce++;
        }
        return new Flood(miner, lines, firstId);
    }

    /** Sends every line from its own thread; returns the thread. */
    private static Thread writer(Flood flood) {
        Thread thread = new Thread(() -> {
            try {
                StringBuilder all = new StringBuilder();
                for (String line : flood.lines()) {
                    all.append(line).append('\n');
                }
                flood.miner().sendBytes(all.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "flood-writer");
        thread.start();
        return thread;
    }

    /** Reads the flood's replies: each must be true, in order. */
    private static void assertEveryShareAcknowledgedInOrder(Flood flood) throws Exception {
        for (int i = 0; i < flood.lines().size(); i++) {
            assertEquals("{\"id\":" + (flood.firstId() + i) + ",\"result\":true,\"error\":null}", flood.miner().readLine());
        }
    }

    private StratumServer floodServer(HoldingSink sink, int maxPendingShares, int maxSharesInFlight,
            JobRegistry registry) {
        server = builder().shareValidator(new BitcoinShareValidator(registry,
                        candidate -> CompletableFuture.completedFuture(BlockVerdict.accepted())))
                .shareSink(sink).difficultyRange(Math.scalb(1.0, -32), 1e15).initialDifficulty(EASY)
                .maxPendingShares(maxPendingShares).maxSharesInFlight(maxSharesInFlight)
                .guard(new ConnectionGuard(GuardSettings.builder().withoutSubmitRateLimit().build(), Clock.systemUTC()))
                .build().start();
        return server;
    }

    private static Job publishedJob(StratumServer server, JobRegistry registry) {
        JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(), registry);
        dispatcher.addListener(server);
        dispatcher.onTemplate(Shares.hardTemplate(), true);
        return registry.current();
    }

    /** Releases shares a few at a time until {@code total} went through (bounded in time). */
    private static void drip(HoldingSink sink, int total) throws InterruptedException {
        int released = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (released < total) {
            if (System.nanoTime() > deadline) {
                fail("only " + released + " of " + total + " shares reached the sink");
            }
            released += sink.release(16);
            Thread.sleep(1);
        }
    }

    private static int linesPerRead(Flood flood) {
        int shortest = flood.lines().stream().mapToInt(String::length).min().orElseThrow() + 1;
        return MAX_READ / shortest + 1;
    }

    @Test
    void aShareFloodFromOneMinerWaitsForTheSinkWithinTheSessionBoundAndIsAllAnswered() throws Exception {
        HoldingSink sink = new HoldingSink();
        JobRegistry registry = new JobRegistry();
        floodServer(sink, 16, 1_000_000, registry);
        Job job = publishedJob(server, registry);
        Flood flood = flood("127.0.0.1", job, 5_000, 100);

        Thread writer = writer(flood);
        drip(sink, flood.lines().size());
        assertEveryShareAcknowledgedInOrder(flood);
        writer.join(10_000);

        int bound = 16 + linesPerRead(flood);
        System.out.printf("BackpressureTest: 5,000 shares from one miner, at most %d waiting for the sink at once"
                + " (bound %d: maxPendingShares 16 + one read of %d lines); reads paused %d times%n",
                sink.mostOutstanding.get(), bound, linesPerRead(flood), server.stats().readsPaused());
        assertTrue(sink.mostOutstanding.get() <= bound, "shares waiting peaked at " + sink.mostOutstanding.get());
        assertTrue(server.stats().readsPaused() > 0);
        assertEquals(5_000, sink.accepted.get(), "every share reached the sink, none dropped");
        assertEquals(5_000, server.stats().sharesAccepted());
        assertEquals(0, server.core().inFlight.get());
    }

    @Test
    void floodsFromSeveralMinersStayWithinTheServerBound() throws Exception {
        HoldingSink sink = new HoldingSink();
        JobRegistry registry = new JobRegistry();
        floodServer(sink, 100_000, 64, registry);
        Job job = publishedJob(server, registry);
        Flood first = flood("127.0.0.2", job, 2_000, 100);
        Flood second = flood("127.0.0.3", job, 2_000, 100);

        Thread one = writer(first);
        Thread two = writer(second);
        CompletableFuture<Void> firstReader = reader(first);
        CompletableFuture<Void> secondReader = reader(second);
        drip(sink, 4_000);
        firstReader.get(30, TimeUnit.SECONDS); // every reply arrived, true and in order
        secondReader.get(30, TimeUnit.SECONDS);
        one.join(10_000);
        two.join(10_000);

        // Each miner's loop may finish the read under way when the count crosses the bound and, with the sink
        // releasing concurrently, start one more before the pause reaches it: runs here peaked at one read per
        // miner plus up to 43 lines. The point is a bound set by configuration, not by the 4,000-share flood.
        int bound = 64 + 2 * (linesPerRead(first) + linesPerRead(second));
        System.out.printf("BackpressureTest: 2 x 2,000 shares, at most %d waiting for the sink at once (bound %d:"
                + " maxSharesInFlight 64 + two reads per miner); reads paused %d times%n", sink.mostOutstanding.get(),
                bound, server.stats().readsPaused());
        assertTrue(sink.mostOutstanding.get() <= bound, "shares waiting peaked at " + sink.mostOutstanding.get());
        assertTrue(server.stats().readsPaused() > 0);
        assertEquals(4_000, sink.accepted.get());
        assertEquals(4_000, server.stats().sharesAccepted());
    }

    /** Reads the flood's replies on a thread of its own; the future fails with what went wrong. */
    private static CompletableFuture<Void> reader(Flood flood) {
        return CompletableFuture.runAsync(() -> {
            try {
                assertEveryShareAcknowledgedInOrder(flood);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
