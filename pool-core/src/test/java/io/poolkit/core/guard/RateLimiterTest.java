package io.poolkit.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void allowsTheBurstAtOnceThenOneEventPerInterval() {
        RateLimiter limiter = RateLimiter.of(10, 3);
        long t = 1_000_000_000L;
        assertTrue(limiter.tryAcquire(t));
        assertTrue(limiter.tryAcquire(t));
        assertTrue(limiter.tryAcquire(t));
        assertFalse(limiter.tryAcquire(t));
        assertFalse(limiter.tryAcquire(t + 99_999_999));
        assertTrue(limiter.tryAcquire(t + 100_000_000));
        assertFalse(limiter.tryAcquire(t + 100_000_000));
        assertEquals(10, limiter.ratePerSecond(), 1e-9);
        assertEquals(3, limiter.burst());
    }

    @Test
    void aRateLimiterKeepsTheSustainedRateOverALongRun() {
        RateLimiter limiter = RateLimiter.of(200, 400);
        long start = -5_000_000_000L; // any origin, even negative
        int allowed = 0;
        for (long t = 0; t <= 60_000_000_000L; t += 1_000_000) { // one attempt per ms for a minute
            if (limiter.tryAcquire(start + t)) {
                allowed++;
            }
        }
        assertEquals(400 + 60 * 200, allowed); // the burst, then 200 per second
    }

    @Test
    void rateLimiterArgumentsAreChecked() {
        var e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.of(0, 10));
        assertTrue(e.getMessage().contains("0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RateLimiter.of(Double.NaN, 10));
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.of(5, 0));
        assertTrue(e.getMessage().contains("burst") && e.getMessage().contains(": 0"), e.getMessage());
        assertTrue(RateLimiter.unlimited().isUnlimited());
        assertTrue(RateLimiter.unlimited().tryAcquire(0));
    }

}
