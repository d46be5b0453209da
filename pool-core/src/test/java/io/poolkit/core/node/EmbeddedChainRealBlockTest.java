package io.poolkit.core.node;

import static io.poolkit.core.node.EmbeddedTestBlocks.randomHash;
import static io.poolkit.core.node.EmbeddedTestBlocks.replaceHex;
import static io.poolkit.core.node.EmbeddedTestBlocks.solve;
import static io.poolkit.core.node.EmbeddedTestBlocks.submit;
import static io.poolkit.core.node.EmbeddedTestBlocks.withHeader;
import static io.poolkit.core.node.EmbeddedTestBlocks.withTransactions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.WitnessCommitment;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The block a real Bitcoin Core v31.0 regtest node accepted, judged by an embedded chain started on its
 * template's parent: accepted whole, and refused for every single-field change with the rule that catches it.
 */
@UsesSharedVectors
class EmbeddedChainRealBlockTest {
    private static final String TEMPLATE = "bitcoind-regtest/getblocktemplate-with-transactions.json";
    private static final String ACCEPTED = "bitcoind-regtest/assembled-block.json";
    /** The block's time is the template's mintime, 1795625763; the chain's clock is a minute later. */
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_795_625_763L + 60), ZoneOffset.UTC);

    private final List<EmbeddedChain> chains = new ArrayList<>();

    @AfterEach
    void closeChains() {
        chains.forEach(EmbeddedChain::close);
    }

    private static BlockTemplate template() {
        return BlockTemplate.parse(SharedVectors.text(TEMPLATE));
    }

    private static Json vector() {
        try (JsonParser parser = new JsonFactory().createParser(SharedVectors.text(ACCEPTED))) {
            parser.nextToken();
            return Json.read(parser, "assembled-block");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Block acceptedBlock() {
        return Block.fromHex(vector().string("block_hex"));
    }

    /** A chain whose tip is the template's parent, holding the template's transactions and nothing else. */
    private EmbeddedChain chainOnTheTemplatesParent() {
        EmbeddedChain chain = EmbeddedChain.builder()
                .fromTemplate(template())
                .syntheticTransactions(0)
                .clock(CLOCK)
                .build();
        chains.add(chain);
        return chain;
    }

    @Test
    void buildsTheSameTemplateAsTheNodeOnTheSameParent() {
        BlockTemplate node = template();
        BlockTemplate embedded = chainOnTheTemplatesParent().currentTemplate();

        assertEquals(node.previousBlockHash(), embedded.previousBlockHash());
        assertEquals(node.height(), embedded.height());
        assertEquals(node.version(), embedded.version());
        assertEquals(node.bits(), embedded.bits());
        assertEquals(node.targetDisplayHex(), embedded.targetDisplayHex());
        assertEquals(node.minTime(), embedded.minTime());
        assertEquals(node.coinbaseValueSats(), embedded.coinbaseValueSats());
        assertEquals(node.txids(), embedded.txids());
        assertArrayEquals(node.witnessCommitmentScript().orElseThrow(), embedded.witnessCommitmentScript().orElseThrow());
        for (int i = 0; i < node.transactions().size(); i++) {
            TemplateTransaction expected = node.transactions().get(i);
            TemplateTransaction actual = embedded.transactions().get(i);
            assertEquals(expected.wtxid(), actual.wtxid());
            assertEquals(expected.feeSats(), actual.feeSats());
            assertEquals(expected.dataHex(), actual.dataHex());
        }
    }

    @Test
    void acceptsTheBlockTheNodeAcceptedAndCountsItsConfirmations() {
        EmbeddedChain chain = chainOnTheTemplatesParent();
        Block block = acceptedBlock();

        BlockVerdict verdict = submit(chain, block);

        assertEquals(BlockVerdict.accepted(), verdict);
        assertEquals(205, chain.height());
        assertEquals(vector().string("block_hash"), chain.tipHash().displayHex());
        assertEquals(BlockState.confirmed(block.hash(), 1), chain.blockState(block.hash(), 205).join());
        for (TemplateTransaction tx : template().transactions()) {
            assertEquals(1, chain.transactionConfirmations(tx.txid()));
        }
        BlockTemplate next = chain.currentTemplate();
        assertEquals(block.hash(), next.previousBlockHash());
        assertEquals(206, next.height());
        assertEquals(0, next.transactions().size());
        assertEquals(BlockVerdict.Status.ACCEPTED, submit(chain, block).status());
        assertEquals("duplicate", submit(chain, block).reason());
    }

    /** A change of one field of the accepted block, and the reject string of the rule that must catch it. */
    record Mutation(String name, String code, UnaryOperator<Block> mutate) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> mutations() {
        return Stream.of(
                // Header fields: the nonce is searched again, so proof of work holds and only the field is wrong.
                new Mutation("previous block hash", "prev-blk-not-found", b -> header(b, h -> withHeader(b,
                        h.version(), randomHash(1), h.merkleRoot(), h.time(), h.bits()))),
                new Mutation("merkle root", "bad-txnmrklroot", b -> header(b, h -> withHeader(b,
                        h.version(), h.prevHash(), randomHash(2), h.time(), h.bits()))),
                new Mutation("time one second before mintime", "time-too-old", b -> header(b, h -> withHeader(b,
                        h.version(), h.prevHash(), h.merkleRoot(), h.time() - 1, h.bits()))),
                new Mutation("nBits one step harder", "bad-diffbits", b -> header(b, h -> withHeader(b,
                        h.version(), h.prevHash(), h.merkleRoot(), h.time(), 0x207ffffe))),
                new Mutation("version 1", "bad-version(0x00000001)", b -> header(b, h -> withHeader(b,
                        1, h.prevHash(), h.merkleRoot(), h.time(), h.bits()))),
                // The nonce itself: one whose hash misses the target (about half of them at regtest difficulty).
                new Mutation("nonce", "high-hash", EmbeddedTestBlocks::unsolve),
                // Transactions as received: the header's merkle root no longer fits.
                new Mutation("a byte of a transaction's output value", "bad-txnmrklroot",
                        b -> transaction(b, 1, tx -> replaceHex(tx, "bc8d922201000000", "bd8d922201000000"), false)),
                // Witness data is outside the txids: the merkle root holds and the commitment catches it.
                new Mutation("a byte of a transaction's witness", "bad-witness-merkle-match",
                        b -> transaction(b, 1, EmbeddedChainRealBlockTest::flipLastWitnessByte, false)),
                new Mutation("the witness reserved value", "bad-witness-merkle-match",
                        b -> transaction(b, 0, tx -> reservedValue(tx, "01" + "00".repeat(31)), false)),
                new Mutation("the witness reserved value's size", "bad-witness-nonce-size",
                        b -> transaction(b, 0, tx -> reservedValue(tx, "00".repeat(33)), false)),
                // Committed fields with the merkle root recomputed and the nonce searched again.
                // A changed transaction changes its wtxid too: Core checks the commitment before the inputs.
                new Mutation("a transaction's output value, merkle root recomputed", "bad-witness-merkle-match",
                        b -> transaction(b, 1, tx -> replaceHex(tx, "bc8d922201000000", "bd8d922201000000"), true)),
                new Mutation("a transaction's output value, merkle root and witness commitment recomputed",
                        "bad-txns-inputs-missingorspent", b -> recommitWitness(transaction(b, 1,
                                tx -> replaceHex(tx, "bc8d922201000000", "bd8d922201000000"), false))),
                new Mutation("the coinbase's BIP34 height", "bad-cb-height",
                        b -> transaction(b, 0, tx -> replaceHex(tx, "02cd0008", "02ce0008"), true)),
                new Mutation("the coinbase's value, one satoshi more", "bad-cb-amount",
                        b -> transaction(b, 0, tx -> replaceHex(tx, "fc51039500000000", "fd51039500000000"), true)),
                new Mutation("the witness commitment", "bad-witness-merkle-match",
                        b -> transaction(b, 0, tx -> replaceHex(tx, "6a24aa21a9edac45", "6a24aa21a9edad45"), true))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void refusesEachSingleFieldMutationWithTheRuleThatCatchesIt(Mutation mutation) {
        EmbeddedChain chain = chainOnTheTemplatesParent();
        Block original = acceptedBlock();
        Block mutated = mutation.mutate().apply(original);
        assertNotEquals(original.toHex(), mutated.toHex());

        BlockVerdict verdict = submit(chain, mutated);

        assertEquals(BlockVerdict.Status.REJECTED, verdict.status(), verdict.reason());
        assertTrue(verdict.reason().startsWith(mutation.code() + ": "), verdict.reason());
        assertEquals(204, chain.height());
        assertEquals(BlockVerdict.accepted(), submit(chain, original), "the unchanged block is still good");
    }

    @Test
    void acceptsTheBlockWithAnotherVersionAtOrAboveFourSinceNoRuleForbidsIt() {
        EmbeddedChain chain = chainOnTheTemplatesParent();
        Block block = acceptedBlock();
        BlockHeader h = block.header();
        Block bip9 = solve(withHeader(block, 0x2000_0000, h.prevHash(), h.merkleRoot(), h.time(), h.bits()));

        assertEquals(BlockVerdict.accepted(), submit(chain, bip9));
        assertEquals(bip9.hash(), chain.tipHash());
    }

    /** Applies a header change given as a whole new block and searches the nonce again. */
    private static Block header(Block block, Function<BlockHeader, Block> change) {
        return solve(change.apply(block.header()));
    }

    /** Replaces transaction {@code index}; with {@code recommit}, recomputes the merkle root and solves again. */
    private static Block transaction(Block block, int index, UnaryOperator<Transaction> change, boolean recommit) {
        List<Transaction> txs = new ArrayList<>(block.transactions());
        Transaction changed = change.apply(txs.get(index));
        assertNotEquals(txs.get(index).toHex(), changed.toHex());
        txs.set(index, changed);
        return recommit ? withTransactions(block, txs) : Block.of(block.header(), txs);
    }

    /** {@code block} with the coinbase's witness commitment recomputed from its wtxids, then the merkle root, solved. */
    private static Block recommitWitness(Block block) {
        List<Transaction> txs = new ArrayList<>(block.transactions());
        Hash256 old = txs.get(0).witnessCommitment().orElseThrow();
        Hash256 fresh = WitnessCommitment.fromScript(WitnessCommitment.scriptFor(
                EmbeddedTestBlocks.wtxids(txs.subList(1, txs.size())))).orElseThrow();
        txs.set(0, replaceHex(txs.get(0), old.internalHex(), fresh.internalHex()));
        return withTransactions(block, txs);
    }

    /** The coinbase with its single witness item (the reserved value) replaced by {@code itemHex}. */
    private static Transaction reservedValue(Transaction coinbase, String itemHex) {
        String hex = coinbase.toHex();
        String tail = "0120" + "00".repeat(32) + "00000000";
        assertTrue(hex.endsWith(tail), "the coinbase ends with its witness (one 32-byte item) and lock time");
        String head = hex.substring(0, hex.length() - tail.length());
        return Transaction.fromHex(head + "01" + String.format("%02x", itemHex.length() / 2) + itemHex + "00000000");
    }

    /** Flips the last byte of the witness (the public key's), just before the 4-byte lock time. */
    private static Transaction flipLastWitnessByte(Transaction tx) {
        assertTrue(tx.hasWitness());
        String hex = tx.toHex();
        int at = hex.length() - 8 - 2;
        int flipped = Integer.parseInt(hex.substring(at, at + 2), 16) ^ 0x01;
        Transaction changed = Transaction.fromHex(hex.substring(0, at) + String.format("%02x", flipped)
                + hex.substring(at + 2));
        assertEquals(tx.txid(), changed.txid());
        assertNotEquals(tx.wtxid(), changed.wtxid());
        return changed;
    }

    @Test
    void theMutationsChangeOnlyWhatTheyName() {
        Block block = acceptedBlock();
        Hash256 root = block.header().merkleRoot();
        Block witnessChanged = transaction(block, 1, EmbeddedChainRealBlockTest::flipLastWitnessByte, false);
        assertEquals(root, witnessChanged.computeMerkleRoot(), "witness bytes are outside the merkle root");
        Block heightChanged = transaction(block, 0, tx -> replaceHex(tx, "02cd0008", "02ce0008"), true);
        assertEquals(206, heightChanged.height().orElseThrow());
        assertEquals(heightChanged.computeMerkleRoot(), heightChanged.header().merkleRoot());
        Block valueChanged = transaction(block, 0, tx -> replaceHex(tx, "fc51039500000000", "fd51039500000000"), true);
        assertEquals(template().coinbaseValueSats() + 1, valueChanged.coinbase().totalOutputSats());
    }
}
