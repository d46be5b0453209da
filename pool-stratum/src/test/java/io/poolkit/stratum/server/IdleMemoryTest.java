package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.job.Job;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.core.vardiff.VardiffSettings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap per subscribed, authorised, idle session, with 5,000 connections.
 *
 * <p>Method: the miners run in a separate JVM ({@link IdleMiners}), so this process's heap holds only
 * the server. 500 miners log in first (class loading, pools, caches and the loops' lists warm up); the
 * heap is measured after full collections; 5,000 more log in; it is measured again. The difference over
 * 5,000 is the cost of one more idle session: Netty's channel, pipeline and handlers, the session, its
 * worker and account strings, its vardiff state, and its share of the loops' lists and the extranonce
 * allocator. The goal is
 * 4 KiB; the test asserts a generous 16 KiB so it never flakes, and prints the figure. With all of them
 * connected it also publishes a new job and prints the fan-out time, first to last connection.
 */
@Timeout(180)
@UsesSharedVectors
class IdleMemoryTest {
    private static final int WARM_UP = 500;
    private static final int MEASURED = 5_000;

    @Test
    void anIdleSessionCostsLittleHeap() throws Exception {
        StratumServer server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new ScriptedValidator()).vardiff(VardiffSettings.defaults()).workerThreads(2)
                // 5,500 connections from one address: far past the default per-address limits.
                .guard(new ConnectionGuard(GuardSettings.disabled(), Clock.systemUTC()))
                .build().start();
        Process miners = null;
        try {
            TestJobs jobs = new TestJobs();
            server.publish(jobs.withTransactions(true));
            miners = startMiners(server.port());
            BufferedReader out = new BufferedReader(new InputStreamReader(miners.getInputStream(), StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(miners.getOutputStream(), StandardCharsets.UTF_8);

            command(in, out, WARM_UP);
            long before = usedHeapAfterGc();
            long rssBefore = rssBytes();
            long started = System.nanoTime();
            command(in, out, MEASURED);
            long loginMillis = (System.nanoTime() - started) / 1_000_000;
            long after = usedHeapAfterGc();
            long rssAfter = rssBytes();

            StratumServerStats stats = server.stats();
            assertEquals(WARM_UP + MEASURED, stats.sessionsAuthorized());
            assertEquals(WARM_UP + MEASURED, stats.sessionsSubscribed());
            double perSession = (after - before) / (double) MEASURED;
            System.out.printf("IdleMemoryTest: %d idle sessions (subscribed and authorised) in %d ms; heap %.0f bytes"
                    + " (%.2f KiB) per session; process RSS %+.0f bytes per connection (heap growth included)%n",
                    MEASURED, loginMillis, perSession, perSession / 1024, (rssAfter - rssBefore) / (double) MEASURED);
            assertTrue(perSession <= 16 * 1024, "heap per idle session " + perSession + " bytes; the goal is 4 KiB");

            // While they are all there: how long a new block's notify takes from the first to the last.
            Job block = jobs.next(true);
            in.write("watch " + block.id() + "\n");
            in.flush();
            assertEquals("WATCHING", out.readLine());
            server.publish(block);
            in.write("fanout\n");
            in.flush();
            String[] fanOut = out.readLine().split(" ");
            assertEquals("FANOUT", fanOut[0]);
            assertEquals(WARM_UP + MEASURED, Integer.parseInt(fanOut[1]), "every connection got the new job");
            System.out.printf("IdleMemoryTest: notify fan-out to %d connections, first -> last %s ms (as the miners'"
                    + " process saw it, on a shared machine; not asserted)%n", WARM_UP + MEASURED, fanOut[2]);
            in.write("exit\n");
            in.flush();
            assertTrue(miners.waitFor(30, TimeUnit.SECONDS));
        } finally {
            if (miners != null && miners.isAlive()) {
                miners.destroyForcibly();
            }
            server.close();
        }
    }

    private static Process startMiners(int port) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-Dio.netty.leakDetectionLevel=disabled",
                "-cp", classPath, IdleMiners.class.getName(), "127.0.0.1", Integer.toString(port), TestJobs.ADDRESS);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static void command(Writer in, BufferedReader out, int connections) throws Exception {
        in.write(connections + "\n");
        in.flush();
        String answer = out.readLine();
        assertTrue(answer != null && answer.startsWith("READY "), "idle miners answered " + answer);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Resident set size of this process from /proc (0 where there is none). */
    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }
}
