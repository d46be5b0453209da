package io.poolkit.core.node;

import static io.poolkit.core.node.EmbeddedTestBlocks.coinbase;
import static io.poolkit.core.node.EmbeddedTestBlocks.replaceHex;
import static io.poolkit.core.node.EmbeddedTestBlocks.solved;
import static io.poolkit.core.node.EmbeddedTestBlocks.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.node.EmbeddedTestBlocks.Recorder;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A wallet's transaction through the embedded chain: mempool, template, block, confirmations. */
@UsesSharedVectors
class EmbeddedChainTransactionTest {
    /** The real {@code sendmany} payout of the regtest vectors: lock time 204, fee 4620 sats. */
    private static final long PAYOUT_FEE_SATS = 4_620;

    private final List<EmbeddedChain> chains = new ArrayList<>();

    @AfterEach
    void closeChains() {
        chains.forEach(EmbeddedChain::close);
    }

    private EmbeddedChain chainAtHeight(int height) {
        EmbeddedChain chain = EmbeddedChain.builder().clock(EmbeddedChainTest.CLOCK).initialBlocks(height).build();
        chains.add(chain);
        return chain;
    }

    private static Json walletTransaction() {
        try (JsonParser parser = new JsonFactory().createParser(
                SharedVectors.text("bitcoind-regtest/wallet-gettransaction.json"))) {
            parser.nextToken();
            return Json.read(parser, "gettransaction").field("result");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Transaction payout() {
        return Transaction.fromHex(walletTransaction().string("hex"));
    }

    @Test
    void aSubmittedTransactionEntersTheNextTemplateAndIsConfirmedByTheBlock() {
        EmbeddedChain chain = chainAtHeight(204);
        Recorder recorder = new Recorder();
        chain.start(recorder);
        BlockTemplate before = recorder.next().template();
        Transaction payout = payout();
        assertEquals(walletTransaction().string("txid"), payout.txid().displayHex());
        assertEquals(-1, chain.transactionConfirmations(payout.txid()));

        Hash256 txid = chain.submitTransaction(payout, PAYOUT_FEE_SATS);

        assertEquals(payout.txid(), txid);
        assertEquals(0, chain.transactionConfirmations(txid));
        Recorder.Delivery refresh = recorder.next();
        assertFalse(refresh.cleanJobs(), "same tip, one more transaction");
        BlockTemplate template = refresh.template();
        assertTrue(template.txids().contains(txid));
        TemplateTransaction included = template.transactions().get(template.txids().indexOf(txid));
        assertEquals(PAYOUT_FEE_SATS, included.feeSats());
        assertEquals(walletTransaction().string("wtxid"), included.wtxid().displayHex());
        assertEquals(before.coinbaseValueSats() + PAYOUT_FEE_SATS, template.coinbaseValueSats());
        assertEquals(Network.REGTEST.subsidySats(205) + template.totalFeesSats(), template.coinbaseValueSats());

        Block block = solved(template, coinbase(template));
        assertTrue(submit(chain, block).isAccepted());

        assertEquals(1, chain.transactionConfirmations(txid));
        chain.mineBlocks(2);
        assertEquals(3, chain.transactionConfirmations(txid));
        assertEquals(txid, chain.submitTransaction(payout, PAYOUT_FEE_SATS), "submitting again is harmless");
        assertEquals(3, chain.transactionConfirmations(txid));
        assertFalse(chain.currentTemplate().txids().contains(txid));
    }

    @Test
    void blocksTheChainMinesIncludeTheMempool() {
        EmbeddedChain chain = chainAtHeight(204);
        Hash256 txid = chain.submitTransaction(payout(), PAYOUT_FEE_SATS);

        Hash256 mined = chain.mineBlocks(1).get(0);

        assertEquals(1, chain.transactionConfirmations(txid));
        assertTrue(chain.block(mined).orElseThrow().txids().contains(txid));
    }

    @Test
    void refusesAConflictingSpendATransactionNotYetFinalAndACoinbase() {
        EmbeddedChain chain = chainAtHeight(204);
        Transaction payout = payout();
        chain.submitTransaction(payout, PAYOUT_FEE_SATS);
        // Same input, another script for the first output: a double spend.
        Transaction conflicting = replaceHex(payout, payout.outputs().get(0).scriptHex().substring(0, 8),
                "5120ffff");

        IllegalArgumentException conflict = assertThrows(IllegalArgumentException.class,
                () -> chain.submitTransaction(conflicting, PAYOUT_FEE_SATS));
        assertTrue(conflict.getMessage().contains(payout.txid().toString()), conflict.getMessage());

        EmbeddedChain young = chainAtHeight(10);
        IllegalArgumentException notFinal = assertThrows(IllegalArgumentException.class,
                () -> young.submitTransaction(payout, PAYOUT_FEE_SATS));
        assertTrue(notFinal.getMessage().contains("lock time 204"), notFinal.getMessage());
        assertEquals(-1, young.transactionConfirmations(payout.txid()));

        Transaction coinbase = young.block(young.tipHash()).orElseThrow().coinbase();
        assertThrows(IllegalArgumentException.class, () -> young.submitTransaction(coinbase, 0));
        assertThrows(IllegalArgumentException.class, () -> chain.submitTransaction(payout, -1));
    }
}
