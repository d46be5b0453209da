package io.poolkit.core.guard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told; reading it allocates nothing. */
final class TestClock extends Clock {
    private volatile long millis;

    TestClock(Instant start) {
        this.millis = start.toEpochMilli();
    }

    TestClock() {
        this(Instant.parse("2024-04-20T00:09:27Z"));
    }

    void advance(Duration duration) {
        millis += duration.toMillis();
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
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
