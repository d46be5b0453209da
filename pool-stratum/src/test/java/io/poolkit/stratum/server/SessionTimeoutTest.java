package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.testing.ManualClock;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.testing.LeakTracking;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The per-loop sweep closes connections that never log in, or fall silent; the clock is a test clock. */
@ExtendWith(LeakTracking.class)
@Timeout(60)
@UsesSharedVectors
class SessionTimeoutTest {
    private static final String SUBSCRIBE = "{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": []}";
    private static final String AUTHORIZE = "{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + TestJobs.WORKER + "\", \"x\"]}";
    private static final String PING = "{\"id\": 3, \"method\": \"mining.ping\", \"params\": []}";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final StratumServer server = StratumServer.builder().network(Network.REGTEST)
            .shareValidator(new ScriptedValidator()).host("127.0.0.1").port(0).clock(clock)
            .subscribeTimeout(Duration.ofSeconds(10)).idleTimeout(Duration.ofSeconds(60)).build();
    private final List<EmbeddedMiner> miners = new ArrayList<>();

    @AfterEach
    void closeMiners() {
        miners.forEach(EmbeddedMiner::close);
    }

    private EmbeddedMiner miner() {
        EmbeddedMiner miner = new EmbeddedMiner(server);
        miners.add(miner);
        return miner;
    }

    private void sweep(EmbeddedMiner... miners) {
        for (EmbeddedMiner miner : miners) {
            server.core().sweep(server.core().loopFor(miner.channel.eventLoop()));
        }
    }

    @Test
    void aConnectionThatNeverSubscribesIsClosedAtTheDeadline() {
        EmbeddedMiner miner = miner();
        clock.advance(Duration.ofSeconds(9));
        sweep(miner);
        assertTrue(miner.isOpen());
        clock.advance(Duration.ofSeconds(1));
        sweep(miner);
        assertFalse(miner.isOpen());
        assertEquals(1, server.stats().sessionsTimedOut());
        assertEquals(0, server.stats().connectionsOpen());
    }

    @Test
    void aSubscribedConnectionWithoutAWorkerIsClosedAtTheDeadlineEvenWhenTalking() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE);
        clock.advance(Duration.ofSeconds(5));
        miner.send(PING);
        clock.advance(Duration.ofSeconds(5));
        sweep(miner);
        assertFalse(miner.isOpen());
        assertEquals(0, server.core().allocator.liveCount());
    }

    @Test
    void aLoggedInMinerStaysWhileItTalksAndIsClosedAfterTheIdleTimeout() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE).send(AUTHORIZE);
        EmbeddedMiner other = miner().send(SUBSCRIBE).send(AUTHORIZE);
        clock.advance(Duration.ofSeconds(50));
        miner.send(PING);
        clock.advance(Duration.ofSeconds(50));
        sweep(miner, other);
        assertTrue(miner.isOpen(), "it spoke 50 s ago");
        assertFalse(other.isOpen(), "silent for 100 s");
        clock.advance(Duration.ofSeconds(10));
        sweep(miner);
        assertFalse(miner.isOpen());
        assertEquals(2, server.stats().sessionsTimedOut());
    }
}
