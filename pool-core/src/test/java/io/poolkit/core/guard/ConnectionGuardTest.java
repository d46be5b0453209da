package io.poolkit.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.poolkit.core.share.RejectReason;
import io.poolkit.core.share.ShareOutcome;
import io.poolkit.core.testing.ManualClock;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {
    // Tests run on loopback, and the guard does not exempt it by default: these are ordinary addresses here.
    private static final InetAddress MINER = ip("127.0.0.2");
    private static final InetAddress OTHER = ip("127.0.0.3");

    private final ManualClock clock = new ManualClock();
    private final RecordingLog log = new RecordingLog();

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no name look-up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private ConnectionGuard guard(GuardSettings.Builder settings) {
        return new ConnectionGuard(settings.build(), clock, log);
    }

    /** Defaults without the connection rate limit, so tests that open many connections are not throttled. */
    private static GuardSettings.Builder unthrottled() {
        return GuardSettings.builder().withoutConnectRateLimit();
    }

    private static Decision refused(RefuseReason reason) {
        return Decision.refused(reason);
    }

    // ---- connection caps -----------------------------------------------------------------------------

    @Test
    void allowsUpToThePerAddressLimitAndRefusesTheNext() {
        ConnectionGuard guard = guard(unthrottled().maxConnectionsPerAddress(3));
        for (int i = 0; i < 3; i++) {
            assertSame(Decision.ALLOW, guard.onConnect(MINER), "connection " + i);
        }
        assertSame(refused(RefuseReason.ADDRESS_LIMIT), guard.onConnect(MINER));
        assertSame(Decision.ALLOW, guard.onConnect(OTHER), "another address has its own limit");
        guard.onDisconnect(MINER);
        assertSame(Decision.ALLOW, guard.onConnect(MINER), "a disconnect frees a slot");
        assertSame(refused(RefuseReason.ADDRESS_LIMIT), guard.onConnect(MINER));
        assertEquals(4, guard.stats().connections());
        assertEquals(2, guard.stats().refused(RefuseReason.ADDRESS_LIMIT));
    }

    @Test
    void refusesConnectionsBeyondTheOverallLimitFromAnyAddress() {
        ConnectionGuard guard = guard(unthrottled().maxConnections(5));
        for (int i = 0; i < 5; i++) {
            assertTrue(guard.onConnect(ip("127.0.1." + i)).allowed());
        }
        assertSame(refused(RefuseReason.GLOBAL_LIMIT), guard.onConnect(ip("127.0.1.9")));
        assertSame(refused(RefuseReason.GLOBAL_LIMIT), guard.onConnect(ip("127.0.1.0")));
        guard.onDisconnect(ip("127.0.1.3"));
        assertTrue(guard.onConnect(ip("127.0.1.9")).allowed());
        GuardStats stats = guard.stats();
        assertEquals(5, stats.connections());
        assertEquals(2, stats.refused(RefuseReason.GLOBAL_LIMIT));
        assertEquals(2, stats.refusedTotal());
    }

    @Test
    void aRefusedConnectionDoesNotTakeASlot() {
        ConnectionGuard guard = guard(unthrottled().maxConnectionsPerAddress(1).maxConnections(1));
        assertTrue(guard.onConnect(MINER).allowed());
        assertFalse(guard.onConnect(MINER).allowed());
        assertFalse(guard.onConnect(OTHER).allowed());
        guard.onDisconnect(MINER);
        assertEquals(0, guard.stats().connections());
        assertTrue(guard.onConnect(OTHER).allowed());
    }

    // ---- rates ---------------------------------------------------------------------------------------

    @Test
    void limitsHowFastOneAddressConnectsAllowingABurst() {
        ConnectionGuard guard = guard(GuardSettings.builder().connectRate(20, 50));
        for (int i = 0; i < 50; i++) {
            assertTrue(guard.onConnect(MINER).allowed(), "burst connection " + i);
            guard.onDisconnect(MINER);
        }
        assertSame(refused(RefuseReason.CONNECT_RATE), guard.onConnect(MINER));
        assertTrue(guard.onConnect(OTHER).allowed(), "the limit is per address");

        clock.advance(Duration.ofMillis(49));
        assertSame(refused(RefuseReason.CONNECT_RATE), guard.onConnect(MINER), "a token takes 50 ms at 20/s");
        clock.advance(Duration.ofMillis(1));
        assertTrue(guard.onConnect(MINER).allowed());
        assertSame(refused(RefuseReason.CONNECT_RATE), guard.onConnect(MINER));

        // A steady 20 per second is allowed indefinitely.
        for (int i = 0; i < 100; i++) {
            clock.advance(Duration.ofMillis(50));
            assertTrue(guard.onConnect(MINER).allowed(), "steady connection " + i);
        }
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 50; i++) {
            assertTrue(guard.onConnect(MINER).allowed(), "the burst is back after a pause: " + i);
        }
        assertFalse(guard.onConnect(MINER).allowed());
        assertEquals(4, guard.stats().refused(RefuseReason.CONNECT_RATE));
    }

    @Test
    void limitsSubmitsPerSessionWithABurst() {
        ConnectionGuard guard = guard(GuardSettings.builder().submitRate(200, 400));
        RateLimiter session = guard.newSubmitLimiter();
        RateLimiter another = guard.newSubmitLimiter();
        long now = 123_456_789L;
        for (int i = 0; i < 400; i++) {
            assertTrue(session.tryAcquire(now), "burst submit " + i);
        }
        assertFalse(session.tryAcquire(now));
        assertTrue(another.tryAcquire(now), "each session has its own allowance");
        assertFalse(session.tryAcquire(now + 4_999_999), "a token takes 5 ms at 200/s");
        assertTrue(session.tryAcquire(now + 5_000_000));
        // A flood of refused submits does not push the allowance further away.
        for (int i = 0; i < 10_000; i++) {
            assertFalse(session.tryAcquire(now + 5_000_000));
        }
        assertTrue(session.tryAcquire(now + 10_000_000));
        assertEquals(10_002, guard.stats().rateLimitedSubmits());
    }

    // ---- invalid-share ban ---------------------------------------------------------------------------

    @Test
    void bansAnAddressWhenMoreThanHalfOfItsSharesAreInvalid() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        assertTrue(guard.onConnect(MINER).allowed());
        for (int i = 0; i < 50; i++) {
            assertSame(Verdict.CONTINUE, guard.onShare(MINER, ShareOutcome.ACCEPTED));
            assertSame(Verdict.CONTINUE, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY)));
        }
        // Exactly half of 100: not more than half.
        assertFalse(guard.isBanned(MINER));
        assertSame(Verdict.DISCONNECT, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.DUPLICATE)));
        assertTrue(guard.isBanned(MINER));
        assertSame(Verdict.DISCONNECT, guard.onShare(MINER, ShareOutcome.ACCEPTED),
                "the address's other sessions are told to go as they report");
        assertSame(refused(RefuseReason.BANNED), guard.onConnect(MINER));
        assertTrue(guard.onConnect(OTHER).allowed());

        List<Ban> bans = guard.bans();
        assertEquals(1, bans.size());
        Ban ban = bans.get(0);
        assertEquals("127.0.0.2", ban.address());
        assertEquals(BanReason.INVALID_SHARES, ban.reason());
        assertEquals("51 of 101 shares invalid within PT10M", ban.detail());
        assertEquals(clock.instant(), ban.since());
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)), ban.until());
        assertEquals(1, ban.offence());
        GuardStats stats = guard.stats();
        assertEquals(1, stats.bans(BanReason.INVALID_SHARES));
        assertEquals(1, stats.activeBans());
        assertEquals(51, stats.invalidShares());
        assertEquals(1, stats.refused(RefuseReason.BANNED));
    }

    @Test
    void judgesTheRatioOnlyFromTheMinimumNumberOfShares() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        for (int i = 0; i < 99; i++) {
            assertSame(Verdict.CONTINUE, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.MALFORMED)), "share " + i);
        }
        assertSame(Verdict.DISCONNECT, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.MALFORMED)));
    }

    @Test
    void staleAndOtherHonestRejectsDoNotCountAsInvalid() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        for (int i = 0; i < 1000; i++) {
            for (RejectReason reason : new RejectReason[] {RejectReason.STALE, RejectReason.JOB_NOT_FOUND,
                    RejectReason.JOB_SHARE_LIMIT, RejectReason.NOT_RECORDED, RejectReason.RATE_LIMITED}) {
                assertSame(Verdict.CONTINUE, guard.onShare(MINER, ShareOutcome.rejected(reason)));
            }
        }
        // They are not counted as valid either: 100 real invalid shares alone reach the ban.
        for (int i = 0; i < 99; i++) {
            guard.onShare(MINER, ShareOutcome.rejected(RejectReason.NTIME_OUT_OF_RANGE));
        }
        assertFalse(guard.isBanned(MINER));
        assertSame(Verdict.DISCONNECT, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.NTIME_OUT_OF_RANGE)));
        assertEquals(100, guard.stats().invalidShares());
    }

    @Test
    void everyRejectReasonIsClassified() {
        List<RejectReason> invalid = new ArrayList<>();
        for (RejectReason reason : RejectReason.values()) {
            if (ConnectionGuard.countsAsInvalid(reason)) {
                invalid.add(reason);
            }
        }
        assertEquals(List.of(RejectReason.MALFORMED, RejectReason.EXTRANONCE2_SIZE, RejectReason.NTIME_OUT_OF_RANGE,
                RejectReason.VERSION_OUTSIDE_MASK, RejectReason.DUPLICATE, RejectReason.LOW_DIFFICULTY,
                RejectReason.UNAUTHORIZED_WORKER, RejectReason.NOT_SUBSCRIBED), invalid);
    }

    @Test
    void sharesOlderThanTheWindowAreForgotten() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        for (int i = 0; i < 99; i++) {
            guard.onShare(MINER, ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY));
        }
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        for (int i = 0; i < 99; i++) {
            assertSame(Verdict.CONTINUE, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY)));
        }
        assertSame(Verdict.DISCONNECT, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY)));
    }

    @Test
    void aBanIsRefusedAtAcceptUntilItExpiresAndIsLoggedOnceEachWay() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        for (int i = 0; i < 100; i++) {
            guard.onShare(MINER, ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY));
        }
        for (int i = 0; i < 1000; i++) {
            assertSame(refused(RefuseReason.BANNED), guard.onConnect(MINER));
        }
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertSame(refused(RefuseReason.BANNED), guard.onConnect(MINER));
        clock.advance(Duration.ofMillis(1));
        assertSame(Decision.ALLOW, guard.onConnect(MINER));
        assertEquals(List.of("WARN banned 127.0.0.2 for PT10M: INVALID_SHARES, 100 of 100 shares invalid within PT10M",
                "INFO ban on 127.0.0.2 ended (INVALID_SHARES, 100 of 100 shares invalid within PT10M, from "
                        + "2024-04-20T00:09:27Z to 2024-04-20T00:19:27Z)"), log.lines());
        GuardStats stats = guard.stats();
        assertEquals(0, stats.activeBans());
        assertEquals(1, stats.bansEnded());
        assertEquals(1001, stats.refused(RefuseReason.BANNED));
        // The history was wiped with the ban: one more invalid share does not ban again.
        assertSame(Verdict.CONTINUE, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY)));
    }

    @Test
    void aSweepEndsBansOnTimeWithoutTraffic() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        guard.ban(MINER, Duration.ofSeconds(30), "test");
        assertEquals(1, guard.stats().activeBans());
        clock.advance(Duration.ofSeconds(30));
        guard.sweep();
        assertEquals(0, guard.stats().activeBans());
        assertEquals(List.of(), guard.bans());
        assertEquals(1, log.matching("INFO ban on 127.0.0.2 ended").size());
    }

    // ---- protocol abuse and authorisation floods -----------------------------------------------------

    @Test
    void bansAnAddressForRepeatedOversizedOrUnparseableLines() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        for (int i = 0; i < 4; i++) {
            assertSame(Verdict.CONTINUE, guard.onProtocolViolation(MINER,
                    i % 2 == 0 ? ProtocolViolation.OVERSIZED_LINE : ProtocolViolation.UNPARSEABLE_LINE));
            clock.advance(Duration.ofSeconds(10));
        }
        assertSame(Verdict.CONTINUE, guard.onProtocolViolation(OTHER, ProtocolViolation.OVERSIZED_LINE));
        assertSame(Verdict.DISCONNECT, guard.onProtocolViolation(MINER, ProtocolViolation.OVERSIZED_LINE));
        assertSame(refused(RefuseReason.BANNED), guard.onConnect(MINER));
        assertEquals(BanReason.PROTOCOL_ABUSE, guard.bans().get(0).reason());
        assertEquals("5 oversized or unparseable lines within PT1M (the last oversized)", guard.bans().get(0).detail());
        assertEquals(6, guard.stats().protocolViolations());
        assertEquals(1, guard.stats().bans(BanReason.PROTOCOL_ABUSE));
    }

    @Test
    void strikesSpreadWiderThanTheWindowDoNotBan() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        for (int i = 0; i < 100; i++) {
            assertSame(Verdict.CONTINUE, guard.onProtocolViolation(MINER, ProtocolViolation.UNPARSEABLE_LINE), "strike " + i);
            clock.advance(Duration.ofSeconds(15)); // 5 strikes span exactly 60 s: not within one minute
        }
        clock.advance(Duration.ofSeconds(-15));
        clock.advance(Duration.ofMillis(14_999));
        assertSame(Verdict.DISCONNECT, guard.onProtocolViolation(MINER, ProtocolViolation.UNPARSEABLE_LINE));
    }

    @Test
    void bansAnAddressAfterAFloodOfFailedAuthorisations() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        Authorization denied = new Authorization.Denied("not an address");
        Authorization granted = new Authorization.Granted("acct", "acct.rig", java.util.OptionalDouble.empty());
        for (int i = 0; i < 19; i++) {
            assertSame(Verdict.CONTINUE, guard.onAuthorization(MINER, denied), "failure " + i);
            assertSame(Verdict.CONTINUE, guard.onAuthorization(MINER, granted), "a success neither counts nor resets");
        }
        assertSame(Verdict.DISCONNECT, guard.onAuthorization(MINER, denied));
        assertSame(Verdict.DISCONNECT, guard.onAuthorization(MINER, granted));
        assertEquals(BanReason.AUTH_FLOOD, guard.bans().get(0).reason());
        assertEquals(20, guard.stats().failedAuthorizations());
        assertEquals(1, guard.stats().bans(BanReason.AUTH_FLOOD));
    }

    // ---- escalation, exemption, operators ------------------------------------------------------------

    @Test
    void repeatOffendersAreBannedLongerUpToTheLongestBan() {
        ConnectionGuard guard = guard(GuardSettings.builder()
                .banEscalation(2, Duration.ofMinutes(60), Duration.ofHours(24)));
        long[] expectedMinutes = {10, 20, 40, 60, 60};
        for (long minutes : expectedMinutes) {
            offendFiveTimes(guard, MINER);
            Ban ban = guard.bans().get(0);
            assertEquals(Duration.ofMinutes(minutes), Duration.between(ban.since(), ban.until()), ban.toString());
            clock.advance(Duration.ofMinutes(minutes));
            assertTrue(guard.onConnect(MINER).allowed());
            guard.onDisconnect(MINER);
        }
        assertEquals(5, guard.stats().bans(BanReason.PROTOCOL_ABUSE));
        assertTrue(log.lines().get(log.lines().size() - 2).contains("(offence 5 in a row)"), log.lines().toString());

        // Once the offence memory has passed since the last ban ended, the next ban is a first one again.
        clock.advance(Duration.ofHours(24));
        offendFiveTimes(guard, MINER);
        Ban ban = guard.bans().get(0);
        assertEquals(Duration.ofMinutes(10), Duration.between(ban.since(), ban.until()));
        assertEquals(1, ban.offence());
    }

    @Test
    void withoutEscalationEveryBanLastsItsRulesBan() {
        ConnectionGuard guard = guard(GuardSettings.builder().withoutBanEscalation());
        for (int i = 0; i < 3; i++) {
            offendFiveTimes(guard, MINER);
            Ban ban = guard.bans().get(0);
            assertEquals(Duration.ofMinutes(10), Duration.between(ban.since(), ban.until()));
            assertEquals(i + 1, ban.offence());
            clock.advance(Duration.ofMinutes(10));
        }
    }

    private static void offendFiveTimes(ConnectionGuard guard, InetAddress address) {
        for (int i = 0; i < 5; i++) {
            guard.onProtocolViolation(address, ProtocolViolation.UNPARSEABLE_LINE);
        }
        assertTrue(guard.isBanned(address));
    }

    @Test
    void loopbackIsLimitedLikeAnyAddressUnlessExempted() {
        ConnectionGuard strict = guard(unthrottled().maxConnectionsPerAddress(2));
        assertTrue(strict.onConnect(MINER).allowed());
        assertTrue(strict.onConnect(MINER).allowed());
        assertFalse(strict.onConnect(MINER).allowed());
        offendFiveTimes(strict, OTHER);

        ConnectionGuard lenient = guard(unthrottled().maxConnectionsPerAddress(2).maxConnections(50)
                .protocolAbuseBan(1, Duration.ofMinutes(1), Duration.ofMinutes(10)).exemptLoopback(true));
        for (int i = 0; i < 50; i++) {
            assertTrue(lenient.onConnect(MINER).allowed(), "connection " + i);
        }
        assertSame(refused(RefuseReason.GLOBAL_LIMIT), lenient.onConnect(MINER), "the overall cap still applies");
        assertSame(Verdict.CONTINUE, lenient.onProtocolViolation(MINER, ProtocolViolation.OVERSIZED_LINE));
        assertFalse(lenient.isBanned(MINER));
        assertThrows(IllegalArgumentException.class, () -> lenient.ban(MINER, Duration.ofMinutes(1), "no"));
        InetAddress remote = ip("203.0.113.7");
        assertSame(Verdict.DISCONNECT, lenient.onProtocolViolation(remote, ProtocolViolation.OVERSIZED_LINE),
                "only loopback is exempt");
        assertEquals(1, lenient.stats().trackedAddresses(), "only the remote address is tracked");
        for (int i = 0; i < 50; i++) {
            lenient.onDisconnect(MINER);
        }
        assertEquals(0, lenient.stats().connections());
    }

    @Test
    void operatorsBanListAndUnban() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        InetAddress a = ip("127.0.0.20");
        InetAddress b = ip("198.51.100.4");
        guard.ban(a, Duration.ofHours(2), "scraping");
        guard.ban(b, Duration.ofHours(1), "abuse report");
        List<Ban> bans = guard.bans();
        assertEquals(List.of("198.51.100.4", "127.0.0.20"), bans.stream().map(Ban::address).toList());
        assertEquals(BanReason.OPERATOR, bans.get(0).reason());
        assertEquals("abuse report", bans.get(0).detail());
        assertEquals(0, bans.get(0).offence());
        assertSame(refused(RefuseReason.BANNED), guard.onConnect(a));
        assertTrue(guard.unban(a));
        assertFalse(guard.unban(a));
        assertTrue(guard.onConnect(a).allowed());
        assertEquals(1, guard.stats().activeBans());
        assertEquals(2, guard.stats().bans(BanReason.OPERATOR));
        assertEquals(1, guard.stats().bansEnded());
        assertThrows(IllegalArgumentException.class, () -> guard.ban(a, Duration.ZERO, "x"));
        assertEquals(1, log.matching("unbanned 127.0.0.20 by an operator").size());
    }

    @Test
    void unbanForgivesEarlierOffences() {
        ConnectionGuard guard = guard(GuardSettings.builder());
        offendFiveTimes(guard, MINER);
        assertTrue(guard.unban(MINER));
        offendFiveTimes(guard, MINER);
        assertEquals(1, guard.bans().get(0).offence());
    }

    @Test
    void ipv6AddressesAreGroupedByPrefix() {
        ConnectionGuard guard = guard(unthrottled().maxConnectionsPerAddress(2));
        assertTrue(guard.onConnect(ip("2001:db8:0:1::1")).allowed());
        assertTrue(guard.onConnect(ip("2001:db8:0:1:ffff:eeee:dddd:cccc")).allowed());
        assertSame(refused(RefuseReason.ADDRESS_LIMIT), guard.onConnect(ip("2001:db8:0:1::99")), "same /64");
        assertTrue(guard.onConnect(ip("2001:db8:0:2::1")).allowed(), "another /64");
        offendFiveTimes(guard, ip("2001:db8:0:3::5"));
        assertTrue(guard.isBanned(ip("2001:db8:0:3:1234::")));
        assertEquals("2001:db8:0:3:0:0:0:0/64", guard.bans().get(0).address());

        ConnectionGuard exact = guard(unthrottled().maxConnectionsPerAddress(1).ipv6PrefixLength(128));
        assertTrue(exact.onConnect(ip("2001:db8::1")).allowed());
        assertTrue(exact.onConnect(ip("2001:db8::2")).allowed());
    }

    @Test
    void anIpv4MappedIpv6AddressIsItsIpv4Address() throws UnknownHostException {
        ConnectionGuard guard = guard(unthrottled().maxConnectionsPerAddress(1));
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 2};
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(v6 instanceof java.net.Inet6Address);
        assertTrue(guard.onConnect(MINER).allowed());
        assertSame(refused(RefuseReason.ADDRESS_LIMIT), guard.onConnect(v6));
    }

    // ---- logging once --------------------------------------------------------------------------------

    @Test
    void logsAnAddressReachingItsLimitOnceAndOnceWhenItCalmsDown() {
        ConnectionGuard guard = guard(unthrottled().maxConnectionsPerAddress(1));
        assertTrue(guard.onConnect(MINER).allowed());
        for (int i = 0; i < 500; i++) {
            assertFalse(guard.onConnect(MINER).allowed());
            clock.advance(Duration.ofMillis(100));
        }
        assertEquals(List.of("WARN refusing connections from 127.0.0.2: 1 connections open, the per-address limit"),
                log.lines());
        guard.onDisconnect(MINER);
        clock.advance(Duration.ofSeconds(59));
        assertTrue(guard.onConnect(MINER).allowed());
        assertEquals(1, log.lines().size(), "still within a minute of the last refusal");
        guard.onDisconnect(MINER);
        clock.advance(Duration.ofSeconds(2));
        guard.sweep();
        assertEquals(2, log.lines().size());
        assertTrue(log.lines().get(1).startsWith("INFO no longer refusing connections from 127.0.0.2: 500 refused from"),
                log.lines().get(1));
    }

    @Test
    void logsTheOverallLimitOnceAndOnceWhenItIsLifted() {
        ConnectionGuard guard = guard(unthrottled().maxConnections(2));
        guard.onConnect(MINER);
        guard.onConnect(OTHER);
        for (int i = 0; i < 300; i++) {
            assertSame(refused(RefuseReason.GLOBAL_LIMIT), guard.onConnect(ip("127.0.2." + (i % 200))));
        }
        assertEquals(List.of("WARN refusing new connections: 2 connections open, the overall limit"), log.lines());
        guard.onDisconnect(MINER);
        clock.advance(Duration.ofMinutes(1));
        assertTrue(guard.onConnect(MINER).allowed());
        assertEquals(2, log.lines().size());
        assertTrue(log.lines().get(1).startsWith("INFO accepting new connections again: 300 refused"), log.lines().get(1));
    }

    // ---- memory --------------------------------------------------------------------------------------

    @Test
    void aFloodFromManyAddressesCannotGrowTheTableBeyondItsCap() {
        ConnectionGuard guard = guard(unthrottled().maxTrackedAddresses(128));
        InetAddress banned = ip("127.0.0.250");
        guard.ban(banned, Duration.ofHours(1), "before the flood");
        for (int i = 0; i < 20_000; i++) {
            InetAddress address = ip("10." + (i >> 16) + "." + ((i >> 8) & 0xFF) + "." + (i & 0xFF));
            assertTrue(guard.onConnect(address).allowed());
            guard.onDisconnect(address);
            guard.onShare(address, ShareOutcome.ACCEPTED);
            assertTrue(guard.stats().trackedAddresses() <= 129, "tracked " + guard.stats().trackedAddresses());
        }
        assertTrue(guard.isBanned(banned), "a flood of new addresses does not push a ban out");
        assertEquals(0, guard.stats().untrackedConnections(), "idle entries always make room");
        assertEquals(0, guard.stats().connections());
    }

    @Test
    void whenEveryEntryIsConnectedNewAddressesAreAdmittedWithoutHistory() {
        ConnectionGuard guard = guard(unthrottled().maxTrackedAddresses(64).maxConnectionsPerAddress(1));
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            if (guard.onConnect(ip("10.1." + (i >> 8) + "." + (i & 0xFF))).allowed()) {
                admitted++;
            }
        }
        GuardStats stats = guard.stats();
        assertEquals(1000, admitted, "the overall cap is all that limits untracked addresses");
        assertTrue(stats.trackedAddresses() <= 64, "tracked " + stats.trackedAddresses());
        assertEquals(1000 - stats.trackedAddresses(), stats.untrackedConnections());
        assertEquals(1, log.matching("WARN address table full").size(), log.lines().toString());
        int trackedBefore = stats.trackedAddresses();
        for (int i = 0; i < 1000; i++) {
            InetAddress address = ip("10.1." + (i >> 8) + "." + (i & 0xFF));
            assertSame(Verdict.CONTINUE, guard.onShare(address, ShareOutcome.rejected(RejectReason.DUPLICATE)));
        }
        assertEquals(trackedBefore, guard.stats().trackedAddresses(), "reports do not push connected entries out");
        for (int i = 0; i < 1000; i++) {
            guard.onDisconnect(ip("10.1." + (i >> 8) + "." + (i & 0xFF)));
        }
        assertEquals(0, guard.stats().connections());
        clock.advance(Duration.ofMinutes(1));
        guard.sweep();
        assertEquals(1, log.matching("INFO address table has room again").size(), log.lines().toString());
    }

    @Test
    void idleAddressesAreForgottenAfterTheIdleTimeout() {
        ConnectionGuard guard = guard(unthrottled());
        for (int i = 0; i < 300; i++) {
            InetAddress address = ip("127.0.3." + (i % 250));
            guard.onConnect(address);
            guard.onDisconnect(address);
        }
        guard.onConnect(MINER); // still connected: kept
        offendFiveTimes(guard, OTHER); // banned: kept
        assertEquals(252, guard.stats().trackedAddresses());
        clock.advance(Duration.ofMinutes(9));
        guard.sweep();
        assertEquals(252, guard.stats().trackedAddresses());
        clock.advance(Duration.ofMinutes(1));
        guard.sweep();
        assertEquals(2, guard.stats().trackedAddresses());
        // The offender is kept after its ban for its offence memory, so a repeat is recognised.
        clock.advance(Duration.ofHours(23));
        guard.sweep();
        assertEquals(2, guard.stats().trackedAddresses());
        clock.advance(Duration.ofHours(1));
        guard.sweep();
        assertEquals(1, guard.stats().trackedAddresses());
    }

    @Test
    void knownIpv4AddressesCostNoAllocation() {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean);
        var meter = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(meter.isThreadAllocatedMemorySupported() && meter.isThreadAllocatedMemoryEnabled());
        ConnectionGuard guard = guard(unthrottled()); // so every connection takes the allowed path
        RateLimiter submits = guard.newSubmitLimiter();
        Authorization granted = new Authorization.Granted("acct", "acct.rig", java.util.OptionalDouble.empty());
        ShareOutcome low = ShareOutcome.rejected(RejectReason.LOW_DIFFICULTY);
        exercise(guard, submits, granted, low, 2_000); // the entry and its share window are made here
        long thread = Thread.currentThread().getId();
        long idle = meter.getThreadAllocatedBytes(thread);
        idle = meter.getThreadAllocatedBytes(thread) - idle; // what reading the meter costs
        long before = meter.getThreadAllocatedBytes(thread);
        exercise(guard, submits, granted, low, 20_000);
        long allocated = meter.getThreadAllocatedBytes(thread) - before - idle;
        // 120,000 calls: one allocation per call would be megabytes. A few hundred bytes appear once, from the
        // JIT swapping compiled code in (deoptimisation materialises objects), whatever the number of calls.
        assertTrue(allocated < 4096, allocated + " bytes allocated by 20,000 rounds of guard calls");
    }

    private static void exercise(ConnectionGuard guard, RateLimiter submits, Authorization granted, ShareOutcome low,
            int rounds) {
        for (int i = 0; i < rounds; i++) {
            guard.onConnect(MINER);
            submits.tryAcquire(i);
            guard.onShare(MINER, ShareOutcome.ACCEPTED);
            guard.onShare(MINER, i % 4 == 0 ? low : ShareOutcome.ACCEPTED);
            guard.onAuthorization(MINER, granted);
            guard.onDisconnect(MINER);
        }
    }

    // ---- concurrency ---------------------------------------------------------------------------------

    @Test
    void twoThreadsHammeringOneAddressKeepCountsExact() throws Exception {
        ConnectionGuard guard = guard(unthrottled().maxConnectionsPerAddress(1000).maxConnections(1500));
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger allowed = new AtomicInteger();
        Runnable hammer = () -> {
            try {
                start.await();
                for (int i = 0; i < 100_000; i++) {
                    if (guard.onConnect(MINER).allowed()) {
                        guard.onDisconnect(MINER);
                    }
                }
                start.await();
                // Then both race for the last slots.
                for (int i = 0; i < 1000; i++) {
                    if (guard.onConnect(MINER).allowed()) {
                        allowed.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        Thread a = new Thread(hammer, "hammer-a");
        Thread b = new Thread(hammer, "hammer-b");
        a.start();
        b.start();
        a.join(60_000);
        b.join(60_000);
        assertFalse(a.isAlive() || b.isAlive());
        assertEquals(1000, allowed.get(), "exactly the per-address limit got in");
        GuardStats stats = guard.stats();
        assertEquals(1000, stats.connections());
        assertEquals(1000, stats.refused(RefuseReason.ADDRESS_LIMIT));
        for (int i = 0; i < 1000; i++) {
            guard.onDisconnect(MINER);
        }
        assertEquals(0, guard.stats().connections());
        for (int i = 0; i < 1000; i++) {
            assertTrue(guard.onConnect(MINER).allowed(), "the address's own count is back to zero: " + i);
        }
        assertFalse(guard.onConnect(MINER).allowed());
    }

    @Test
    void concurrentInvalidSharesBanExactlyOnce() throws Exception {
        ConnectionGuard guard = guard(GuardSettings.builder());
        CyclicBarrier start = new CyclicBarrier(2);
        AtomicInteger disconnects = new AtomicInteger();
        Runnable submitter = () -> {
            try {
                start.await();
                for (int i = 0; i < 5_000; i++) {
                    if (guard.onShare(MINER, ShareOutcome.rejected(RejectReason.DUPLICATE)) == Verdict.DISCONNECT) {
                        disconnects.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        Thread a = new Thread(submitter);
        Thread b = new Thread(submitter);
        a.start();
        b.start();
        a.join(60_000);
        b.join(60_000);
        assertEquals(1, guard.stats().bans(BanReason.INVALID_SHARES));
        assertEquals(10_000 - 99, disconnects.get(), "every share from the 100th on is told to disconnect");
        assertEquals(1, log.matching("WARN banned").size());
    }

    // ---- settings ------------------------------------------------------------------------------------

    @Test
    void disabledSettingsAllowEverythingAndTrackNothing() {
        ConnectionGuard guard = new ConnectionGuard(GuardSettings.disabled(), clock, log);
        for (int i = 0; i < 100_000; i++) {
            assertSame(Decision.ALLOW, guard.onConnect(MINER));
            assertSame(Verdict.CONTINUE, guard.onProtocolViolation(MINER, ProtocolViolation.OVERSIZED_LINE));
            assertSame(Verdict.CONTINUE, guard.onShare(MINER, ShareOutcome.rejected(RejectReason.DUPLICATE)));
        }
        assertTrue(guard.newSubmitLimiter().isUnlimited());
        assertEquals(0, guard.stats().trackedAddresses());
        assertEquals(List.of(), guard.bans());
        assertEquals(List.of(), log.lines());
        assertEquals("GuardSettings[disabled]", GuardSettings.disabled().toString());
    }
}
