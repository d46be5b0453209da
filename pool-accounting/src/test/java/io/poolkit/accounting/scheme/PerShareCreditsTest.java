package io.poolkit.accounting.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.share.Share;
import java.math.BigInteger;
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
import org.junit.jupiter.api.Test;

class PerShareCreditsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static Share share(String account, double difficulty, double network, long subsidy, long fees) {
        return new Share(account, account + ".w", difficulty, network, 900_000, subsidy, fees, NOW);
    }

    @Test
    void ppsPaysTheShareOfTheSubsidyLessTheFee() {
        PerShareCredits batch = new PerShareCredits(PpsScheme.withFee(200));
        batch.add(share("alice", 1_000, 4_000, 312_500_000, 50_000_000));
        PerShareCredits.Settlement s = batch.settle(Map.of(), 0);
        // 1/4 of 312,500,000 = 78,125,000; 2% fee = 1,562,500.
        assertEquals(Map.of("alice", 76_562_500L), s.creditSats());
        assertEquals(1_562_500L, s.feeSats());
        assertEquals(Map.of("alice", 0L), s.carryUnits());
    }

    @Test
    void fppsAddsTheTemplatesFees() {
        PerShareCredits batch = new PerShareCredits(FppsScheme.withFee(0));
        batch.add(share("alice", 1_000, 4_000, 312_500_000, 50_000_000));
        assertEquals(Map.of("alice", 90_625_000L), batch.settle(Map.of(), 0).creditSats());
    }

    @Test
    void roundBasedSchemesPriceNothing() {
        PerShareCredits batch = new PerShareCredits(PropScheme.withFee(0));
        batch.add(share("alice", 1_000, 4_000, 312_500_000, 0));
        assertTrue(batch.isEmpty());
    }

    @Test
    void fractionsOfASatoshiAreCarriedNotLost() {
        PpsScheme pps = PpsScheme.withFee(0);
        long carry = 0;
        long paid = 0;
        for (int i = 0; i < 10; i++) {
            PerShareCredits batch = new PerShareCredits(pps);
            batch.add(share("tiny", 1, 1e9, 312_500_000, 0)); // 0.3125 sat
            PerShareCredits.Settlement s = batch.settle(Map.of("tiny", carry), 0);
            paid += s.creditSats().get("tiny");
            carry = s.carryUnits().get("tiny");
        }
        assertEquals(3, paid);
        assertEquals(1L << 29, carry, "10 x 0.3125 = 3.125: 0.125 sat left over");
    }

    record Spec(int account, double difficulty, double network, long subsidy, long fees) {}

    @Provide
    Arbitrary<List<Spec>> batch() {
        return Combinators.combine(Arbitraries.integers().between(0, 5),
                        Arbitraries.doubles().between(1e-3, 1e7).ofScale(6), Arbitraries.doubles().between(1.0, 1e14),
                        Arbitraries.longs().between(0, 5_000_000_000L), Arbitraries.longs().between(0, 1_000_000_000L))
                .as(Spec::new).list().ofMaxSize(100);
    }

    @Property(tries = 200)
    void creditsFeeAndCarriesAccountForEveryUnitOfValue(@ForAll("batch") List<Spec> specs,
                                                        @ForAll @IntRange(min = 0, max = 10_000) int feeBps,
                                                        @ForAll boolean fpps,
                                                        @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int carrySeed) {
        PayoutScheme scheme = fpps ? FppsScheme.withFee(feeBps) : PpsScheme.withFee(feeBps);
        PerShareCredits batch = new PerShareCredits(scheme);
        Map<String, Long> carries = new HashMap<>();
        for (Spec s : specs) {
            batch.add(share("a" + s.account(), s.difficulty(), s.network(), s.subsidy(), s.fees()));
            carries.put("a" + s.account(), (carrySeed * 31L + s.account()) & 0xffffffffL);
        }
        long feeCarry = carrySeed & 0xffffffffL;
        PerShareCredits.Settlement s = batch.settle(carries, feeCarry);
        BigInteger before = BigInteger.valueOf(feeCarry);
        BigInteger after = BigInteger.valueOf(s.feeSats()).shiftLeft(32).add(BigInteger.valueOf(s.feeCarryUnits()));
        for (String account : s.creditSats().keySet()) {
            before = before.add(BigInteger.valueOf(carries.getOrDefault(account, 0L)));
            after = after.add(BigInteger.valueOf(s.creditSats().get(account)).shiftLeft(32))
                    .add(BigInteger.valueOf(s.carryUnits().get(account)));
            assertTrue(s.creditSats().get(account) >= 0);
            assertTrue(s.carryUnits().get(account) >= 0 && s.carryUnits().get(account) < (1L << 32));
        }
        assertEquals(before.add(s.grossUnits()), after, "old carries + value = credits + fee + new carries");
        // The fee is the stated share of the value, to within one unit per group.
        BigInteger feeUnits = after.subtract(before).subtract(s.grossUnits()); // zero by the line above
        assertEquals(BigInteger.ZERO, feeUnits);
    }
}
