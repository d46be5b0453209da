package io.poolkit.core.guard;

import java.util.concurrent.atomic.LongAdder;

/**
 * A token bucket: up to {@code burst} events at once, then {@code ratePerSecond} on average. A session
 * owns one for its {@code mining.submit}s and answers a refused submit with {@code RATE_LIMITED}:
 *
 * <pre>{@code
 * RateLimiter submits = guard.newSubmitLimiter();          // at session start
 * if (!submits.tryAcquire(System.nanoTime())) {            // per mining.submit
 *     reply(RejectReason.RATE_LIMITED);
 * }
 * }</pre>
 *
 * <p>Kept as one theoretical arrival time (the generic cell rate algorithm): each event moves it one
 * emission interval ({@code 1/rate}) later, and an event is refused when that would put it more than
 * {@code burst} intervals ahead of now. Refused events cost nothing, so a flood does not push the
 * session's allowance further away.
 *
 * <p>Not thread-safe: confine to the session's event loop. Allocates nothing after construction. Time is
 * whatever monotonic nanosecond clock the caller passes, always the same one for a given limiter.
 */
public final class RateLimiter {
    private static final RateLimiter UNLIMITED = new RateLimiter(0, Integer.MAX_VALUE, null);

    /** Nanoseconds between events at the sustained rate; 0 for no limit. */
    private final long intervalNanos;
    /** How far ahead of now the arrival time may run: {@code burst} intervals. */
    private final long toleranceNanos;
    private final int burst;
    private final LongAdder refusals;
    private long arrival;
    private boolean started;

    RateLimiter(long intervalNanos, int burst, LongAdder refusals) {
        this.intervalNanos = intervalNanos;
        this.burst = burst;
        this.toleranceNanos = intervalNanos * burst;
        this.refusals = refusals;
    }

    /**
     * A limiter allowing {@code burst} events at once and {@code ratePerSecond} on average.
     *
     * @param ratePerSecond the sustained rate, 0.001 to 10<sup>9</sup>
     * @param burst         the events allowed at once, 1 to 10<sup>6</sup>
     */
    public static RateLimiter of(double ratePerSecond, int burst) {
        return new RateLimiter(intervalNanos(ratePerSecond, "ratePerSecond"), checkBurst(burst, "burst"), null);
    }

    /** A limiter that allows everything (shared: it has no state). */
    public static RateLimiter unlimited() {
        return UNLIMITED;
    }

    /** Takes one token at {@code nowNanos}: {@code true} when the event is allowed. */
    public boolean tryAcquire(long nowNanos) {
        if (intervalNanos == 0) {
            return true;
        }
        long next = nextArrival(arrival, started, nowNanos, intervalNanos, toleranceNanos);
        if (next == REFUSED) {
            if (refusals != null) {
                refusals.increment();
            }
            return false;
        }
        arrival = next;
        started = true;
        return true;
    }

    /** Whether this limiter refuses anything at all. */
    public boolean isUnlimited() {
        return intervalNanos == 0;
    }

    /** The sustained rate in events per second ({@code Double.POSITIVE_INFINITY} when unlimited). */
    public double ratePerSecond() {
        return intervalNanos == 0 ? Double.POSITIVE_INFINITY : 1e9 / intervalNanos;
    }

    /** The events allowed at once. */
    public int burst() {
        return burst;
    }

    @Override
    public String toString() {
        return isUnlimited() ? "RateLimiter[unlimited]" : "RateLimiter[" + ratePerSecond() + "/s, burst " + burst + "]";
    }

    /** What {@link #nextArrival} returns for a refused event (no real arrival time is this value). */
    static final long REFUSED = Long.MIN_VALUE;

    /**
     * The arrival time after one more event at {@code now}, or {@link #REFUSED}. Comparisons are by
     * difference, so any nanosecond origin works; {@code started == false} means a full bucket.
     */
    static long nextArrival(long arrival, boolean started, long now, long interval, long tolerance) {
        long base = !started || arrival - now < 0 ? now : arrival;
        long next = base + interval;
        if (next - now > tolerance) {
            return REFUSED;
        }
        return next == REFUSED ? next + 1 : next;
    }

    static long intervalNanos(double ratePerSecond, String name) {
        if (!(ratePerSecond >= 0.001 && ratePerSecond <= 1e9)) {
            throw new IllegalArgumentException(name + " must be 0.001 to 1e9 per second: " + ratePerSecond);
        }
        return Math.max(1, Math.round(1e9 / ratePerSecond));
    }

    static int checkBurst(int burst, String name) {
        if (burst < 1 || burst > 1_000_000) {
            throw new IllegalArgumentException(name + " must be 1..1000000: " + burst);
        }
        return burst;
    }
}
