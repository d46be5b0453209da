package io.poolkit.core.node;

import static io.poolkit.core.node.EmbeddedTestBlocks.coinbase;
import static io.poolkit.core.node.EmbeddedTestBlocks.randomHash;
import static io.poolkit.core.node.EmbeddedTestBlocks.spend;
import static io.poolkit.core.node.EmbeddedTestBlocks.withCoinbase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.MerkleBranch;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.WitnessCommitment;
import io.poolkit.core.node.EmbeddedBlockValidator.Context;
import io.poolkit.core.node.EmbeddedBlockValidator.Rejection;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The block rules the embedded chain's own templates never come near: limits, finality, in-block spends. */
@UsesSharedVectors
class EmbeddedBlockValidatorTest {
    private static final long HEIGHT = 10;
    private static final long MEDIAN_TIME_PAST = 1_700_000_000L;
    private static final Context CONTEXT = new Context(Network.REGTEST, HEIGHT, 0x207fffff, MEDIAN_TIME_PAST,
            MEDIAN_TIME_PAST + 60);
    private static final byte[] P2WPKH = EmbeddedTestBlocks.PAYOUT_SCRIPT;
    private static final long FINAL = 0xffff_ffffL;

    private final Map<Hash256, MempoolEntry> mempool = new HashMap<>();

    private Transaction known(Transaction tx, long fee) {
        mempool.put(tx.txid(), new MempoolEntry(tx, fee, LegacySigOps.cost(tx)));
        return tx;
    }

    /** A block at {@link #HEIGHT} of {@code others} with a coinbase claiming {@code value} and their commitment. */
    private static Block block(long value, List<Transaction> others) {
        List<Hash256> wtxids = EmbeddedTestBlocks.wtxids(others);
        List<Transaction> txs = withCoinbase(coinbase(HEIGHT, value, WitnessCommitment.scriptFor(wtxids)), others);
        Hash256 root = MerkleBranch.root(EmbeddedTestBlocks.txids(txs));
        return Block.of(BlockHeader.of(0x2000_0000, randomHash(1), root, MEDIAN_TIME_PAST + 1, 0x207fffff, 0), txs);
    }

    private Optional<String> check(Block block) {
        return EmbeddedBlockValidator.checkBlock(block, CONTEXT, mempool::get).map(Rejection::reason);
    }

    private static void assertCode(String code, Optional<String> reason) {
        assertTrue(reason.isPresent(), "expected " + code);
        assertTrue(reason.get().startsWith(code + ": "), reason.get());
    }

    @Test
    void acceptsTransactionsInAnOrderWhereEachSpendsOnlyWhatCameBefore() {
        Transaction parent = known(spend(randomHash(2), 0, P2WPKH, 50_000, 0, FINAL, null), 1_000);
        Transaction child = known(spend(parent.txid(), 0, P2WPKH, 40_000, 0, FINAL, new byte[72]), 10_000);
        long value = Network.REGTEST.subsidySats(HEIGHT) + 11_000;

        assertEquals(Optional.empty(), check(block(value, List.of(parent, child))));
        assertCode("bad-txns-inputs-missingorspent", check(block(value, List.of(child, parent))));
        assertCode("bad-cb-amount", check(block(value + 1, List.of(parent, child))));
    }

    @Test
    void refusesTwoTransactionsSpendingTheSameOutput() {
        Hash256 coin = randomHash(3);
        Transaction first = known(spend(coin, 1, P2WPKH, 50_000, 0, FINAL, null), 1_000);
        Transaction second = known(spend(coin, 1, P2WPKH, 49_000, 0, FINAL, null), 2_000);

        Optional<String> reason = check(block(Network.REGTEST.subsidySats(HEIGHT), List.of(first, second)));

        assertCode("bad-txns-inputs-missingorspent", reason);
        assertTrue(reason.get().contains("which an earlier transaction in the block spends"), reason.get());
    }

    @Test
    void refusesATransactionNotFinalAtTheBlocksHeightOrTime() {
        Transaction byHeight = known(spend(randomHash(4), 0, P2WPKH, 1_000, HEIGHT, 0, null), 0);
        Transaction byTime = known(spend(randomHash(5), 0, P2WPKH, 1_000, MEDIAN_TIME_PAST, 0, null), 0);
        Transaction sequencesFinal = known(spend(randomHash(6), 0, P2WPKH, 1_000, HEIGHT, FINAL, null), 0);
        long subsidy = Network.REGTEST.subsidySats(HEIGHT);

        assertCode("bad-txns-nonfinal", check(block(subsidy, List.of(byHeight))));
        assertCode("bad-txns-nonfinal", check(block(subsidy, List.of(byTime))));
        assertEquals(Optional.empty(), check(block(subsidy, List.of(sequencesFinal))));
        assertTrue(EmbeddedBlockValidator.isFinal(byHeight, HEIGHT + 1, MEDIAN_TIME_PAST));
        assertTrue(EmbeddedBlockValidator.isFinal(byTime, HEIGHT, MEDIAN_TIME_PAST + 1));
    }

    @Test
    void refusesABlockOverTheSigopLimit() {
        byte[] multisigs = new byte[1_001];
        Arrays.fill(multisigs, (byte) 0xae); // OP_CHECKMULTISIG: 20 sigops each, 4 cost units each
        Transaction heavy = spend(randomHash(7), 0, multisigs, 1_000, 0, FINAL, null);
        assertEquals(4 * 20 * 1_001, LegacySigOps.cost(heavy));

        Optional<String> reason = check(block(Network.REGTEST.subsidySats(HEIGHT), List.of(heavy)));

        assertCode("bad-blk-sigops", reason);
        assertTrue(reason.get().contains("80080"), reason.get());
    }

    @Test
    void refusesABlockOverTheSizeAndWeightLimits() {
        // 1,000,001 bytes of output script: four times that is over 4,000,000 without witness data.
        Transaction wide = spend(randomHash(8), 0, new byte[1_000_001], 1_000, 0, FINAL, null);
        assertCode("bad-blk-length", check(block(0, List.of(wide))));
        // 700 kB without witness (2.8 M weight units) and 1.3 MB of witness: 4.1 M in all.
        Transaction heavy = known(spend(randomHash(9), 0, new byte[700_000], 1_000, 0, FINAL, new byte[1_300_000]), 0);
        Optional<String> reason = check(block(Network.REGTEST.subsidySats(HEIGHT), List.of(heavy)));
        assertCode("bad-blk-weight", reason);
    }

    @Test
    void refusesACoinbaseScriptSigOutsideTwoToOneHundredBytesAndAnOversizedOutput() {
        // version, one input of the null outpoint with the 1-byte scriptSig OP_10, one output, lock time.
        String tooShort = "02000000" + "01" + "00".repeat(32) + "ffffffff" + "01" + "5a" + "ffffffff"
                + "01" + "0000000000000000" + "0151" + "00000000";
        Transaction coinbase = Transaction.fromHex(tooShort);
        Block block = Block.of(BlockHeader.of(0x2000_0000, randomHash(1), coinbase.txid(), MEDIAN_TIME_PAST + 1,
                0x207fffff, 0), List.of(coinbase));
        assertCode("bad-cb-length", check(block));

        // 21,000,001 BTC in one output.
        String tooRich = "02000000" + "01" + "00".repeat(32) + "ffffffff" + "02" + "5a00" + "ffffffff"
                + "01" + "0021fd5ff0750700" + "0151" + "00000000";
        Transaction rich = Transaction.fromHex(tooRich);
        assertEquals(2_100_000_100_000_000L, rich.outputs().get(0).valueSats());
        Block richBlock = Block.of(BlockHeader.of(0x2000_0000, randomHash(1), rich.txid(), MEDIAN_TIME_PAST + 1,
                0x207fffff, 0), List.of(rich));
        assertCode("bad-txns-vout-toolarge", check(richBlock));
    }

    @Test
    void countsLegacySigopsAsALowerBoundOfWhatTheNodeCounted() {
        BlockTemplate template = BlockTemplate.parse(SharedVectors.text(
                "bitcoind-regtest/getblocktemplate-with-transactions.json"));
        List<Integer> ours = new ArrayList<>();
        for (TemplateTransaction tx : template.transactions()) {
            int cost = LegacySigOps.cost(tx.parse());
            assertTrue(cost <= tx.sigOps(), tx + ": " + cost + " > " + tx.sigOps());
            ours.add(cost);
        }
        // The P2PKH outputs (one OP_CHECKSIG each) are the only legacy sigops in these spends.
        assertTrue(ours.contains(4), ours.toString());
        assertEquals(1, LegacySigOps.count(Hex.decode("76a9140c70c4d1ce0209ef1a358bc400c3112af729be9a88ac")));
        assertEquals(20, LegacySigOps.count(Hex.decode("51" + "21" + "02" + "11".repeat(32) + "51ae")));
        assertEquals(1, LegacySigOps.count(Hex.decode("ac4c05acac")), "a push running past the end stops the count");
        assertEquals(1, LegacySigOps.count(Hex.decode("4c02acacac")), "pushed bytes are data, not opcodes");
    }
}
