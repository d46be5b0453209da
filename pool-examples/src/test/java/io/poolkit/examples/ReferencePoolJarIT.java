package io.poolkit.examples;

import static io.poolkit.examples.ApiClient.items;
import static io.poolkit.examples.ApiClient.longAt;
import static io.poolkit.examples.ApiClient.textAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.ledger.BlockRecord;
import io.poolkit.accounting.ledger.CreditRecord;
import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.examples.JsonTree.Node;
import io.poolkit.examples.JsonTree.Obj;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar ({@code target/reference-pool.jar}) as a user runs it: started as a child process with
 * {@code java -jar}, read through its HTTP API, stopped with SIGTERM ({@link Process#destroy()}). It must exit
 * with status 0 and leave a consistent ledger behind.
 */
class ReferencePoolJarIT {
    private static final Pattern API = Pattern.compile("HTTP API: http://127\\.0\\.0\\.1:(\\d+)/api/pool");
    private static final Pattern STOPPED = Pattern.compile("stopped cleanly; the ledger is flushed \\((\\d+) shares "
            + "acknowledged");

    @Test
    @Timeout(150)
    void theJarRunsTheDemoAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("poolkit.referencePool.jar", "target/reference-pool.jar"));
        assertTrue(Files.isRegularFile(jar), "built jar at " + jar.toAbsolutePath() + " (run mvn verify)");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("pool.log");
        Process process = new ProcessBuilder(java.toString(), "-Xmx256m", "-jar", jar.toString(), "demo",
                "--stratum-port", "0", "--api-port", "0", "--data", dir.resolve("data").toString(),
                "--miners", "2", "--miner-hashrate", "300k", "--block-interval", "2s", "--maturity", "2",
                "--payout-interval", "1s", "--payout-threshold", "1000", "--status-interval", "2s")
                .redirectErrorStream(true)
                // To a file, not a pipe: Process.destroy() closes the pipes, and the last lines matter here.
                .redirectOutput(log.toFile())
                .start();
        try {
            ApiClient api = new ApiClient(apiPort(log, process));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Obj pool = api.json("/api/pool");
            while (System.nanoTime() < deadline && longAt(pool, "blocks", "confirmed") < 1) {
                Thread.sleep(500);
                pool = api.json("/api/pool");
            }
            assertTrue(longAt(pool, "blocks", "confirmed") >= 1, "a block matured: " + pool + "\n" + output(log));
            assertTrue(longAt(pool, "shares", "5m") > 0);
            Obj blocks = api.json("/api/blocks");
            List<Node> listed = items(blocks, "blocks");
            assertTrue(listed.size() >= 2, blocks.toString());
            String address = textAt(listed.get(0), "finder");
            Obj miner = api.json("/api/miners/" + address);
            assertEquals(address, textAt(miner, "address"));
            assertTrue(api.get("/metrics").body().contains("poolkit_shares_accepted_total"));

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the pool stopped within 60 s\n" + output(log));
            String out = output(log);
            assertEquals(0, process.exitValue(), out);
            assertTrue(out.contains("stopping: miners, then the Stratum server"), out);
            Matcher stopped = STOPPED.matcher(out);
            assertTrue(stopped.find(), out);
            long acknowledged = Long.parseLong(stopped.group(1));

            try (JdbcLedger ledger = JdbcLedger.builder().sqlite(dir.resolve("data").resolve("ledger.db"))
                    .scheme(PayoutSchemes.byName("pplns", Map.of("fee.bps", "100"))).build()) {
                List<BlockRecord> recorded = ledger.blocks(1000);
                assertTrue(recorded.size() >= listed.size(), "every block the API listed is in the ledger");
                for (BlockRecord b : recorded) {
                    long credited = ledger.creditsOfBlock(b.hash()).stream().mapToLong(CreditRecord::sats).sum();
                    assertEquals(b.rewardSats(), credited, "block " + b.height() + " split exactly");
                }
                // Every share acknowledged to a miner is in the ledger; the miners stopped first and waited for
                // their answers, so nothing recorded went unacknowledged either.
                assertEquals(acknowledged, ledger.poolShares(Instant.EPOCH).count());
                assertTrue(acknowledged >= longAt(pool, "shares", "5m"));
                assertTrue(ledger.accountShares(address, Instant.EPOCH).count() > 0);
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits (at most 60 s) for the pool to print its API address. */
    private static int apiPort(Path log, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            Matcher m = API.matcher(output(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the pool printed no API address:\n" + output(log));
    }

    private static String output(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
