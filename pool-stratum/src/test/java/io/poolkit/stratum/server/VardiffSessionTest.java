package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.testing.ManualClock;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.core.vardiff.VardiffSettings;
import io.poolkit.stratum.codec.StratumMethods;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.testing.LeakTracking;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Vardiff as sessions live it: shares and quiet time move the difficulty, sent before the next job. */
@ExtendWith(LeakTracking.class)
@Timeout(60)
@UsesSharedVectors
class VardiffSessionTest {
    private static final double EASY = Math.scalb(1.0, -31);
    private static final byte[] EXTRANONCE2 = {0, 0, 0, 9};

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final JobRegistry registry = new JobRegistry();
    private final JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(),
            registry);
    private final List<EmbeddedMiner> miners = new ArrayList<>();
    private StratumServer server;

    @AfterEach
    void close() {
        miners.forEach(EmbeddedMiner::close);
        if (server != null) {
            server.core().loops().forEach(LoopState::releaseJob);
        }
    }

    private StratumServer server(double initial) {
        VardiffSettings vardiff = VardiffSettings.builder()
                .targetShareInterval(Duration.ofSeconds(1))
                .retargetPeriod(Duration.ofSeconds(2))
                .retargetShares(8)
                .minDifficulty(VardiffSettings.MIN_DIFFICULTY)
                .maxDifficulty(1e9)
                .initialDifficulty(initial)
                .build();
        server = StratumServer.builder().network(Network.REGTEST).host("127.0.0.1").port(0).clock(clock)
                .shareValidator(new BitcoinShareValidator(registry, c -> CompletableFuture.completedFuture(BlockVerdict.accepted())))
                .vardiff(vardiff).build();
        dispatcher.addListener(server);
        return server;
    }

    private EmbeddedMiner loggedIn(String password) {
        EmbeddedMiner miner = new EmbeddedMiner(server)
                .send("{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": []}")
                .send("{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + TestJobs.WORKER + "\", \"" + password + "\"]}");
        miners.add(miner);
        miner.lines();
        return miner;
    }

    private Job publish(boolean clean) {
        dispatcher.onTemplate(Shares.hardTemplate(), clean);
        return registry.current();
    }

    private static double setDifficultyIn(List<String> lines) {
        StratumRequest first = EmbeddedMiner.request(lines.get(0));
        assertEquals(StratumMethods.SET_DIFFICULTY, first.method(), lines.toString());
        assertEquals(StratumMethods.NOTIFY, EmbeddedMiner.request(lines.get(1)).method());
        return first.param(0).asDouble();
    }

    @Test
    void aFastMinerIsRaisedFromTheNextJob() {
        server(EASY);
        EmbeddedMiner miner = loggedIn("x");
        Job job = publish(true);
        miner.lines();
        byte[] extranonce1 = Shares.bytes(SessionProtocolTest.sessionOf(miner).extranonce1(), 4);
        int nonce = -1;
        for (int i = 0; i < 8; i++) { // eight shares 50 ms apart: twenty times the target rate
            clock.advance(Duration.ofMillis(50));
            nonce = Shares.findNonce(job, extranonce1, EXTRANONCE2, nonce + 1, Shares.meets(EASY));
            miner.send("{\"id\": 4, \"method\": \"mining.submit\", \"params\": [\"" + TestJobs.WORKER + "\", \""
                    + job.id() + "\", \"00000009\", \"" + Shares.hex8(job.nTime()) + "\", \"" + Shares.hex8(nonce) + "\"]}");
            assertEquals("{\"id\":4,\"result\":true,\"error\":null}", miner.line());
        }
        double raised = SessionProtocolTest.sessionOf(miner).pendingDifficulty();
        assertTrue(raised > 10 * EASY, "pending " + raised);
        assertEquals(EASY, SessionProtocolTest.sessionOf(miner).difficulty(), "not before the next job");
        publish(false);
        assertEquals(raised, setDifficultyIn(miner.lines()));
        assertEquals(raised, SessionProtocolTest.sessionOf(miner).difficulty());
    }

    @Test
    void aQuietMinerIsLoweredByTheSweep() {
        server(1024);
        EmbeddedMiner miner = loggedIn("x");
        publish(true);
        miner.lines();
        LoopState loop = server.core().loopFor(miner.channel.eventLoop());
        clock.advance(Duration.ofSeconds(1));
        server.core().sweep(loop);
        assertEquals(0.0, SessionProtocolTest.sessionOf(miner).pendingDifficulty(), "not before a retarget period");
        clock.advance(Duration.ofSeconds(60));
        server.core().sweep(loop);
        double lowered = SessionProtocolTest.sessionOf(miner).pendingDifficulty();
        assertTrue(lowered > 0 && lowered < 1024, "pending " + lowered);
        publish(false);
        assertEquals(lowered, setDifficultyIn(miner.lines()));
    }

    @Test
    void aPasswordHintStartsVardiffThereAndASuggestionIsItsFloor() {
        server(1);
        EmbeddedMiner miner = loggedIn("d=64");
        assertEquals(64.0, SessionProtocolTest.sessionOf(miner).difficulty());
        miner.send("{\"id\": 3, \"method\": \"mining.suggest_difficulty\", \"params\": [128]}");
        miner.lines();
        assertEquals(128.0, SessionProtocolTest.sessionOf(miner).pendingDifficulty());
        publish(true);
        assertEquals(128.0, setDifficultyIn(miner.lines()));
        // Quiet for a long time: vardiff lowers, but not below the miner's floor.
        clock.advance(Duration.ofMinutes(5));
        server.core().sweep(server.core().loopFor(miner.channel.eventLoop()));
        assertEquals(0.0, SessionProtocolTest.sessionOf(miner).pendingDifficulty(), "already at the floor");
    }

    @Test
    void powersOfTwoHoldForHintsAndEarlyFloors() {
        server = StratumServer.builder().network(Network.REGTEST).host("127.0.0.1").port(0).clock(clock)
                .shareValidator(new ScriptedValidator())
                .vardiff(VardiffSettings.builder().powerOfTwo(true).minDifficulty(1).maxDifficulty(1024)
                        .initialDifficulty(4).build())
                .build();
        EmbeddedMiner early = new EmbeddedMiner(server);
        miners.add(early);
        early.send("{\"id\": 1, \"method\": \"mining.suggest_difficulty\", \"params\": [48]}")
                .send("{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + TestJobs.WORKER + "\", \"x\"]}")
                .send("{\"id\": 3, \"method\": \"mining.subscribe\", \"params\": []}");
        List<String> lines = early.lines();
        assertEquals("{\"id\":2,\"result\":true,\"error\":null}", lines.get(1));
        assertEquals(64.0, EmbeddedMiner.request(lines.get(3)).param(0).asDouble(), "the floor 48 rounded up to 64");

        EmbeddedMiner hinted = loggedIn("d=100");
        assertEquals(64.0, SessionProtocolTest.sessionOf(hinted).difficulty(), "the hint rounded down to 64");
    }

    @Test
    void withVardiffTheDifficultiesComeFromItsSettings() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> StratumServer.builder()
                .network(Network.REGTEST).shareValidator(new ScriptedValidator())
                .vardiff(VardiffSettings.defaults()).initialDifficulty(8).build());
        assertTrue(e.getMessage().contains("VardiffSettings"), e.getMessage());
        StratumServer built = StratumServer.builder().network(Network.REGTEST).shareValidator(new ScriptedValidator())
                .vardiff(VardiffSettings.builder().initialDifficulty(16).build()).build();
        assertEquals(16.0, built.core().initialDifficulty);
    }
}
