package io.poolkit.core.node;

import static io.poolkit.core.node.EmbeddedTestBlocks.coinbase;
import static io.poolkit.core.node.EmbeddedTestBlocks.solved;
import static io.poolkit.core.node.EmbeddedTestBlocks.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Difficulty;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.node.EmbeddedTestBlocks.Recorder;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedChainDifficultyTest {
    private final List<EmbeddedChain> chains = new ArrayList<>();

    @AfterEach
    void closeChains() {
        chains.forEach(EmbeddedChain::close);
    }

    private EmbeddedChain chain(EmbeddedChain.Builder builder) {
        EmbeddedChain chain = builder.clock(EmbeddedChainTest.CLOCK).build();
        chains.add(chain);
        return chain;
    }

    @Test
    void twoToThe32HashesABlockIsDifficultyOne() {
        // 2^20 H/s for 4096 s: 2^32 hashes, target 2^224 - 1, whose top bytes ff ff ff need a sign byte: 1d 00ffff.
        assertEquals(0x1d00ffff, EmbeddedChain.bitsFor(Network.REGTEST, 1 << 20, Duration.ofSeconds(4096)));
        assertEquals(0x1d00ffff, EmbeddedChain.bitsFor(Network.MAINNET, 1 << 20, Duration.ofSeconds(4096)));
    }

    @Test
    void oneMegahashEveryTenSecondsMatchesTheHandCalculation() {
        // 10^7 hashes: target 2^256 / 10^7 has 233 bits, so 30 bytes; its top three bytes are
        // floor(2^256 / 10^7 / 2^216) = floor(2^40 / 10^7) = 109951 = 0x01ad7f.
        assertEquals(0x1e01ad7f, EmbeddedChain.bitsFor(Network.REGTEST, 1_000_000, Duration.ofSeconds(10)));
        // 1000 hashes: floor(2^32 / 1000) = 4294967 = 0x418937 at 31 bytes.
        assertEquals(0x1f418937, EmbeddedChain.bitsFor(Network.REGTEST, 100, Duration.ofMillis(10_000)));
    }

    @Test
    void difficultyIsHashesPerBlockOverTwoToThe32() {
        double hashrate = 100e12;
        int bits = EmbeddedChain.bitsFor(Network.MAINNET, hashrate, Duration.ofMinutes(10));
        double expected = hashrate * 600 / Math.pow(2, 32);
        // The compact form keeps 15 to 23 significant bits of the target.
        assertEquals(expected, Difficulty.ofBits(bits), expected * 1e-4);
        BigInteger target = Target.fromCompact(bits).toBigInteger();
        BigInteger exact = BigInteger.ONE.shiftLeft(256).divide(BigInteger.valueOf(60_000_000_000_000_000L));
        assertTrue(target.compareTo(exact) <= 0, "rounded towards harder");
    }

    @Test
    void clampsToTheNetworksProofOfWorkLimit() {
        assertEquals(0x207fffff, EmbeddedChain.bitsFor(Network.REGTEST, 1, Duration.ofSeconds(1)));
        assertEquals(0x207fffff, EmbeddedChain.bitsFor(Network.REGTEST, 0.001, Duration.ofSeconds(1)));
        assertEquals(0x1d00ffff, EmbeddedChain.bitsFor(Network.MAINNET, 1, Duration.ofSeconds(1)));
        assertEquals(0x207fffff, EmbeddedChain.bitsForDifficulty(Network.REGTEST, 1e-12));
        assertEquals(0x1d00ffff, EmbeddedChain.bitsForDifficulty(Network.REGTEST, 1));
    }

    @Test
    void refusesAHashrateOrIntervalThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedChain.bitsFor(Network.REGTEST, 0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddedChain.bitsFor(Network.REGTEST, Double.NaN, Duration.ofSeconds(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedChain.bitsFor(Network.REGTEST, 1e6, Duration.ofSeconds(-5)));
        assertTrue(e.getMessage().contains("PT-5S"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmbeddedChain.builder().bits(0x2100ffff).build());
        assertThrows(IllegalArgumentException.class, () -> EmbeddedChain.builder().difficulty(-1).build());
    }

    @Test
    void takesItsDifficultyFromTheBuilder() {
        assertEquals(0x1d00ffff, chain(EmbeddedChain.builder().difficulty(1)).bits());
        assertEquals(0x1e01ad7f, chain(EmbeddedChain.builder().retarget(1e6, Duration.ofSeconds(10))).bits());
        EmbeddedChain regtest = chain(EmbeddedChain.builder());
        assertEquals(0x207fffff, regtest.bits());
        assertEquals(Difficulty.ofBits(0x207fffff), regtest.difficulty());
    }

    @Test
    void retargetingDeliversACleanTemplateAndRefusesWorkOnTheOldBits() {
        EmbeddedChain chain = chain(EmbeddedChain.builder());
        Recorder recorder = new Recorder();
        chain.start(recorder);
        BlockTemplate before = recorder.next().template();

        chain.retarget(1e6, Duration.ofSeconds(10));

        Recorder.Delivery after = recorder.next();
        assertTrue(after.cleanJobs());
        assertEquals(0x1e01ad7f, after.template().bits());
        assertEquals(Target.fromCompact(0x1e01ad7f), after.template().target());
        assertEquals(before.previousBlockHash(), after.template().previousBlockHash());
        BlockVerdict stale = submit(chain, solved(before, coinbase(before)));
        assertTrue(stale.reason().startsWith("bad-diffbits: nBits 207fffff, but the chain requires 1e01ad7f"),
                stale.reason());
        IllegalStateException tooHard = assertThrows(IllegalStateException.class, () -> chain.mineBlocks(1));
        assertTrue(tooHard.getMessage().contains("1e01ad7f"), tooHard.getMessage());
    }

    @Test
    void minesItsOwnBlocksAtAnyEasyEnoughTarget() {
        EmbeddedChain chain = chain(EmbeddedChain.builder());
        chain.setDifficulty(0.00001); // about 43,000 hashes a block

        Block mined = chain.block(chain.mineBlocks(1).get(0)).orElseThrow();

        assertEquals(1, chain.height());
        assertEquals(EmbeddedChain.bitsForDifficulty(Network.REGTEST, 0.00001), mined.header().bits());
        assertTrue(Target.fromCompact(mined.header().bits()).isMetBy(mined.hash().internalBytes(), 0));
    }
}
