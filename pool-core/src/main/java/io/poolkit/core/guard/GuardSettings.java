package io.poolkit.core.guard;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits a {@link ConnectionGuard} enforces. Immutable and thread-safe.
 *
 * <pre>{@code
 * GuardSettings settings = GuardSettings.builder()
 *         .maxConnections(20_000)
 *         .maxConnectionsPerAddress(64)
 *         .invalidShareBan(0.5, 100, Duration.ofMinutes(10), Duration.ofMinutes(30))
 *         .build();
 * }</pre>
 *
 * <p>Defaults, chosen for a public pool on one machine:
 * <table>
 * <caption>Defaults</caption>
 * <tr><th>limit</th><th>default</th></tr>
 * <tr><td>connections, all addresses</td><td>50,000</td></tr>
 * <tr><td>connections per address</td><td>256</td></tr>
 * <tr><td>new connections per address</td><td>20 per second, bursts of 50</td></tr>
 * <tr><td>{@code mining.submit} per session</td><td>200 per second, bursts of 400</td></tr>
 * <tr><td>invalid-share ban</td><td>more than 50 % invalid of at least 100 shares within 10 min: banned
 *     10 min</td></tr>
 * <tr><td>protocol-abuse ban</td><td>5 oversized or unparseable lines within 1 min: banned 10 min</td></tr>
 * <tr><td>authorisation-flood ban</td><td>20 failed authorisations within 1 min: banned 10 min</td></tr>
 * <tr><td>repeat offenders</td><td>each ban twice as long as the one before, up to 24 h, while the last
 *     ban ended less than 24 h ago</td></tr>
 * <tr><td>loopback addresses</td><td>not exempt</td></tr>
 * <tr><td>addresses tracked</td><td>100,000 (idle ones forgotten after 10 min, looked for every minute)</td></tr>
 * <tr><td>IPv6 grouping</td><td>by /64 prefix: one subscriber's block is one address</td></tr>
 * </table>
 *
 * <p>{@link #disabled()} turns everything off, for benchmarks and trusted networks.
 */
public final class GuardSettings {
    private static final GuardSettings DEFAULTS = builder().build();
    private static final GuardSettings DISABLED = new GuardSettings(builder(), false);

    private final boolean enabled;
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final double connectRate;
    private final int connectBurst;
    private final double submitRate;
    private final int submitBurst;
    private final double invalidShareRatio;
    private final int invalidShareMinimum;
    private final long invalidShareWindowMillis;
    private final long invalidShareBanMillis;
    private final int protocolStrikes;
    private final long protocolWindowMillis;
    private final long protocolBanMillis;
    private final int authFailures;
    private final long authWindowMillis;
    private final long authBanMillis;
    private final double escalationFactor;
    private final long longestBanMillis;
    private final long offenceMemoryMillis;
    private final boolean exemptLoopback;
    private final int maxTrackedAddresses;
    private final long idleTimeoutMillis;
    private final long sweepIntervalMillis;
    private final int ipv6PrefixLength;

    private GuardSettings(Builder b, boolean enabled) {
        this.enabled = enabled;
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.connectRate = b.connectRate;
        this.connectBurst = b.connectBurst;
        this.submitRate = b.submitRate;
        this.submitBurst = b.submitBurst;
        this.invalidShareRatio = b.invalidShareRatio;
        // A count of 0 marks a rule that is off.
        this.invalidShareMinimum = b.invalidShareBanOn ? b.invalidShareMinimum : 0;
        this.invalidShareWindowMillis = b.invalidShareWindow.toMillis();
        this.invalidShareBanMillis = b.invalidShareBan.toMillis();
        this.protocolStrikes = b.protocolAbuseBanOn ? b.protocolStrikes : 0;
        this.protocolWindowMillis = b.protocolWindow.toMillis();
        this.protocolBanMillis = b.protocolBan.toMillis();
        this.authFailures = b.authFailureBanOn ? b.authFailures : 0;
        this.authWindowMillis = b.authWindow.toMillis();
        this.authBanMillis = b.authBan.toMillis();
        this.escalationFactor = b.escalationFactor;
        this.longestBanMillis = b.longestBan.toMillis();
        this.offenceMemoryMillis = b.offenceMemory.toMillis();
        this.exemptLoopback = b.exemptLoopback;
        this.maxTrackedAddresses = b.maxTrackedAddresses;
        this.idleTimeoutMillis = b.idleTimeout.toMillis();
        this.sweepIntervalMillis = b.sweepInterval.toMillis();
        this.ipv6PrefixLength = b.ipv6PrefixLength;
    }

    /** The defaults (see the class description). */
    public static GuardSettings defaults() {
        return DEFAULTS;
    }

    /** No limits and no bans: every connection is allowed and nothing is tracked. For benchmarks. */
    public static GuardSettings disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code false} only for {@link #disabled()}. */
    public boolean enabled() {
        return enabled;
    }

    /** Connections open at once, from all addresses together. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Connections open at once from one address (an IPv4 address or an IPv6 prefix). */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** New connections per second allowed from one address; 0 when unlimited. */
    public double connectRate() {
        return connectRate;
    }

    /** New connections allowed from one address at once. */
    public int connectBurst() {
        return connectBurst;
    }

    /** {@code mining.submit}s per second allowed on one session; 0 when unlimited. */
    public double submitRate() {
        return submitRate;
    }

    /** {@code mining.submit}s allowed on one session at once. */
    public int submitBurst() {
        return submitBurst;
    }

    /** Whether an address is banned for its share of invalid shares. */
    public boolean invalidShareBanEnabled() {
        return invalidShareMinimum > 0;
    }

    /** The fraction of invalid shares above which an address is banned, e.g. 0.5. */
    public double invalidShareRatio() {
        return invalidShareRatio;
    }

    /** The shares an address must have sent within the window before its ratio is judged. */
    public int invalidShareMinimum() {
        return invalidShareMinimum;
    }

    /** The span the invalid-share ratio is measured over. */
    public Duration invalidShareWindow() {
        return Duration.ofMillis(invalidShareWindowMillis);
    }

    /** The first ban for invalid shares. */
    public Duration invalidShareBan() {
        return Duration.ofMillis(invalidShareBanMillis);
    }

    /** Whether an address is banned for oversized or unparseable lines. */
    public boolean protocolAbuseBanEnabled() {
        return protocolStrikes > 0;
    }

    /** Oversized or unparseable lines within the window that ban an address. */
    public int protocolStrikes() {
        return protocolStrikes;
    }

    public Duration protocolWindow() {
        return Duration.ofMillis(protocolWindowMillis);
    }

    /** The first ban for protocol abuse. */
    public Duration protocolBan() {
        return Duration.ofMillis(protocolBanMillis);
    }

    /** Whether an address is banned for failed authorisations. */
    public boolean authFailureBanEnabled() {
        return authFailures > 0;
    }

    /** Failed {@code mining.authorize}s within the window that ban an address. */
    public int authFailures() {
        return authFailures;
    }

    public Duration authWindow() {
        return Duration.ofMillis(authWindowMillis);
    }

    /** The first ban for failed authorisations. */
    public Duration authBan() {
        return Duration.ofMillis(authBanMillis);
    }

    /** Each repeat offence's ban is the first ban times this factor per earlier offence; 1 for none. */
    public double escalationFactor() {
        return escalationFactor;
    }

    /** The longest an escalated ban lasts. */
    public Duration longestBan() {
        return Duration.ofMillis(longestBanMillis);
    }

    /** How long after a ban ends a new offence still counts as a repeat. */
    public Duration offenceMemory() {
        return Duration.ofMillis(offenceMemoryMillis);
    }

    /** Whether loopback addresses (127.0.0.0/8, ::1) skip every per-address rule. */
    public boolean exemptLoopback() {
        return exemptLoopback;
    }

    /** The most addresses whose history is kept (see {@link ConnectionGuard} for what happens when full). */
    public int maxTrackedAddresses() {
        return maxTrackedAddresses;
    }

    /** How long an address with no connection and no ban is remembered. */
    public Duration idleTimeout() {
        return Duration.ofMillis(idleTimeoutMillis);
    }

    /** How often each part of the address table is looked through for idle addresses and ended bans. */
    public Duration sweepInterval() {
        return Duration.ofMillis(sweepIntervalMillis);
    }

    /** IPv6 addresses sharing this many leading bits count as one address. */
    public int ipv6PrefixLength() {
        return ipv6PrefixLength;
    }

    long invalidShareWindowMillis() {
        return invalidShareWindowMillis;
    }

    long invalidShareBanMillis() {
        return invalidShareBanMillis;
    }

    long protocolWindowMillis() {
        return protocolWindowMillis;
    }

    long protocolBanMillis() {
        return protocolBanMillis;
    }

    long authWindowMillis() {
        return authWindowMillis;
    }

    long authBanMillis() {
        return authBanMillis;
    }

    long longestBanMillis() {
        return longestBanMillis;
    }

    long offenceMemoryMillis() {
        return offenceMemoryMillis;
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    long sweepIntervalMillis() {
        return sweepIntervalMillis;
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "GuardSettings[disabled]";
        }
        return "GuardSettings[connections " + maxConnections + ", per address " + maxConnectionsPerAddress
                + ", connects " + rate(connectRate, connectBurst) + ", submits " + rate(submitRate, submitBurst)
                + ", invalid-share ban " + (invalidShareBanEnabled() ? "> " + invalidShareRatio + " of >= "
                        + invalidShareMinimum + " in " + invalidShareWindow() + " -> " + invalidShareBan() : "off")
                + ", protocol ban " + (protocolAbuseBanEnabled() ? protocolStrikes + " in " + protocolWindow() + " -> "
                        + protocolBan() : "off")
                + ", auth ban " + (authFailureBanEnabled() ? authFailures + " in " + authWindow() + " -> " + authBan()
                        : "off")
                + ", escalation x" + escalationFactor + " up to " + longestBan() + " within " + offenceMemory()
                + (exemptLoopback ? ", loopback exempt" : "") + ", tracked " + maxTrackedAddresses + ", idle "
                + idleTimeout() + ", sweep " + sweepInterval() + ", IPv6 /" + ipv6PrefixLength + "]";
    }

    private static String rate(double rate, int burst) {
        return rate == 0 ? "unlimited" : rate + "/s burst " + burst;
    }

    /** Builds {@link GuardSettings}; {@link #build()} checks every value. Not thread-safe. */
    public static final class Builder {
        private static final Duration SECOND = Duration.ofSeconds(1);
        private static final Duration DAY = Duration.ofDays(1);
        private static final Duration YEAR = Duration.ofDays(366);

        private int maxConnections = 50_000;
        private int maxConnectionsPerAddress = 256;
        private double connectRate = 20;
        private int connectBurst = 50;
        private double submitRate = 200;
        private int submitBurst = 400;
        private boolean invalidShareBanOn = true;
        private boolean protocolAbuseBanOn = true;
        private boolean authFailureBanOn = true;
        private double invalidShareRatio = 0.5;
        private int invalidShareMinimum = 100;
        private Duration invalidShareWindow = Duration.ofMinutes(10);
        private Duration invalidShareBan = Duration.ofMinutes(10);
        private int protocolStrikes = 5;
        private Duration protocolWindow = Duration.ofMinutes(1);
        private Duration protocolBan = Duration.ofMinutes(10);
        private int authFailures = 20;
        private Duration authWindow = Duration.ofMinutes(1);
        private Duration authBan = Duration.ofMinutes(10);
        private double escalationFactor = 2;
        private Duration longestBan = Duration.ofHours(24);
        private Duration offenceMemory = Duration.ofHours(24);
        private boolean exemptLoopback;
        private int maxTrackedAddresses = 100_000;
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration sweepInterval = Duration.ofMinutes(1);
        private int ipv6PrefixLength = 64;

        private Builder() {}

        /** Connections open at once from all addresses (default 50,000); at least 1. */
        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        /** Connections open at once from one address (default 256); at least 1. */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = connections;
            return this;
        }

        /**
         * New connections from one address: {@code perSecond} on average, {@code burst} at once (default 20
         * per second, bursts of 50); 0.001 to 10<sup>6</sup> per second, bursts of 1 to 10<sup>6</sup>.
         */
        public Builder connectRate(double perSecond, int burst) {
            this.connectRate = perSecond;
            this.connectBurst = burst;
            return this;
        }

        /** Lets any address open connections as fast as it likes (up to its connection limit). */
        public Builder withoutConnectRateLimit() {
            this.connectRate = 0;
            return this;
        }

        /**
         * {@code mining.submit}s on one session: {@code perSecond} on average, {@code burst} at once (default
         * 200 per second, bursts of 400); 0.001 to 10<sup>6</sup> per second, bursts of 1 to 10<sup>6</sup>.
         */
        public Builder submitRate(double perSecond, int burst) {
            this.submitRate = perSecond;
            this.submitBurst = burst;
            return this;
        }

        public Builder withoutSubmitRateLimit() {
            this.submitRate = 0;
            return this;
        }

        /**
         * Bans an address for {@code ban} when more than {@code ratio} of its shares within {@code window}
         * were invalid, once it sent at least {@code minimumShares} there (default more than 0.5 of at least
         * 100 within 10 min, banned 10 min). The window is measured in tenths, so it spans the last 9/10 to
         * 10/10 of {@code window}. Ratio 0.01 to 0.99; minimum 1 to 10<sup>9</sup>; window 1 s to 1 day; ban
         * 1 s to 366 days.
         */
        public Builder invalidShareBan(double ratio, int minimumShares, Duration window, Duration ban) {
            this.invalidShareRatio = ratio;
            this.invalidShareMinimum = minimumShares;
            this.invalidShareWindow = Objects.requireNonNull(window, "window");
            this.invalidShareBan = Objects.requireNonNull(ban, "ban");
            this.invalidShareBanOn = true;
            return this;
        }

        public Builder withoutInvalidShareBan() {
            this.invalidShareBanOn = false;
            return this;
        }

        /**
         * Bans an address for {@code ban} after {@code strikes} oversized or unparseable lines within
         * {@code window} (default 5 within 1 min, banned 10 min). Strikes 1 to 100; window 1 s to 1 day; ban
         * 1 s to 366 days.
         */
        public Builder protocolAbuseBan(int strikes, Duration window, Duration ban) {
            this.protocolStrikes = strikes;
            this.protocolWindow = Objects.requireNonNull(window, "window");
            this.protocolBan = Objects.requireNonNull(ban, "ban");
            this.protocolAbuseBanOn = true;
            return this;
        }

        public Builder withoutProtocolAbuseBan() {
            this.protocolAbuseBanOn = false;
            return this;
        }

        /**
         * Bans an address for {@code ban} after {@code failures} failed authorisations within {@code window}
         * (default 20 within 1 min, banned 10 min). Failures 1 to 100; window 1 s to 1 day; ban 1 s to 366 days.
         */
        public Builder authFailureBan(int failures, Duration window, Duration ban) {
            this.authFailures = failures;
            this.authWindow = Objects.requireNonNull(window, "window");
            this.authBan = Objects.requireNonNull(ban, "ban");
            this.authFailureBanOn = true;
            return this;
        }

        public Builder withoutAuthFailureBan() {
            this.authFailureBanOn = false;
            return this;
        }

        /**
         * Lengthens the bans of repeat offenders: the n-th ban of an address lasts its rule's ban times
         * {@code factor}<sup>n-1</sup>, at most {@code longestBan}, as long as its previous ban ended less than
         * {@code memory} ago (default factor 2, up to 24 h, memory 24 h). Factor 1 to 100; longest ban at
         * least every rule's ban, at most 366 days; memory 1 s to 366 days.
         */
        public Builder banEscalation(double factor, Duration longestBan, Duration memory) {
            this.escalationFactor = factor;
            this.longestBan = Objects.requireNonNull(longestBan, "longestBan");
            this.offenceMemory = Objects.requireNonNull(memory, "memory");
            return this;
        }

        /** Every ban lasts its rule's ban, however often the address offended before. */
        public Builder withoutBanEscalation() {
            this.escalationFactor = 1;
            return this;
        }

        /**
         * Whether loopback addresses skip every per-address limit and ban (default {@code false}); they still
         * count towards {@link #maxConnections}. For a stratum proxy on the same machine.
         */
        public Builder exemptLoopback(boolean exempt) {
            this.exemptLoopback = exempt;
            return this;
        }

        /**
         * The most addresses remembered at once (default 100,000; 200 to 400 bytes each, so up to 40 MB);
         * 1 to 10<sup>8</sup>, rounded up to a multiple of 64.
         */
        public Builder maxTrackedAddresses(int addresses) {
            this.maxTrackedAddresses = addresses;
            return this;
        }

        /**
         * How long an address without connections or ban is remembered (default 10 min); at least as long as
         * every enabled rule's window (so leaving does not wipe a record), at most 1 day.
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How often each part of the table is looked through (default 1 min); 1 s to 1 h. */
        public Builder sweepInterval(Duration interval) {
            this.sweepInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** IPv6 addresses sharing this many leading bits count as one (default 64); 16 to 128. */
        public Builder ipv6PrefixLength(int bits) {
            this.ipv6PrefixLength = bits;
            return this;
        }

        public GuardSettings build() {
            atLeastOne("maxConnections", maxConnections);
            atLeastOne("maxConnectionsPerAddress", maxConnectionsPerAddress);
            if (connectRate != 0) {
                checkRate("connect rate", connectRate, connectBurst);
            }
            if (submitRate != 0) {
                checkRate("submit rate", submitRate, submitBurst);
            }
            long longestWindow = 0;
            if (invalidShareBanOn) {
                if (!(invalidShareRatio >= 0.01 && invalidShareRatio <= 0.99)) {
                    throw new IllegalArgumentException("invalid-share ratio must be 0.01..0.99: " + invalidShareRatio);
                }
                if (invalidShareMinimum < 1 || invalidShareMinimum > 1_000_000_000) {
                    throw new IllegalArgumentException("invalid-share minimum must be 1..1000000000 shares: "
                            + invalidShareMinimum);
                }
                checkWindow("invalid-share window", invalidShareWindow);
                checkBan("invalid-share ban", invalidShareBan);
                longestWindow = Math.max(longestWindow, invalidShareWindow.toMillis());
            }
            if (protocolAbuseBanOn) {
                checkCount("protocol strikes", protocolStrikes);
                checkWindow("protocol window", protocolWindow);
                checkBan("protocol ban", protocolBan);
                longestWindow = Math.max(longestWindow, protocolWindow.toMillis());
            }
            if (authFailureBanOn) {
                checkCount("auth failures", authFailures);
                checkWindow("auth window", authWindow);
                checkBan("auth ban", authBan);
                longestWindow = Math.max(longestWindow, authWindow.toMillis());
            }
            if (!(escalationFactor >= 1 && escalationFactor <= 100)) {
                throw new IllegalArgumentException("ban escalation factor must be 1..100: " + escalationFactor);
            }
            checkBan("longest ban", longestBan);
            checkBan("offence memory", offenceMemory);
            checkWithinLongest(invalidShareBanOn, "invalid-share ban", invalidShareBan);
            checkWithinLongest(protocolAbuseBanOn, "protocol ban", protocolBan);
            checkWithinLongest(authFailureBanOn, "auth ban", authBan);
            if (maxTrackedAddresses < 1 || maxTrackedAddresses > 100_000_000) {
                throw new IllegalArgumentException("maxTrackedAddresses must be 1..100000000: " + maxTrackedAddresses);
            }
            if (idleTimeout.toMillis() < longestWindow || idleTimeout.compareTo(DAY) > 0 || idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idle timeout must be from the longest rule window ("
                        + Duration.ofMillis(longestWindow) + ") to 1 day: " + idleTimeout);
            }
            if (sweepInterval.compareTo(SECOND) < 0 || sweepInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("sweep interval must be 1 s to 1 h: " + sweepInterval);
            }
            if (ipv6PrefixLength < 16 || ipv6PrefixLength > 128) {
                throw new IllegalArgumentException("IPv6 prefix length must be 16..128 bits: " + ipv6PrefixLength);
            }
            return new GuardSettings(this, true);
        }

        private void checkWithinLongest(boolean enabled, String name, Duration ban) {
            if (enabled && ban.compareTo(longestBan) > 0) {
                throw new IllegalArgumentException("longest ban " + longestBan + " is shorter than the " + name + " "
                        + ban);
            }
        }

        private static void atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
        }

        private static void checkRate(String name, double perSecond, int burst) {
            if (!(perSecond >= 0.001 && perSecond <= 1e6)) {
                throw new IllegalArgumentException(name + " must be 0.001 to 1000000 per second: " + perSecond);
            }
            if (burst < 1 || burst > 1_000_000) {
                throw new IllegalArgumentException(name + " burst must be 1..1000000: " + burst);
            }
        }

        private static void checkCount(String name, int count) {
            if (count < 1 || count > 100) {
                throw new IllegalArgumentException(name + " must be 1..100: " + count);
            }
        }

        private static void checkWindow(String name, Duration window) {
            if (window.compareTo(SECOND) < 0 || window.compareTo(DAY) > 0) {
                throw new IllegalArgumentException(name + " must be 1 s to 1 day: " + window);
            }
        }

        private static void checkBan(String name, Duration ban) {
            if (ban.compareTo(SECOND) < 0 || ban.compareTo(YEAR) > 0) {
                throw new IllegalArgumentException(name + " must be 1 s to 366 days: " + ban);
            }
        }
    }
}
