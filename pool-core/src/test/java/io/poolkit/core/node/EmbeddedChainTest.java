package io.poolkit.core.node;

import static io.poolkit.core.node.EmbeddedTestBlocks.PAYOUT_SCRIPT;
import static io.poolkit.core.node.EmbeddedTestBlocks.coinbase;
import static io.poolkit.core.node.EmbeddedTestBlocks.randomHash;
import static io.poolkit.core.node.EmbeddedTestBlocks.solved;
import static io.poolkit.core.node.EmbeddedTestBlocks.submit;
import static io.poolkit.core.node.EmbeddedTestBlocks.submitHex;
import static io.poolkit.core.node.EmbeddedTestBlocks.transactions;
import static io.poolkit.core.node.EmbeddedTestBlocks.withCoinbase;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockAssembler;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.WitnessCommitment;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.node.EmbeddedTestBlocks.Recorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EmbeddedChainTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String CHAIN_THREAD = "poolkit-embedded-chain";

    private final List<EmbeddedChain> chains = new ArrayList<>();

    @AfterEach
    void closeChains() {
        chains.forEach(EmbeddedChain::close);
    }

    private EmbeddedChain chain() {
        return chain(EmbeddedChain.builder().clock(CLOCK));
    }

    private EmbeddedChain chain(EmbeddedChain.Builder builder) {
        EmbeddedChain chain = builder.build();
        chains.add(chain);
        return chain;
    }

    @Test
    void startsOnTheRegtestGenesisBlock() {
        EmbeddedChain chain = chain();

        assertEquals(0, chain.height());
        assertEquals("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206", chain.tipHash().displayHex());
        assertEquals(chain.tipHash(), chain.header(chain.tipHash()).orElseThrow().hash());
        assertEquals(chain.tipHash(), chain.blockHash(0).orElseThrow());
        assertTrue(chain.blockHash(1).isEmpty());
        assertEquals(Network.REGTEST, chain.network());
        assertEquals(0x207fffff, chain.bits());
    }

    @Test
    void buildsATemplateOnTheTipWithSyntheticLegacyAndSegwitTransactionsAndTheirCommitment() {
        EmbeddedChain chain = chain();
        BlockTemplate template = chain.currentTemplate();

        assertEquals(1, template.height());
        assertEquals(chain.tipHash(), template.previousBlockHash());
        assertEquals(0x207fffff, template.bits());
        assertEquals("7fffff0000000000000000000000000000000000000000000000000000000000", template.targetDisplayHex());
        assertEquals(EmbeddedChain.REGTEST_GENESIS.time() + 1, template.minTime());
        assertEquals(NOW.getEpochSecond(), template.curTime());
        assertTrue(template.longPollId().orElseThrow().startsWith(chain.tipHash().displayHex()));
        assertEquals(List.of("csv", "!segwit", "taproot"), template.rules());

        List<TemplateTransaction> txs = template.transactions();
        assertEquals(4, txs.size());
        assertTrue(txs.stream().anyMatch(TemplateTransaction::hasWitness), "some spends are segwit");
        assertTrue(txs.stream().anyMatch(tx -> !tx.hasWitness()), "some spends are legacy");
        long fees = 0;
        List<Hash256> wtxids = new ArrayList<>();
        for (TemplateTransaction tx : txs) {
            Transaction parsed = tx.parse();
            assertEquals(parsed.txid(), tx.txid());
            assertEquals(parsed.wtxid(), tx.wtxid());
            assertFalse(parsed.isCoinbase());
            assertTrue(tx.feeSats() >= (tx.weight() + 3) / 4, "at least 1 sat/vB: " + tx);
            fees += tx.feeSats();
            wtxids.add(tx.wtxid());
        }
        assertEquals(Network.REGTEST.subsidySats(1) + fees, template.coinbaseValueSats());
        assertArrayEquals(WitnessCommitment.scriptFor(wtxids), template.witnessCommitmentScript().orElseThrow());
    }

    @Test
    void acceptsABlockMinedThroughAJobAndDeliversACleanTemplateOnTheNewTip() throws AddressException {
        EmbeddedChain chain = chain();
        Recorder recorder = new Recorder();
        chain.start(recorder);
        Recorder.Delivery first = recorder.next();
        assertTrue(first.cleanJobs());
        assertEquals(CHAIN_THREAD, first.thread());

        JobFactory factory = JobFactory.builder()
                .payTo(Address.fromOutputScript(PAYOUT_SCRIPT, Network.REGTEST))
                .clock(CLOCK)
                .build();
        Job job = factory.create(first.template(), true);
        byte[] extranonce1 = Hex.decode("01020304");
        byte[] extranonce2 = Hex.decode("0a0b0c0d");
        BlockAssembler assembler = BlockAssembler.of(job.template(), job.coinbase());
        BlockHeader header = null;
        for (int nonce = 0; nonce < 200 && header == null; nonce++) {
            BlockHeader candidate = assembler.header(job.version(), job.nTime(), nonce, extranonce1, extranonce2);
            if (job.networkTarget().isMetBy(Sha256d.hash(candidate.serialize()), 0)) {
                header = candidate;
            }
        }
        Block block = Block.parse(assembler.assemble(header, extranonce1, extranonce2));

        BlockVerdict verdict = chain.submitBlock(new BlockCandidate(block.hash(), 1, block.toHex())).join();

        assertEquals(BlockVerdict.accepted(), verdict);
        assertEquals(1, chain.height());
        assertEquals(block.hash(), chain.tipHash());
        assertEquals(block, chain.block(block.hash()).orElseThrow());
        Recorder.Delivery next = recorder.next();
        assertTrue(next.cleanJobs());
        assertEquals(CHAIN_THREAD, next.thread());
        assertNotEquals(Thread.currentThread().getName(), next.thread());
        assertEquals(block.hash(), next.template().previousBlockHash());
        assertEquals(2, next.template().height());
        assertEquals(block.header().time() + 1, next.template().minTime(), "the median of two times is the later");
        for (TemplateTransaction tx : first.template().transactions()) {
            assertEquals(1, chain.transactionConfirmations(tx.txid()));
            assertFalse(next.template().txids().contains(tx.txid()), "a mined transaction leaves the mempool");
        }
        assertEquals(4, next.template().transactions().size(), "new synthetic transactions for the new tip");
    }

    /** One way to break one rule, and the reject string that must say so. */
    record Tampering(String name, String code, Function<BlockTemplate, Block> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> tamperings() {
        // Well formed and final, but made by another chain's generator: this chain never saw it.
        Transaction unknown = new SyntheticTransactions(99).next().transaction();
        return Stream.of(
                new Tampering("coinbase pays one satoshi more than subsidy plus fees", "bad-cb-amount",
                        t -> solved(t, coinbase(t.height(), t.coinbaseValueSats() + 1, commitment(t)))),
                new Tampering("coinbase commits to the next height", "bad-cb-height",
                        t -> solved(t, coinbase(t.height() + 1, t.coinbaseValueSats(), commitment(t)))),
                new Tampering("merkle root replaced", "bad-txnmrklroot", t -> {
                    Block honest = solved(t, coinbase(t));
                    BlockHeader h = honest.header();
                    return EmbeddedTestBlocks.solve(EmbeddedTestBlocks.withHeader(honest, h.version(), h.prevHash(),
                            randomHash(7), h.time(), h.bits()));
                }),
                new Tampering("nBits one step harder than the chain's", "bad-diffbits",
                        t -> solved(t.version(), t.previousBlockHash(), t.curTime(), 0x207ffffe,
                                withCoinbase(coinbase(t), transactions(t)))),
                new Tampering("nBits above the proof-of-work limit", "high-hash",
                        t -> solved(t.version(), t.previousBlockHash(), t.curTime(), 0x2100ffff,
                                withCoinbase(coinbase(t), transactions(t)))),
                new Tampering("nonce that misses the target", "high-hash",
                        t -> EmbeddedTestBlocks.unsolve(solved(t, coinbase(t)))),
                new Tampering("previous block unknown", "prev-blk-not-found",
                        t -> solved(t.version(), randomHash(8), t.curTime(), t.bits(),
                                withCoinbase(coinbase(t), transactions(t)))),
                new Tampering("witness commitment over the wtxids in another order", "bad-witness-merkle-match", t -> {
                    List<Hash256> reversed = new ArrayList<>(EmbeddedTestBlocks.wtxids(transactions(t)));
                    Collections.reverse(reversed);
                    return solved(t, coinbase(t.height(), t.coinbaseValueSats(), WitnessCommitment.scriptFor(reversed)));
                }),
                new Tampering("no witness commitment beside segwit transactions", "unexpected-witness",
                        t -> solved(t, coinbase(t.height(), t.coinbaseValueSats(), null))),
                new Tampering("a segwit transaction's witness changed", "mandatory-script-verify-flag-failed", t -> {
                    List<Transaction> txs = transactions(t);
                    int segwit = indexOfSegwit(txs);
                    Transaction tx = txs.get(segwit);
                    String hex = tx.toHex();
                    // The last byte before the lock time is the witness pubkey's last byte.
                    int at = hex.length() - 8 - 2;
                    String flipped = hex.substring(0, at) + String.format("%02x",
                            Integer.parseInt(hex.substring(at, at + 2), 16) ^ 1) + hex.substring(at + 2);
                    txs.set(segwit, Transaction.fromHex(flipped));
                    assertEquals(tx.txid(), txs.get(segwit).txid());
                    return solved(t, withCoinbase(coinbase(t.height(), t.coinbaseValueSats(),
                            WitnessCommitment.scriptFor(EmbeddedTestBlocks.wtxids(txs))), txs));
                }),
                new Tampering("a transaction the chain does not know", "bad-txns-inputs-missingorspent", t -> {
                    List<Transaction> txs = transactions(t);
                    txs.add(unknown);
                    return solved(t, withCoinbase(coinbase(t.height(), t.coinbaseValueSats(),
                            WitnessCommitment.scriptFor(EmbeddedTestBlocks.wtxids(txs))), txs));
                }),
                new Tampering("a template transaction twice", "bad-txns-duplicate", t -> {
                    List<Transaction> txs = transactions(t);
                    txs.add(txs.get(0));
                    return solved(t, withCoinbase(coinbase(t.height(), t.coinbaseValueSats(),
                            WitnessCommitment.scriptFor(EmbeddedTestBlocks.wtxids(txs))), txs));
                }),
                new Tampering("coinbase not first", "bad-cb-missing", t -> {
                    List<Transaction> txs = withCoinbase(coinbase(t), transactions(t));
                    Collections.swap(txs, 0, 1);
                    return solved(t, txs);
                }),
                new Tampering("time not after the median time past", "time-too-old",
                        t -> solved(t.version(), t.previousBlockHash(), t.minTime() - 1, t.bits(),
                                withCoinbase(coinbase(t), transactions(t)))),
                new Tampering("time more than two hours ahead of the clock", "time-too-new",
                        t -> solved(t.version(), t.previousBlockHash(), NOW.getEpochSecond() + 7201, t.bits(),
                                withCoinbase(coinbase(t), transactions(t)))),
                new Tampering("version 3, before BIP65", "bad-version(0x00000003)",
                        t -> solved(3, t.previousBlockHash(), t.curTime(), t.bits(),
                                withCoinbase(coinbase(t), transactions(t))))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void refusesATamperedBlockWithTheReasonOfTheBrokenRule(Tampering tampering) {
        EmbeddedChain chain = chain();
        BlockTemplate template = chain.currentTemplate();

        BlockVerdict verdict = submit(chain, tampering.build().apply(template));

        assertEquals(BlockVerdict.Status.REJECTED, verdict.status(), verdict.reason());
        assertTrue(verdict.reason().startsWith(tampering.code() + ": "), verdict.reason());
        assertTrue(verdict.reason().length() > tampering.code().length() + 10, "says what was wrong: " + verdict.reason());
        assertEquals(0, chain.height());
        // The same template honestly built is still accepted: only the tampering was wrong.
        assertTrue(submit(chain, solved(template, coinbase(template))).isAccepted());
        assertEquals(1, chain.height());
    }

    @Test
    void acceptsTheSameBlockAgainAsADuplicateWithoutMovingTheTip() {
        EmbeddedChain chain = chain();
        Block block = solved(chain.currentTemplate(), coinbase(chain.currentTemplate()));
        assertEquals(BlockVerdict.accepted(), submit(chain, block));
        Recorder recorder = new Recorder();
        chain.start(recorder);
        recorder.next();

        BlockVerdict again = submit(chain, block);

        assertEquals(BlockVerdict.Status.ACCEPTED, again.status());
        assertEquals("duplicate", again.reason());
        assertEquals(1, chain.height());
        assertTrue(recorder.drain().isEmpty(), "a duplicate brings no new template");
    }

    @Test
    void refusesABlockOnAParentThatIsNoLongerTheTipAsInconclusive() {
        EmbeddedChain chain = chain();
        BlockTemplate onGenesis = chain.currentTemplate();
        assertTrue(submit(chain, solved(onGenesis, coinbase(onGenesis))).isAccepted());

        Block stale = solved(onGenesis, coinbase(onGenesis.height(), onGenesis.coinbaseValueSats() - 1,
                onGenesis.witnessCommitmentScript().orElseThrow()));
        BlockVerdict verdict = submit(chain, stale);

        assertEquals(BlockVerdict.Status.REJECTED, verdict.status());
        assertTrue(verdict.reason().startsWith("inconclusive: "), verdict.reason());
        assertEquals(1, chain.height());
    }

    @Test
    void refusesBytesThatAreNotABlock() {
        EmbeddedChain chain = chain();

        BlockVerdict verdict = submitHex(chain, "00");
        BlockVerdict notHex = submitHex(chain, "zz");

        assertEquals(BlockVerdict.Status.REJECTED, verdict.status());
        assertTrue(verdict.reason().startsWith("decode-failed: "), verdict.reason());
        assertTrue(notHex.reason().startsWith("decode-failed: "), notHex.reason());
    }

    @Test
    void refreshesTheTemplateWithNewTransactionsWithoutCleaningJobs() {
        EmbeddedChain chain = chain(EmbeddedChain.builder().clock(CLOCK).syntheticTransactions(2)
                .refreshInterval(Duration.ofMillis(20)));
        Recorder recorder = new Recorder();
        chain.start(recorder);
        BlockTemplate first = recorder.next().template();

        Recorder.Delivery refresh = recorder.next();

        assertFalse(refresh.cleanJobs());
        assertEquals(first.previousBlockHash(), refresh.template().previousBlockHash());
        assertEquals(first.transactions().size() + 2, refresh.template().transactions().size());
        assertTrue(refresh.template().txids().containsAll(first.txids()));
        assertTrue(refresh.template().coinbaseValueSats() > first.coinbaseValueSats());
        // A block from the older template of the same tip is still good.
        assertTrue(submit(chain, solved(first, coinbase(first))).isAccepted());
    }

    @Test
    void deliversTemplatesInOrderOnTheGivenExecutorAndNoneAfterClose() {
        ExecutorService executor = Executors.newFixedThreadPool(2, task -> new Thread(task, "test-listener"));
        try {
            EmbeddedChain chain = chain(EmbeddedChain.builder().clock(CLOCK).listenerExecutor(executor));
            Recorder recorder = new Recorder();
            chain.start(recorder);
            assertEquals("test-listener", recorder.next().thread());
            assertThrows(IllegalStateException.class, () -> chain.start(recorder));
            for (int i = 0; i < 5; i++) {
                chain.mineBlocks(1);
            }
            for (long height = 2; height <= 6; height++) {
                Recorder.Delivery delivery = recorder.next();
                assertEquals(height, delivery.template().height());
                assertTrue(delivery.cleanJobs());
            }
            Block block = solved(chain.currentTemplate(), coinbase(chain.currentTemplate()));

            chain.close();

            assertEquals(BlockVerdict.Status.UNKNOWN, submit(chain, block).status());
            assertThrows(IllegalStateException.class, () -> chain.setDifficulty(2));
            assertThrows(IllegalStateException.class, () -> chain.mineBlocks(1));
            assertEquals(5, chain.height());
            assertTrue(recorder.drain().isEmpty());
        } finally {
            executor.shutdownNow();
        }
    }

    private static byte[] commitment(BlockTemplate template) {
        return template.witnessCommitmentScript().orElseThrow();
    }

    private static int indexOfSegwit(List<Transaction> txs) {
        for (int i = 0; i < txs.size(); i++) {
            if (txs.get(i).hasWitness()) {
                return i;
            }
        }
        throw new AssertionError("the template has no segwit transaction");
    }
}
