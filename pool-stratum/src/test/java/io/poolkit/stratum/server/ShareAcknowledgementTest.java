package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Network;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.RejectReason;
import io.poolkit.core.share.Share;
import io.poolkit.core.share.ShareSink;
import io.poolkit.core.testing.ManualClock;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.testing.LeakTracking;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The accepted path with the real {@link BitcoinShareValidator}: shares are hashed, judged, handed to every
 * sink, and acknowledged only once all sinks have them; every reject code the validator gives comes out.
 */
@ExtendWith(LeakTracking.class)
@Timeout(60)
@UsesSharedVectors
class ShareAcknowledgementTest {
    /** Met by about half of all hashes. */
    private static final double EASY = Math.scalb(1.0, -31);
    private static final String SUBSCRIBE = "{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [\"cpuminer/2.5.1\"]}";
    private static final String AUTHORIZE = "{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + TestJobs.WORKER + "\", \"x\"]}";
    private static final byte[] EXTRANONCE2 = {0, 0, 0, 7};

    /** A sink that records what it is given and answers as told. */
    static final class RecordingSink implements ShareSink {
        final List<Share> shares = new ArrayList<>();
        final List<FoundBlock> blocks = new ArrayList<>();
        Function<Share, CompletableFuture<Void>> answer = share -> CompletableFuture.completedFuture(null);

        @Override
        public CompletableFuture<Void> accept(Share share) {
            shares.add(share);
            return answer.apply(share);
        }

        @Override
        public CompletableFuture<Void> blockFound(FoundBlock block) {
            blocks.add(block);
            return CompletableFuture.completedFuture(null);
        }
    }

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final JobRegistry registry = new JobRegistry();
    private final List<BlockCandidate> submittedBlocks = new ArrayList<>();
    private CompletableFuture<BlockVerdict> verdict = new CompletableFuture<>();
    private final RecordingSink ledger = new RecordingSink();
    private final RecordingSink stats = new RecordingSink();
    private final StratumServer server = StratumServer.builder().network(Network.REGTEST).host("127.0.0.1").port(0)
            .shareValidator(new BitcoinShareValidator(registry, candidate -> {
                submittedBlocks.add(candidate);
                return verdict;
            }))
            .shareSink(ledger).shareSink(stats)
            .difficultyRange(Math.scalb(1.0, -32), 1e15).initialDifficulty(EASY)
            .clock(clock).build();
    private final JobDispatcher dispatcher = new JobDispatcher(
            JobFactory.builder().payTo(TestJobs.address()).build(), registry);
    private final List<EmbeddedMiner> miners = new ArrayList<>();

    ShareAcknowledgementTest() {
        dispatcher.addListener(server);
    }

    @AfterEach
    void close() {
        miners.forEach(EmbeddedMiner::close);
        server.core().loops().forEach(LoopState::releaseJob);
    }

    private EmbeddedMiner loggedIn() {
        EmbeddedMiner miner = new EmbeddedMiner(server).send(SUBSCRIBE).send(AUTHORIZE);
        miners.add(miner);
        miner.lines();
        return miner;
    }

    private Job publish(BlockTemplate template, boolean clean) {
        dispatcher.onTemplate(template, clean);
        return registry.current();
    }

    private static byte[] extranonce1(EmbeddedMiner miner) {
        return Shares.bytes(SessionProtocolTest.sessionOf(miner).extranonce1(), 4);
    }

    private static String submit(int id, Job job, int nonce) {
        return "{\"id\": " + id + ", \"method\": \"mining.submit\", \"params\": [\"" + TestJobs.WORKER + "\", \"" + job.id()
                + "\", \"00000007\", \"" + Shares.hex8(job.nTime()) + "\", \"" + Shares.hex8(nonce) + "\"]}";
    }

    private int nonceMeeting(EmbeddedMiner miner, Job job, double difficulty) {
        return Shares.findNonce(job, extranonce1(miner), EXTRANONCE2, 0, Shares.meets(difficulty));
    }

    private static void assertTrueReply(String line, int id) {
        assertEquals("{\"id\":" + id + ",\"result\":true,\"error\":null}", line);
    }

    // ------------------------------------------------------------------------------------------ accepted

    @Test
    void anAcceptedShareGoesToEverySinkAndIsAnsweredTrue() {
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        miner.send(submit(4, job, nonceMeeting(miner, job, EASY)));
        assertTrueReply(miner.line(), 4);

        assertEquals(1, ledger.shares.size());
        assertEquals(ledger.shares, stats.shares);
        Share share = ledger.shares.get(0);
        assertEquals(TestJobs.ADDRESS, share.account());
        assertEquals(TestJobs.WORKER, share.worker());
        assertEquals(EASY, share.difficulty());
        assertEquals(job.networkDifficulty(), share.networkDifficulty());
        assertEquals(job.height(), share.height());
        assertEquals(job.coinbaseValueSats() - job.feesSats(), share.subsidySats());
        assertEquals(job.feesSats(), share.feesSats());
        assertTrue(share.feesSats() > 0, "the template carries transactions with fees");
        assertEquals(clock.instant(), share.time());
        assertEquals(1, server.stats().sharesAccepted());
        assertTrue(submittedBlocks.isEmpty());
    }

    @Test
    void theReplyWaitsForASlowSink() {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        ledger.answer = share -> commit;
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        miner.send(submit(4, job, nonceMeeting(miner, job, EASY)));
        assertEquals(List.of(), miner.lines(), "no acknowledgement before the ledger's commit");
        assertEquals(1, server.core().inFlight.get());
        assertEquals(0, server.stats().sharesAccepted());
        commit.complete(null);
        assertTrueReply(miner.line(), 4);
        assertEquals(0, server.core().inFlight.get());
        assertEquals(1, server.stats().sharesAccepted());
    }

    @Test
    void aCommitThatLandsJustAfterTheSessionLookedIsStillAnswered() {
        // The ledger's writer thread commits right after the event loop saw the share as not yet recorded:
        // the reply must still go out (it once waited for ever, and its connection with it).
        // One sink, so the session sees the sink's own future (with two it would see their allOf).
        StratumServer oneSink = StratumServer.builder().network(Network.REGTEST).host("127.0.0.1").port(0)
                .shareValidator(new BitcoinShareValidator(registry, candidate -> verdict))
                .shareSink(share -> new CompletesRightAfterTheFirstLook())
                .difficultyRange(Math.scalb(1.0, -32), 1e15).initialDifficulty(EASY)
                .clock(clock).build();
        dispatcher.addListener(oneSink);
        EmbeddedMiner miner = new EmbeddedMiner(oneSink).send(SUBSCRIBE).send(AUTHORIZE);
        miners.add(miner);
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        miner.send(submit(4, job, nonceMeeting(miner, job, EASY)));
        try {
            assertTrueReply(miner.line(), 4);
            assertEquals(0, oneSink.core().inFlight.get());
            assertEquals(1, oneSink.stats().sharesAccepted());
        } finally {
            oneSink.core().loops().forEach(LoopState::releaseJob);
        }
    }

    /** Says "not done" once, having just completed: the race between the event loop and a sink's thread. */
    private static final class CompletesRightAfterTheFirstLook extends CompletableFuture<Void> {
        private boolean looked;

        @Override
        public boolean isDone() {
            if (!looked) {
                looked = true;
                complete(null);
                return false;
            }
            return super.isDone();
        }
    }

    @Test
    void aSinkThatFailsMakesAnErrorNeverATrue() {
        ledger.answer = share -> CompletableFuture.failedFuture(new IllegalStateException("disk full"));
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        miner.send(submit(4, job, nonceMeeting(miner, job, EASY)));
        StratumResponse reply = miner.response();
        assertEquals(StratumId.of(4), reply.id());
        assertEquals(RejectReason.NOT_RECORDED.stratumCode(), reply.errorCode());
        assertEquals(RejectReason.NOT_RECORDED.message(), reply.errorMessage());
        assertEquals(1, server.stats().sharesRejected(RejectReason.NOT_RECORDED));
        assertEquals(0, server.stats().sharesAccepted());
    }

    @Test
    void aSinkThatThrowsOrFailsLateIsAnErrorToo() {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        ledger.answer = share -> commit;
        stats.answer = share -> {
            throw new IllegalStateException("a bug in a sink");
        };
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        miner.send(submit(4, job, nonceMeeting(miner, job, EASY)));
        assertEquals(List.of(), miner.lines(), "the reply still waits for the ledger");
        commit.completeExceptionally(new IllegalStateException("connection lost"));
        assertEquals(20, miner.response().errorCode());
    }

    @Test
    void shareRepliesKeepRequestOrderBehindAWaitingAcknowledgement() {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        ledger.answer = share -> ledger.shares.size() == 1 ? commit : CompletableFuture.completedFuture(null);
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        int first = nonceMeeting(miner, job, EASY);
        int second = Shares.findNonce(job, extranonce1(miner), EXTRANONCE2, first + 1, Shares.meets(EASY));
        miner.send(submit(10, job, first)).send(submit(11, job, first)).send(submit(12, job, second));
        miner.send("{\"id\": 13, \"method\": \"mining.ping\", \"params\": []}");
        assertEquals(List.of("{\"id\":13,\"result\":\"pong\",\"error\":null}"), miner.lines(),
                "other replies do not wait");
        commit.complete(null);
        List<String> lines = miner.lines();
        assertEquals(3, lines.size(), lines.toString());
        assertTrueReply(lines.get(0), 10);
        StratumResponse duplicate = (StratumResponse) EmbeddedMiner.decode(lines.get(1));
        assertEquals(StratumId.of(11), duplicate.id());
        assertEquals(22, duplicate.errorCode());
        assertTrueReply(lines.get(2), 12);
    }

    // ------------------------------------------------------------------------------------------ rejected

    @Test
    void aShareAboveTheTargetIsError23() {
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        int nonce = Shares.findNonce(job, extranonce1(miner), EXTRANONCE2, 0, Shares.misses(EASY));
        miner.send(submit(4, job, nonce));
        StratumResponse reply = miner.response();
        assertEquals(23, reply.errorCode());
        assertEquals(RejectReason.LOW_DIFFICULTY.message(), reply.errorMessage());
        assertTrue(ledger.shares.isEmpty());
    }

    @Test
    void theSameShareTwiceIsError22() {
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        int nonce = nonceMeeting(miner, job, EASY);
        miner.send(submit(4, job, nonce));
        assertTrueReply(miner.line(), 4);
        miner.send(submit(4, job, nonce));
        assertEquals(22, miner.response().errorCode());
        assertEquals(1, ledger.shares.size());
    }

    @Test
    void aShareOnAJobFromBeforeANewBlockIsError21() {
        EmbeddedMiner miner = loggedIn();
        Job old = publish(Shares.hardTemplate(), true);
        int nonce = nonceMeeting(miner, old, EASY);
        publish(Shares.hardTemplate(), true); // a new tip: every earlier job is stale
        miner.lines();
        miner.send(submit(4, old, nonce));
        StratumResponse reply = miner.response();
        assertEquals(21, reply.errorCode());
        assertEquals(RejectReason.STALE.message(), reply.errorMessage());
    }

    @Test
    void aShareOnAnUnknownJobIsError21() {
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        miner.send(submit(4, job, 1).replace("\"" + job.id() + "\"", "\"ffff\""));
        StratumResponse reply = miner.response();
        assertEquals(21, reply.errorCode());
        assertEquals(RejectReason.JOB_NOT_FOUND.message(), reply.errorMessage());
    }

    @Test
    void aShareOnAnEarlierJobOfTheSameBlockIsStillAccepted() {
        EmbeddedMiner miner = loggedIn();
        Job first = publish(Shares.hardTemplate(), true);
        publish(Shares.hardTemplate(), false); // new transactions, same tip
        miner.lines();
        miner.send(submit(4, first, nonceMeeting(miner, first, EASY)));
        assertTrueReply(miner.line(), 4);
    }

    // -------------------------------------------------------------------------------------------- blocks

    @Test
    void aBlockIsSubmittedAndEverySinkHearsOfItAfterTheShareOnceTheChainAccepts() {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        ledger.answer = share -> commit;
        EmbeddedMiner miner = loggedIn();
        Job job = publish(TestJobs.WITH_TRANSACTIONS, true); // regtest's target: half of all hashes are blocks
        miner.lines();
        int nonce = Shares.findNonce(job, extranonce1(miner), EXTRANONCE2, 0, hash -> job.networkTarget().isMetBy(hash, 0));
        miner.send(submit(4, job, nonce));
        assertEquals(1, submittedBlocks.size());
        assertEquals(1, server.stats().blocksFound());
        verdict.complete(BlockVerdict.accepted());
        assertTrue(ledger.blocks.isEmpty(), "not before the share that found it is recorded");
        commit.complete(null);
        assertTrueReply(miner.line(), 4);
        assertEquals(1, ledger.blocks.size());
        assertEquals(ledger.blocks, stats.blocks);
        FoundBlock block = ledger.blocks.get(0);
        assertEquals(submittedBlocks.get(0).hash(), block.hash());
        assertEquals(job.height(), block.height());
        assertEquals(TestJobs.ADDRESS, block.account());
        assertEquals(TestJobs.WORKER, block.worker());
        assertEquals(job.coinbaseValueSats(), block.rewardSats());
        assertEquals(job.networkDifficulty(), block.networkDifficulty());
        assertEquals(1, server.stats().blocksAccepted());
    }

    @Test
    void aBlockTheChainRejectsIsCountedAndNotRecordedAsFound() {
        EmbeddedMiner miner = loggedIn();
        Job job = publish(TestJobs.WITH_TRANSACTIONS, true);
        miner.lines();
        int nonce = Shares.findNonce(job, extranonce1(miner), EXTRANONCE2, 0, hash -> job.networkTarget().isMetBy(hash, 0));
        miner.send(submit(4, job, nonce));
        assertTrueReply(miner.line(), 4);
        verdict.complete(BlockVerdict.rejected("high-hash"));
        assertTrue(ledger.blocks.isEmpty());
        assertEquals(1, server.stats().blocksRejected());
        assertEquals(1, ledger.shares.size(), "the share still counts");
    }

    @Test
    void aMinerThatLeavesWhileItsShareIsRecordedGetsNoReplyAndNothingBreaks() {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        ledger.answer = share -> commit;
        EmbeddedMiner miner = loggedIn();
        Job job = publish(Shares.hardTemplate(), true);
        miner.lines();
        miner.send(submit(4, job, nonceMeeting(miner, job, EASY)));
        miner.channel.close();
        commit.complete(null);
        assertEquals(List.of(), miner.lines());
        assertFalse(miner.isOpen());
        assertEquals(0, server.core().inFlight.get());
    }
}
