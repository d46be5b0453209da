package io.poolkit.benchmarks.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.poolkit.benchmarks.load.LoadOptions.Mode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Drives a Stratum pool over loopback with many {@link io.poolkit.stratum.client.StratumClient}s and reports
 * what the pool did: responses per second, accepted and rejected shares by reason, answer latency percentiles,
 * job fan-out from the first to the last connection, and (given the pool's process id) its resident set growth
 * per connection and live heap per session.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar io.poolkit.benchmarks.load.LoadHarness \
 *     --port 3333 --connections 1000 --mode closed --in-flight 1 --duration 20s --pid $POOL_PID \
 *     --json load.json --accepted-log accepted.tsv
 * }</pre>
 *
 * <p>A run: open the connections (at most {@code --max-pending} handshakes at once, spread over source
 * addresses 127.0.0.x), wait for each one's first job, sample the pool's memory, then submit (closed loop with K
 * in flight per connection, or a fixed aggregate rate) or hold the connections idle for {@code --duration},
 * wait up to {@code --drain} for the last answers and for the last job to reach every connection, close
 * everything. Every phase is bounded in time, and the connections in number
 * ({@value LoadOptions#MAX_CONNECTIONS}); all clients share a few event loop threads.
 *
 * <p>The neutral measurement is the C generator in {@code ../shared/tools}; this harness is for what it cannot
 * do: record every accepted share for {@link LedgerCheck}, and drive a pool from Java tests.
 */
public final class LoadHarness {
    private LoadHarness() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line's work, returning the exit status: 0 after a run, 2 for a bad option, 1 otherwise. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (CommandOptions.wantsHelp(args)) {
            out.print(LoadOptions.COMMAND.help());
            return 0;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (UsageException e) {
            err.println("load: " + e.getMessage() + " (see --help)");
            return 2;
        }
        MemoryProbe memory = options.pid.isPresent() ? MemoryProbe.ofProcess(options.pid.getAsLong())
                : MemoryProbe.none();
        try {
            LoadReport report = run(options, memory, err);
            report.print(out);
            if (options.json.isPresent()) {
                report.writeJson(options.json.get());
            }
            return report.connect.ready() > 0 ? 0 : 1;
        } catch (LoadException | IOException e) {
            err.println("load: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("load: interrupted");
            return 1;
        }
    }

    /** A run that cannot start or cannot finish (too few file descriptors, no log file). */
    static final class LoadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoadException(String message) {
            super(message);
        }
    }

    /**
     * One run against the pool the options name; {@code progress} gets a line per phase. Returns once every
     * connection is closed.
     */
    static LoadReport run(LoadOptions options, MemoryProbe memory, PrintStream progress)
            throws IOException, InterruptedException {
        checkOpenFileLimit(options.connections);
        AcceptedShareLog log = options.acceptedLog.isPresent() ? AcceptedShareLog.create(options.acceptedLog.get())
                : null;
        LoadRun run = new LoadRun(options, log);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.eventLoops,
                new DefaultThreadFactory("load-io", true),
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        List<LoadConnection> opened = new ArrayList<>(options.connections);
        try {
            long rssBefore = memory.rssKib();
            long heapBefore = memory.liveHeapBytes();

            progress.printf("load: opening %d connections to %s:%d%n", options.connections, options.host,
                    options.port);
            long connectStart = System.nanoTime();
            Map<String, Long> failures = connect(options, run, group, opened);
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            List<LoadConnection> ready = new ArrayList<>();
            for (LoadConnection c : opened) {
                if (c.isReady()) {
                    ready.add(c);
                }
            }
            progress.printf("load: %d ready in %.2f s%n", ready.size(), connectSeconds);

            long settleEnd = System.nanoTime() + options.settle.toNanos();
            while (ready.stream().anyMatch(c -> !c.hasJob()) && System.nanoTime() < settleEnd) {
                Thread.sleep(10);
            }
            int withJob = (int) ready.stream().filter(LoadConnection::hasJob).count();

            long rssConnected = memory.rssKib();
            long heapConnected = memory.liveHeapBytes();

            progress.printf("load: %s for %.1f s%n", options.mode == Mode.IDLE ? "holding" : "submitting",
                    options.duration.toNanos() / 1e9);
            run.fanOut.startTracking();
            run.submitting(true);
            long runStart = System.nanoTime();
            long runEnd = runStart + options.duration.toNanos();
            if (options.mode == Mode.CLOSED) {
                for (LoadConnection c : ready) {
                    c.fill();
                }
            }
            if (options.mode == Mode.RATE) {
                pace(options.rate, ready, run, runEnd);
            }
            sleepUntil(runEnd);
            run.submitting(false);
            run.fanOut.stopTracking();
            long responsesInRun = run.stats.responses.sum();
            double runSeconds = (System.nanoTime() - runStart) / 1e9;

            // The drain: the last answers, and the last job's way to every connection.
            long drainEnd = System.nanoTime() + options.drain.toNanos();
            while ((ready.stream().anyMatch(c -> c.inFlight() > 0) || !run.fanOut.allReached(ready.size()))
                    && System.nanoTime() < drainEnd) {
                Thread.sleep(5);
            }
            // The figures as they stand at the end of the drain: closing fails what is still unanswered.
            long disconnected = run.disconnected.sum();
            LoadStats s = run.stats;
            LoadReport.Shares shares = new LoadReport.Shares(runSeconds, s.sent.sum(), responsesInRun,
                    s.responses.sum(), s.accepted.sum(), s.rejected.sum(), s.errors.sum(), s.rateBacklog.sum(),
                    s.reasons(), s.errorKinds());
            LoadReport.Latency latency = latency(s.latencies());
            closeAll(opened);
            long logged = 0;
            if (log != null) {
                log.close();
                logged = log.lines();
            }
            return new LoadReport(options,
                    new LoadReport.Connect(connectSeconds, opened.size(), ready.size(), withJob, failures, disconnected),
                    shares, latency, run.fanOut.broadcastJobs(),
                    new LoadReport.Memory(memory.describe(), rssBefore, rssConnected, heapBefore, heapConnected,
                            ready.size()),
                    options.acceptedLog, logged);
        } finally {
            closeAll(opened);
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            if (log != null) {
                try {
                    log.close();
                } catch (IOException e) {
                    // already reported by the close above, when the run got that far
                }
            }
        }
    }

    /** Opens every connection, at most {@code maxPending} handshakes at once; returns why some did not get ready. */
    private static Map<String, Long> connect(LoadOptions options, LoadRun run, EventLoopGroup group,
                                             List<LoadConnection> opened) throws InterruptedException {
        Map<String, Long> failures = new TreeMap<>();
        Semaphore pending = new Semaphore(options.maxPending);
        List<CompletableFuture<Void>> handshakes = new ArrayList<>(options.connections);
        long deadline = System.nanoTime() + options.connectTimeout.toNanos();
        for (int i = 0; i < options.connections; i++) {
            if (!pending.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            LoadConnection connection = new LoadConnection(i, run);
            opened.add(connection);
            CompletableFuture<Void> handshake;
            try {
                handshake = connection.open(group);
            } catch (RuntimeException e) {
                handshake = CompletableFuture.failedFuture(new LoadConnection.HandshakeException(
                        "cannot start: " + e.getMessage()));
            }
            handshakes.add(handshake.whenComplete((ok, e) -> pending.release()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(handshakes.stream()
                .map(h -> h.exceptionally(e -> null)).toArray(CompletableFuture<?>[]::new));
        try {
            all.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the handshakes not done are counted below
        }
        for (int i = 0; i < handshakes.size(); i++) {
            CompletableFuture<Void> h = handshakes.get(i);
            String failure = null;
            if (!h.isDone()) {
                failure = "handshake not done within --connect-timeout";
                opened.get(i).close();
            } else if (h.isCompletedExceptionally()) {
                failure = h.handle((ok, e) -> reason(e)).join();
            }
            if (failure != null) {
                failures.merge(failure, 1L, Long::sum);
            }
        }
        int notOpened = options.connections - opened.size();
        if (notOpened > 0) {
            failures.merge("not opened within --connect-timeout", (long) notOpened, Long::sum);
        }
        return failures;
    }

    private static String reason(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof LoadConnection.HandshakeException ? cause.getMessage() : cause.toString();
    }

    /**
     * The fixed-rate mode: {@code rate} shares a second over the ready connections in turn, skipping those with
     * their maximum in flight; a backlog over a tenth of a second's worth is dropped and counted, as the C
     * generator does, so a pool that cannot keep up is not flooded afterwards.
     */
    private static void pace(double rate, List<LoadConnection> ready, LoadRun run, long runEnd) {
        int n = ready.size();
        if (n == 0) {
            return;
        }
        double tokens = 0;
        long last = System.nanoTime();
        int cursor = 0;
        for (long now = last; now < runEnd; now = System.nanoTime()) {
            tokens += (now - last) * rate / 1e9;
            last = now;
            int scanned = 0;
            while (tokens >= 1 && scanned < n) {
                LoadConnection c = ready.get(cursor);
                cursor = cursor + 1 == n ? 0 : cursor + 1;
                if (c.trySubmit()) {
                    tokens -= 1;
                    scanned = 0;
                } else {
                    scanned++;
                }
            }
            if (tokens > rate * 0.1 + 1) {
                run.stats.rateBacklog.add((long) tokens);
                tokens = 0;
            }
            LockSupport.parkNanos(Math.min(200_000, Math.max(0, runEnd - now)));
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 100_000_000));
        }
    }

    /** Closes every connection, waiting at most 10 s. */
    private static void closeAll(List<LoadConnection> connections) throws InterruptedException {
        CompletableFuture<?>[] closes = new CompletableFuture<?>[connections.size()];
        for (int i = 0; i < closes.length; i++) {
            closes[i] = connections.get(i).close();
        }
        try {
            CompletableFuture.allOf(closes).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // closing is best effort at the end of a run
        }
    }

    private static LoadReport.Latency latency(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LoadReport.Latency(0, 0, 0, 0, 0, 0, 0);
        }
        return new LoadReport.Latency(h.getTotalCount(), micros(h.getValueAtPercentile(50)),
                micros(h.getValueAtPercentile(90)), micros(h.getValueAtPercentile(99)),
                micros(h.getValueAtPercentile(99.9)), micros(h.getMaxValue()), h.getMean() / 1000);
    }

    private static double micros(long nanos) {
        return nanos / 1000.0;
    }

    /**
     * Fails early when this process may not open enough files for the connections (Linux: the soft limit in
     * {@code /proc/self/limits}; elsewhere nothing is checked).
     */
    static void checkOpenFileLimit(int connections) {
        Path limits = Path.of("/proc/self/limits");
        if (!Files.isReadable(limits)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(limits, StandardCharsets.US_ASCII)) {
                if (line.startsWith("Max open files")) {
                    String[] parts = line.substring("Max open files".length()).strip().split("\\s+");
                    if (parts[0].equals("unlimited")) {
                        return;
                    }
                    long soft = Long.parseLong(parts[0]);
                    long needed = connections + 200L;
                    if (soft < needed) {
                        throw new LoadException("this process may open " + soft + " files, and " + connections
                                + " connections need about " + needed + ": raise it first (ulimit -n 20000)");
                    }
                    return;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: let the connections fail with their own errors if it is too low
        }
    }
}
