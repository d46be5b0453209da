package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.Ban;
import io.poolkit.core.guard.BanReason;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.guard.RefuseReason;
import io.poolkit.core.share.RejectReason;
import io.poolkit.core.testing.ManualClock;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.testing.LeakTracking;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each rule of the {@link ConnectionGuard} as the server applies it over real TCP, with miners on chosen
 * source addresses of 127.0.0.0/8: refusals at accept, the submit rate limit, and bans for invalid shares,
 * oversized lines, unparseable lines and failed authorisations (and a ban's end, on an injected clock).
 */
@UsesSharedVectors // TestJobs' templates are the real regtest answers
@ExtendWith(LeakTracking.class)
@Timeout(60)
class ServerGuardTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final ScriptedValidator validator = new ScriptedValidator();
    private final List<RawMiner> miners = new ArrayList<>();
    private StratumServer server;

    @AfterEach
    void close() throws Exception {
        for (RawMiner miner : miners) {
            miner.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private StratumServer start(GuardSettings settings, Clock guardClock) {
        server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST).shareValidator(validator)
                .workerThreads(1).guard(new ConnectionGuard(settings, guardClock)).build().start();
        server.publish(new TestJobs().next(true));
        return server;
    }

    private RawMiner miner(String from) throws Exception {
        RawMiner miner = RawMiner.connect(from, server.port());
        miners.add(miner);
        return miner;
    }

    /** A miner from {@code from} that subscribed and authorised (its replies read). */
    private RawMiner loggedIn(String from) throws Exception {
        RawMiner miner = miner(from).send(RawMiner.SUBSCRIBE);
        miner.readLineContaining("\"id\":1");
        miner.send(RawMiner.AUTHORIZE);
        miner.readLineContaining("\"id\":2");
        return miner;
    }

    /** A miner that the server closes before answering anything: refused at accept. */
    private void assertRefused(String from) throws Exception {
        RawMiner miner = miner(from);
        try {
            miner.send(RawMiner.SUBSCRIBE);
        } catch (java.io.IOException e) {
            return; // reset before the write: refused
        }
        assertEquals(null, miner.nextLine(), "a refused connection gets no answer");
    }

    private static String submit(int id) {
        return "{\"id\": " + id + ", \"method\": \"mining.submit\", \"params\": [\"" + TestJobs.WORKER
                + "\", \"1\", \"00000000\", \"5f5e1000\", \"" + Shares.hex8(id) + "\"]}";
    }

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    private void awaitOpenConnections(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.guard().stats().connections() != count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(count, server.guard().stats().connections());
    }

    @Test
    void theDefaultGuardHasTheDefaultSettingsAndItsCountersAreInTheStats() {
        server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST).shareValidator(validator)
                .build();
        assertSame(GuardSettings.defaults(), server.guard().settings());
        assertTrue(server.guard().settings().enabled());
        assertEquals(server.guard().stats(), server.stats().guard());
    }

    @Test
    void aConnectionOverTheAddressCapIsRefusedAtAcceptWhileOtherAddressesStillConnect() throws Exception {
        start(GuardSettings.builder().maxConnectionsPerAddress(2).build(), clock);
        RawMiner first = loggedIn("127.0.0.2");
        loggedIn("127.0.0.2");

        assertRefused("127.0.0.2");
        loggedIn("127.0.0.3");

        assertEquals(1, server.guard().stats().refused(RefuseReason.ADDRESS_LIMIT));
        assertEquals(1, server.stats().connectionsRefused());
        assertEquals(3, server.stats().connectionsTotal(), "a refused connection never became a session");
        // A closed connection frees its place (the guard hears of every close).
        first.close();
        awaitOpenConnections(2);
        loggedIn("127.0.0.2");
    }

    @Test
    void anAddressConnectingFasterThanItsRateIsRefused() throws Exception {
        start(GuardSettings.builder().connectRate(0.001, 3).build(), clock);
        for (int i = 0; i < 3; i++) {
            loggedIn("127.0.0.4");
        }
        assertRefused("127.0.0.4");
        loggedIn("127.0.0.5");
        assertEquals(1, server.guard().stats().refused(RefuseReason.CONNECT_RATE));
        assertEquals(1, server.stats().connectionsRefused());
    }

    @Test
    void submitsBeyondTheSessionsRateAreAnsweredRateLimited() throws Exception {
        validator.reason = RejectReason.STALE; // judged, but not counted against the miner
        start(GuardSettings.builder().submitRate(0.001, 3).build(), clock);
        RawMiner miner = loggedIn("127.0.0.6");
        for (int id = 10; id < 16; id++) {
            miner.send(submit(id));
        }
        List<String> replies = new ArrayList<>();
        for (int id = 10; id < 16; id++) {
            replies.add(miner.readLineContaining("\"id\":" + id));
        }

        for (int i = 0; i < 3; i++) {
            assertTrue(replies.get(i).contains("[21,"), replies.get(i));
        }
        for (int i = 3; i < 6; i++) {
            assertEquals("{\"id\":" + (10 + i) + ",\"result\":null,\"error\":[20,\"Too many submissions\",null]}",
                    replies.get(i));
        }
        assertEquals(3, validator.seen.size(), "a limited submit is not validated");
        assertEquals(3, server.stats().sharesRejected(RejectReason.RATE_LIMITED));
        assertEquals(3, server.stats().guard().rateLimitedSubmits());
        // Another session has its own allowance.
        RawMiner other = loggedIn("127.0.0.6");
        other.send(submit(20));
        assertTrue(other.readLineContaining("\"id\":20").contains("[21,"));
    }

    @Test
    void mostlyInvalidSharesBanTheAddressUntilTheBanEnds() throws Exception {
        validator.reason = RejectReason.LOW_DIFFICULTY;
        start(GuardSettings.builder().invalidShareBan(0.5, 10, Duration.ofMinutes(1), Duration.ofMinutes(10))
                .build(), clock);
        RawMiner miner = loggedIn("127.0.0.7");
        RawMiner bystander = loggedIn("127.0.0.8");
        for (int id = 10; id < 20; id++) {
            miner.send(submit(id));
        }
        for (int id = 10; id < 20; id++) {
            assertTrue(miner.readLine().contains("[23,"), "every share is answered, the last one too");
        }
        miner.awaitClosedByServer();

        assertRefused("127.0.0.7");
        List<Ban> bans = server.guard().bans();
        assertEquals(1, bans.size());
        assertEquals("127.0.0.7", bans.get(0).address());
        assertEquals(BanReason.INVALID_SHARES, bans.get(0).reason());
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)), bans.get(0).until());
        assertEquals(1, server.stats().sessionsBanned());
        assertEquals(1, server.stats().guard().refused(RefuseReason.BANNED));
        bystander.send("{\"id\": 5, \"method\": \"mining.ping\", \"params\": []}");
        assertEquals("{\"id\":5,\"result\":\"pong\",\"error\":null}", bystander.readLine());

        clock.advance(Duration.ofMinutes(10));
        RawMiner back = loggedIn("127.0.0.7");
        back.send(submit(30));
        assertTrue(back.readLine().contains("[23,"), "the ban is over");
        assertEquals(List.of(), server.guard().bans());
        assertEquals(1, server.stats().guard().bansEnded());
    }

    @Test
    void linesOverTheLimitBanTheAddress() throws Exception {
        start(GuardSettings.builder().protocolAbuseBan(2, Duration.ofMinutes(1), Duration.ofMinutes(10)).build(), clock);
        byte[] huge = "x".repeat(20_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < 2; i++) {
            RawMiner miner = loggedIn("127.0.0.9");
            try {
                miner.sendBytes(huge);
            } catch (java.io.IOException e) {
                // closed while the rest was still being sent
            }
            miner.awaitClosedByServer();
        }
        assertRefused("127.0.0.9");

        assertEquals(2, server.stats().oversizedLines());
        assertEquals(2, server.stats().guard().protocolViolations());
        assertEquals(1, server.stats().guard().bans(BanReason.PROTOCOL_ABUSE));
        assertTrue(server.guard().isBanned(ip("127.0.0.9")));
        loggedIn("127.0.0.10");
    }

    @Test
    void unparseableLinesAreAnsweredAndThenBanTheAddress() throws Exception {
        start(GuardSettings.builder().protocolAbuseBan(3, Duration.ofMinutes(1), Duration.ofMinutes(10)).build(), clock);
        RawMiner miner = loggedIn("127.0.0.11");
        miner.send("{\"id\": 7, \"method\": \"mining.ping\", \"params\": [}");
        miner.send("\u00ff\u00fe not json");
        miner.send("[1, 2, 3]");
        for (int i = 0; i < 3; i++) {
            assertTrue(miner.readLine().contains("\"error\":[20,"), "each bad line gets error 20");
        }
        miner.awaitClosedByServer();
        assertRefused("127.0.0.11");
        assertEquals(3, server.stats().protocolErrors());
        assertEquals(1, server.stats().sessionsBanned());
        assertEquals(1, server.stats().guard().bans(BanReason.PROTOCOL_ABUSE));
    }

    @Test
    void unknownMethodsAreNotAbuse() throws Exception {
        start(GuardSettings.builder().protocolAbuseBan(1, Duration.ofMinutes(1), Duration.ofMinutes(10)).build(), clock);
        RawMiner miner = loggedIn("127.0.0.12");
        for (int id = 10; id < 15; id++) {
            miner.send("{\"id\": " + id + ", \"method\": \"mining.teleport\", \"params\": []}");
            assertTrue(miner.readLine().contains("unknown method"));
        }
        assertEquals(0, server.stats().guard().protocolViolations());
        assertEquals(List.of(), server.guard().bans());
    }

    @Test
    void failedAuthorisationsBanTheAddress() throws Exception {
        start(GuardSettings.builder().authFailureBan(3, Duration.ofMinutes(1), Duration.ofMinutes(10)).build(), clock);
        RawMiner miner = miner("127.0.0.13").send(RawMiner.SUBSCRIBE);
        miner.readLineContaining("\"id\":1");
        for (int id = 10; id < 13; id++) {
            miner.send("{\"id\": " + id + ", \"method\": \"mining.authorize\", \"params\": [\"not-an-address-" + id
                    + "\", \"x\"]}");
            assertTrue(miner.readLineContaining("\"id\":" + id).contains("\"error\":[24,"));
        }
        miner.awaitClosedByServer();
        assertRefused("127.0.0.13");
        assertEquals(3, server.stats().guard().failedAuthorizations());
        assertEquals(1, server.stats().guard().bans(BanReason.AUTH_FLOOD));
        assertEquals(3, server.stats().authorizationsDenied());
    }

    @Test
    void anOperatorBanClosesNewConnectionsAndAnUnbanLetsThemIn() throws Exception {
        start(GuardSettings.defaults(), clock);
        server.guard().ban(ip("127.0.0.14"), Duration.ofHours(1), "test");
        assertRefused("127.0.0.14");
        assertTrue(server.guard().unban(ip("127.0.0.14")));
        loggedIn("127.0.0.14");
    }
}
