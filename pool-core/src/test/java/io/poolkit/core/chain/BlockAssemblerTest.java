package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class BlockAssemblerTest {
    private static final byte[] P2WPKH = Hex.decode("0014ad6176140fefbe31934a237666ef1eb2c5ccd44e");
    private static final byte[] E1 = Hex.decode("0badcafe");
    private static final byte[] E2 = Hex.decode("00000000000000a7");

    private static BlockTemplate template() {
        return BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"));
    }

    private static Map<String, Object> templateJson() {
        return JsonTree.object(JsonTree.object(JsonTree.parse(
                SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"))).get("result"));
    }

    private static Map<String, Object> accepted() {
        return JsonTree.object(JsonTree.parse(SharedVectors.text("bitcoind-regtest/assembled-block.json")));
    }

    @Test
    void assemblesABlockFromTheRealTemplateWithItsTransactionsInOrder() {
        BlockTemplate template = template();
        Coinbase coinbase = Coinbase.builder().forTemplate(template).poolTag("/PoolKit/").extranonceSize(4, 8)
                .output(P2WPKH, template.coinbaseValueSats()).build();
        BlockAssembler assembler = BlockAssembler.of(template, coinbase);
        BlockHeader header = assembler.header(template.version(), template.curTime(), 42, E1, E2);
        byte[] bytes = assembler.assemble(header, E1, E2);
        Block block = Block.parse(bytes);

        // The merkle root, computed independently from the txids the node listed plus our coinbase's txid.
        List<Hash256> txids = new ArrayList<>();
        txids.add(Hash256.fromInternalBytes(io.poolkit.core.hash.Sha256d.hash(coinbase.withExtranonce(E1, E2))));
        for (Object tx : JsonTree.list(templateJson().get("transactions"))) {
            txids.add(Hash256.fromDisplayHex((String) JsonTree.object(tx).get("txid")));
        }
        assertEquals(MerkleBranch.root(txids), block.header().merkleRoot());
        assertEquals(block.computeMerkleRoot(), block.header().merkleRoot());
        assertEquals(header, block.header());

        List<Object> jsonTxs = JsonTree.list(templateJson().get("transactions"));
        assertEquals(1 + jsonTxs.size(), block.transactions().size());
        for (int i = 0; i < jsonTxs.size(); i++) {
            assertEquals(JsonTree.object(jsonTxs.get(i)).get("data"), block.transactions().get(i + 1).toHex());
        }
        Transaction blockCoinbase = block.coinbase();
        assertEquals(205, block.height().orElseThrow());
        assertArrayEquals(new byte[32], blockCoinbase.witnessReservedValue().orElseThrow());
        assertEquals(WitnessCommitment.fromScript(template.witnessCommitmentScript().orElseThrow()),
                blockCoinbase.witnessCommitment());
        assertEquals(blockCoinbase.witnessCommitment(), block.computeWitnessCommitment());
        assertEquals(template.previousBlockHash(), block.header().prevHash());
        assertEquals(template.bits(), block.header().bits());
        assertEquals(Hex.encode(bytes), assembler.assembleHex(header, E1, E2));
        assertArrayEquals(bytes, assembler.assemble(template.version(), template.curTime(), 42, E1, E2));
        assertEquals(MerkleBranch.forCoinbase(template.txids()), assembler.merkleBranch());
    }

    @Test
    void theBlockBitcoinCoreAcceptedMatchesItsTemplateInEveryField() {
        Map<String, Object> vector = accepted();
        BlockTemplate template = template();
        Block block = Block.fromHex((String) vector.get("block_hex"));
        BlockHeader header = block.header();

        assertEquals(vector.get("block_hash"), block.hash().displayHex());
        assertEquals(vector.get("header_hex"), header.toHex());
        assertEquals(template.previousBlockHash(), header.prevHash());
        assertEquals(template.bits(), header.bits());
        assertEquals(template.version(), header.version());
        assertTrue(header.time() >= template.minTime());
        assertTrue(Pow.meets(block.hash(), header.bits()), "proof of work meets nBits");

        assertEquals(template.height(), block.height().orElseThrow());
        assertEquals(vector.get("height"), block.height().orElseThrow());

        assertEquals(vector.get("merkle_root"), header.merkleRoot().displayHex());
        assertEquals(header.merkleRoot(), block.computeMerkleRoot());
        assertEquals(((Long) vector.get("tx_count")).intValue(), block.transactions().size());

        Transaction coinbase = block.coinbase();
        assertTrue(coinbase.isCoinbase());
        assertEquals(vector.get("coinbase_txid"), coinbase.txid().displayHex());
        assertEquals(vector.get("coinbase_tx_hex"), coinbase.toHex());
        assertTrue(coinbase.totalOutputSats() <= template.coinbaseValueSats());
        Hash256 commitment = coinbase.witnessCommitment().orElseThrow();
        assertEquals(WitnessCommitment.fromScript(template.witnessCommitmentScript().orElseThrow()).orElseThrow(),
                commitment);
        List<Hash256> wtxids = new ArrayList<>();
        block.transactions().subList(1, block.transactions().size()).forEach(tx -> wtxids.add(tx.wtxid()));
        assertEquals(commitment, WitnessCommitment.commitment(WitnessCommitment.witnessRoot(wtxids),
                coinbase.witnessReservedValue().orElseThrow()));

        for (int i = 0; i < template.transactions().size(); i++) {
            Transaction tx = block.transactions().get(i + 1);
            assertEquals(template.transactions().get(i).txid(), tx.txid());
            assertEquals(template.transactions().get(i).wtxid(), tx.wtxid());
            assertFalse(tx.isCoinbase());
        }
    }

    @Test
    void reassemblesTheAcceptedBlockByteForByte() {
        Map<String, Object> vector = accepted();
        BlockTemplate template = template();
        Block accepted = Block.fromHex((String) vector.get("block_hex"));
        // Its scriptSig is height push ‖ push of the 8-byte extranonce ‖ push of the tag: PoolKit's layout.
        byte[] extranonce = Hex.decode((String) vector.get("extranonce_hex"));
        byte[] e1 = Arrays.copyOf(extranonce, 4);
        byte[] e2 = Arrays.copyOfRange(extranonce, 4, 8);
        TxOutput payout = accepted.coinbase().outputs().get(0);
        Coinbase coinbase = Coinbase.builder()
                .forTemplate(template)
                .poolTag((String) vector.get("coinbase_tag"))
                .extranonceSize(4, 4)
                .output(payout)
                .build();
        BlockAssembler assembler = BlockAssembler.of(template, coinbase);
        BlockHeader h = accepted.header();
        byte[] rebuilt = assembler.assemble(h.version(), h.time(), h.nonce(), e1, e2);

        assertEquals(vector.get("block_hex"), Hex.encode(rebuilt));
        assertEquals(h.merkleRoot(), assembler.merkleRoot(e1, e2));
        assertEquals(accepted.hash(), Block.parse(rebuilt).hash());
    }

    @Test
    void anAssemblerForTheEmptyMempoolHasAnEmptyBranch() {
        BlockTemplate template = BlockTemplate.parse(
                SharedVectors.text("bitcoind-regtest/getblocktemplate-empty-mempool.json"));
        Coinbase coinbase = Coinbase.builder().forTemplate(template).extranonceSize(4, 8)
                .output(P2WPKH, template.coinbaseValueSats()).build();
        BlockAssembler assembler = BlockAssembler.of(template, coinbase);
        assertEquals(0, assembler.merkleBranch().size());
        Block block = Block.parse(assembler.assemble(template.version(), template.curTime(), 0, E1, E2));
        assertEquals(1, block.transactions().size());
        assertEquals(coinbase.txid(E1, E2), block.header().merkleRoot());
        assertEquals(block.coinbase().witnessCommitment(), block.computeWitnessCommitment());
    }

    @Test
    void refusesACoinbaseThatDoesNotFitTheTemplate() {
        BlockTemplate template = template();
        IllegalArgumentException height = assertThrows(IllegalArgumentException.class, () -> BlockAssembler.of(template,
                Coinbase.builder().forTemplate(template).height(206).output(P2WPKH, 1).build()));
        assertEquals("coinbase height 206 differs from the template's 205", height.getMessage());

        IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> BlockAssembler.of(template,
                Coinbase.builder().height(205).output(P2WPKH, template.coinbaseValueSats() + 1)
                        .witnessCommitment(template.witnessCommitmentScript().orElseThrow()).build()));
        assertTrue(value.getMessage().startsWith("coinbase outputs claim 2500022781 sats"), value.getMessage());

        IllegalArgumentException noCommitment = assertThrows(IllegalArgumentException.class, () -> BlockAssembler.of(
                template, Coinbase.builder().height(205).output(P2WPKH, 1).build()));
        assertTrue(noCommitment.getMessage().contains("needs the witness commitment"), noCommitment.getMessage());

        byte[] otherCommitment = WitnessCommitment.scriptFor(List.of());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> BlockAssembler.of(
                template, Coinbase.builder().height(205).output(P2WPKH, 1).witnessCommitment(otherCommitment).build()));
        assertTrue(wrong.getMessage().contains("does not commit to the template's wtxids"), wrong.getMessage());
    }

    @Test
    void refusesAHeaderFromAnotherJob() {
        BlockTemplate template = template();
        BlockAssembler assembler = BlockAssembler.of(template,
                Coinbase.builder().forTemplate(template).extranonceSize(4, 8).output(P2WPKH, 1).build());
        BlockHeader good = assembler.header(template.version(), template.curTime(), 7, E1, E2);
        byte[] otherE2 = E2.clone();
        otherE2[7]++;
        IllegalArgumentException root = assertThrows(IllegalArgumentException.class,
                () -> assembler.assemble(good, E1, otherE2));
        assertTrue(root.getMessage().startsWith("header merkle root"), root.getMessage());
        BlockHeader otherPrev = BlockHeader.of(good.version(), Hash256.ZERO, good.merkleRoot(), good.time(),
                good.bits(), good.nonce());
        assertThrows(IllegalArgumentException.class, () -> assembler.assemble(otherPrev, E1, E2));
        BlockHeader otherBits = BlockHeader.of(good.version(), good.prevHash(), good.merkleRoot(), good.time(),
                0x1d00ffff, good.nonce());
        IllegalArgumentException bits = assertThrows(IllegalArgumentException.class,
                () -> assembler.assemble(otherBits, E1, E2));
        assertEquals("header bits 1d00ffff differ from the template's 207fffff", bits.getMessage());
    }
}
