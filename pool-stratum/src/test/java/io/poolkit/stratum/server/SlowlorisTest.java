package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.testing.LeakTracking;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slowloris: 300 connections from ten addresses trickle a {@code mining.subscribe} a byte at a time, never
 * finishing it in time. The server closes every one at the subscribe deadline, while a logged-in miner's
 * pings keep being answered promptly throughout.
 */
@UsesSharedVectors // TestJobs' templates are the real regtest answers
@ExtendWith(LeakTracking.class)
@Timeout(60)
class SlowlorisTest {
    private static final int CONNECTIONS = 300;
    private static final int ADDRESSES = 10;
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(2);

    @Test
    void tricklingConnectionsAreTimedOutWhileAWellBehavedMinerIsAnswered() throws Exception {
        StratumServer server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new ScriptedValidator()).workerThreads(1).subscribeTimeout(SUBSCRIBE_TIMEOUT)
                .guard(new ConnectionGuard(GuardSettings.defaults(), Clock.systemUTC()))
                .build().start();
        List<Socket> slow = new ArrayList<>();
        StratumClient good = StratumClient.builder().host("127.0.0.1").port(server.port())
                .requestTimeout(Duration.ofSeconds(10)).build();
        try {
            server.publish(new TestJobs().next(true));
            good.connect().get(10, TimeUnit.SECONDS);
            good.subscribe("good/1").get(10, TimeUnit.SECONDS);
            assertTrue(good.authorize(TestJobs.WORKER, "x").get(10, TimeUnit.SECONDS));

            long opened = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (20 + i % ADDRESSES)), 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
                slow.add(socket);
            }
            byte[] subscribe = (RawMiner.SUBSCRIBE + "\n").getBytes(StandardCharsets.US_ASCII);
            boolean[] closed = new boolean[CONNECTIONS];
            int closedCount = 0;
            List<Long> latencies = new ArrayList<>();
            int at = 0;
            long deadline = opened + SUBSCRIBE_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(10);
            while (closedCount < CONNECTIONS) {
                if (System.nanoTime() > deadline) {
                    fail(closedCount + " of " + CONNECTIONS + " trickling connections closed in time");
                }
                // One more byte on every open connection (the line would take 7 s at this pace)...
                for (int i = 0; i < CONNECTIONS; i++) {
                    if (!closed[i] && (closed[i] = isClosed(slow.get(i), subscribe[at]))) {
                        closedCount++;
                    }
                }
                at = Math.min(at + 1, subscribe.length - 2);
                // ...and the good miner is answered meanwhile.
                long sent = System.nanoTime();
                StratumResponse pong = good.request("mining.ping", List.of()).get(10, TimeUnit.SECONDS);
                latencies.add(System.nanoTime() - sent);
                assertEquals("pong", pong.result().asString());
                Thread.sleep(100);
            }
            long seconds = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("SlowlorisTest: %d trickling connections all closed %d ms after they opened (subscribe"
                    + " timeout %d ms); the good miner's %d pings answered in %.2f ms median, %.2f ms at most%n",
                    CONNECTIONS, seconds, SUBSCRIBE_TIMEOUT.toMillis(), sorted.length, sorted[sorted.length / 2] / 1e6,
                    sorted[sorted.length - 1] / 1e6);
            assertEquals(CONNECTIONS, server.stats().sessionsTimedOut());
            assertTrue(seconds >= SUBSCRIBE_TIMEOUT.toMillis() - 100, "closed only at the deadline: " + seconds);
            assertTrue(good.isConnected());
            assertEquals(1, server.stats().connectionsOpen());
            // Generous: a loop blocked by the trickle would take seconds; a served one takes a millisecond or so.
            assertTrue(sorted[sorted.length - 1] < TimeUnit.SECONDS.toNanos(2), Arrays.toString(sorted));
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
            good.close().get(10, TimeUnit.SECONDS);
            server.close();
        }
    }

    /**
     * Sends one byte; true once the server has closed the connection (the first write after the server's FIN
     * draws a reset, and the next one fails).
     */
    private static boolean isClosed(Socket socket, byte next) {
        try {
            socket.getOutputStream().write(next);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
