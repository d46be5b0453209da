package io.poolkit.core.node;

import static io.poolkit.core.node.EmbeddedTestBlocks.coinbase;
import static io.poolkit.core.node.EmbeddedTestBlocks.solved;
import static io.poolkit.core.node.EmbeddedTestBlocks.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.node.EmbeddedTestBlocks.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedChainReorgTest {
    private final List<EmbeddedChain> chains = new ArrayList<>();

    @AfterEach
    void closeChains() {
        chains.forEach(EmbeddedChain::close);
    }

    private EmbeddedChain chain() {
        EmbeddedChain chain = EmbeddedChain.builder().clock(EmbeddedChainTest.CLOCK).build();
        chains.add(chain);
        return chain;
    }

    private static BlockState state(EmbeddedChain chain, Hash256 hash, long height) {
        return chain.blockState(hash, height).join();
    }

    @Test
    void countsConfirmationsUpAsOthersMineBlocks() {
        EmbeddedChain chain = chain();
        BlockTemplate template = chain.currentTemplate();
        Block pool = solved(template, coinbase(template));
        assertTrue(submit(chain, pool).isAccepted());
        assertEquals(BlockState.confirmed(pool.hash(), 1), state(chain, pool.hash(), 1));

        List<Hash256> mined = chain.mineBlocks(3);

        assertEquals(4, chain.height());
        assertEquals(BlockState.confirmed(pool.hash(), 4), state(chain, pool.hash(), 1));
        assertEquals(BlockState.confirmed(mined.get(2), 1), state(chain, mined.get(2), 4));
        assertEquals(mined.get(0), chain.blockHash(2).orElseThrow());
        assertEquals(pool.hash(), chain.header(mined.get(0)).orElseThrow().prevHash());
        assertEquals(BlockState.orphaned(Hash256.ZERO), state(chain, Hash256.ZERO, 1));
    }

    @Test
    void reorganisingOrphansThePoolsBlockAndReturnsItsTransactionsToTheChain() {
        EmbeddedChain chain = chain();
        BlockTemplate template = chain.currentTemplate();
        Block pool = solved(template, coinbase(template));
        assertTrue(submit(chain, pool).isAccepted());
        List<Hash256> mined = chain.mineBlocks(2);
        Recorder recorder = new Recorder();
        chain.start(recorder);
        recorder.next();

        List<Hash256> branch = chain.reorganize(3);

        assertEquals(4, branch.size(), "one block more than it replaced");
        assertEquals(4, chain.height());
        assertEquals(branch.get(3), chain.tipHash());
        assertEquals(BlockState.orphaned(pool.hash()), state(chain, pool.hash(), 1));
        for (Hash256 replaced : mined) {
            assertEquals(BlockState.orphaned(replaced), state(chain, replaced, 2));
        }
        assertEquals(BlockState.confirmed(branch.get(0), 4), state(chain, branch.get(0), 1));
        assertNotEquals(pool.hash(), chain.blockHash(1).orElseThrow());
        assertEquals(chain.blockHash(0).orElseThrow(), chain.header(branch.get(0)).orElseThrow().prevHash());
        for (TemplateTransaction tx : template.transactions()) {
            assertEquals(4, chain.transactionConfirmations(tx.txid()), "mined again in the new branch's first block");
        }
        Recorder.Delivery delivery = recorder.next();
        assertTrue(delivery.cleanJobs());
        assertEquals(branch.get(3), delivery.template().previousBlockHash());
        assertEquals(5, delivery.template().height());

        BlockVerdict again = submit(chain, pool);
        assertEquals(BlockVerdict.Status.REJECTED, again.status());
        assertTrue(again.reason().startsWith("duplicate-inconclusive: "), again.reason());
    }

    @Test
    void refusesABlockOnAnOrphanedTip() {
        EmbeddedChain chain = chain();
        chain.mineBlocks(1);
        BlockTemplate onOrphan = chain.currentTemplate();
        chain.reorganize(1);

        BlockVerdict verdict = submit(chain, solved(onOrphan, coinbase(onOrphan)));

        assertTrue(verdict.reason().startsWith("inconclusive: "), verdict.reason());
    }

    @Test
    void replacesOnlyBlocksAboveTheStartingBlock() {
        EmbeddedChain chain = chain();
        chain.mineBlocks(2);

        assertThrows(IllegalArgumentException.class, () -> chain.reorganize(0));
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class, () -> chain.reorganize(3));
        assertTrue(tooDeep.getMessage().contains("1..2"), tooDeep.getMessage());
        assertEquals(2, chain.height());
    }
}
