package io.poolkit.core.node;

import static io.poolkit.core.node.GbtJobSourceFixture.VEC;
import static io.poolkit.core.node.GbtJobSourceFixture.realHeader;
import static io.poolkit.core.node.GbtJobSourceFixture.stringField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The coinbase-only template made from a new tip's header ({@link GbtTipTemplates}). */
@UsesSharedVectors
class GbtJobSourceCoinbaseOnlyTest {
    private static final BlockTemplate PREVIOUS =
            BlockTemplate.parse(SharedVectors.text(VEC + "getblocktemplate-with-transactions.json"));
    /** The header of the block at height 205 the node accepted (mediantime 1795625763). */
    private static final BlockHeaderInfo FOUND_HEADER = realHeader("getblockheader-found-block.json");
    /** Mainnet block 413567, a normal block in the middle of a difficulty period. */
    private static final BlockHeader MAINNET_413567 =
            BlockHeader.parse(SharedVectors.bytes("bitcoin-core/block413567.raw"), 0);

    @Test
    void buildsOnTheTipWithTheSubsidyAndEmptyWitnessCommitment() {
        BlockTemplate t = GbtTipTemplates.coinbaseOnly(Network.REGTEST, PREVIOUS, FOUND_HEADER, 1795625900L)
                .orElseThrow();

        assertEquals(FOUND_HEADER.hash(), t.previousBlockHash());
        assertEquals(206, t.height());
        assertTrue(t.transactions().isEmpty());
        assertEquals(0, t.totalFeesSats());
        assertEquals(2_500_000_000L, t.coinbaseValueSats());
        assertEquals(FOUND_HEADER.bits(), t.bits());
        assertEquals(Target.fromCompact(FOUND_HEADER.bits()), t.target());
        assertEquals(1795625764L, t.minTime());
        assertEquals(1795625900L, t.curTime());
        assertEquals(PREVIOUS.version(), t.version());
        assertEquals(PREVIOUS.rules(), t.rules());
        assertEquals(PREVIOUS.vbAvailable(), t.vbAvailable());
        assertEquals(PREVIOUS.mutable(), t.mutable());
        assertEquals(PREVIOUS.weightLimit(), t.weightLimit());
        assertTrue(t.longPollId().isEmpty());
        assertArrayEquals(Hex.decode(stringField(SharedVectors.text(VEC + "getblocktemplate-empty-mempool.json"),
                "default_witness_commitment")), t.witnessCommitmentScript().orElseThrow());
    }

    @Test
    void curTimeIsNeverBeforeMinTime() {
        BlockTemplate t = GbtTipTemplates.coinbaseOnly(Network.REGTEST, PREVIOUS, FOUND_HEADER, 1_000L)
                .orElseThrow();

        assertEquals(t.minTime(), t.curTime());
    }

    @Test
    void noWitnessCommitmentWhenThePreviousTemplateHadNone() {
        BlockTemplate noCommitment = BlockTemplate.parse(SharedVectors.text(VEC + "getblocktemplate-with-transactions.json")
                .replaceAll(",\"default_witness_commitment\":\"[0-9a-f]+\"", ""));
        assertFalse(noCommitment.hasWitnessCommitment());

        BlockTemplate t = GbtTipTemplates.coinbaseOnly(Network.REGTEST, noCommitment, FOUND_HEADER, 1795625900L)
                .orElseThrow();

        assertFalse(t.hasWitnessCommitment());
    }

    @Test
    void theSubsidyHalvesAtTheHalvingHeight() {
        // Regtest halves every 150 blocks: the block at 300 gets 12.5 BTC.
        BlockTemplate t = GbtTipTemplates.coinbaseOnly(Network.REGTEST, PREVIOUS, at(FOUND_HEADER, 299,
                FOUND_HEADER.bits(), FOUND_HEADER.time()), 1795625900L).orElseThrow();

        assertEquals(300, t.height());
        assertEquals(1_250_000_000L, t.coinbaseValueSats());
    }

    @Test
    void mainnetKeepsTheTipsBitsInsideADifficultyPeriod() {
        BlockHeaderInfo tip = at(FOUND_HEADER, 413567, MAINNET_413567.bits(), MAINNET_413567.time());

        assertEquals(OptionalInt.of(MAINNET_413567.bits()),
                GbtTipTemplates.nextBits(Network.MAINNET, tip, 413568, MAINNET_413567.time() + 600));
        assertEquals(Network.MAINNET.subsidySats(413568), GbtTipTemplates.coinbaseOnly(Network.MAINNET, PREVIOUS,
                tip, MAINNET_413567.time() + 600).orElseThrow().coinbaseValueSats());
    }

    @Test
    void noTemplateOnADifficultyAdjustmentBoundaryExceptOnRegtest() {
        // The tip's height is made the last of a period: 2016 * 206 - 1.
        BlockHeaderInfo lastOfPeriod = at(FOUND_HEADER, 2016 * 206 - 1, MAINNET_413567.bits(), MAINNET_413567.time());
        long now = MAINNET_413567.time() + 600;

        assertEquals(Optional.empty(), GbtTipTemplates.coinbaseOnly(Network.MAINNET, PREVIOUS, lastOfPeriod, now));
        assertEquals(Optional.empty(), GbtTipTemplates.coinbaseOnly(Network.SIGNET, PREVIOUS, lastOfPeriod, now));
        assertEquals(Optional.empty(), GbtTipTemplates.coinbaseOnly(Network.TESTNET, PREVIOUS, lastOfPeriod, now));
        BlockHeaderInfo regtest = at(FOUND_HEADER, 2016 * 206 - 1, FOUND_HEADER.bits(), FOUND_HEADER.time());
        assertEquals(FOUND_HEADER.bits(), GbtTipTemplates.coinbaseOnly(Network.REGTEST, PREVIOUS, regtest, now)
                .orElseThrow().bits(), "regtest never retargets");
    }

    @Test
    void testnetFollowsTheTwentyMinuteMinimumDifficultyRule() {
        int normal = MAINNET_413567.bits();
        long tipTime = 1_700_000_000L;
        BlockHeaderInfo tip = at(FOUND_HEADER, 100, normal, tipTime);
        BlockHeaderInfo minDifficultyTip = at(FOUND_HEADER, 100, Network.TESTNET.powLimitBits(), tipTime);

        assertEquals(OptionalInt.of(normal), GbtTipTemplates.nextBits(Network.TESTNET, tip, 101, tipTime + 1200));
        assertEquals(OptionalInt.of(Network.TESTNET.powLimitBits()),
                GbtTipTemplates.nextBits(Network.TESTNET, tip, 101, tipTime + 1201));
        assertEquals(OptionalInt.empty(), GbtTipTemplates.nextBits(Network.TESTNET, minDifficultyTip, 101,
                tipTime + 60), "after a minimum-difficulty block the bits come from further back");
        assertEquals(OptionalInt.of(Network.TESTNET.powLimitBits()),
                GbtTipTemplates.nextBits(Network.TESTNET, minDifficultyTip, 101, tipTime + 1201));
    }

    /** {@code header} at another height, with other bits and time (its median time past 1 s before its time). */
    private static BlockHeaderInfo at(BlockHeaderInfo header, long height, int bits, long time) {
        return new BlockHeaderInfo(header.hash(), 1, height, header.version(), header.merkleRoot(), time, time - 1,
                header.nonce(), bits, header.difficulty(), header.txCount(), header.previousBlockHash(),
                Optional.empty());
    }
}
