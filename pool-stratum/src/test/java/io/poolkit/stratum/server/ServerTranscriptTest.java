package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.job.Job;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumMethods;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.codec.StratumValue;
import io.poolkit.stratum.testing.LeakTracking;
import io.poolkit.stratum.testing.Transcript;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What cpuminer 2.5.1 really sent to ckpool ({@code stratum/cpuminer-2.5.1-and-ckpool.jsonl}), replayed
 * line by line into our server: every reply is checked, and compared with the reference server's.
 */
@ExtendWith(LeakTracking.class)
@Timeout(60)
@UsesSharedVectors
class ServerTranscriptTest {
    private final Transcript transcript = Transcript.load(Transcript.CPUMINER_CKPOOL);
    private final ScriptedValidator validator = new ScriptedValidator();
    private final StratumServer server = StratumServer.builder().network(Network.REGTEST).shareValidator(validator)
            .host("127.0.0.1").port(0).build();
    private final TestJobs jobs = new TestJobs();
    private final List<EmbeddedMiner> miners = new ArrayList<>();

    @AfterEach
    void close() {
        miners.forEach(EmbeddedMiner::close);
        server.core().loops().forEach(LoopState::releaseJob);
    }

    /** The replies our server wrote to each miner line, in order. */
    private List<List<String>> replay(EmbeddedMiner miner, List<String> minerLines) {
        List<List<String>> replies = new ArrayList<>();
        for (String line : minerLines) {
            miner.send(line);
            replies.add(miner.lines());
        }
        return replies;
    }

    @Test
    void cpuminersLoginIsAnsweredAsTheReferenceServerAnsweredIt() {
        EmbeddedMiner miner = new EmbeddedMiner(server);
        miners.add(miner);
        Job job = jobs.next(true);
        server.publish(job);
        List<String> minerLines = transcript.minerLines();
        assertEquals(2, minerLines.size(), "the recording holds cpuminer's subscribe and authorize");
        List<List<String>> replies = replay(miner, minerLines);

        // mining.subscribe (id 1): the reply, then the difficulty, then the job, as ckpool sent them.
        List<String> afterSubscribe = replies.get(0);
        assertEquals(3, afterSubscribe.size(), afterSubscribe.toString());
        StratumResponse subscribed = assertInstanceOf(StratumResponse.class, EmbeddedMiner.decode(afterSubscribe.get(0)));
        assertEquals(StratumId.of(1), subscribed.id());
        assertFalse(subscribed.isError());
        List<StratumValue> result = subscribed.result().asArray();
        List<StratumValue> subscriptions = result.get(0).asArray();
        assertEquals(2, subscriptions.size());
        assertEquals("mining.set_difficulty", subscriptions.get(0).asArray().get(0).asString());
        assertEquals("mining.notify", subscriptions.get(1).asArray().get(0).asString());
        String extranonce1 = result.get(1).asString();
        assertTrue(extranonce1.matches("[0-9a-f]{8}"), extranonce1);
        assertEquals(extranonce1, subscriptions.get(1).asArray().get(1).asString());
        long extranonce2Size = result.get(2).asLong();
        assertTrue(extranonce2Size >= 1, "cpuminer refuses an extranonce2 size of 0");

        StratumRequest difficulty = EmbeddedMiner.request(afterSubscribe.get(1));
        assertEquals(StratumMethods.SET_DIFFICULTY, difficulty.method());
        assertTrue(difficulty.isNotification());
        assertEquals(1.0, difficulty.param(0).asDouble());
        StratumRequest notify = EmbeddedMiner.request(afterSubscribe.get(2));
        assertEquals(StratumMethods.NOTIFY, notify.method());
        assertTrue(notify.isNotification());
        assertEquals(job.id(), MiningNotify.fromParams(notify.params()).jobId());

        // The same kinds of line, in the same order, as the reference server's answer.
        List<String> reference = transcript.poolLines();
        assertEquals(kinds(reference.subList(0, 3)), kinds(afterSubscribe));

        // mining.authorize (id 2): true, exactly the reference server's answer.
        List<String> afterAuthorize = replies.get(1);
        assertEquals(1, afterAuthorize.size(), afterAuthorize.toString());
        assertEquals(EmbeddedMiner.decode(reference.get(3)), EmbeddedMiner.decode(afterAuthorize.get(0)));
        assertEquals(List.of(TestJobs.WORKER), SessionProtocolTest.sessionOf(miner).workerNames());
        assertEquals("cpuminer/2.5.1", SessionProtocolTest.sessionOf(miner).userAgent());
    }

    @Test
    void aSubmitInCpuminersFormIsJudgedAndAnsweredWithItsId() {
        EmbeddedMiner miner = new EmbeddedMiner(server);
        miners.add(miner);
        Job job = jobs.next(true);
        server.publish(job);
        replay(miner, transcript.minerLines());
        // Not in the recording (cpuminer found no share there): a submit in cpuminer 2.5.1's own layout,
        // id 4 as it always sends, for the job it was given.
        miner.send("{\"id\": 4, \"method\": \"mining.submit\", \"params\": [\"" + TestJobs.WORKER + "\", \"" + job.id()
                + "\", \"00000000\", \"" + job.nTimeHex() + "\", \"1c2d3e4f\"]}");
        StratumResponse reply = miner.response();
        assertEquals(StratumId.of(4), reply.id());
        assertEquals(23, reply.errorCode(), "the scripted validator says low difficulty");
        ScriptedValidator.Seen seen = validator.last();
        assertEquals(job.id(), seen.jobId());
        assertEquals(TestJobs.WORKER, seen.worker());
        assertFalse(seen.malformed());
    }

    private static List<String> kinds(List<String> lines) {
        List<String> kinds = new ArrayList<>();
        for (String line : lines) {
            StratumMessage message = EmbeddedMiner.decode(line);
            kinds.add(message instanceof StratumRequest request ? request.method() : "response " + message.id());
        }
        return kinds;
    }
}
