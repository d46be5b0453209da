package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.codec.FuzzLines;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.testing.LeakTracking;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * More than a million hostile lines ({@link FuzzLines}: random bytes, invalid UTF-8, truncated and deeply
 * nested JSON, huge numbers and strings, wrong types, every method with every wrong parameter shape) sent
 * over real TCP into live sessions of a started {@link StratumServer}, with its whole pipeline, the real
 * share validator and the guard in place. After each batch of 1,024 lines a ping must be answered on the
 * same connection: no line closed a session or stopped it answering. At the end: no session logic threw
 * ({@code internalErrors} 0), every event loop still runs tasks, a well-behaved {@link StratumClient} logs in
 * and is answered, every buffer the server took is given back (counted exactly by the allocator the server
 * was given), leaks are checked, and the heap is back to its baseline. The run prints
 * {@code live-fuzzed N lines}.
 */
@UsesSharedVectors // TestJobs' templates are the real regtest answers
class LiveSessionFuzzTest {
    private static final int TRIES = 1000;
    private static final int LINES_PER_TRY = 1024;
    private static final int CONNECTIONS = 4;
    private static final int LIMIT = StratumFrameDecoder.DEFAULT_MAX_LINE_LENGTH;
    private static final long HEAP_SLACK = 16L << 20;

    private static final UnpooledByteBufAllocator COUNTED = new UnpooledByteBufAllocator(true, true);
    private static StratumServer server;
    private static Connection[] connections;
    private static long baselineHeap;
    private static long startNanos;
    // jqwik runs the tries of a property one after another on one thread.
    private static long lines;
    private static long bytes;
    private static int tries;

    @BeforeContainer
    static void startServer() throws Exception {
        baselineHeap = usedHeapAfterGc();
        JobRegistry registry = new JobRegistry();
        server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new BitcoinShareValidator(registry,
                        candidate -> CompletableFuture.completedFuture(BlockVerdict.accepted())))
                .workerThreads(2)
                // Loopback is exempt from the per-address rules (the fuzzer would be banned in its first batch),
                // but the guard still sees every event and limits every session's submits.
                .guard(new ConnectionGuard(GuardSettings.builder().exemptLoopback(true).build(), Clock.systemUTC()))
                .subscribeTimeout(Duration.ofMinutes(10)).idleTimeout(Duration.ofMinutes(10))
                .allocator(COUNTED)
                .build().start();
        JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(), registry);
        dispatcher.addListener(server);
        dispatcher.onTemplate(TestJobs.WITH_TRANSACTIONS, true);
        connections = new Connection[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            connections[i] = new Connection(server.port(), i);
        }
        startNanos = System.nanoTime();
    }

    @AfterContainer
    static void checkTheServerAfterwards() throws Exception {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        try {
            long replies = 0;
            for (Connection connection : connections) {
                replies += connection.lines.get();
            }
            StratumServerStats stats = server.stats();
            System.out.printf("live-fuzzed %,d lines (%,d bytes) in %.1f s over %d live sessions: %,d replies, %,d"
                    + " protocol errors, %,d shares judged, %,d rate-limited; internal errors %d%n", lines, bytes, seconds,
                    CONNECTIONS, replies, stats.protocolErrors(), stats.sharesRejectedTotal() + stats.sharesAccepted(),
                    stats.sharesRejected(io.poolkit.core.share.RejectReason.RATE_LIMITED), stats.internalErrors());
            assertTrue(lines >= 1_000_000, "only " + lines + " lines fuzzed");
            assertEquals(0, stats.internalErrors(), "the session logic threw");
            assertEquals(CONNECTIONS, stats.connectionsOpen(), "every fuzzed session is still open");

            // Every event loop still runs tasks.
            server.core().onEveryLoop(loop -> { }).get(5, TimeUnit.SECONDS);
            assertEquals(2, server.core().loops().size());
            // A well-behaved miner is served.
            StratumClient client = StratumClient.builder().host("127.0.0.1").port(server.port())
                    .requestTimeout(Duration.ofSeconds(10)).build();
            client.connect().get(10, TimeUnit.SECONDS);
            assertEquals(4, client.subscribe("after-the-fuzz/1").get(10, TimeUnit.SECONDS).extranonce().extranonce2Size());
            assertTrue(client.authorize(TestJobs.WORKER, "x").get(10, TimeUnit.SECONDS));
            StratumResponse pong = client.request("mining.ping", List.of()).get(10, TimeUnit.SECONDS);
            assertEquals("pong", pong.result().asString());
            client.close().get(10, TimeUnit.SECONDS);
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
            server.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
        }
        long used = COUNTED.metric().usedDirectMemory() + COUNTED.metric().usedHeapMemory();
        assertEquals(0, used, "bytes the stopped server still holds");
        long heap = usedHeapAfterGc();
        System.out.printf("live fuzz: used heap after GC %,d KiB before, %,d KiB after%n", baselineHeap >> 10,
                heap >> 10);
        assertTrue(heap - baselineHeap < HEAP_SLACK, "the heap grew from " + baselineHeap + " to " + heap + " bytes");
        LeakTracking.assertNoLeaks();
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
    void everyBatchOfHostileLinesLeavesTheSessionAnswering(@ForAll long seed) throws Exception {
        int n = tries++;
        Connection connection = connections[n % CONNECTIONS];
        FuzzLines generator = new FuzzLines(seed, LIMIT);
        SplittableRandom random = new SplittableRandom(~seed);
        ByteArrayOutputStream batch = new ByteArrayOutputStream(LINES_PER_TRY * 256);
        for (int i = 0; i < LINES_PER_TRY; i++) {
            FuzzLines.Line line = generator.next();
            batch.writeBytes(line.bytes);
            if (random.nextInt(5) == 0) {
                batch.write('\r');
            }
            batch.write('\n');
        }
        String sentinel = "sentinel-" + n;
        batch.writeBytes(("{\"id\":\"" + sentinel + "\",\"method\":\"mining.ping\",\"params\":[]}\n")
                .getBytes(StandardCharsets.US_ASCII));
        connection.send(batch.toByteArray());
        String answered = connection.sentinels.poll(30, TimeUnit.SECONDS);
        assertNotNull(answered, "no answer to the ping after batch " + n + " (seed " + seed + ")");
        assertEquals(sentinel, answered, "seed " + seed);
        lines += LINES_PER_TRY;
        bytes += batch.size();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * One fuzzing connection: the test thread writes batches, a reader thread drains every reply (a client that
     * stopped reading would, rightly, be stopped by the server) and hands over the pings' answers.
     */
    private static final class Connection {
        private static final byte[] SENTINEL_PREFIX = "{\"id\":\"sentinel-".getBytes(StandardCharsets.US_ASCII);

        final BlockingQueue<String> sentinels = new LinkedBlockingQueue<>();
        final AtomicLong lines = new AtomicLong();
        private final Socket socket;
        private final OutputStream out;
        private final Thread reader;

        Connection(int port, int index) throws IOException {
            socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            reader = new Thread(() -> read(in), "live-fuzz-reader-" + index);
            reader.setDaemon(true);
            reader.start();
        }

        void send(byte[] data) throws IOException {
            out.write(data);
            out.flush();
        }

        private void read(InputStream in) {
            byte[] buffer = new byte[64 * 1024];
            byte[] line = new byte[256];
            int length = 0;
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        if (b == '\n') {
                            lines.incrementAndGet();
                            if (startsWithSentinel(line, length)) {
                                String text = new String(line, 0, length, StandardCharsets.US_ASCII);
                                sentinels.add(text.substring(7, text.indexOf('"', 7)));
                            }
                            length = 0;
                        } else if (length < line.length) {
                            line[length++] = b;
                        }
                    }
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }

        private static boolean startsWithSentinel(byte[] line, int length) {
            if (length < SENTINEL_PREFIX.length) {
                return false;
            }
            for (int i = 0; i < SENTINEL_PREFIX.length; i++) {
                if (line[i] != SENTINEL_PREFIX[i]) {
                    return false;
                }
            }
            return true;
        }

        void close() throws Exception {
            socket.close();
            reader.join(5_000);
        }
    }
}
