package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StratumValueTest {
    @Test
    void accessorsThrowOnTheWrongKindNamingBoth() {
        StratumValue number = StratumValue.of(12);
        IllegalStateException e = assertThrows(IllegalStateException.class, number::asString);
        assertTrue(e.getMessage().contains("STRING") && e.getMessage().contains("NUMBER"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> StratumValue.of("12").numberText());
        assertThrows(IllegalStateException.class, () -> StratumValue.NULL.asBoolean());
        assertThrows(IllegalStateException.class, () -> StratumValue.TRUE.asArray());
        assertThrows(IllegalStateException.class, () -> StratumValue.array().asObject());
    }

    @Test
    void readsIntegralNumbersAsLongsOnlyWhenExact() {
        assertEquals(4L, StratumValue.number("4").asLong());
        assertEquals(4L, StratumValue.number("4.0").asLong());
        assertEquals(400L, StratumValue.number("4e2").asLong());
        assertEquals(Long.MAX_VALUE, StratumValue.number("9223372036854775807").asLong());
        assertEquals(Long.MIN_VALUE, StratumValue.number("-9223372036854775808").asLong());
        for (String notLong : List.of("4.5", "9223372036854775808", "1e400", "1e-400", "12345678901234567890")) {
            assertFalse(StratumValue.number(notLong).isLong(), notLong);
            assertThrows(IllegalStateException.class, () -> StratumValue.number(notLong).asLong());
        }
        assertFalse(StratumValue.of("4").isLong(), "a string is not a number");
        assertEquals(Double.POSITIVE_INFINITY, StratumValue.number("1e400").asDouble());
    }

    @Test
    void keepsNumberTextVerbatimAndComparesByIt() {
        assertEquals("1.50", StratumValue.number("1.50").numberText());
        assertNotEquals(StratumValue.number("1"), StratumValue.number("1.0"));
        assertEquals(StratumValue.of(0.000001), StratumValue.number("0.000001"));
        assertEquals("-3", StratumValue.of(-3L).numberText());
    }

    @Test
    void refusesTextThatIsNoJsonNumber() {
        for (String bad : List.of("", "-", "01", "1.", ".5", "1e", "+1", "0x10", "NaN", "Infinity", "1 ", "١")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StratumValue.number(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> StratumId.ofNumberText("4a"));
        assertThrows(IllegalArgumentException.class, () -> StratumValue.of(Double.NaN));
    }

    @Test
    void copiesCollectionsAndStaysImmutable() {
        List<StratumValue> elements = new ArrayList<>(List.of(StratumValue.of("a")));
        StratumValue array = StratumValue.array(elements);
        elements.add(StratumValue.of("b"));
        assertEquals(1, array.asArray().size());
        assertThrows(UnsupportedOperationException.class, () -> array.asArray().add(StratumValue.NULL));

        Map<String, StratumValue> members = new LinkedHashMap<>();
        members.put("z", StratumValue.of(1));
        members.put("a", StratumValue.of(2));
        StratumValue object = StratumValue.object(members);
        members.clear();
        assertEquals(List.of("z", "a"), List.copyOf(object.asObject().keySet()));
        assertEquals("{\"z\":1,\"a\":2}", object.toJson());
        assertThrows(UnsupportedOperationException.class, () -> object.asObject().put("x", StratumValue.NULL));
        assertEquals(StratumValue.NULL, StratumValue.of((String) null));
    }
}
