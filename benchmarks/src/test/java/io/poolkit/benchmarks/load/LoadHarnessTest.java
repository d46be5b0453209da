package io.poolkit.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.benchmarks.load.LoadOptions.Mode;
import io.poolkit.benchmarks.load.LoadStats.Reason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoadHarness} against a whole pool in this process ({@link TestPool}: a durable SQLite ledger behind the
 * Stratum server), in each mode, with a few connections for a few seconds: its figures add up, the ledger holds
 * exactly the shares it saw accepted, and {@link LedgerCheck} agrees (and notices a share taken away).
 */
@Timeout(120)
class LoadHarnessTest {
    /** Below 2<sup>-32</sup>: every random share meets the target. */
    private static final double TINY = 0x1p-33;
    /** Far above what random shares reach: none of them is a block. */
    private static final double HARD_CHAIN = 1e4;

    @TempDir
    Path dir;

    private static LoadOptions.Builder options(TestPool pool, Mode mode, int connections) {
        return LoadOptions.builder().port(pool.port()).connections(connections).mode(mode)
                .duration(Duration.ofSeconds(2)).settle(Duration.ofSeconds(10)).drain(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(30)).eventLoops(1);
    }

    private static LoadReport run(LoadOptions options, MemoryProbe memory) throws Exception {
        return LoadHarness.run(options, memory, System.err);
    }

    @Test
    void closedLoopOnTheAcceptedPathEveryAcknowledgedShareIsInTheLedger() throws Exception {
        Path log = dir.resolve("accepted.tsv");
        Path json = dir.resolve("load.json");
        LoadReport report;
        TestPool pool = new TestPool(dir, TINY, HARD_CHAIN);
        try {
            report = run(options(pool, Mode.CLOSED, 12).inFlight(2).sourceAddresses(3).acceptedLog(log)
                    .build(), MemoryProbe.none());
            report.writeJson(json);
        } finally {
            pool.close(); // the ledger is flushed and closed
        }
        LoadReport.Shares s = report.shares;
        assertEquals(12, report.connect.ready());
        assertEquals(12, report.connect.withJob());
        assertTrue(s.accepted() > 100, "accepted " + s.accepted());
        assertEquals(s.responses(), s.accepted() + s.rejected(), "every answer is an acceptance or a rejection");
        assertEquals(0, s.errors(), s.errorKinds().toString());
        assertEquals(0, s.unanswered());
        assertEquals(s.sent(), s.responses());
        assertTrue(s.responsesInRun() <= s.responses() && s.responsesPerSecond() > 0);
        assertEquals(s.responses(), report.latency.count());
        assertTrue(report.latency.p50() > 0 && report.latency.p50() <= report.latency.p99()
                && report.latency.p99() <= report.latency.p999() && report.latency.p999() <= report.latency.max());

        // The ledger holds exactly the accepted shares, and the log names each of them.
        assertEquals(s.accepted(), pool.ledgerShares());
        assertEquals(s.accepted(), report.acceptedLogged);
        assertEquals(s.accepted(), AcceptedShareLog.read(log).size());
        assertEquals(s.accepted(), jsonLong(json, "accepted"));
        assertEquals(s.responses(), jsonLong(json, "responses_total"));

        LedgerCheck.Result check = LedgerCheck.checkLog(pool.ledgerFile.toString(), log, 1_000);
        assertEquals(s.accepted(), check.acknowledged());
        assertEquals(0, check.missing(), check.examples().toString());
        assertEquals(0, ledgerCheck("--ledger", pool.ledgerFile.toString(), "--accepted-log", log.toString()));

        // A ledger that lost a share: found, and the check fails.
        pool.deleteNewestShare();
        LedgerCheck.Result lost = LedgerCheck.checkLog(pool.ledgerFile.toString(), log, 1_000);
        assertEquals(1, lost.missing());
        assertEquals(1, lost.examples().size());
        assertEquals(1, ledgerCheck("--ledger", pool.ledgerFile.toString(), "--accepted-log", log.toString()));
    }

    @Test
    void closedLoopOnTheRejectPathCountsEveryLowDifficultyShare() throws Exception {
        LoadReport report;
        TestPool pool = new TestPool(dir, 1, HARD_CHAIN);
        try {
            report = run(options(pool, Mode.CLOSED, 10).build(), MemoryProbe.none());
        } finally {
            pool.close();
        }
        LoadReport.Shares s = report.shares;
        assertTrue(s.rejected() > 100, "rejected " + s.rejected());
        assertEquals(s.responses(), s.accepted() + s.rejected());
        assertEquals(s.sent(), s.responses() + s.errors() + s.unanswered());
        assertEquals(0, s.errors());
        // At difficulty 1 a random share meets the target once in 2^32: all of these are "low difficulty" (23).
        Map<Reason, Long> reasons = s.reasons();
        assertEquals(1, reasons.size(), reasons.toString());
        Reason only = reasons.keySet().iterator().next();
        assertEquals(23, only.code());
        assertEquals(s.rejected(), reasons.get(only));
        assertEquals(s.accepted(), pool.ledgerShares());
    }

    @Test
    void fixedRateSendsNoMoreThanTheRateAndTheLedgerHasEveryAcceptedShare() throws Exception {
        Path log = dir.resolve("accepted.tsv");
        double rate = 400;
        LoadReport report;
        TestPool pool = new TestPool(dir, TINY, HARD_CHAIN);
        try {
            report = run(options(pool, Mode.RATE, 10).rate(rate).inFlight(4).acceptedLog(log).build(),
                    MemoryProbe.none());
        } finally {
            pool.close();
        }
        LoadReport.Shares s = report.shares;
        double budget = rate * s.runSeconds();
        assertTrue(s.sent() <= budget + 1, "sent " + s.sent() + " at " + rate + "/s for " + s.runSeconds() + " s");
        assertTrue(s.sent() + s.rateBacklog() >= budget / 2, "sent " + s.sent() + " of " + budget);
        assertEquals(s.responses(), s.accepted() + s.rejected());
        assertEquals(s.sent(), s.responses());
        assertEquals(s.accepted(), pool.ledgerShares());
        assertEquals(0, LedgerCheck.checkLog(pool.ledgerFile.toString(), log, 1_000).missing());
    }

    @Test
    void idleConnectionsSeeEveryNewBlockAndTheMemoryIsSampled() throws Exception {
        int connections = 40;
        TestPool pool = new TestPool(dir, 1, 0x1p-13);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger mined = new AtomicInteger();
        // New blocks, every 300 ms once every connection is authorised, for the harness's run phase to see.
        CompletableFuture<Void> miner = CompletableFuture.runAsync(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!stop.get() && System.nanoTime() < end) {
                if (pool.server.stats().sessionsAuthorized() >= connections) {
                    pool.mineBlock();
                    mined.incrementAndGet();
                }
                sleep(300);
            }
        });
        LoadReport report;
        try {
            report = run(options(pool, Mode.IDLE, connections).duration(Duration.ofSeconds(3)).build(),
                    MemoryProbe.ofThisProcess());
        } finally {
            stop.set(true);
            miner.join();
            pool.close();
        }
        assertEquals(connections, report.connect.ready());
        assertEquals(0, report.shares.sent());
        assertEquals(0, report.shares.responses());
        assertTrue(mined.get() > 0);
        List<FanOut.Job> fanOut = report.fanOut;
        assertFalse(fanOut.isEmpty(), "new blocks were mined during the run, so jobs fanned out");
        for (FanOut.Job job : fanOut) {
            assertTrue(job.clean(), job.toString());
            assertEquals(connections, job.recipients(), job.toString());
            assertTrue(job.firstToLastMillis() >= job.firstToMedianMillis() && job.firstToMedianMillis() >= 0);
        }
        LoadReport.Memory m = report.memory;
        assertEquals(connections, m.sessions());
        assertTrue(m.rssBeforeKib() > 0 && m.rssConnectedKib() > 0, m.toString());
        assertTrue(m.heapBeforeBytes() > 0 && m.heapConnectedBytes() > 0, m.toString());
        assertFalse(Double.isNaN(m.rssPerConnectionKib()) || Double.isNaN(m.heapPerSessionBytes()));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        report.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        String printed = text.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("recipients=" + connections + "/" + connections), printed);
        assertTrue(printed.contains("per session"), printed);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int ledgerCheck(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LedgerCheck.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        System.out.print(out.toString(StandardCharsets.UTF_8));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        return status;
    }

    /** A top-level number of a JSON report. */
    private static long jsonLong(Path json, String field) throws Exception {
        Map<String, Long> numbers = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(json.toFile())) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                    numbers.put(name, p.getLongValue());
                }
                p.skipChildren();
            }
        }
        assertTrue(numbers.containsKey(field), field + " in " + numbers.keySet());
        return numbers.get(field);
    }
}
