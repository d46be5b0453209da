package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class TargetTest {
    private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);
    private static final BigInteger MAX_VALUE = TWO_256.subtract(BigInteger.ONE);
    private static final BigInteger DIFF1 = BigInteger.valueOf(0xFFFF).shiftLeft(208);
    private static final MathContext PRECISE = new MathContext(60);

    // ---- known answers -------------------------------------------------------------------------

    @Test
    void difficultyOneIsTheTargetOfBits1d00ffff() {
        Target target = Target.fromCompact(0x1d00ffff);
        assertEquals(Target.DIFFICULTY_1, target);
        assertEquals("00000000ffff0000000000000000000000000000000000000000000000000000", target.displayHex());
        assertEquals(1.0, target.difficulty());
        assertEquals(0x1d00ffff, target.toCompact());
        assertEquals(Target.DIFFICULTY_1, Target.fromDifficulty(1.0));
        assertEquals(DIFF1, Target.DIFFICULTY_1.toBigInteger());
    }

    @Test
    void regtestTargetAndDifficultyMatchWhatBitcoindReports() {
        Map<String, Object> header = VectorJson.map(VectorJson.map(
                VectorJson.parse(SharedVectors.text("bitcoind-regtest/getblockheader.json"))).get("result"));
        int bits = CompactBits.fromDisplayHex((String) header.get("bits"));
        assertEquals(0x207fffff, bits);
        Target target = Target.fromCompact(bits);
        assertEquals(Target.fromDisplayHex((String) header.get("target")), target);
        assertEquals("7fffff0000000000000000000000000000000000000000000000000000000000", target.displayHex());
        // bitcoind prints doubles with 16 significant digits, so its figure is within half a unit of the 16th.
        double reported = (double) header.get("difficulty");
        assertEquals(reported, target.difficulty(), reported * 1e-15);
        assertEquals(bits, target.toCompact());
    }

    @Test
    void templateTargetAgreesWithTemplateBits() {
        Map<String, Object> template = VectorJson.map(VectorJson.map(VectorJson.parse(
                SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"))).get("result"));
        Target fromBits = Target.fromCompact(CompactBits.fromDisplayHex((String) template.get("bits")));
        assertEquals(Target.fromDisplayHex((String) template.get("target")), fromBits);
    }

    @Test
    void mainnetBlock413567MeetsItsOwnBitsAndNotMuchMore() {
        byte[] block = SharedVectors.bytes("bitcoin-core/block413567.raw");
        int bits = (block[72] & 0xff) | (block[73] & 0xff) << 8 | (block[74] & 0xff) << 16 | (block[75] & 0xff) << 24;
        byte[] hash = Sha256d.hash(block, 0, 80);
        assertEquals("0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069",
                Hash256.fromInternalBytes(hash).displayHex());

        Target target = Target.fromCompact(bits);
        assertTrue(target.isMetBy(hash, 0));
        assertEquals(bits, target.toCompact());
        double achieved = Target.difficultyOfHash(hash, 0);
        assertTrue(achieved >= target.difficulty(), achieved + " < " + target.difficulty());
        assertEquals(reference(hash), achieved, achieved * 1e-12);

        Target justBelowHash = Target.fromBigInteger(asNumber(hash).subtract(BigInteger.ONE));
        assertFalse(justBelowHash.isMetBy(hash, 0));
        assertTrue(Target.fromBigInteger(asNumber(hash)).isMetBy(hash, 0));
    }

    @Test
    void readsHashesAtAnOffsetAndRejectsShortOnes() {
        byte[] buffer = new byte[40];
        buffer[5 + 31] = 0x01; // the hash at offset 5 is 2^248
        Target target = Target.fromBigInteger(BigInteger.ONE.shiftLeft(248));
        assertTrue(target.isMetBy(buffer, 5));
        buffer[5] = 0x01;
        assertFalse(target.isMetBy(buffer, 5));
        assertEquals(Math.scalb((double) 0xFFFF, -40), Target.difficultyOfHash(shifted(248), 0));
        assertThrows(IndexOutOfBoundsException.class, () -> target.isMetBy(buffer, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> target.isMetBy(buffer, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> Target.difficultyOfHash(new byte[31], 0));
    }

    @Test
    void allZeroHashHasInfiniteDifficultyAndMeetsTheZeroTarget() {
        byte[] zero = new byte[32];
        assertEquals(Double.POSITIVE_INFINITY, Target.difficultyOfHash(zero, 0));
        assertTrue(Target.ZERO.isMetBy(zero, 0));
        assertEquals(Double.POSITIVE_INFINITY, Target.ZERO.difficulty());
        byte[] one = new byte[32];
        one[0] = 1;
        assertFalse(Target.ZERO.isMetBy(one, 0));
        assertEquals(DIFF1.doubleValue(), Target.difficultyOfHash(one, 0));
    }

    @Test
    void subOneDifficultiesGiveEasierTargets() {
        Target easy = Target.fromDifficulty(0.000001);
        assertTrue(easy.compareTo(Target.DIFFICULTY_1) > 0);
        assertEquals(exactTarget(0.000001), easy.toBigInteger());
        assertEquals(0.000001, easy.difficulty(), 1e-18);
        assertEquals(DIFF1.shiftLeft(1), Target.fromDifficulty(0.5).toBigInteger());
        assertEquals(DIFF1.shiftRight(16), Target.fromDifficulty(65536).toBigInteger());
    }

    @Test
    void tinyDifficultiesCapAtTheLargestTargetAndHugeOnesReachZero() {
        assertSame(Target.MAX, Target.fromDifficulty(Math.scalb(1.0, -33)));
        assertSame(Target.MAX, Target.fromDifficulty(Double.MIN_VALUE));
        assertEquals(MAX_VALUE, Target.MAX.toBigInteger());
        assertEquals(0x2100ffff, Target.MAX.toCompact());
        assertEquals(Target.ZERO, Target.fromDifficulty(1e300));
        assertEquals(Target.ZERO, Target.fromDifficulty(Double.MAX_VALUE));
        // Just above the cap the result is exact again.
        double edge = Math.scalb(1.0, -32);
        assertEquals(exactTarget(edge), Target.fromDifficulty(edge).toBigInteger());
    }

    @Test
    void rejectsDifficultiesThatAreNotPositiveAndFinite() {
        for (double bad : new double[] {0.0, -0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Target.fromDifficulty(bad));
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }

    @Test
    void displayHexRoundTripsAndRejectsBadText() {
        String hex = "00000000000000000058436000000000000000000000000000000000000000ff";
        assertEquals(hex, Target.fromDisplayHex(hex).displayHex());
        assertEquals(hex, Target.fromDisplayHex(hex.toUpperCase()).displayHex());
        assertEquals(new BigInteger(hex, 16), Target.fromDisplayHex(hex).toBigInteger());
        for (String bad : new String[] {"", "7fffff", hex + "0", hex.substring(1) + "g",
                "+" + hex.substring(1), "-" + hex.substring(1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.fromDisplayHex(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void bigIntegerOutsideTwoHundredFiftySixBitsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Target.fromBigInteger(TWO_256));
        assertThrows(IllegalArgumentException.class, () -> Target.fromBigInteger(BigInteger.ONE.negate()));
        assertEquals(Target.MAX, Target.fromBigInteger(MAX_VALUE));
    }

    @Test
    void easierIsTheLargerTargetAndOrderIsNumeric() {
        Target hard = Target.fromCompact(0x18058436);
        Target easy = Target.fromCompact(0x207fffff);
        assertSame(easy, Target.easier(hard, easy));
        assertSame(easy, Target.easier(easy, hard));
        assertTrue(hard.compareTo(easy) < 0);
        // Unsigned: a top word with its high bit set is larger, not negative.
        assertTrue(Target.MAX.compareTo(Target.DIFFICULTY_1) > 0);
        Target a = Target.fromBigInteger(BigInteger.ONE.shiftLeft(63));
        Target b = Target.fromBigInteger(BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE));
        assertTrue(a.compareTo(b) > 0);
        assertEquals(Target.fromDisplayHex(hard.displayHex()), hard);
        assertEquals(Target.fromDisplayHex(hard.displayHex()).hashCode(), hard.hashCode());
        assertNotEquals(hard, easy);
    }

    @Test
    void checkingAndMeasuringHashesAllocatesNothing() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) threads;
        bean.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().getId();
        byte[] hashes = new byte[64];
        new java.util.Random(413567).nextBytes(hashes);
        Target target = Target.fromCompact(0x207fffff);
        long[] allocated = new long[2];
        int met = 0;
        double sum = 0;
        for (int round = 0; round < 2; round++) { // the first round links the call sites
            long before = bean.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 100_000; i++) {
                hashes[i & 31] ^= (byte) i;
                met += target.isMetBy(hashes, i & 31) ? 1 : 0;
                sum += Target.difficultyOfHash(hashes, i & 31);
            }
            allocated[round] = bean.getThreadAllocatedBytes(thread) - before;
        }
        assertTrue(met > 0 && sum > 0);
        // Anything allocated per call would be at least 1.6 MB over 100,000 calls.
        assertTrue(allocated[1] < 1024, allocated[1] + " bytes allocated by 100,000 checks");
    }

    // ---- properties ----------------------------------------------------------------------------

    @Property(tries = 1000)
    void isMetByAgreesWithBigIntegerComparison(@ForAll("hashes") byte[] hash, @ForAll("targets") Target target) {
        assertEquals(asNumber(hash).compareTo(target.toBigInteger()) <= 0, target.isMetBy(hash, 0));
    }

    @Property(tries = 500)
    void isMetByIsExactAroundTheHashItself(@ForAll("hashes") byte[] hash) {
        BigInteger value = asNumber(hash);
        assertTrue(Target.fromBigInteger(value).isMetBy(hash, 0));
        if (value.signum() > 0) {
            assertFalse(Target.fromBigInteger(value.subtract(BigInteger.ONE)).isMetBy(hash, 0));
        }
        if (value.compareTo(MAX_VALUE) < 0) {
            assertTrue(Target.fromBigInteger(value.add(BigInteger.ONE)).isMetBy(hash, 0));
        }
    }

    @Property(tries = 1000)
    void difficultyOfHashAgreesWithExactDivision(@ForAll("hashes") byte[] hash) {
        double actual = Target.difficultyOfHash(hash, 0);
        if (asNumber(hash).signum() == 0) {
            assertEquals(Double.POSITIVE_INFINITY, actual);
            return;
        }
        double expected = reference(hash);
        assertEquals(expected, actual, expected * 1e-12);
    }

    @Property(tries = 500)
    void targetDifficultyAgreesWithExactDivision(@ForAll("targets") Target target) {
        if (target.toBigInteger().signum() == 0) {
            return;
        }
        double expected = new BigDecimal(DIFF1).divide(new BigDecimal(target.toBigInteger()), PRECISE).doubleValue();
        assertEquals(expected, target.difficulty(), expected * 1e-12);
    }

    @Property(tries = 1000)
    void fromDifficultyIsTheExactFlooredQuotient(@ForAll("difficulties") double difficulty) {
        assertEquals(exactTarget(difficulty), Target.fromDifficulty(difficulty).toBigInteger());
    }

    @Property(tries = 1000)
    void higherDifficultyNeverGivesALargerTarget(@ForAll("difficulties") double a, @ForAll("difficulties") double b) {
        double low = Math.min(a, b);
        double high = Math.max(a, b);
        assertTrue(Target.fromDifficulty(high).compareTo(Target.fromDifficulty(low)) <= 0,
                () -> high + " gave a larger target than " + low);
    }

    @Property(tries = 1000)
    void difficultySurvivesARoundTripThroughTheTarget(@ForAll("roundTripDifficulties") double difficulty) {
        double back = Target.fromDifficulty(difficulty).difficulty();
        assertEquals(difficulty, back, difficulty * 1e-12);
    }

    @Property(tries = 1000)
    void targetSurvivesARoundTripThroughTheDifficulty(@ForAll("largeTargets") Target target) {
        BigInteger back = Target.fromDifficulty(target.difficulty()).toBigInteger();
        BigDecimal error = new BigDecimal(back.subtract(target.toBigInteger()).abs())
                .divide(new BigDecimal(target.toBigInteger()), PRECISE);
        assertTrue(error.compareTo(new BigDecimal("1e-12")) <= 0, () -> target + " came back as " + back.toString(16));
    }

    @Property(tries = 500)
    void displayHexAndBigIntegerRoundTrip(@ForAll("targets") Target target) {
        assertEquals(target, Target.fromDisplayHex(target.displayHex()));
        assertEquals(target, Target.fromBigInteger(target.toBigInteger()));
        assertEquals(String.format("%064x", target.toBigInteger()), target.displayHex());
    }

    @Provide
    Arbitrary<byte[]> hashes() {
        // Real hashes that matter have many leading zero bytes (the high end of the little-endian array).
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofSize(32);
        Arbitrary<Integer> zeros = Arbitraries.integers().between(0, 32);
        return Combinators.combine(random, zeros).as((bytes, count) -> {
            byte[] hash = bytes.clone();
            Arrays.fill(hash, 32 - count, 32, (byte) 0);
            return hash;
        });
    }

    @Provide
    Arbitrary<Target> targets() {
        return Arbitraries.oneOf(
                Arbitraries.bigIntegers().between(BigInteger.ZERO, MAX_VALUE).map(Target::fromBigInteger),
                Combinators.combine(Arbitraries.integers().between(0, 256), Arbitraries.longs())
                        .as((bitLength, seed) -> Target.fromBigInteger(
                                new BigInteger(bitLength, new java.util.Random(seed)))),
                Arbitraries.of(Target.ZERO, Target.MAX, Target.DIFFICULTY_1));
    }

    @Provide
    Arbitrary<Target> largeTargets() {
        return Combinators.combine(Arbitraries.integers().between(64, 256), Arbitraries.longs())
                .as((bitLength, seed) -> new BigInteger(bitLength, new java.util.Random(seed)).setBit(bitLength - 1))
                .map(Target::fromBigInteger);
    }

    @Provide
    Arbitrary<Double> difficulties() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.doubles().between(1.0, 2.0).ofScale(15),
                        Arbitraries.integers().between(-40, 240)).as(Math::scalb),
                Arbitraries.integers().between(-1074, 1023).map(e -> Math.scalb(1.0, e)),
                Arbitraries.longs().between(1, Long.MAX_VALUE).map(bits -> {
                    double d = Double.longBitsToDouble(bits & 0x7fef_ffff_ffff_ffffL);
                    return d > 0 ? d : 1.0;
                }));
    }

    @Provide
    Arbitrary<Double> roundTripDifficulties() {
        // Above 2^-32 the target is not capped; below 2^130 it keeps more than 90 significant bits.
        return Combinators.combine(Arbitraries.doubles().between(1.0, 2.0).ofScale(15),
                Arbitraries.integers().between(-31, 130)).as(Math::scalb);
    }

    // ---- references ----------------------------------------------------------------------------

    static BigInteger asNumber(byte[] internalHash) {
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = internalHash[31 - i];
        }
        return new BigInteger(1, bigEndian);
    }

    private static double reference(byte[] hash) {
        return new BigDecimal(DIFF1).divide(new BigDecimal(asNumber(hash)), PRECISE).doubleValue();
    }

    private static BigInteger exactTarget(double difficulty) {
        BigInteger quotient = new BigDecimal(DIFF1).divideToIntegralValue(new BigDecimal(difficulty)).toBigIntegerExact();
        return quotient.min(MAX_VALUE);
    }

    private static byte[] shifted(int bit) {
        byte[] hash = new byte[32];
        hash[bit / 8] = (byte) (1 << (bit % 8));
        return hash;
    }
}
