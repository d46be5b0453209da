package io.poolkit.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock that moves only when a test says so, at millisecond resolution. Thread-safe: the code under test
 * may read it on its own threads while the test advances it; reading allocates nothing.
 */
public final class ManualClock extends Clock {
    private final AtomicLong millis;

    /** A clock standing at {@code start}. */
    public ManualClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** A clock standing at an arbitrary fixed moment (2024-04-20T00:09:27Z, the fourth halving's block). */
    public ManualClock() {
        this(Instant.parse("2024-04-20T00:09:27Z"));
    }

    /** Moves the clock forward (or back, for a negative {@code duration}). */
    public void advance(Duration duration) {
        millis.addAndGet(duration.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
