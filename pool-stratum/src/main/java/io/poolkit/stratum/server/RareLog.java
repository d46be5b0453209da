package io.poolkit.stratum.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a log line that an attacker could repeat at will through at most once a minute, so a flood of bad
 * connections costs counters, not log volume. Thread-safe.
 */
final class RareLog {
    static final long INTERVAL_MILLIS = 60_000;

    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /** True for the first call, then for the first call a minute or more after the last true. */
    boolean due(long nowMillis) {
        long previous = last.get();
        return (previous == Long.MIN_VALUE || nowMillis - previous >= INTERVAL_MILLIS)
                && last.compareAndSet(previous, nowMillis);
    }
}
