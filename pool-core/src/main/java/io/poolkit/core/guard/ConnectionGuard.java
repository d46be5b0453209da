package io.poolkit.core.guard;

import io.poolkit.core.share.RejectReason;
import io.poolkit.core.share.ShareOutcome;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps a pool serving while it is attacked: caps connections (overall and per address), limits how fast
 * an address may connect and a session may submit, and bans addresses that send mostly invalid shares,
 * garbage lines or failed authorisations. It only decides; the server acts on its answers.
 *
 * <pre>{@code
 * ConnectionGuard guard = new ConnectionGuard(GuardSettings.defaults(), Clock.systemUTC());
 * // accept:        if (!guard.onConnect(address).allowed()) { close; }   and at close: guard.onDisconnect(address)
 * // session start: RateLimiter submits = guard.newSubmitLimiter();   per submit: submits.tryAcquire(System.nanoTime())
 * // bad line:      guard.onProtocolViolation(address, ProtocolViolation.UNPARSEABLE_LINE)
 * // authorize:     guard.onAuthorization(address, authorization)
 * // share judged:  guard.onShare(address, outcome)
 * // each returns Verdict.DISCONNECT once the address is banned: close the session
 * // timer:         guard.sweep()   (e.g. every 10 s; optional, the guard also sweeps as it goes)
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 * <li><b>Connections.</b> {@link #onConnect} refuses a banned address, an address connecting faster than
 *     {@link GuardSettings#connectRate()} (every attempt takes a token, refused or not), an address with
 *     {@link GuardSettings#maxConnectionsPerAddress()} connections open, and any connection beyond
 *     {@link GuardSettings#maxConnections()}, in that order. An allowed connection must be reported to
 *     {@link #onDisconnect} exactly once; a refused one never.
 * <li><b>Invalid shares.</b> An address is banned when more than {@link GuardSettings#invalidShareRatio()}
 *     of at least {@link GuardSettings#invalidShareMinimum()} shares within
 *     {@link GuardSettings#invalidShareWindow()} were invalid. Invalid means the miner's fault:
 *     {@code LOW_DIFFICULTY}, {@code DUPLICATE}, {@code MALFORMED}, {@code EXTRANONCE2_SIZE},
 *     {@code NTIME_OUT_OF_RANGE}, {@code VERSION_OUTSIDE_MASK}, {@code UNAUTHORIZED_WORKER},
 *     {@code NOT_SUBSCRIBED}. Not counted at all (neither valid nor invalid): {@code STALE} and
 *     {@code JOB_NOT_FOUND} (an honest miner sends them after every new block), {@code JOB_SHARE_LIMIT}
 *     and {@code NOT_RECORDED} (the pool's own limits and faults), and {@code RATE_LIMITED} (the submit
 *     limiter already answers that).
 * <li><b>Protocol abuse.</b> {@link GuardSettings#protocolStrikes()} oversized or unparseable lines within
 *     {@link GuardSettings#protocolWindow()} ban the address. Unknown methods are not abuse.
 * <li><b>Authorisation floods.</b> {@link GuardSettings#authFailures()} denied authorisations within
 *     {@link GuardSettings#authWindow()} ban the address.
 * <li><b>Bans</b> last their rule's ban; a repeat offender's (an address whose previous ban ended less than
 *     {@link GuardSettings#offenceMemory()} ago) is {@link GuardSettings#escalationFactor()} times longer
 *     per earlier offence, up to {@link GuardSettings#longestBan()}. A ban wipes the address's share and
 *     strike history, so it starts afresh when the ban ends. Operators add and lift bans with
 *     {@link #ban} and {@link #unban} and list them with {@link #bans()}.
 * <li><b>Exemption.</b> With {@link GuardSettings#exemptLoopback()}, loopback addresses skip every
 *     per-address rule (they still count towards the overall cap).
 * </ul>
 *
 * <h2>Logs and metrics</h2>
 * Each change of state is logged once, not each event: a ban when imposed (WARN) and when it ends (INFO);
 * an address's refusals for its own limits when they begin (WARN) and when a minute has passed without one
 * (INFO, with the count); the overall cap likewise; the address table filling up and having room again.
 * Every decision is counted in {@link #stats()}.
 *
 * <h2>Addresses and memory</h2>
 * An address is an IPv4 address, or an IPv6 address cut to {@link GuardSettings#ipv6PrefixLength()} bits
 * (an IPv4-mapped IPv6 address is its IPv4 address). At most {@link GuardSettings#maxTrackedAddresses()}
 * addresses are remembered, 200 to 400 bytes each (more with a share history); the table is split into
 * 64 stripes of equal capacity, so the cap is rounded up to a multiple of 64, and operator bans may exceed
 * it. An address with no connection and no ban is forgotten after {@link GuardSettings#idleTimeout()} (an
 * offender only once its offence memory has passed too). When its stripe is full, a new address first
 * makes room by evicting, from that stripe, idle entries and then the least recently seen address that
 * has no connection and no ban (losing that address's history); when every entry there is connected or
 * banned, the new address is admitted without per-address history (only the overall cap applies to it),
 * which is logged once and counted in {@link GuardStats#untrackedConnections()}. So a flood from many
 * addresses can neither grow memory past the cap nor lift the bans already in force.
 *
 * <h2>Cost</h2>
 * The table is split into 64 stripes, each with its own lock; a call locks one stripe for a hash look-up
 * and a few field updates. For an IPv4 address already known, no call allocates (an IPv6 address is read
 * with {@code getAddress()}, which copies its 16 bytes). Each stripe is looked through for idle entries and ended
 * bans once per {@link GuardSettings#sweepInterval()}, by whichever call touches it first; {@link #sweep()}
 * does all stripes at once.
 *
 * <p>Thread-safe: called from every event loop. Time comes from the injected {@link Clock}.
 */
public final class ConnectionGuard {
    static final int STRIPES = 64;
    private static final int STRIPE_SHIFT = Long.SIZE - Integer.numberOfTrailingZeros(STRIPES);
    /** A refusal state ends after this long without a refusal. */
    static final long QUIET_MILLIS = 60_000;
    private static final long NANOS_PER_MILLI = 1_000_000;

    private static final int VALID_SHARE = 0;
    private static final int INVALID_SHARE = 1;
    private static final int BAN_CHECK = 2;
    private static final int OVERSIZED_LINE = 3;
    private static final int UNPARSEABLE_LINE = 4;
    private static final int AUTH_DENIED = 5;

    // How find() treats an address it does not know.
    private static final int LOOK_UP = 0;
    /** Add it if its stripe has room: for events, which must stay cheap while the table is full. */
    private static final int ADD_IF_ROOM = 1;
    /** Add it, evicting another if need be: for connections. */
    private static final int ADD_EVICTING = 2;
    /** Add it whatever the cap: for operator bans. */
    private static final int ADD_ALWAYS = 3;

    private final GuardSettings settings;
    private final Clock clock;
    private final GuardLog log;
    private final boolean enabled;
    private final long seed;
    private final Stripe[] stripes = new Stripe[STRIPES];
    private final long connectIntervalNanos;
    private final long connectToleranceNanos;
    private final long submitIntervalNanos;
    /** Each stripe's share of {@link GuardSettings#maxTrackedAddresses()}, rounded up. */
    private final int stripeCapacity;

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger tracked = new AtomicInteger();
    private final AtomicInteger activeBans = new AtomicInteger();
    private final LongAdder[] refused = adders(RefuseReason.values().length);
    private final LongAdder[] bansImposed = adders(BanReason.values().length);
    private final LongAdder bansEnded = new LongAdder();
    private final LongAdder untracked = new LongAdder();
    private final LongAdder rateLimitedSubmits = new LongAdder();
    private final LongAdder invalidShares = new LongAdder();
    private final LongAdder protocolViolations = new LongAdder();
    private final LongAdder failedAuthorizations = new LongAdder();

    // The overall cap and the full table, each logged once when it begins and once when it ends.
    private final AtomicBoolean saturated = new AtomicBoolean();
    private final LongAdder refusedWhileSaturated = new LongAdder();
    private volatile long lastGlobalRefusal;
    private final AtomicBoolean tableFull = new AtomicBoolean();
    private final LongAdder untrackedWhileFull = new LongAdder();
    private volatile long lastUntracked;

    /** A guard enforcing {@code settings}, telling time by {@code clock}. */
    public ConnectionGuard(GuardSettings settings, Clock clock) {
        this(settings, clock, GuardLog.slf4j());
    }

    ConnectionGuard(GuardSettings settings, Clock clock, GuardLog log) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
        this.enabled = settings.enabled();
        // A per-guard seed, so nobody can pick addresses that all land in one stripe.
        this.seed = ThreadLocalRandom.current().nextLong();
        long now = clock.millis();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(now);
        }
        this.connectIntervalNanos = settings.connectRate() == 0 ? 0
                : RateLimiter.intervalNanos(settings.connectRate(), "connect rate");
        this.connectToleranceNanos = connectIntervalNanos * settings.connectBurst();
        this.submitIntervalNanos = settings.submitRate() == 0 ? 0
                : RateLimiter.intervalNanos(settings.submitRate(), "submit rate");
        this.stripeCapacity = (settings.maxTrackedAddresses() + STRIPES - 1) / STRIPES;
    }

    public GuardSettings settings() {
        return settings;
    }

    // ---- connections ---------------------------------------------------------------------------------

    /**
     * Decides whether a new connection from {@code address} may proceed; an allowed one is counted until
     * {@link #onDisconnect}. Allocates nothing for a known IPv4 address.
     */
    public Decision onConnect(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (!enabled) {
            return Decision.ALLOW;
        }
        long now = clock.millis();
        if (isExempt(address)) {
            return admitOverall(now) ? Decision.ALLOW : refuseOverall(now);
        }
        long hi = AddressKey.hi(address, settings.ipv6PrefixLength());
        long lo = AddressKey.lo(address, settings.ipv6PrefixLength());
        long hash = hash(hi, lo);
        Stripe stripe = stripes[(int) (hash >>> STRIPE_SHIFT)];
        synchronized (stripe) {
            sweepIfDue(stripe, now);
            AddressState state = find(stripe, hi, lo, (int) hash, now, ADD_EVICTING);
            return state == null ? admitUntracked(now) : connect(state, now);
        }
    }

    /** Reports the end of a connection {@link #onConnect} allowed. */
    public void onDisconnect(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (!enabled) {
            return;
        }
        if (!isExempt(address)) {
            long now = clock.millis();
            long hi = AddressKey.hi(address, settings.ipv6PrefixLength());
            long lo = AddressKey.lo(address, settings.ipv6PrefixLength());
            long hash = hash(hi, lo);
            Stripe stripe = stripes[(int) (hash >>> STRIPE_SHIFT)];
            synchronized (stripe) {
                // No entry: the connection was admitted while the table was full.
                AddressState state = find(stripe, hi, lo, (int) hash, now, LOOK_UP);
                if (state != null && state.connections > 0) {
                    state.connections--;
                    state.lastSeen = now;
                }
            }
        }
        int open;
        do {
            open = connections.get();
        } while (open > 0 && !connections.compareAndSet(open, open - 1));
    }

    // ---- what sessions report ------------------------------------------------------------------------

    /**
     * Counts a judged share from {@code address} towards its invalid-share ratio (see the class
     * description for which rejections count); {@link Verdict#DISCONNECT} when the address is banned.
     */
    public Verdict onShare(InetAddress address, ShareOutcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        int event;
        if (outcome.isAccepted()) {
            event = VALID_SHARE;
        } else {
            event = countsAsInvalid(((ShareOutcome.Rejected) outcome).reason()) ? INVALID_SHARE : BAN_CHECK;
        }
        return report(address, event);
    }

    /** Counts an oversized or unparseable line from {@code address}; {@link Verdict#DISCONNECT} when banned. */
    public Verdict onProtocolViolation(InetAddress address, ProtocolViolation violation) {
        Objects.requireNonNull(violation, "violation");
        protocolViolations.increment();
        return report(address, violation == ProtocolViolation.OVERSIZED_LINE ? OVERSIZED_LINE : UNPARSEABLE_LINE);
    }

    /**
     * Counts a denied {@code mining.authorize} from {@code address} (a granted one only checks for a ban);
     * {@link Verdict#DISCONNECT} when the address is banned.
     */
    public Verdict onAuthorization(InetAddress address, Authorization result) {
        Objects.requireNonNull(result, "result");
        if (result instanceof Authorization.Denied) {
            failedAuthorizations.increment();
            return report(address, AUTH_DENIED);
        }
        return report(address, BAN_CHECK);
    }

    /**
     * A fresh limiter for one session's {@code mining.submit}s, at {@link GuardSettings#submitRate()};
     * its refusals are counted in {@link GuardStats#rateLimitedSubmits()}.
     */
    public RateLimiter newSubmitLimiter() {
        if (!enabled || submitIntervalNanos == 0) {
            return RateLimiter.unlimited();
        }
        return new RateLimiter(submitIntervalNanos, settings.submitBurst(), rateLimitedSubmits);
    }

    /** Whether the share counts against its miner's invalid-share ratio (see the class description). */
    static boolean countsAsInvalid(RejectReason reason) {
        return switch (reason) {
            case LOW_DIFFICULTY, DUPLICATE, MALFORMED, EXTRANONCE2_SIZE, NTIME_OUT_OF_RANGE, VERSION_OUTSIDE_MASK,
                    UNAUTHORIZED_WORKER, NOT_SUBSCRIBED -> true;
            case STALE, JOB_NOT_FOUND, JOB_SHARE_LIMIT, NOT_RECORDED, RATE_LIMITED -> false;
        };
    }

    // ---- operators -----------------------------------------------------------------------------------

    /**
     * Bans {@code address} for {@code duration} (replacing any ban in force; no escalation); its
     * connections are closed as they next report to the guard.
     *
     * @throws IllegalArgumentException when the duration is not positive or the address is exempt
     */
    public void ban(InetAddress address, Duration duration, String note) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(note, "note");
        if (duration.isNegative() || duration.toMillis() < 1) {
            throw new IllegalArgumentException("a ban lasts at least 1 ms: " + duration);
        }
        if (!enabled) {
            throw new IllegalArgumentException("the guard is disabled: cannot ban " + address.getHostAddress());
        }
        if (isExempt(address)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is exempt (exemptLoopback)");
        }
        long now = clock.millis();
        long hi = AddressKey.hi(address, settings.ipv6PrefixLength());
        long lo = AddressKey.lo(address, settings.ipv6PrefixLength());
        long hash = hash(hi, lo);
        Stripe stripe = stripes[(int) (hash >>> STRIPE_SHIFT)];
        synchronized (stripe) {
            AddressState state = find(stripe, hi, lo, (int) hash, now, ADD_ALWAYS);
            boolean wasBanned = isBanned(state, now);
            long millis = duration.toMillis();
            state.banReason = BanReason.OPERATOR;
            state.banDetail = note;
            state.banSince = now;
            state.banUntil = now + Math.min(millis, Long.MAX_VALUE / 4);
            state.lastSeen = now;
            if (!wasBanned) {
                activeBans.incrementAndGet();
            }
            bansImposed[BanReason.OPERATOR.ordinal()].increment();
            log.warn("banned " + display(state) + " for " + Duration.ofMillis(millis) + " by an operator: " + note);
        }
    }

    /** Lifts the ban on {@code address} and forgets its offences: {@code true} when it was banned. */
    public boolean unban(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (!enabled || isExempt(address)) {
            return false;
        }
        long now = clock.millis();
        long hi = AddressKey.hi(address, settings.ipv6PrefixLength());
        long lo = AddressKey.lo(address, settings.ipv6PrefixLength());
        long hash = hash(hi, lo);
        Stripe stripe = stripes[(int) (hash >>> STRIPE_SHIFT)];
        synchronized (stripe) {
            AddressState state = find(stripe, hi, lo, (int) hash, now, LOOK_UP);
            if (state == null || !isBanned(state, now)) {
                return false;
            }
            log.info("unbanned " + display(state) + " by an operator (was banned for " + describe(state) + ")");
            clearBan(state);
            state.offences = 0;
            return true;
        }
    }

    /** Whether {@code address} is banned now. */
    public boolean isBanned(InetAddress address) {
        return report(address, BAN_CHECK) == Verdict.DISCONNECT;
    }

    /** The bans in force, soonest to end first. */
    public List<Ban> bans() {
        List<Ban> bans = new ArrayList<>();
        if (!enabled) {
            return bans;
        }
        long now = clock.millis();
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                for (AddressState state : stripe.map.values()) {
                    if (isBanned(state, now)) {
                        bans.add(new Ban(display(state), state.banReason, state.banDetail,
                                Instant.ofEpochMilli(state.banSince), Instant.ofEpochMilli(state.banUntil),
                                state.banReason == BanReason.OPERATOR ? 0 : state.offences));
                    }
                }
            }
        }
        bans.sort(Comparator.comparing(Ban::until).thenComparing(Ban::address));
        return bans;
    }

    /**
     * Looks through the whole table now: ends expired bans and quiet refusal states (logging each once) and
     * forgets idle addresses. The guard does this stripe by stripe as it is used; a server may also call
     * it from a timer so that ends are logged on time.
     */
    public void sweep() {
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                sweep(stripe, now);
            }
        }
        endSaturationIfQuiet(now);
        endTableFullIfQuiet(now);
    }

    /** The counters now. */
    public GuardStats stats() {
        Map<RefuseReason, Long> refusedByReason = new EnumMap<>(RefuseReason.class);
        for (RefuseReason reason : RefuseReason.values()) {
            refusedByReason.put(reason, refused[reason.ordinal()].sum());
        }
        Map<BanReason, Long> bansByReason = new EnumMap<>(BanReason.class);
        for (BanReason reason : BanReason.values()) {
            bansByReason.put(reason, bansImposed[reason.ordinal()].sum());
        }
        return new GuardStats(connections.get(), tracked.get(), activeBans.get(), refusedByReason, bansByReason,
                bansEnded.sum(), untracked.sum(), rateLimitedSubmits.sum(), invalidShares.sum(),
                protocolViolations.sum(), failedAuthorizations.sum());
    }

    @Override
    public String toString() {
        return "ConnectionGuard[" + connections.get() + " connections, " + tracked.get() + " addresses, "
                + activeBans.get() + " bans; " + settings + "]";
    }

    // ---- inside a stripe -----------------------------------------------------------------------------

    private Decision connect(AddressState state, long now) {
        state.lastSeen = now;
        if (isBanned(state, now)) {
            refused[RefuseReason.BANNED.ordinal()].increment();
            return Decision.refused(RefuseReason.BANNED);
        }
        if (connectIntervalNanos != 0) {
            long next = RateLimiter.nextArrival(state.connectArrival, state.connectStarted, now * NANOS_PER_MILLI,
                    connectIntervalNanos, connectToleranceNanos);
            if (next == RateLimiter.REFUSED) {
                return refuseAddress(state, RefuseReason.CONNECT_RATE, now);
            }
            state.connectArrival = next;
            state.connectStarted = true;
        }
        if (state.connections >= settings.maxConnectionsPerAddress()) {
            return refuseAddress(state, RefuseReason.ADDRESS_LIMIT, now);
        }
        if (!admitOverall(now)) {
            return refuseOverall(now);
        }
        state.connections++;
        endThrottleIfQuiet(state, now);
        return Decision.ALLOW;
    }

    private Verdict report(InetAddress address, int event) {
        Objects.requireNonNull(address, "address");
        if (!enabled || isExempt(address)) {
            return Verdict.CONTINUE;
        }
        if (event == INVALID_SHARE) {
            invalidShares.increment();
        }
        long now = clock.millis();
        long hi = AddressKey.hi(address, settings.ipv6PrefixLength());
        long lo = AddressKey.lo(address, settings.ipv6PrefixLength());
        long hash = hash(hi, lo);
        Stripe stripe = stripes[(int) (hash >>> STRIPE_SHIFT)];
        synchronized (stripe) {
            sweepIfDue(stripe, now);
            AddressState state = find(stripe, hi, lo, (int) hash, now, event == BAN_CHECK ? LOOK_UP : ADD_IF_ROOM);
            if (state == null) {
                return Verdict.CONTINUE; // not tracked (table full, or nothing to record)
            }
            if (isBanned(state, now)) {
                return Verdict.DISCONNECT;
            }
            state.lastSeen = now;
            return switch (event) {
                case VALID_SHARE, INVALID_SHARE -> share(state, event == INVALID_SHARE, now);
                case OVERSIZED_LINE, UNPARSEABLE_LINE -> protocolStrike(state, event == OVERSIZED_LINE, now);
                case AUTH_DENIED -> authFailure(state, now);
                default -> Verdict.CONTINUE;
            };
        }
    }

    private Verdict share(AddressState state, boolean invalid, long now) {
        if (!settings.invalidShareBanEnabled()) {
            return Verdict.CONTINUE;
        }
        ShareWindow window = state.shares;
        if (window == null) {
            window = state.shares = new ShareWindow(settings.invalidShareWindowMillis(), now);
        }
        window.add(now, invalid);
        int total = window.total();
        if (invalid && total >= settings.invalidShareMinimum()
                && window.invalid() > settings.invalidShareRatio() * total) {
            impose(state, BanReason.INVALID_SHARES, window.invalid() + " of " + total + " shares invalid within "
                    + settings.invalidShareWindow(), settings.invalidShareBanMillis(), now);
            return Verdict.DISCONNECT;
        }
        return Verdict.CONTINUE;
    }

    private Verdict protocolStrike(AddressState state, boolean oversized, long now) {
        if (!settings.protocolAbuseBanEnabled()) {
            return Verdict.CONTINUE;
        }
        StrikeWindow strikes = state.protocolStrikes;
        if (strikes == null) {
            strikes = state.protocolStrikes = new StrikeWindow(settings.protocolStrikes());
        }
        if (strikes.strike(now, settings.protocolWindowMillis())) {
            impose(state, BanReason.PROTOCOL_ABUSE, settings.protocolStrikes()
                    + " oversized or unparseable lines within " + settings.protocolWindow() + " (the last "
                    + (oversized ? "oversized" : "unparseable") + ")", settings.protocolBanMillis(), now);
            return Verdict.DISCONNECT;
        }
        return Verdict.CONTINUE;
    }

    private Verdict authFailure(AddressState state, long now) {
        if (!settings.authFailureBanEnabled()) {
            return Verdict.CONTINUE;
        }
        StrikeWindow failures = state.authFailures;
        if (failures == null) {
            failures = state.authFailures = new StrikeWindow(settings.authFailures());
        }
        if (failures.strike(now, settings.authWindowMillis())) {
            impose(state, BanReason.AUTH_FLOOD, settings.authFailures() + " failed authorisations within "
                    + settings.authWindow(), settings.authBanMillis(), now);
            return Verdict.DISCONNECT;
        }
        return Verdict.CONTINUE;
    }

    private void impose(AddressState state, BanReason reason, String detail, long firstBanMillis, long now) {
        if (state.offences > 0 && now - state.lastBanEnd >= settings.offenceMemoryMillis()) {
            state.offences = 0; // forgiven
        }
        state.offences++;
        double escalated = firstBanMillis * Math.pow(settings.escalationFactor(), state.offences - 1);
        long millis = escalated >= settings.longestBanMillis() ? settings.longestBanMillis() : (long) escalated;
        state.banReason = reason;
        state.banDetail = detail;
        state.banSince = now;
        state.banUntil = now + millis;
        state.lastBanEnd = state.banUntil;
        state.shares = null;
        state.protocolStrikes = null;
        state.authFailures = null;
        activeBans.incrementAndGet();
        bansImposed[reason.ordinal()].increment();
        log.warn("banned " + display(state) + " for " + Duration.ofMillis(millis) + ": " + reason + ", " + detail
                + (state.offences > 1 ? " (offence " + state.offences + " in a row)" : ""));
    }

    /** Whether the address is banned at {@code now}; ends (and logs) a ban that has run out. */
    private boolean isBanned(AddressState state, long now) {
        if (!state.banned()) {
            return false;
        }
        if (now < state.banUntil) {
            return true;
        }
        log.info("ban on " + display(state) + " ended (" + describe(state) + ")");
        clearBan(state);
        return false;
    }

    private void clearBan(AddressState state) {
        state.banReason = null;
        state.banDetail = null;
        activeBans.decrementAndGet();
        bansEnded.increment();
    }

    private String describe(AddressState state) {
        return state.banReason + ", " + state.banDetail + ", from " + Instant.ofEpochMilli(state.banSince) + " to "
                + Instant.ofEpochMilli(state.banUntil);
    }

    private Decision refuseAddress(AddressState state, RefuseReason reason, long now) {
        refused[reason.ordinal()].increment();
        if (state.throttledReasons == 0) {
            state.throttledSince = now;
            state.refusedWhileThrottled = 0;
            log.warn("refusing connections from " + display(state) + ": " + limit(reason));
        }
        state.throttledReasons |= 1 << reason.ordinal();
        state.lastRefusal = now;
        state.refusedWhileThrottled++;
        return Decision.refused(reason);
    }

    private void endThrottleIfQuiet(AddressState state, long now) {
        if (state.throttledReasons != 0 && now - state.lastRefusal >= QUIET_MILLIS) {
            StringBuilder reasons = new StringBuilder();
            for (RefuseReason reason : RefuseReason.values()) {
                if ((state.throttledReasons & (1 << reason.ordinal())) != 0) {
                    reasons.append(reasons.length() == 0 ? "" : "; ").append(limit(reason));
                }
            }
            log.info("no longer refusing connections from " + display(state) + ": " + state.refusedWhileThrottled
                    + " refused from " + Instant.ofEpochMilli(state.throttledSince) + " to "
                    + Instant.ofEpochMilli(state.lastRefusal) + " (" + reasons + ")");
            state.throttledReasons = 0;
        }
    }

    private String limit(RefuseReason reason) {
        return switch (reason) {
            case CONNECT_RATE -> "more than " + settings.connectRate() + " new connections per second (bursts of "
                    + settings.connectBurst() + ")";
            case ADDRESS_LIMIT -> settings.maxConnectionsPerAddress() + " connections open, the per-address limit";
            case GLOBAL_LIMIT -> settings.maxConnections() + " connections open, the overall limit";
            case BANNED -> "banned";
        };
    }

    /** The entry for a key; for an unknown key, a new entry or {@code null} as {@code mode} says. */
    private AddressState find(Stripe stripe, long hi, long lo, int hash, long now, int mode) {
        stripe.probe.set(hi, lo, hash);
        AddressState state = stripe.map.get(stripe.probe);
        if (state != null || mode == LOOK_UP) {
            return state;
        }
        boolean full = stripe.map.size() >= stripeCapacity;
        if (full && mode != ADD_ALWAYS && (mode == ADD_IF_ROOM || !makeRoom(stripe, now))) {
            return null;
        }
        tracked.incrementAndGet();
        AddressKey key = new AddressKey(hi, lo, hash);
        state = new AddressState(key, now);
        stripe.map.put(key, state);
        return state;
    }

    /** Frees one entry of a full table in this stripe, idle ones first: {@code false} when none can go. */
    private boolean makeRoom(Stripe stripe, long now) {
        int before = stripe.map.size();
        sweep(stripe, now);
        if (stripe.map.size() < before) {
            return true;
        }
        AddressState oldest = null;
        for (AddressState state : stripe.map.values()) {
            if (state.connections == 0 && !state.banned() && (oldest == null || state.lastSeen < oldest.lastSeen)) {
                oldest = state;
            }
        }
        if (oldest == null) {
            return false;
        }
        stripe.map.remove(oldest.key);
        tracked.decrementAndGet();
        return true;
    }

    private void sweepIfDue(Stripe stripe, long now) {
        if (now - stripe.lastSweep >= settings.sweepIntervalMillis()) {
            sweep(stripe, now);
        }
    }

    private void sweep(Stripe stripe, long now) {
        stripe.lastSweep = now;
        Iterator<AddressState> it = stripe.map.values().iterator();
        while (it.hasNext()) {
            AddressState state = it.next();
            isBanned(state, now);
            endThrottleIfQuiet(state, now);
            if (state.connections == 0 && !state.banned() && state.throttledReasons == 0
                    && now - state.lastSeen >= settings.idleTimeoutMillis()
                    && (state.offences == 0 || now - state.lastBanEnd >= settings.offenceMemoryMillis())) {
                it.remove();
                tracked.decrementAndGet();
            }
        }
    }

    // ---- overall -------------------------------------------------------------------------------------

    private boolean admitOverall(long now) {
        int open;
        do {
            open = connections.get();
            if (open >= settings.maxConnections()) {
                return false;
            }
        } while (!connections.compareAndSet(open, open + 1));
        endSaturationIfQuiet(now);
        return true;
    }

    private Decision refuseOverall(long now) {
        refused[RefuseReason.GLOBAL_LIMIT.ordinal()].increment();
        refusedWhileSaturated.increment();
        lastGlobalRefusal = now;
        if (saturated.compareAndSet(false, true)) {
            log.warn("refusing new connections: " + limit(RefuseReason.GLOBAL_LIMIT));
        }
        return Decision.refused(RefuseReason.GLOBAL_LIMIT);
    }

    private void endSaturationIfQuiet(long now) {
        if (saturated.get() && now - lastGlobalRefusal >= QUIET_MILLIS && saturated.compareAndSet(true, false)) {
            log.info("accepting new connections again: " + refusedWhileSaturated.sumThenReset()
                    + " refused at the overall limit of " + settings.maxConnections() + ", the last at "
                    + Instant.ofEpochMilli(lastGlobalRefusal));
        }
    }

    private Decision admitUntracked(long now) {
        if (!admitOverall(now)) {
            return refuseOverall(now);
        }
        untracked.increment();
        untrackedWhileFull.increment();
        lastUntracked = now;
        if (tableFull.compareAndSet(false, true)) {
            log.warn("address table full (" + settings.maxTrackedAddresses() + " addresses, a stripe of them all"
                    + " connected or banned): admitting new addresses without per-address limits until entries"
                    + " free up");
        }
        return Decision.ALLOW;
    }

    private void endTableFullIfQuiet(long now) {
        if (tableFull.get() && now - lastUntracked >= QUIET_MILLIS && tableFull.compareAndSet(true, false)) {
            log.info("address table has room again: " + untrackedWhileFull.sumThenReset()
                    + " connections were admitted without per-address limits");
        }
    }

    private boolean isExempt(InetAddress address) {
        return settings.exemptLoopback() && address.isLoopbackAddress();
    }

    private String display(AddressState state) {
        return AddressKey.display(state.key.hi, state.key.lo, settings.ipv6PrefixLength());
    }

    private long hash(long hi, long lo) {
        return mix(mix(lo ^ seed) + 0x9E37_79B9_7F4A_7C15L * mix(hi + seed));
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        return h ^ (h >>> 33);
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** One lock's share of the table; its fields are guarded by the stripe itself. */
    private static final class Stripe {
        final HashMap<AddressKey, AddressState> map = new HashMap<>();
        final AddressKey probe = new AddressKey();
        long lastSweep;

        Stripe(long now) {
            this.lastSweep = now;
        }
    }
}
