package io.poolkit.core.guard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StrikeWindowTest {

    @Test
    void judgesTheLastNStrikesExactly() {
        StrikeWindow strikes = new StrikeWindow(3);
        assertFalse(strikes.strike(0, 1000));
        assertFalse(strikes.strike(500, 1000));
        assertFalse(strikes.strike(1000, 1000), "0, 500, 1000 span a whole window: not within it");
        assertTrue(strikes.strike(1499, 1000), "500, 1000, 1499");
        assertFalse(strikes.strike(5000, 1000));
    }

    @Test
    void oneStrikeIsEnoughWhenTheLimitIsOne() {
        assertTrue(new StrikeWindow(1).strike(42, 1));
    }
}
