package io.poolkit.accounting.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ShareWeightTest {
    private static final BigDecimal TWO_32 = new BigDecimal(BigInteger.ONE.shiftLeft(32));

    @Test
    void weightIsDifficultyInUnitsOfTwoToTheMinus32() {
        assertEquals(BigInteger.ONE.shiftLeft(32), ShareWeight.of(1.0));
        assertEquals(BigInteger.ONE.shiftLeft(31), ShareWeight.of(0.5));
        assertEquals(BigInteger.valueOf(65536).shiftLeft(32), ShareWeight.of(65536.0));
        assertEquals(BigInteger.ONE, ShareWeight.of(0x1p-32));
        assertEquals(BigInteger.ZERO, ShareWeight.of(0x1p-33));
        assertEquals(BigInteger.ZERO, ShareWeight.of(Double.MIN_VALUE));
        assertEquals(BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE.shiftLeft(127 - 53)),
                ShareWeight.of(Math.nextDown(0x1p95)));
    }

    @Test
    void rejectsDifficultiesThatAreNotPositiveOrTooLarge() {
        assertThrows(IllegalArgumentException.class, () -> ShareWeight.of(0.0));
        assertThrows(IllegalArgumentException.class, () -> ShareWeight.of(-1.0));
        assertThrows(IllegalArgumentException.class, () -> ShareWeight.of(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ShareWeight.of(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> ShareWeight.of(0x1p95));
    }

    @Provide
    Arbitrary<Double> difficulties() {
        return Combinators.combine(Arbitraries.doubles().between(1.0, 2.0).ofScale(15),
                Arbitraries.integers().between(-45, 94)).as(Math::scalb).filter(d -> d < 0x1p95);
    }

    @Property(tries = 500)
    void weightIsTheExactValueRoundedDown(@ForAll("difficulties") double difficulty) {
        BigInteger exact = new BigDecimal(difficulty).multiply(TWO_32).toBigInteger();
        assertEquals(exact, ShareWeight.of(difficulty));
        assertEquals(exact, ShareWeight.toBigInteger(ShareWeight.high(difficulty), ShareWeight.low(difficulty)));
    }
}
