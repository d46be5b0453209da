package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.hash.Sha256d;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class MerkleBranchTest {

    @Property(tries = 200)
    void branchFoldedFromTheCoinbaseGivesTheFullTreeRoot(@ForAll("transactionCounts") int count, @ForAll long seed) {
        List<Hash256> txids = randomTxids(count, seed);
        MerkleBranch branch = MerkleBranch.forCoinbase(txids.subList(1, count));
        assertEquals(MerkleBranch.root(txids), branch.rootFrom(txids.get(0)));
        assertEquals(32 - Integer.numberOfLeadingZeros(count - 1), branch.size());
    }

    @Provide
    Arbitrary<Integer> transactionCounts() {
        Arbitrary<Integer> nearPowersOfTwo = Arbitraries.integers().between(1, 12)
                .flatMap(k -> Arbitraries.of((1 << k) - 1, 1 << k, (1 << k) + 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.of(1, 2, 3)),
                net.jqwik.api.Tuple.of(3, nearPowersOfTwo),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 100)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 5_000)));
    }

    @Test
    void aSingleTransactionIsItsOwnRootAndHasAnEmptyBranch() {
        Hash256 coinbase = randomTxids(1, 7).get(0);
        assertEquals(coinbase, MerkleBranch.root(List.of(coinbase)));
        MerkleBranch branch = MerkleBranch.forCoinbase(List.of());
        assertEquals(0, branch.size());
        assertTrue(branch.isEmpty());
        assertEquals(List.of(), branch.stepsHex());
        assertEquals(coinbase, branch.rootFrom(coinbase));
    }

    @Test
    void threeTransactionsPairTheLastWithItself() {
        List<Hash256> t = randomTxids(3, 11);
        byte[] left = MerkleBranch.hashPair(t.get(0).internalBytes(), t.get(1).internalBytes());
        byte[] right = MerkleBranch.hashPair(t.get(2).internalBytes(), t.get(2).internalBytes());
        Hash256 expected = Hash256.fromInternalBytes(Sha256d.hash(Bytes.concat(left, right)));
        assertEquals(expected, MerkleBranch.root(t));
        MerkleBranch branch = MerkleBranch.forCoinbase(t.subList(1, 3));
        assertEquals(List.of(t.get(1), Hash256.fromInternalBytes(right)), branch.steps());
    }

    @Test
    void stepsAreGivenInInternalByteOrderAsStratumSendsThem() {
        List<Hash256> t = randomTxids(5, 3);
        MerkleBranch branch = MerkleBranch.forCoinbase(t.subList(1, 5));
        assertEquals(t.get(1).internalHex(), branch.stepsHex().get(0));
        byte[] flat = branch.flatInternalBytes();
        assertEquals(32 * branch.size(), flat.length);
        byte[] step = new byte[40];
        for (int i = 0; i < branch.size(); i++) {
            branch.copyStep(i, step, 8);
            assertArrayEquals(branch.step(i).internalBytes(), java.util.Arrays.copyOfRange(step, 8, 40));
            assertArrayEquals(branch.step(i).internalBytes(), java.util.Arrays.copyOfRange(flat, 32 * i, 32 * i + 32));
        }
        assertEquals(branch, MerkleBranch.fromStepsHex(branch.stepsHex()));
        assertEquals(branch, MerkleBranch.ofSteps(branch.steps()));
    }

    @Test
    void readsTheBranchOfARealStratumNotify() {
        // merkle_branch of ckpool's mining.notify in shared/vectors/stratum (internal-order hex)
        List<String> hex = List.of(
                "3982f203408ac719960c495554b343c20841149266dca1563fc60f52424215e8",
                "62d90f56be91e79a350e98be811ab82f45181bac9c77d1038d8f306aeb480136",
                "ce2a3d9b7871f1df9ea5175733b4cc779116524130093dd705463f7e61ab01ff");
        MerkleBranch branch = MerkleBranch.fromStepsHex(hex);
        assertEquals(3, branch.size());
        assertEquals(hex, branch.stepsHex());
        assertEquals("e815424252...", branch.step(0).displayHex().substring(0, 10) + "...");
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> MerkleBranch.root(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MerkleBranch.fromStepsHex(List.of("abcd")));
        assertTrue(e.getMessage().contains("step 0"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> MerkleBranch.forCoinbase(List.of()).copyStep(0, new byte[32], 0));
    }

    private static List<Hash256> randomTxids(int count, long seed) {
        Random random = new Random(seed);
        List<Hash256> txids = new ArrayList<>(count);
        byte[] bytes = new byte[32];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            txids.add(Hash256.fromInternalBytes(bytes));
        }
        return txids;
    }
}
