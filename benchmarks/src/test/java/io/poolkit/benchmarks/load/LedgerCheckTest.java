package io.poolkit.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.core.share.Share;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LedgerCheck} on a real ledger (pool-accounting's SQLite schema): by share against a harness's log
 * (per worker and time), and by count against the C generator's JSON.
 */
class LedgerCheckTest {
    private static final String WORKER = LoadOptions.DEFAULT_ADDRESS + ".w";

    @TempDir
    Path dir;

    /** A ledger holding {@code perWorker[i]} shares of worker {@code w<i>}, each at {@code at}. */
    private Path ledger(Instant at, int... perWorker) {
        Path file = dir.resolve("ledger.db");
        try (JdbcLedger ledger = JdbcLedger.builder().sqlite(file)
                .scheme(PayoutSchemes.byName("prop", Map.of("fee.bps", "100"))).build()) {
            List<CompletableFuture<Void>> commits = new ArrayList<>();
            for (int w = 0; w < perWorker.length; w++) {
                for (int i = 0; i < perWorker[w]; i++) {
                    commits.add(ledger.accept(new Share(LoadOptions.DEFAULT_ADDRESS, WORKER + w, 1e-9, 1, 101,
                            5_000_000_000L, 0, at)));
                }
            }
            CompletableFuture.allOf(commits.toArray(new CompletableFuture<?>[0])).join();
        }
        return file;
    }

    private Path log(long ackMillis, int... perWorker) throws Exception {
        Path file = dir.resolve("accepted.tsv");
        try (AcceptedShareLog log = AcceptedShareLog.create(file)) {
            for (int w = 0; w < perWorker.length; w++) {
                for (int i = 0; i < perWorker[w]; i++) {
                    log.append(WORKER + w, "job" + w, String.format("%08x", i), "6b0715a1", "0000abcd", ackMillis + i);
                }
            }
        }
        return file;
    }

    @Test
    void matchesEachAcknowledgementToALedgerRowOfItsWorker() throws Exception {
        Instant accepted = Instant.ofEpochMilli(1_800_000_000_000L);
        Path ledger = ledger(accepted, 3, 2, 4);
        assertEquals(0, LedgerCheck.checkLog(ledger.toString(), log(accepted.toEpochMilli(), 3, 2, 4), 0).missing());
        // Fewer acknowledged than recorded: nothing missing (answers that never arrived).
        assertEquals(0, LedgerCheck.checkLog(ledger.toString(), log(accepted.toEpochMilli(), 1, 2, 0), 0).missing());
        // More acknowledged for one worker than it has rows: those are missing, even though the total matches.
        LedgerCheck.Result r = LedgerCheck.checkLog(ledger.toString(), log(accepted.toEpochMilli(), 2, 4, 3), 0);
        assertEquals(9, r.acknowledged());
        assertEquals(9, r.ledgerRows());
        assertEquals(2, r.missing());
        assertTrue(r.examples().get(0).startsWith(WORKER + "1 job job1"), r.examples().toString());
        // An acknowledgement from before its worker's share was recorded cannot be that share.
        assertEquals(3, LedgerCheck.checkLog(ledger.toString(), log(accepted.toEpochMilli() - 5_000, 3, 0, 0), 1_000)
                .missing());
    }

    @Test
    void comparesTheGeneratorsAcceptedCountWithTheLedgersRows() throws Exception {
        Path ledger = ledger(Instant.now(), 5, 5);
        Path json = dir.resolve("run.json");
        Files.writeString(json, "{\n \"target\":\"127.0.0.1:3333\",\"mode\":\"submit\",\"conns\":2,\n"
                + " \"latency_us\":{\"p50\":10,\"n\":10},\"run_s\":1.0,\"sent\":12,\"accepted\":10,\"rejected\":2,\n"
                + " \"fanout\":[],\"server_rss_kb\":{\"before\":1}\n}\n");
        assertEquals(10, LedgerCheck.generatorAccepted(json));
        assertEquals(0, check("--ledger", ledger.toString(), "--generator-json", json.toString()).status);

        Files.writeString(json, Files.readString(json).replace("\"accepted\":10", "\"accepted\":11"));
        Outcome missing = check("--ledger", ledger.toString(), "--generator-json", json.toString());
        assertEquals(1, missing.status);
        assertTrue(missing.out.contains("11 acknowledged as accepted, 10 shares in the ledger, 1 missing"), missing.out);

        // A warm-up run and the measured one: their counts are added (4 + 6 = the ledger's 10; 4 + 7 is one short).
        Path warmUp = dir.resolve("warm-up.json");
        Files.writeString(warmUp, "{\"accepted\":4,\"rejected\":0}\n");
        Files.writeString(json, "{\"accepted\":6,\"rejected\":0}\n");
        assertEquals(0, check("--ledger", ledger.toString(), "--generator-json", warmUp.toString(),
                "--generator-json", json.toString()).status);
        Files.writeString(json, "{\"accepted\":7,\"rejected\":0}\n");
        assertEquals(1, check("--ledger", ledger.toString(), "--generator-json", warmUp.toString(),
                "--generator-json", json.toString()).status);
    }

    @Test
    void badOptionsAndUnreadableFilesHaveTheirOwnExitStatus() throws Exception {
        Outcome none = check("--accepted-log", "x.tsv");
        assertEquals(2, none.status);
        assertTrue(none.err.contains("missing --ledger"), none.err);
        Outcome both = check("--ledger", "l.db", "--accepted-log", "x.tsv", "--generator-json", "g.json");
        assertEquals(2, both.status);
        assertTrue(both.err.contains("exactly one of --accepted-log"), both.err);
        Outcome noLedger = check("--ledger", dir.resolve("absent.db").toString(), "--generator-json",
                dir.resolve("absent.json").toString());
        assertEquals(3, noLedger.status);
        assertTrue(noLedger.err.contains("absent.json"), noLedger.err);
        Path badLog = Files.writeString(dir.resolve("bad.tsv"), AcceptedShareLog.HEADER + "\nw\tjob\n");
        Outcome malformed = check("--ledger", ledger(Instant.now(), 1).toString(), "--accepted-log", badLog.toString());
        assertEquals(3, malformed.status);
        assertTrue(malformed.err.contains("bad.tsv line 2: expected 6 tab-separated fields"), malformed.err);
    }

    private record Outcome(int status, String out, String err) {}

    private static Outcome check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LedgerCheck.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
