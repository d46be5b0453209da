package io.poolkit.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShareWindowTest {
    private static final long MINUTE = 60_000;

    @Test
    void countsSharesOfTheLastTenTenthsOfTheWindow() {
        long start = 1_713_571_200_000L; // a whole minute, so buckets start with it
        ShareWindow window = new ShareWindow(10 * MINUTE, start);
        window.add(start, true);
        window.add(start + 30_000, false);
        window.add(start + 9 * MINUTE + 59_999, true);
        assertEquals(3, window.total());
        assertEquals(2, window.invalid());
        window.add(start + 10 * MINUTE, false); // the first minute's bucket is let go
        assertEquals(2, window.total());
        assertEquals(1, window.invalid());
        window.add(start + 30 * MINUTE, false); // everything before is let go
        assertEquals(1, window.total());
        assertEquals(0, window.invalid());
    }

    @Test
    void aClockThatGoesBackCountsIntoTheNewestBucket() {
        ShareWindow window = new ShareWindow(10 * MINUTE, 5 * MINUTE);
        window.add(5 * MINUTE, true);
        window.add(2 * MINUTE, true);
        assertEquals(2, window.invalid());
        window.add(15 * MINUTE, false);
        assertEquals(1, window.total());
    }
}
