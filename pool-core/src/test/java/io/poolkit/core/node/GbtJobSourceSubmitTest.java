package io.poolkit.core.node;

import static io.poolkit.core.node.GbtJobSourceFixture.FOUND;
import static io.poolkit.core.node.GbtJobSourceFixture.VEC;
import static io.poolkit.core.node.GbtJobSourceFixture.WAIT;
import static io.poolkit.core.node.GbtJobSourceFixture.stringField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.BlockVerdict.Status;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Block submission with a verified verdict, and block state, against the real regtest answers. */
@UsesSharedVectors
class GbtJobSourceSubmitTest {
    /** The block built from the real template and accepted by the node (height 205, hash FOUND). */
    private static final String ACCEPTED_HEX =
            stringField(SharedVectors.text(VEC + "assembled-block.json"), "block_hex");
    /** Bitcoin Core's answer for a hash it does not know (no captured vector holds one). */
    private static final Answer BLOCK_NOT_FOUND = Answer.rpcError(-5, "Block not found");

    private final GbtJobSourceFixture fx = new GbtJobSourceFixture();

    @AfterEach
    void closeAll() throws Exception {
        fx.close();
    }

    @Test
    void aNullAnswerIsAcceptedWithoutChecking() throws Exception {
        FakeBitcoind node = fx.node();
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        BlockVerdict verdict = submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX));

        assertEquals(BlockVerdict.accepted(), verdict);
        assertEquals(ACCEPTED_HEX, node.lastRequest("submitblock").stringParam(0));
        assertTrue(node.requests("getblockhash").isEmpty());
        assertEquals(1, fx.lines.containing("block " + FOUND + " at height 205: ACCEPTED").size(),
                fx.lines.lines.toString());
    }

    @Test
    void duplicateIsAccepted() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.vector("submitblock-duplicate.json"));
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        assertEquals(BlockVerdict.accepted(), submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX)));
        assertTrue(node.requests("getblockhash").isEmpty());
    }

    @Test
    void highHashIsCheckedThenRejectedWithTheNodesReason() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.vector("submitblock-high-hash-or-duplicate.json"));
        node.on("getblockheader", BLOCK_NOT_FOUND);
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());
        BlockCandidate block = mutated(ACCEPTED_HEX, 152, "00000000"); // the nonce changed after mining

        BlockVerdict verdict = submit(source, block);

        assertEquals(BlockVerdict.rejected("high-hash"), verdict);
        assertEquals(block.blockHex(), node.lastRequest("submitblock").stringParam(0));
        assertEquals("[205]", node.lastRequest("getblockhash").paramsJson());
        assertEquals("\"" + block.hash().displayHex() + "\"", node.lastRequest("getblockheader").params().get(0));
        assertEquals(1, node.requests("getblockhash").size(), "a definite reason, checked once");
        assertEquals(1, fx.lines.containing("at height 205: REJECTED (high-hash)").size(), fx.lines.lines.toString());
    }

    @Test
    void badMerkleRootIsCheckedThenRejectedWithTheNodesReason() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.vector("submitblock-bad-merkle-root.json"));
        node.on("getblockheader", BLOCK_NOT_FOUND);
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());
        BlockCandidate block = mutated(ACCEPTED_HEX, 72, "00".repeat(32)); // the merkle root zeroed

        BlockVerdict verdict = submit(source, block);

        assertEquals(BlockVerdict.rejected("bad-txnmrklroot"), verdict);
        assertEquals(block.blockHex(), node.lastRequest("submitblock").stringParam(0));
        assertEquals("[205]", node.lastRequest("getblockhash").paramsJson());
        assertEquals("\"" + block.hash().displayHex() + "\"", node.lastRequest("getblockheader").params().get(0));
    }

    @Test
    void aBlockTheNodeCannotDecodeIsRejectedWithItsMessage() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.vector("submitblock-decode-failed.json")); // -22, HTTP 500
        node.on("getblockheader", BLOCK_NOT_FOUND);
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        BlockVerdict verdict = submit(source, mutated(ACCEPTED_HEX, 152, "00000000"));

        assertEquals(BlockVerdict.rejected("Block decode failed"), verdict);
    }

    @Test
    void inconclusiveThenFoundAtItsHeightIsAccepted() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.vector("submitblock-stale-parent.json")); // "inconclusive"
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        BlockVerdict verdict = submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX));

        // getblockhash-found-height.json: the hash at height 205 is this block's.
        assertEquals(BlockVerdict.accepted(), verdict);
        assertEquals("[205]", node.lastRequest("getblockhash").paramsJson());
        assertTrue(node.requests("getblockheader").isEmpty());
    }

    @Test
    void inconclusiveAndOffTheBestChainStaysUnknownAfterTheAttempts() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.vector("submitblock-stale-parent.json"));
        node.on("getblockhash", Answer.result("\"" + GbtJobSourceFixture.TEMPLATE_TIP.displayHex() + "\""));
        node.on("getblockheader", Answer.of(200, SharedVectors.text(VEC + "getblockheader-found-block.json")
                .replace("\"confirmations\":2", "\"confirmations\":-1")));
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        BlockVerdict verdict = submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX));

        assertEquals(Status.UNKNOWN, verdict.status());
        assertTrue(verdict.reason().startsWith("not on the best chain after 3 attempt(s); submitblock: "
                + "bitcoind node 1 (" + node.url() + "): inconclusive"), verdict.reason());
        assertTrue(verdict.reason().contains("known, off the best chain"), verdict.reason());
        assertEquals(3, node.requests("getblockhash").size());
    }

    @Test
    void aTimedOutSubmissionFoundAtItsHeightIsAccepted() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.after(Answer.later())); // never answers
        BitcoindClient impatient = fx.closeLater(node.clientBuilder().requestTimeout(Duration.ofMillis(300)).build());
        GbtJobSource source = fx.closeLater(fx.quickSource().node(impatient).build());

        BlockVerdict verdict = submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX));

        assertEquals(BlockVerdict.accepted(), verdict);
        assertEquals(ACCEPTED_HEX, node.lastRequest("submitblock").stringParam(0));
        assertEquals("[205]", node.lastRequest("getblockhash").paramsJson());
        assertTrue(fx.lines.containing("ACCEPTED — submitblock: bitcoind node 1 (" + node.url() + "): timeout")
                .size() == 1, fx.lines.lines.toString());
    }

    @Test
    void aTimedOutSubmissionThatNeverAppearsIsUnknown() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.after(Answer.later()));
        node.on("getblockheader", BLOCK_NOT_FOUND);
        BitcoindClient impatient = fx.closeLater(node.clientBuilder().requestTimeout(Duration.ofMillis(300)).build());
        GbtJobSource source = fx.closeLater(fx.quickSource().node(impatient).build());
        BlockCandidate block = mutated(ACCEPTED_HEX, 152, "00000000");

        BlockVerdict verdict = submit(source, block);

        assertEquals(Status.UNKNOWN, verdict.status());
        assertTrue(verdict.reason().startsWith("not on the best chain after 3 attempt(s); submitblock: bitcoind "
                + "node 1 (" + node.url() + "): timeout"), verdict.reason());
        assertEquals(3, node.requests("getblockheader").size());
        assertEquals(1, fx.lines.containing("at height 205: UNKNOWN").size(), fx.lines.lines.toString());
    }

    @Test
    void noNodeToAskIsUnknown() throws Exception {
        FakeBitcoind node = fx.node();
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());
        node.stop();

        BlockVerdict verdict = submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX));

        assertEquals(Status.UNKNOWN, verdict.status());
        assertTrue(verdict.reason().startsWith("could not be checked after 3 attempt(s); submitblock: bitcoind node 1 ("
                + node.url() + "): unreachable"), verdict.reason());
    }

    @Test
    void oneNodeAcceptingIsEnough() throws Exception {
        FakeBitcoind down = fx.node();
        FakeBitcoind up = fx.node();
        GbtJobSource source = fx.closeLater(fx.quickSource(down, up).build());
        down.stop();

        assertEquals(BlockVerdict.accepted(), submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX)));
        assertEquals(ACCEPTED_HEX, up.lastRequest("submitblock").stringParam(0));
    }

    @Test
    void aCandidateThatIsNotHexIsABugNotAVerdict() {
        FakeBitcoind node = fx.node();
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        CompletableFuture<BlockVerdict> verdict = source.submitBlock(new BlockCandidate(FOUND, 205, "not hex"));

        ExecutionException e = assertThrows(ExecutionException.class, () -> verdict.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(node.requests("submitblock").isEmpty());
    }

    @Test
    void closingSettlesAPendingVerdictAsUnknown() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("submitblock", Answer.after(Answer.later()));
        GbtJobSource source = fx.quickSource(node).build();
        CompletableFuture<BlockVerdict> verdict = source.submitBlock(new BlockCandidate(FOUND, 205, ACCEPTED_HEX));
        node.awaitRequest("submitblock", WAIT);

        source.close();

        assertEquals(BlockVerdict.unknown("the job source was closed before the verdict"),
                verdict.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(Status.UNKNOWN, submit(source, new BlockCandidate(FOUND, 205, ACCEPTED_HEX)).status());
    }

    // ---- block state

    @Test
    void blockStateOfAConfirmedBlockCountsItsConfirmations() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("getblockheader", Answer.vector("getblockheader-found-block.json"));
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        BlockState state = source.blockState(FOUND, 205).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertEquals(BlockState.confirmed(FOUND, 2), state);
        assertEquals("[\"" + FOUND.displayHex() + "\",true]", node.lastRequest("getblockheader").paramsJson());
    }

    @Test
    void blockStateOfABlockOffTheBestChainIsOrphaned() throws Exception {
        FakeBitcoind node = fx.node();
        node.on("getblockheader", Answer.of(200, SharedVectors.text(VEC + "getblockheader-found-block.json")
                .replace("\"confirmations\":2", "\"confirmations\":-1")));
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());

        assertEquals(BlockState.orphaned(FOUND), source.blockState(FOUND, 205).get(WAIT.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    @Test
    void blockStateAsksTheNextNodeWhenOneDoesNotKnowTheBlock() throws Exception {
        FakeBitcoind unaware = fx.node();
        FakeBitcoind aware = fx.node();
        unaware.on("getblockheader", BLOCK_NOT_FOUND);
        aware.on("getblockheader", Answer.vector("getblockheader-found-block.json"));
        GbtJobSource source = fx.closeLater(fx.quickSource(unaware, aware).build());

        assertEquals(BlockState.confirmed(FOUND, 2), source.blockState(FOUND, 205).get(WAIT.toMillis(),
                TimeUnit.MILLISECONDS));
        assertEquals(1, unaware.requests("getblockheader").size());
    }

    @Test
    void blockStateFailsWhenNoNodeAnswers() {
        FakeBitcoind node = fx.node();
        GbtJobSource source = fx.closeLater(fx.quickSource(node).build());
        node.stop();

        ExecutionException e = assertThrows(ExecutionException.class,
                () -> source.blockState(FOUND, 205).get(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        BitcoindException cause = assertInstanceOf(BitcoindException.class, e.getCause());
        assertEquals(BitcoindException.Kind.UNREACHABLE, cause.kind());
    }

    // ---- helpers

    private static BlockVerdict submit(GbtJobSource source, BlockCandidate block) throws Exception {
        return source.submitBlock(block).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The block with hex digits from {@code at} replaced by {@code replacement}, and its new hash. */
    private static BlockCandidate mutated(String blockHex, int at, String replacement) {
        String hex = blockHex.substring(0, at) + replacement + blockHex.substring(at + replacement.length());
        Hash256 hash = Hash256.fromInternalBytes(Sha256d.hash(Hex.decode(hex.substring(0, 160))));
        assertNotEquals(FOUND, hash);
        return new BlockCandidate(hash, 205, hex);
    }
}
