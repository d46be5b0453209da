package io.poolkit.core.node;

import static io.poolkit.core.node.GbtJobSourceFixture.AFTER_VECTORS;
import static io.poolkit.core.node.GbtJobSourceFixture.FOUND;
import static io.poolkit.core.node.GbtJobSourceFixture.TEMPLATE_TIP;
import static io.poolkit.core.node.GbtJobSourceFixture.VEC;
import static io.poolkit.core.node.GbtJobSourceFixture.WAIT;
import static io.poolkit.core.node.GbtJobSourceFixture.assertMessage;
import static io.poolkit.core.node.GbtJobSourceFixture.assertSameTemplate;
import static io.poolkit.core.node.GbtJobSourceFixture.awaitLongPolls;
import static io.poolkit.core.node.GbtJobSourceFixture.awaitTrue;
import static io.poolkit.core.node.GbtJobSourceFixture.bestBlock;
import static io.poolkit.core.node.GbtJobSourceFixture.isLongPoll;
import static io.poolkit.core.node.GbtJobSourceFixture.longPollIdOf;
import static io.poolkit.core.node.GbtJobSourceFixture.realHeader;
import static io.poolkit.core.node.GbtJobSourceFixture.stringField;
import static io.poolkit.core.node.GbtJobSourceFixture.take;
import static io.poolkit.core.node.GbtJobSourceFixture.templateOn;
import static io.poolkit.core.node.GbtJobSourceFixture.withFirstTransactions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.node.GbtJobSourceFixture.Delivered;
import io.poolkit.core.node.GbtJobSourceFixture.Recorder;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.FakeBitcoind.RecordedRequest;
import io.poolkit.core.testing.ManualClock;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Templates from a node serving the real regtest answers: start, new tips, refreshes, long polls. */
@UsesSharedVectors
class GbtJobSourceTest {
    private final GbtJobSourceFixture fx = new GbtJobSourceFixture();

    @AfterEach
    void closeAll() throws Exception {
        fx.close();
    }

    @Test
    void deliversTheNodesTemplateAsCleanAtStart() {
        FakeBitcoind node = fx.node();
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource(node), listener);

        Delivered first = listener.nextTemplate();

        BlockTemplate expected = BlockTemplate.parse(SharedVectors.text(VEC + "getblocktemplate-with-transactions.json"));
        assertTrue(first.clean());
        assertSameTemplate(expected, first.template());
        assertEquals("[{\"rules\":[\"segwit\"]}]", node.requests("getblocktemplate").get(0).paramsJson());
        assertEquals("getblockchaininfo", node.requests().get(0).method(), "the chain is checked first");
        GbtJobSource.NodeStatus status = source.nodeStatuses().get(0);
        assertEquals(GbtJobSource.Health.UP, status.health());
        assertTrue(status.active());
        assertEquals("", status.reason());
        assertEquals(node.url(), status.url());
        assertEquals(Network.REGTEST, source.network());
    }

    @Test
    void aNewTipGivesACleanCoinbaseOnlyTemplateAtOnceThenTheNodesTemplateNonClean() {
        FakeBitcoind node = fx.node();
        Recorder listener = new Recorder();
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), AFTER_VECTORS));
        fx.started(fx.quickSource(node).clock(clock), listener);
        BlockTemplate before = listener.nextTemplate().template();

        // The block FOUND (height 205, on TEMPLATE_TIP) arrives. The node's new template is held back, so the
        // quick template must come from the tip's header alone.
        CompletableFuture<Answer> nodesTemplate = Answer.later();
        node.on("getblocktemplate", Answer.after(nodesTemplate));
        node.on("getblockheader", Answer.vector("getblockheader-found-block.json"));
        long earliest = clock.instant().getEpochSecond();
        node.on("getbestblockhash", bestBlock(FOUND));
        Delivered quick = listener.nextTemplate();
        long latest = clock.instant().getEpochSecond();

        BlockTemplate t = quick.template();
        assertTrue(quick.clean());
        assertEquals(FOUND, t.previousBlockHash());
        assertEquals(206, t.height());
        assertTrue(t.transactions().isEmpty());
        assertEquals(2_500_000_000L, t.coinbaseValueSats(), "the regtest subsidy after one halving, no fees");
        assertEquals(before.bits(), t.bits());
        assertEquals(before.targetDisplayHex(), t.targetDisplayHex());
        assertEquals(before.version(), t.version());
        assertEquals(before.rules(), t.rules());
        assertEquals(1795625763L + 1, t.minTime(), "the tip's median time past + 1");
        assertTrue(t.curTime() >= earliest && t.curTime() <= latest, "curtime is now: " + t.curTime());
        assertTrue(t.longPollId().isEmpty());
        // Bitcoin Core's commitment for a block without transactions, from its real empty-mempool answer.
        assertArrayEquals(Hex.decode(stringField(SharedVectors.text(VEC + "getblocktemplate-empty-mempool.json"),
                "default_witness_commitment")), t.witnessCommitmentScript().orElseThrow());
        assertEquals("\"" + FOUND.displayHex() + "\"", node.lastRequest("getblockheader").params().get(0));
        // The node's real next block (height 206 on FOUND) holds only a coinbase: the quick template agrees.
        BlockHeaderInfo real = realHeader("getblockheader.json");
        assertEquals(1, real.txCount());
        assertEquals(real.previousBlockHash().orElseThrow(), t.previousBlockHash());
        assertEquals(real.height(), t.height());
        assertEquals(real.bits(), t.bits());
        assertEquals(real.version(), t.version());
        assertTrue(real.time() >= t.minTime());

        nodesTemplate.complete(Answer.of(200, templateOn(FOUND, 206, "longpoll-206")));
        Delivered full = listener.nextTemplate();

        assertFalse(full.clean(), "the node's own template on the same tip is a refresh");
        assertEquals(FOUND, full.template().previousBlockHash());
        assertEquals(206, full.template().height());
        assertEquals(7, full.template().transactions().size());
        listener.assertOneAtATime();
    }

    @Test
    void aChangedTemplateOnTheSameTipIsARefreshNoSoonerThanTheRefreshInterval() {
        FakeBitcoind node = fx.node();
        ManualClock clock = new ManualClock(AFTER_VECTORS);
        AtomicReference<Answer> plain = new AtomicReference<>(Answer.of(200, withFirstTransactions(5, "lp-5")));
        BlockingQueue<CompletableFuture<Answer>> heldLongPolls = new LinkedBlockingQueue<>();
        node.on("getblocktemplate", request -> {
            if (!isLongPoll(request)) {
                return plain.get();
            }
            CompletableFuture<Answer> held = Answer.later();
            heldLongPolls.add(held);
            return Answer.after(held);
        });
        Recorder listener = new Recorder();
        fx.started(fx.quickSource(node).clock(clock).templateRefreshInterval(Duration.ofSeconds(30))
                .longPoll(true), listener);
        Delivered first = listener.nextTemplate();
        assertTrue(first.clean());
        assertEquals(5, first.template().transactions().size());

        // The long poll carries the template's id; the node answers it with the real template: two more
        // transactions on the same tip.
        List<RecordedRequest> polls = awaitLongPolls(node, 1);
        assertEquals("lp-5", longPollIdOf(polls.get(0)));
        String full = SharedVectors.text(VEC + "getblocktemplate-with-transactions.json");
        plain.set(Answer.of(200, full));
        take(heldLongPolls).complete(Answer.of(200, full));

        // 10 s later the source has taken that answer (its next long poll carries the new id) but delivered
        // nothing: the last delivery was less than 30 s ago.
        clock.advance(Duration.ofSeconds(10));
        polls = awaitLongPolls(node, 2);
        assertEquals(stringField(full, "longpollid"), longPollIdOf(polls.get(1)));
        assertNull(listener.events.peek(), "nothing delivered before the refresh interval");

        clock.advance(Duration.ofSeconds(20));
        Delivered refresh = listener.nextTemplate();

        assertFalse(refresh.clean());
        assertSameTemplate(BlockTemplate.parse(full), refresh.template());
        assertEquals(TEMPLATE_TIP, refresh.template().previousBlockHash());
    }

    @Test
    void theSameWorkAgainIsNotDeliveredAgain() {
        FakeBitcoind node = fx.node();
        ManualClock clock = new ManualClock(AFTER_VECTORS);
        Recorder listener = new Recorder();
        fx.started(fx.quickSource(node).clock(clock).templateRefreshInterval(Duration.ofSeconds(30)), listener);
        listener.nextTemplate();
        // The periodic refresh asks again and gets the same work with a later curtime: no new template.
        node.on("getblocktemplate", Answer.of(200, SharedVectors.text(VEC + "getblocktemplate-with-transactions.json")
                .replace("\"curtime\":1795625763", "\"curtime\":1795625799")));
        int asked = node.requests("getblocktemplate").size();
        clock.advance(Duration.ofSeconds(31));
        node.awaitRequests("getblocktemplate", asked + 1, WAIT);
        // A later change is delivered, so the answer above was read, and judged the same work.
        node.on("getblocktemplate", Answer.of(200, withFirstTransactions(6, "lp-6")));
        clock.advance(Duration.ofSeconds(31));
        Delivered next = listener.nextTemplate();

        assertFalse(next.clean());
        assertEquals(6, next.template().transactions().size());
    }

    @Test
    void aSlowAnswerFromBeforeANewTipNeverTakesMinersBack() {
        FakeBitcoind node = fx.node();
        CompletableFuture<Answer> slow = Answer.later();
        AtomicBoolean firstLongPoll = new AtomicBoolean(true);
        AtomicReference<String> plain = new AtomicReference<>(
                SharedVectors.text(VEC + "getblocktemplate-with-transactions.json"));
        node.on("getblocktemplate", request -> !isLongPoll(request) ? Answer.of(200, plain.get())
                : firstLongPoll.getAndSet(false) ? Answer.after(slow) : Answer.after(Answer.later()));
        Recorder listener = new Recorder();
        fx.started(fx.quickSource(node).longPoll(true), listener);
        listener.nextTemplate();
        awaitLongPolls(node, 1);

        plain.set(templateOn(FOUND, 206, "longpoll-206"));
        node.on("getblockheader", Answer.vector("getblockheader-found-block.json"));
        node.on("getbestblockhash", bestBlock(FOUND));
        // The coinbase-only template on FOUND, then the node's; or the node's alone when its answer beats
        // the header look-up (the order depends on scheduling).
        var first = listener.nextTemplate();
        assertTrue(first.clean());
        assertEquals(FOUND, first.template().previousBlockHash());
        if (first.template().longPollId().isEmpty()) {
            assertEquals(FOUND, listener.nextTemplate().template().previousBlockHash());
        }
        // Only now does the first long poll answer, with the template on the old tip.
        slow.complete(Answer.vector("getblocktemplate-with-transactions.json"));
        awaitLongPolls(node, 2); // sent only once the slow answer was handled

        assertNull(listener.events.peek(), "the old tip's template was dropped, not delivered");
    }

    @Test
    void builderNamesTheBadSetting() {
        BitcoindClient client = fx.client(fx.node());
        assertMessage("network is required", () -> GbtJobSource.builder().node(client).build());
        assertMessage("at least one node", () -> GbtJobSource.builder().network(Network.REGTEST).build());
        assertMessage("added twice",
                () -> GbtJobSource.builder().network(Network.REGTEST).node(client).node(client).build());
        assertMessage("bestBlockPollInterval must be at least 1 ms; got PT0S", () -> GbtJobSource.builder()
                .network(Network.REGTEST).node(client).bestBlockPollInterval(Duration.ZERO).build());
        assertMessage("max must be >= initial", () -> GbtJobSource.builder().network(Network.REGTEST).node(client)
                .retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
        assertMessage("attempts must be in [1, 100]; got 0", () -> GbtJobSource.builder().network(Network.REGTEST)
                .node(client).blockVerification(0, Duration.ZERO).build());
    }

    @Test
    void startsOnceAndCloseStopsEverything() throws Exception {
        FakeBitcoind node = fx.node();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);
        scheduler.setRemoveOnCancelPolicy(true);
        fx.closeLater(scheduler::shutdownNow);
        node.on("getblocktemplate", r -> isLongPoll(r) ? Answer.after(Answer.later())
                : Answer.vector("getblocktemplate-with-transactions.json"));
        Recorder listener = new Recorder();
        GbtJobSource source = fx.quickSource(node).scheduler(scheduler).longPoll(true).build();
        source.start(listener);
        listener.nextTemplate();
        assertThrows(IllegalStateException.class, () -> source.start(listener));
        awaitLongPolls(node, 1); // held open by the node

        source.close();

        awaitTrue("the poll task to be cancelled", () -> scheduler.getQueue().isEmpty());
        assertFalse(scheduler.isShutdown(), "a scheduler given to the source stays the caller's");
        assertThrows(IllegalStateException.class, () -> source.start(listener));
        assertTrue(source.blockState(FOUND, 205).isCompletedExceptionally());
        // Five poll intervals later, then five more: no request reaches the node, no call the listener.
        scheduler.schedule(() -> { }, 100, TimeUnit.MILLISECONDS).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        int requests = node.requests().size();
        scheduler.schedule(() -> { }, 100, TimeUnit.MILLISECONDS).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(requests, node.requests().size());
        assertNull(listener.events.peek());
        listener.assertOneAtATime();
    }
}
