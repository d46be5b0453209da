package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.poolkit.core.chain.Network;
import io.poolkit.core.job.Job;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.codec.StratumMethods;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumValue;
import io.poolkit.stratum.codec.StratumWriter;
import io.poolkit.stratum.testing.LeakTracking;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Jobs, difficulty changes, version masks, extranonce changes and reconnects, as sessions see them. */
@ExtendWith(LeakTracking.class)
@Timeout(60)
@UsesSharedVectors
class JobFanOutTest {
    private static final String SUBSCRIBE = "{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [\"cpuminer/2.5.1\"]}";
    private static final String AUTHORIZE = "{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + TestJobs.WORKER + "\", \"x\"]}";
    private static final String SUBMIT = "{\"id\": 4, \"method\": \"mining.submit\", \"params\": [\"" + TestJobs.WORKER
            + "\", \"%s\", \"00000001\", \"5f5e1000\", \"0000a0b1\"]}";

    private final ScriptedValidator validator = new ScriptedValidator();
    private final TestJobs jobs = new TestJobs();
    private final List<EmbeddedMiner> miners = new ArrayList<>();
    private final StratumServer server = StratumServer.builder().network(Network.REGTEST).shareValidator(validator)
            .host("127.0.0.1").port(0).build();

    @AfterEach
    void closeMiners() {
        miners.forEach(EmbeddedMiner::close);
        server.core().loops().forEach(LoopState::releaseJob);
    }

    private EmbeddedMiner miner() {
        EmbeddedMiner miner = new EmbeddedMiner(server);
        miners.add(miner);
        return miner;
    }

    private EmbeddedMiner subscribed() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE).send(AUTHORIZE);
        miner.lines();
        return miner;
    }

    private static String notifyLine(Job job) {
        ByteBuf encoded = StratumWriter.encodeNotify(UnpooledByteBufAllocator.DEFAULT, ServerCore.notifyOf(job));
        try {
            return encoded.toString(StandardCharsets.UTF_8).trim();
        } finally {
            encoded.release();
        }
    }

    private static String setDifficulty(String value) {
        return "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[" + value + "]}";
    }

    @Test
    void aJobGoesToEverySubscribedSessionAsTheSameNotifyLine() {
        EmbeddedMiner first = subscribed();
        EmbeddedMiner second = subscribed();
        EmbeddedMiner notSubscribed = miner().send(AUTHORIZE);
        notSubscribed.lines();
        Job job = jobs.withTransactions(true);
        server.publish(job);

        String expected = notifyLine(job);
        assertEquals(List.of(expected), first.lines());
        assertEquals(List.of(expected), second.lines());
        assertEquals(List.of(), notSubscribed.lines());
        assertEquals(1, server.stats().jobsPublished());

        MiningNotify notify = MiningNotify.fromParams(EmbeddedMiner.request(expected).params());
        assertEquals(job.id(), notify.jobId());
        assertEquals(job.prevHashStratumHex(), notify.prevHashStratumHex());
        assertEquals(job.coinb1Hex(), notify.coinbase1Hex());
        assertEquals(job.coinb2Hex(), notify.coinbase2Hex());
        assertEquals(job.merkleBranchHex().size(), notify.merkleBranch().size());
        assertTrue(job.merkleBranchHex().size() > 0, "the template with transactions has a branch");
        assertEquals(job.version(), notify.version());
        assertEquals(job.bits(), notify.nbits());
        assertEquals((int) job.nTime(), notify.ntime());
        assertTrue(notify.cleanJobs());
    }

    @Test
    void aSessionSubscribingAfterAJobGetsTheReplyThenTheDifficultyThenTheJob() {
        EmbeddedMiner miner = miner(); // connected (each embedded channel has its own loop), not subscribed
        Job job = jobs.next(true);
        server.publish(job);
        miner.send(SUBSCRIBE);
        List<String> lines = miner.lines();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("{\"id\":1,\"result\":[[["), lines.get(0));
        assertEquals(setDifficulty("1"), lines.get(1));
        assertEquals(notifyLine(job), lines.get(2));
    }

    @Test
    void eachJobIsSentOnceAndInOrder() {
        EmbeddedMiner miner = subscribed();
        Job first = jobs.next(true);
        Job second = jobs.next(false);
        server.publish(first);
        server.publish(second);
        assertEquals(List.of(notifyLine(first), notifyLine(second)), miner.lines());
    }

    @Test
    void aSuggestedDifficultyIsSentBeforeTheNextJobAndEarlierJobsKeepTheEasierTarget() {
        EmbeddedMiner miner = subscribed();
        Job first = jobs.next(true);
        server.publish(first);
        miner.lines();
        miner.send("{\"id\": 3, \"method\": \"mining.suggest_difficulty\", \"params\": [4]}");
        assertEquals(List.of("{\"id\":3,\"result\":true,\"error\":null}"), miner.lines(),
                "nothing else until the next job");

        Job second = jobs.next(false);
        server.publish(second);
        assertEquals(List.of(setDifficulty("4"), notifyLine(second)), miner.lines());

        miner.send(SUBMIT.formatted(first.id()));
        miner.lines();
        ScriptedValidator.Seen seen = validator.last();
        assertEquals(4.0, seen.shareDifficulty());
        assertEquals(1.0, seen.previousShareDifficulty());
        assertEquals(second.sequence(), seen.previousTargetBeforeSequence(), "jobs before the second keep difficulty 1");

        Job third = jobs.next(false);
        server.publish(third);
        assertEquals(List.of(notifyLine(third)), miner.lines(), "no change, no set_difficulty");
    }

    @Test
    void aSuggestionBelowTheCurrentDifficultyIsOnlyAFloor() {
        EmbeddedMiner miner = subscribed();
        miner.send("{\"id\": 3, \"method\": \"mining.suggest_difficulty\", \"params\": [0.25]}");
        miner.lines();
        Job job = jobs.next(true);
        server.publish(job);
        assertEquals(List.of(notifyLine(job)), miner.lines());
        assertEquals(1.0, PROTOCOL.sessionOf(miner).difficulty());
    }

    @Test
    void aPasswordDifficultyHintStartsTheWorkerThereAndResendsTheJob() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE);
        Job job = jobs.next(true);
        server.publish(job);
        miner.lines();
        miner.send("{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + TestJobs.WORKER + "\", \"d=0.5\"]}");
        assertEquals(List.of("{\"id\":2,\"result\":true,\"error\":null}", setDifficulty("0.5"), notifyLine(job)),
                miner.lines());
        miner.send(SUBMIT.formatted(job.id()));
        miner.lines();
        assertEquals(0.5, validator.last().shareDifficulty());
        assertEquals(1.0, validator.last().previousShareDifficulty(), "work already under way counts at the easier target");
        assertEquals(job.sequence() + 1, validator.last().previousTargetBeforeSequence());
    }

    @Test
    void aDifficultyHintIsClampedToTheServersRange() {
        EmbeddedMiner miner = miner().send("{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\""
                + TestJobs.WORKER + "\", \"x,d=0.000000001\"]}");
        miner.lines();
        miner.send(SUBSCRIBE);
        assertEquals(setDifficulty("0.000001"), miner.lines().get(1));
    }

    @Test
    void aJobWithOtherExtranonceSizesIsRefused() {
        Job job = new TestJobs(4, 8).next(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.publish(job));
        assertTrue(e.getMessage().contains("4+8"), e.getMessage());
    }

    @Test
    void aConnectionThatClosedGetsNoJobAndTheOthersDo() {
        EmbeddedMiner gone = subscribed();
        EmbeddedMiner staying = subscribed();
        gone.close();
        Job job = jobs.next(true);
        server.publish(job);
        assertEquals(List.of(notifyLine(job)), staying.lines());
    }

    @Test
    void aNewPoolMaskIsSentToRollingMinersOnly() {
        EmbeddedMiner rolling = miner().send("{\"id\": 1, \"method\": \"mining.configure\", \"params\": [[\"version-rolling\"], "
                + "{\"version-rolling.mask\": \"1fffffff\", \"version-rolling.min-bit-count\": 2}]}");
        rolling.lines();
        EmbeddedMiner plain = subscribed();
        server.versionRollingMask(0x00ffe000); // the embedded loops run it when the miners are read
        assertEquals(List.of("{\"id\":null,\"method\":\"mining.set_version_mask\",\"params\":[\"00ffe000\"]}"),
                rolling.lines());
        assertEquals(List.of(), plain.lines());
        assertEquals(0x00ffe000, PROTOCOL.sessionOf(rolling).versionMask());
        assertEquals(0x00ffe000, server.versionRollingMask());
        server.versionRollingMask(0x00ffe000);
        assertEquals(List.of(), rolling.lines(), "no change, nothing sent");
    }

    @Test
    void aNewExtranonceGoesToAMinerThatSubscribedToIt() {
        EmbeddedMiner miner = subscribed();
        miner.send("{\"id\": 3, \"method\": \"mining.extranonce.subscribe\", \"params\": []}");
        miner.lines();
        StratumSession session = PROTOCOL.sessionOf(miner);
        long old = session.extranonce1();
        long fresh = server.core().allocator.allocate();
        assertTrue(session.changeExtranonce(fresh));
        StratumRequest set = EmbeddedMiner.request(miner.line());
        assertEquals(StratumMethods.SET_EXTRANONCE, set.method());
        assertEquals(List.of(StratumValue.of(server.core().allocator.hex(fresh)), StratumValue.of(4)), set.params());
        assertEquals(fresh, session.extranonce1());
        assertEquals(1, server.core().allocator.liveCount(), "the old value " + Long.toHexString(old) + " went back");
    }

    @Test
    void aMinerThatCannotLearnANewExtranonceIsAskedToReconnect() {
        EmbeddedMiner miner = subscribed();
        StratumSession session = PROTOCOL.sessionOf(miner);
        long fresh = server.core().allocator.allocate();
        assertTrue(!session.changeExtranonce(fresh));
        assertEquals("{\"id\":null,\"method\":\"client.reconnect\",\"params\":[]}", miner.line());
        server.core().allocator.release(fresh);
    }

    @Test
    void reconnectAllAsksEveryConnectionToMove() {
        EmbeddedMiner subscribed = subscribed();
        EmbeddedMiner fresh = miner();
        server.reconnectAll("pool.example", 3334, 5);
        String expected = "{\"id\":null,\"method\":\"client.reconnect\",\"params\":[\"pool.example\",3334,5]}";
        assertEquals(List.of(expected), subscribed.lines());
        assertEquals(List.of(expected), fresh.lines());
    }

    /** Shared helpers. */
    private static final class PROTOCOL {
        static StratumSession sessionOf(EmbeddedMiner miner) {
            return SessionProtocolTest.sessionOf(miner);
        }
    }
}
