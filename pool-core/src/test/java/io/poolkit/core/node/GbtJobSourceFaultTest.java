package io.poolkit.core.node;

import static io.poolkit.core.node.GbtJobSourceFixture.TEMPLATE_TIP;
import static io.poolkit.core.node.GbtJobSourceFixture.VEC;
import static io.poolkit.core.node.GbtJobSourceFixture.WAIT;
import static io.poolkit.core.node.GbtJobSourceFixture.assertSameTemplate;
import static io.poolkit.core.node.GbtJobSourceFixture.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.node.GbtJobSource.Health;
import io.poolkit.core.node.GbtJobSource.NodeStatus;
import io.poolkit.core.node.GbtJobSourceFixture.Delivered;
import io.poolkit.core.node.GbtJobSourceFixture.Recorder;
import io.poolkit.core.node.GbtJobSourceFixture.Withdrawn;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.FakeBitcoind.RecordedRequest;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that is down at start, dies mid-run, refuses the credentials, is warming up or answers garbage;
 * two nodes failing over and back.
 */
@UsesSharedVectors
class GbtJobSourceFaultTest {
    private static final BlockTemplate REAL =
            BlockTemplate.parse(SharedVectors.text(VEC + "getblocktemplate-with-transactions.json"));

    private final GbtJobSourceFixture fx = new GbtJobSourceFixture();

    @AfterEach
    void closeAll() throws Exception {
        fx.close();
    }

    @Test
    void aNodeDownAtStartGivesNoTemplateThenTemplatesFlowWhenItStarts() {
        FakeBitcoind node = fx.node();
        node.stop();
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource(node), listener);

        Withdrawn withdrawn = listener.nextWithdrawal();
        assertTrue(withdrawn.reason().contains("unreachable"), withdrawn.reason());
        awaitFailures(source, 0, 4);
        NodeStatus down = source.nodeStatuses().get(0);
        assertEquals(Health.DOWN, down.health());
        assertFalse(down.active());
        assertTrue(down.reason().startsWith("unreachable: bitcoind getblockchaininfo at " + node.url()), down.reason());
        assertNull(listener.events.peek(), "no template while the node is down");

        node.restart();
        Delivered first = listener.nextTemplate();

        assertTrue(first.clean());
        assertSameTemplate(REAL, first.template());
        assertEquals(1, fx.lines.containing("is DOWN").size(), "one line for the fault, not one per retry: "
                + fx.lines.lines);
        assertEquals(1, fx.lines.containing("is UP again").size(), fx.lines.lines.toString());
        assertEquals(Health.UP, source.nodeStatuses().get(0).health());
        assertEquals(0, source.nodeStatuses().get(0).consecutiveFailures());
    }

    @Test
    void aNodeDyingMidRunWithdrawsTemplatesOnceAndComesBackWithACleanTemplate() {
        FakeBitcoind node = fx.node();
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource(node), listener);
        assertTrue(listener.nextTemplate().clean());

        node.stop();
        Withdrawn withdrawn = listener.nextWithdrawal();
        awaitFailures(source, 0, 4); // several retries, backing off
        assertNull(listener.events.peek(), "withdrawn once, whatever the number of retries");
        node.restart();
        Delivered back = listener.nextTemplate();

        assertTrue(withdrawn.reason().startsWith("no bitcoind node is available (bitcoind node 1 (" + node.url()
                + "): "), withdrawn.reason());
        assertTrue(back.clean(), "after a withdrawal the first template is clean, even on the same tip");
        assertSameTemplate(REAL, back.template());
        List<String> downs = fx.lines.containing("is DOWN");
        // At most two: a call in flight losing its connection, then the refused ones; never one per retry.
        assertTrue(downs.size() <= 2, "not a line per retry: " + downs);
        for (int i = 1; i < downs.size(); i++) {
            assertNotEquals(reasonOf(downs.get(i - 1)), reasonOf(downs.get(i)), "a repeated line: " + downs);
        }
        assertEquals(1, fx.lines.containing("templates resume").size(), fx.lines.lines.toString());
        listener.assertOneAtATime();
    }

    @Test
    void http401IsReportedAsBadCredentialsAndGivesNoTemplate() {
        FakeBitcoind node = fx.node();
        BitcoindClient wrong = fx.closeLater(BitcoindClient.builder().url(node.url())
                .credentials(FakeBitcoind.DEFAULT_USER, "not-the-password").build());
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource().node(wrong), listener);

        Withdrawn withdrawn = listener.nextWithdrawal();
        awaitFailures(source, 0, 3);

        assertTrue(withdrawn.reason().contains("bad credentials (HTTP 401)"), withdrawn.reason());
        assertTrue(source.nodeStatuses().get(0).reason().startsWith("bad credentials (HTTP 401)"));
        assertEquals(1, fx.lines.containing("is DOWN: bad credentials (HTTP 401)").size(), fx.lines.lines.toString());
        assertNull(listener.events.peek(), "no template");
        for (RecordedRequest r : node.requests()) {
            assertFalse(r.authorized());
        }
        assertTrue(node.requests("getblocktemplate").isEmpty(), "nothing past the failed chain check");
    }

    @Test
    void aWarmingUpNodeIsRetriedUntilItAnswers() {
        FakeBitcoind node = fx.node();
        Answer warmingUp = Answer.vector("error-warming-up.json"); // -28 "Loading banlist…", HTTP 500
        node.enqueue("getblockchaininfo", warmingUp, warmingUp, warmingUp);
        node.enqueue("getblocktemplate", warmingUp);
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource(node), listener);

        Withdrawn withdrawn = listener.nextWithdrawal();
        Delivered first = listener.nextTemplate();

        assertTrue(withdrawn.reason().contains("warming up (RPC -28)"), withdrawn.reason());
        assertTrue(fx.lines.containing("is DOWN").get(0).contains("RPC error -28: Loading banlist…"),
                fx.lines.lines.toString());
        assertTrue(first.clean());
        assertSameTemplate(REAL, first.template());
        assertEquals(5, node.requests("getblockchaininfo").size(), "three refused, the fourth passed to a "
                + "refused template, the fifth all through");
        assertEquals(1, fx.lines.containing("is DOWN: warming up (RPC -28)").size(), fx.lines.lines.toString());
        assertEquals(Health.UP, source.nodeStatuses().get(0).health());
    }

    @Test
    void aGarbageAnswerIsAFailedCallNeverATemplate() {
        FakeBitcoind node = fx.node();
        node.enqueue("getblocktemplate", Answer.garbage());
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource(node), listener);

        Withdrawn atStart = listener.nextWithdrawal();
        assertTrue(atStart.reason().contains("malformed answer"), atStart.reason());
        assertSameTemplate(REAL, listener.nextTemplate().template());

        // Mid-run: the tip poll gets garbage, then a JSON answer that is not a template at all.
        node.enqueue("getbestblockhash", Answer.garbage());
        node.enqueue("getblocktemplate", Answer.result("{\"height\":\"soon\"}"));
        Withdrawn midRun = listener.nextWithdrawal();
        Delivered back = listener.nextTemplate();

        assertTrue(midRun.reason().contains("malformed answer"), midRun.reason());
        assertTrue(back.clean());
        assertSameTemplate(REAL, back.template());
        assertTrue(fx.lines.containing("is DOWN: malformed answer").size() >= 2, fx.lines.lines.toString());
        assertEquals(Health.UP, source.nodeStatuses().get(0).health());
    }

    @Test
    void aNodeOnAnotherChainIsNotUsed() {
        FakeBitcoind node = fx.node();
        node.on("getblockchaininfo", Answer.of(200, SharedVectors.text(VEC + "getblockchaininfo.json")
                .replace("\"chain\":\"regtest\"", "\"chain\":\"main\"")));
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource(node), listener);

        Withdrawn withdrawn = listener.nextWithdrawal();

        assertTrue(withdrawn.reason().contains("wrong network"), withdrawn.reason());
        awaitFailures(source, 0, 2);
        assertEquals("wrong network: the node is on chain 'main', this source is for 'regtest' (check the URL's "
                + "port)", source.nodeStatuses().get(0).reason());
        assertTrue(node.requests("getblocktemplate").isEmpty());
    }

    @Test
    void twoNodesTemplatesFromTheSecondWhileTheFirstIsDownBackToTheFirstAndBlocksToBoth() throws Exception {
        FakeBitcoind first = fx.node();
        FakeBitcoind second = fx.node();
        first.stop();
        Recorder listener = new Recorder();
        GbtJobSource source = fx.started(fx.quickSource(first, second), listener);

        Delivered fromSecond = listener.nextTemplate();
        assertTrue(fromSecond.clean());
        assertSameTemplate(REAL, fromSecond.template());
        assertFalse(second.requests("getblocktemplate").isEmpty());
        assertTrue(source.nodeStatuses().get(1).active());
        assertEquals(Health.DOWN, source.nodeStatuses().get(0).health());

        // The first comes back: it takes over (its tip is polled), with no withdrawal and, as its template is
        // the same work, no new delivery.
        first.restart();
        first.awaitRequest("getbestblockhash", WAIT);
        assertTrue(source.nodeStatuses().get(0).active());
        assertFalse(source.nodeStatuses().get(1).active());
        assertEquals(1, fx.lines.containing("instead of bitcoind node 2").size(), fx.lines.lines.toString());

        // A block goes to both nodes.
        String blockHex = GbtJobSourceFixture.stringField(SharedVectors.text(VEC + "assembled-block.json"),
                "block_hex");
        BlockVerdict verdict = source.submitBlock(new BlockCandidate(GbtJobSourceFixture.FOUND, 205, blockHex))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(verdict.isAccepted());
        assertEquals(blockHex, first.lastRequest("submitblock").stringParam(0));
        assertEquals(blockHex, second.lastRequest("submitblock").stringParam(0));

        // The first dies again: the second takes over without withdrawing the templates.
        first.stop();
        awaitTrue("the second node to take over", () -> source.nodeStatuses().get(1).active());
        int polled = second.requests("getbestblockhash").size();
        second.awaitRequests("getbestblockhash", polled + 1, WAIT);
        assertNull(listener.events.peek(), "the same work from the second node: no withdrawal, no new template");
        assertEquals(TEMPLATE_TIP, fromSecond.template().previousBlockHash());
    }

    /** Waits until node {@code index} has failed at least {@code count} times in a row. */
    private static void awaitFailures(GbtJobSource source, int index, int count) {
        awaitTrue(count + " failures of node " + (index + 1),
                () -> source.nodeStatuses().get(index).consecutiveFailures() >= count);
    }

    private static String reasonOf(String downLine) {
        int start = downLine.indexOf("is DOWN: ") + "is DOWN: ".length();
        return downLine.substring(start, downLine.indexOf(':', start));
    }
}
