package io.poolkit.accounting.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.share.FoundBlock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Invariants of every built-in scheme over random share windows, rewards and fees, checked against an
 * independent BigInteger computation of the same rules.
 */
class PayoutSchemePropertiesTest {
    private static final long BLOCK_MS = 1_700_000_000_000L;

    record ShareSpec(int account, double difficulty, long ageMillis) {}

    @Provide
    Arbitrary<List<ShareSpec>> shares() {
        Arbitrary<Double> difficulty = Arbitraries.oneOf(
                Arbitraries.doubles().between(1e-6, 10.0).ofScale(9),
                Arbitraries.integers().between(1, 1 << 20).map(Integer::doubleValue),
                Arbitraries.doubles().between(1.0, 1e9));
        return Combinators.combine(Arbitraries.integers().between(0, 7), difficulty,
                        Arbitraries.longs().between(0, 3_600_000))
                .as(ShareSpec::new).list().ofMinSize(0).ofMaxSize(200);
    }

    @Provide
    Arbitrary<BigDecimal> multipliers() {
        return Arbitraries.of(new BigDecimal("0.5"), BigDecimal.ONE, new BigDecimal("2"), new BigDecimal("3.25"));
    }

    @Provide
    Arbitrary<Double> networkDifficulties() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(1.0, 1e7), Arbitraries.just(0x1p-30));
    }

    static ShareWindow window(List<ShareSpec> specs, double networkDifficulty, long reward) {
        FoundBlock block = new FoundBlock(Hash256.ZERO, 1, "acct3", "acct3.x", reward, networkDifficulty,
                Instant.ofEpochMilli(BLOCK_MS));
        ShareWindow.Builder b = ShareWindow.builder(block);
        // Oldest first: ages descending.
        specs.stream().sorted((x, y) -> Long.compare(y.ageMillis(), x.ageMillis()))
                .forEach(s -> b.add("acct" + s.account(), s.difficulty(), BLOCK_MS - s.ageMillis()));
        return b.build();
    }

    /** Checks the split of {@code afterFee × counted / target} over {@code weights} against the allocation. */
    static void assertProportional(Allocation a, long reward, int feeBps, Map<String, BigInteger> weights,
                                   BigInteger counted, BigInteger target) {
        assertEquals(reward, a.rewardSats());
        assertEquals(Splits.fee(reward, feeBps), a.feeSats(), "fee rounded down");
        long afterFee = reward - a.feeSats();
        long distributable = counted.signum() == 0 ? 0 : counted.compareTo(target) >= 0 ? afterFee
                : BigInteger.valueOf(afterFee).multiply(counted).divide(target).longValueExact();
        assertEquals(afterFee - distributable, a.residualSats(), "residual is exactly what was not given");
        long sum = 0;
        for (Map.Entry<String, Long> credit : a.credits().entrySet()) {
            assertTrue(weights.containsKey(credit.getKey()), "only accounts in the window are credited");
            sum += credit.getValue();
        }
        assertEquals(distributable, sum);
        for (Map.Entry<String, BigInteger> w : weights.entrySet()) {
            long floor = BigInteger.valueOf(distributable).multiply(w.getValue()).divide(counted).longValueExact();
            long got = a.credits().getOrDefault(w.getKey(), 0L);
            assertTrue(got == floor || got == floor + 1, w.getKey() + " got " + got + ", exact floor " + floor);
        }
    }

    @Property(tries = 200)
    void pplnsCountsExactlyTheNewestSharesUpToTheWindowWithTheBoundaryShareInPart(
            @ForAll("shares") List<ShareSpec> specs, @ForAll("multipliers") BigDecimal n,
            @ForAll("networkDifficulties") double networkDifficulty,
            @ForAll @LongRange(min = 0, max = 2_100_000_000_000_000L) long reward,
            @ForAll @IntRange(min = 0, max = 10_000) int feeBps) {
        ShareWindow window = window(specs, networkDifficulty, reward);
        PplnsScheme scheme = PplnsScheme.of(n, feeBps);
        BigInteger target = new BigDecimal(ShareWeight.of(networkDifficulty)).multiply(n).toBigInteger();
        assertEquals(target, scheme.targetWeight(networkDifficulty));

        Map<String, BigInteger> expected = new HashMap<>();
        BigInteger remaining = target;
        for (int i = window.size() - 1; i >= 0 && remaining.signum() > 0; i--) {
            BigInteger take = window.weight(i).min(remaining);
            expected.merge(window.account(i), take, BigInteger::add);
            remaining = remaining.subtract(take);
        }
        expected.values().removeIf(v -> v.signum() == 0);
        BigInteger counted = target.subtract(remaining);
        BigInteger all = java.util.stream.IntStream.range(0, window.size()).mapToObj(window::weight)
                .reduce(BigInteger.ZERO, BigInteger::add);
        assertEquals(target.min(all), counted, "the window holds min(N x difficulty, all shares)");
        assertEquals(expected, scheme.countedWeights(window));

        Allocation a = scheme.allocate(reward, window);
        assertProportional(a, reward, feeBps, expected, counted, target);
        assertEquals(a, scheme.allocate(reward, window), "deterministic");
    }

    @Property(tries = 200)
    void propSplitsTheWholeRoundAfterTheFee(@ForAll("shares") List<ShareSpec> specs,
                                            @ForAll @LongRange(min = 0, max = 2_100_000_000_000_000L) long reward,
                                            @ForAll @IntRange(min = 0, max = 10_000) int feeBps) {
        ShareWindow window = window(specs, 1000, reward);
        Map<String, BigInteger> weights = new HashMap<>();
        for (int i = 0; i < window.size(); i++) {
            weights.merge(window.account(i), window.weight(i), BigInteger::add);
        }
        weights.values().removeIf(v -> v.signum() == 0);
        BigInteger total = weights.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
        assertProportional(PropScheme.withFee(feeBps).allocate(reward, window), reward, feeBps, weights, total, total);
    }

    @Property(tries = 200)
    void timeWindowPplnsCountsOnlySharesInsideTheWindow(@ForAll("shares") List<ShareSpec> specs,
                                                        @ForAll @LongRange(min = 1, max = 4_000_000) long windowMs,
                                                        @ForAll @LongRange(min = 0, max = 2_100_000_000_000_000L) long reward,
                                                        @ForAll @IntRange(min = 0, max = 10_000) int feeBps) {
        ShareWindow window = window(specs, 1000, reward);
        Map<String, BigInteger> weights = new HashMap<>();
        for (int i = 0; i < window.size(); i++) {
            if (window.timeMillis(i) > BLOCK_MS - windowMs) {
                weights.merge(window.account(i), window.weight(i), BigInteger::add);
            }
        }
        weights.values().removeIf(v -> v.signum() == 0);
        BigInteger total = weights.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
        Allocation a = TimePplnsScheme.of(Duration.ofMillis(windowMs), feeBps).allocate(reward, window);
        assertProportional(a, reward, feeBps, weights, total, total);
    }

    @Property(tries = 100)
    void soloPaysTheFinderAndPerShareSchemesKeepTheBlock(@ForAll("shares") List<ShareSpec> specs,
                                                         @ForAll @LongRange(min = 0, max = 2_100_000_000_000_000L) long reward,
                                                         @ForAll @IntRange(min = 0, max = 10_000) int feeBps) {
        ShareWindow window = window(specs, 1000, reward);
        Allocation solo = SoloScheme.withFee(feeBps).allocate(reward, window);
        long fee = Splits.fee(reward, feeBps);
        assertEquals(fee, solo.feeSats());
        assertEquals(reward - fee, solo.credits().getOrDefault("acct3", 0L));
        assertEquals(reward - fee, solo.creditedSats());
        for (PayoutScheme perShare : List.of(PpsScheme.withFee(feeBps), FppsScheme.withFee(feeBps))) {
            Allocation a = perShare.allocate(reward, window);
            assertEquals(reward, a.residualSats());
            assertTrue(a.credits().isEmpty());
        }
    }
}
