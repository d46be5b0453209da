package io.poolkit.accounting.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayoutSchemesTest {

    @Test
    void findsEveryBuiltInByNameInAnyCase() {
        assertInstanceOf(PpsScheme.class, PayoutSchemes.byName("pps", Map.of()));
        assertInstanceOf(FppsScheme.class, PayoutSchemes.byName("FPPS", Map.of()));
        assertInstanceOf(PropScheme.class, PayoutSchemes.byName("Prop", Map.of()));
        assertInstanceOf(PplnsScheme.class, PayoutSchemes.byName(" pplns ", Map.of()));
        assertInstanceOf(TimePplnsScheme.class, PayoutSchemes.byName("pplns-time", Map.of("window", "1h")));
        assertInstanceOf(SoloScheme.class, PayoutSchemes.byName("solo", Map.of()));
    }

    @Test
    void configurationReachesTheScheme() {
        PplnsScheme pplns = (PplnsScheme) PayoutSchemes.byName("pplns", Map.of("n", "1.5", "fee.bps", "150"));
        assertEquals(new BigDecimal("1.5"), pplns.n());
        assertEquals(150, pplns.feeBasisPoints());
        assertEquals(WindowSpec.difficulty(new BigDecimal("1.5")), pplns.window());
        assertEquals(new BigDecimal("2"), ((PplnsScheme) PayoutSchemes.byName("pplns", Map.of())).n());
        assertEquals(WindowSpec.time(Duration.ofMinutes(90)),
                PayoutSchemes.byName("pplns-time", Map.of("window", "90m")).window());
        assertEquals(WindowSpec.time(Duration.ofHours(2)),
                PayoutSchemes.byName("pplns-time", Map.of("window", "PT2H")).window());
    }

    @Test
    void unknownSchemeNamesTheOnesAvailable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PayoutSchemes.byName("pplnz", Map.of()));
        assertTrue(e.getMessage().contains("'pplnz'") && e.getMessage().contains("pplns"), e.getMessage());
    }

    @Test
    void badSettingsAreRejectedNamingTheValue() {
        assertMessage("fee.bps must be 0..10000 basis points: 20000",
                () -> PayoutSchemes.byName("prop", Map.of("fee.bps", "20000")));
        assertMessage("'1%'", () -> PayoutSchemes.byName("prop", Map.of("fee.bps", "1%")));
        assertMessage("setting 'n' must be > 0", () -> PayoutSchemes.byName("pplns", Map.of("n", "0")));
        assertMessage("'two'", () -> PayoutSchemes.byName("pplns", Map.of("n", "two")));
        assertMessage("setting 'window' is required", () -> PayoutSchemes.byName("pplns-time", Map.of()));
        assertMessage("'an hour'", () -> PayoutSchemes.byName("pplns-time", Map.of("window", "an hour")));
        assertMessage("unknown setting(s) [N]", () -> PayoutSchemes.byName("pplns", Map.of("N", "3")));
        assertMessage("unknown setting(s) [n]", () -> PayoutSchemes.byName("prop", Map.of("n", "3")));
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
