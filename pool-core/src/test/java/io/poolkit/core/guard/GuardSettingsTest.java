package io.poolkit.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class GuardSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        GuardSettings d = GuardSettings.defaults();
        assertTrue(d.enabled());
        assertEquals(50_000, d.maxConnections());
        assertEquals(256, d.maxConnectionsPerAddress());
        assertEquals(20, d.connectRate());
        assertEquals(50, d.connectBurst());
        assertEquals(200, d.submitRate());
        assertEquals(400, d.submitBurst());
        assertTrue(d.invalidShareBanEnabled());
        assertEquals(0.5, d.invalidShareRatio());
        assertEquals(100, d.invalidShareMinimum());
        assertEquals(Duration.ofMinutes(10), d.invalidShareWindow());
        assertEquals(Duration.ofMinutes(10), d.invalidShareBan());
        assertEquals(5, d.protocolStrikes());
        assertEquals(Duration.ofMinutes(1), d.protocolWindow());
        assertEquals(Duration.ofMinutes(10), d.protocolBan());
        assertEquals(20, d.authFailures());
        assertEquals(Duration.ofMinutes(1), d.authWindow());
        assertEquals(Duration.ofMinutes(10), d.authBan());
        assertEquals(2, d.escalationFactor());
        assertEquals(Duration.ofHours(24), d.longestBan());
        assertEquals(Duration.ofHours(24), d.offenceMemory());
        assertFalse(d.exemptLoopback());
        assertEquals(100_000, d.maxTrackedAddresses());
        assertEquals(Duration.ofMinutes(10), d.idleTimeout());
        assertEquals(Duration.ofMinutes(1), d.sweepInterval());
        assertEquals(64, d.ipv6PrefixLength());
        assertEquals("GuardSettings[connections 50000, per address 256, connects 20.0/s burst 50, submits 200.0/s burst"
                + " 400, invalid-share ban > 0.5 of >= 100 in PT10M -> PT10M, protocol ban 5 in PT1M -> PT10M, auth ban 20"
                + " in PT1M -> PT10M, escalation x2.0 up to PT24H within PT24H, tracked 100000, idle PT10M, sweep PT1M,"
                + " IPv6 /64]", d.toString());
    }

    @Test
    void rulesCanBeTurnedOff() {
        GuardSettings s = GuardSettings.builder().withoutConnectRateLimit().withoutSubmitRateLimit()
                .withoutInvalidShareBan().withoutProtocolAbuseBan().withoutAuthFailureBan().withoutBanEscalation()
                .idleTimeout(Duration.ofSeconds(1)).build();
        assertEquals(0, s.connectRate());
        assertEquals(0, s.submitRate());
        assertFalse(s.invalidShareBanEnabled());
        assertFalse(s.protocolAbuseBanEnabled());
        assertFalse(s.authFailureBanEnabled());
        assertEquals(1, s.escalationFactor());
        assertTrue(s.toString().contains("connects unlimited"), s.toString());
    }

    @Test
    void badValuesAreRefusedNamingTheValue() {
        refused(b -> b.maxConnections(0), "maxConnections must be at least 1: 0");
        refused(b -> b.maxConnectionsPerAddress(-3), "maxConnectionsPerAddress must be at least 1: -3");
        refused(b -> b.connectRate(0.0001, 5), "connect rate must be 0.001 to 1000000 per second: 1.0E-4");
        refused(b -> b.connectRate(5, 0), "connect rate burst must be 1..1000000: 0");
        refused(b -> b.submitRate(Double.NaN, 5), "submit rate must be 0.001 to 1000000 per second: NaN");
        refused(b -> b.invalidShareBan(1.0, 100, Duration.ofMinutes(10), Duration.ofMinutes(10)),
                "invalid-share ratio must be 0.01..0.99: 1.0");
        refused(b -> b.invalidShareBan(0.5, 0, Duration.ofMinutes(10), Duration.ofMinutes(10)),
                "invalid-share minimum must be 1..1000000000 shares: 0");
        refused(b -> b.protocolAbuseBan(0, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                "protocol strikes must be 1..100: 0");
        refused(b -> b.invalidShareBan(0.5, 100, Duration.ofMillis(10), Duration.ofMinutes(10)),
                "invalid-share window must be 1 s to 1 day: PT0.01S");
        refused(b -> b.authFailureBan(101, Duration.ofMinutes(1), Duration.ofMinutes(10)),
                "auth failures must be 1..100: 101");
        refused(b -> b.authFailureBan(10, Duration.ofMinutes(1), Duration.ofDays(400)),
                "auth ban must be 1 s to 366 days: PT9600H");
        refused(b -> b.banEscalation(0.5, Duration.ofHours(1), Duration.ofHours(1)),
                "ban escalation factor must be 1..100: 0.5");
        refused(b -> b.banEscalation(2, Duration.ofMinutes(5), Duration.ofHours(1)),
                "longest ban PT5M is shorter than the invalid-share ban PT10M");
        refused(b -> b.maxTrackedAddresses(0), "maxTrackedAddresses must be 1..100000000: 0");
        refused(b -> b.idleTimeout(Duration.ofMinutes(5)),
                "idle timeout must be from the longest rule window (PT10M) to 1 day: PT5M");
        refused(b -> b.sweepInterval(Duration.ofMillis(10)), "sweep interval must be 1 s to 1 h: PT0.01S");
        refused(b -> b.ipv6PrefixLength(8), "IPv6 prefix length must be 16..128 bits: 8");
        assertThrows(NullPointerException.class, () -> GuardSettings.builder().idleTimeout(null));
    }

    private static void refused(Consumer<GuardSettings.Builder> change, String message) {
        GuardSettings.Builder builder = GuardSettings.builder();
        change.accept(builder);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertEquals(message, e.getMessage());
    }
}
