package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CompactBitsTest {
    private static final BigInteger MAX_VALUE = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    /** Bitcoin Core's SetCompact/GetCompact cases (arith_uint256_tests): bits, value, canonical bits. */
    @Test
    void decodesAndReencodesLikeBitcoinCore() {
        assertDecodes(0x00000000, "0", 0);
        assertDecodes(0x00123456, "0", 0);
        assertDecodes(0x01003456, "0", 0);
        assertDecodes(0x02000056, "0", 0);
        assertDecodes(0x03000000, "0", 0);
        assertDecodes(0x04000000, "0", 0);
        assertDecodes(0x00923456, "0", 0);
        assertDecodes(0x01803456, "0", 0);
        assertDecodes(0x02800056, "0", 0);
        assertDecodes(0x03800000, "0", 0);
        assertDecodes(0x04800000, "0", 0);
        assertDecodes(0x01123456, "12", 0x01120000);
        assertDecodes(0x02123456, "1234", 0x02123400);
        assertDecodes(0x03123456, "123456", 0x03123456);
        assertDecodes(0x04123456, "12345600", 0x04123456);
        assertDecodes(0x05009234, "92340000", 0x05009234);
        assertDecodes(0x20123456, "123456" + "00".repeat(29), 0x20123456);
        assertEquals(0x02008000, Target.fromBigInteger(BigInteger.valueOf(0x80)).toCompact());
    }

    @Test
    void decodesRealNetworkBits() {
        assertDecodes(0x1d00ffff, "ffff" + "00".repeat(26), 0x1d00ffff); // mainnet genesis, powLimit
        assertDecodes(0x18058436, "058436" + "00".repeat(21), 0x18058436); // mainnet block 413567
        assertDecodes(0x207fffff, "7fffff" + "00".repeat(29), 0x207fffff); // regtest
        assertDecodes(0x1e0377ae, "377ae" + "00".repeat(27), 0x1e0377ae); // signet powLimit
    }

    @Test
    void rejectsNegativeEncodingsNamingTheBits() {
        for (int bits : new int[] {0x01fedcba, 0x04923456, 0x1d80ffff, 0x20800001}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompactBits.toTarget(bits));
            assertTrue(e.getMessage().contains(CompactBits.displayHex(bits)) && e.getMessage().contains("negative"),
                    e.getMessage());
        }
    }

    @Test
    void rejectsOverflowingEncodingsNamingTheBits() {
        for (int bits : new int[] {0xff123456, 0x23000001, 0x22000100, 0x21010000, 0x2201ffff}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.fromCompact(bits));
            assertTrue(e.getMessage().contains(CompactBits.displayHex(bits)) && e.getMessage().contains("2^256"),
                    e.getMessage());
        }
        // The largest encodings that still fit.
        assertEquals(BigInteger.valueOf(0xff).shiftLeft(248), Target.fromCompact(0x220000ff).toBigInteger());
        assertEquals(BigInteger.valueOf(0xffff).shiftLeft(240), Target.fromCompact(0x2100ffff).toBigInteger());
        assertEquals(BigInteger.valueOf(0x7fffff).shiftLeft(232), Target.fromCompact(0x207fffff).toBigInteger());
    }

    @Test
    void showsAndReadsBitsAsBitcoindDoes() {
        assertEquals("207fffff", CompactBits.displayHex(0x207fffff));
        assertEquals("0000ffff", CompactBits.displayHex(0xffff));
        assertEquals(0x18058436, CompactBits.fromDisplayHex("18058436"));
        assertEquals(0x207fffff, CompactBits.fromDisplayHex("207FFFFF"));
        for (String bad : new String[] {"", "207fff", "207fffff0", "207fffgf", "+207ffff"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CompactBits.fromDisplayHex(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Property(tries = 1000)
    void canonicalBitsRoundTripThroughTheTarget(@ForAll("canonicalBits") int bits) {
        Target target = CompactBits.toTarget(bits);
        assertEquals(bits, CompactBits.fromTarget(target), () -> CompactBits.displayHex(bits));
        assertEquals(reference(bits), target.toBigInteger());
    }

    @Property(tries = 2000)
    void anyBitsDecodeAsTheReferenceSaysAndKeepTheirValue(@ForAll int bits) {
        BigInteger expected = reference(bits);
        if (expected == null) {
            assertThrows(IllegalArgumentException.class, () -> CompactBits.toTarget(bits));
            return;
        }
        Target target = CompactBits.toTarget(bits);
        assertEquals(expected, target.toBigInteger());
        // Every valid encoding's value has a canonical form with the very same value.
        int canonical = CompactBits.fromTarget(target);
        assertEquals(target, CompactBits.toTarget(canonical));
        assertEquals(canonical, CompactBits.fromTarget(CompactBits.toTarget(canonical)));
    }

    @Property(tries = 1000)
    void encodingKeepsTheTopThreeBytesAndDropsTheRest(@ForAll("anyTargets") BigInteger value) {
        Target target = Target.fromBigInteger(value);
        BigInteger back = CompactBits.toTarget(CompactBits.fromTarget(target)).toBigInteger();
        int size = (value.bitLength() + 7) / 8;
        // The mantissa is signed: a top byte of 0x80 or more leaves room for only two bytes.
        int kept = value.bitLength() % 8 == 0 ? 2 : 3;
        int dropped = Math.max(0, 8 * (size - kept));
        assertEquals(value.shiftRight(dropped).shiftLeft(dropped), back);
    }

    @Provide
    Arbitrary<Integer> canonicalBits() {
        Arbitrary<Integer> small = Arbitraries.integers().between(1, 0x7f).map(b -> 0x0100_0000 | b << 16);
        Arbitrary<Integer> two = Arbitraries.integers().between(0x80, 0x7fff).map(b -> 0x0200_0000 | b << 8);
        Arbitrary<Integer> wide = Combinators.combine(Arbitraries.integers().between(3, 32),
                Arbitraries.integers().between(0x8000, 0x7fffff)).as((size, mantissa) -> size << 24 | mantissa);
        Arbitrary<Integer> top = Arbitraries.integers().between(0x8000, 0xffff).map(m -> 0x2100_0000 | m);
        return Arbitraries.oneOf(small, two, wide, top, Arbitraries.just(0));
    }

    @Provide
    Arbitrary<BigInteger> anyTargets() {
        return Combinators.combine(Arbitraries.integers().between(0, 256), Arbitraries.longs())
                .as((bitLength, seed) -> new BigInteger(bitLength, new java.util.Random(seed)))
                .filter(v -> v.compareTo(MAX_VALUE) <= 0);
    }

    /** Bitcoin Core's SetCompact with BigInteger; null where Core sets pfNegative or pfOverflow. */
    private static BigInteger reference(int bits) {
        int size = bits >>> 24;
        long word = bits & 0x007fffff;
        BigInteger value;
        if (size <= 3) {
            word >>= 8 * (3 - size);
            value = BigInteger.valueOf(word);
        } else {
            value = BigInteger.valueOf(word).shiftLeft(8 * (size - 3));
        }
        boolean negative = word != 0 && (bits & 0x00800000) != 0;
        boolean overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
        return negative || overflow ? null : value;
    }

    private static void assertDecodes(int bits, String hexValue, int canonical) {
        Target target = CompactBits.toTarget(bits);
        assertEquals(new BigInteger(hexValue, 16), target.toBigInteger(), CompactBits.displayHex(bits));
        assertEquals(canonical, target.toCompact(), CompactBits.displayHex(bits));
    }
}
