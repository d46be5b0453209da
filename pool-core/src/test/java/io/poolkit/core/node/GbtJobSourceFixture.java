package io.poolkit.core.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.WitnessCommitment;
import io.poolkit.core.job.TemplateListener;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.FakeBitcoind.RecordedRequest;
import io.poolkit.core.testing.SharedVectors;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the GbtJobSource tests share: fake nodes serving the real regtest answers, sources with short
 * intervals, a recording listener, the logged lines, a hand-moved clock, and templates derived from the
 * real answer. Closes everything it made, last first. Not thread-safe: one per test.
 */
final class GbtJobSourceFixture implements AutoCloseable {
    static final String VEC = FakeBitcoind.VECTORS;
    static final Duration WAIT = Duration.ofSeconds(10);
    /** The tip the captured template (height 205, with transactions) builds on. */
    static final Hash256 TEMPLATE_TIP =
            Hash256.fromDisplayHex("1924dbfbe5a5d7529e8e3ffe716cd6f4c2719f8f16ffbce8f778809d491036cf");
    /** The block assembled from that template and accepted by the node: the next tip (height 205). */
    static final Hash256 FOUND =
            Hash256.fromDisplayHex("0d4fc93c33320b5e2b0c6deb7d6304a2682fe8bc2f04eb3c0d5923f6ff0abe7a");
    /** Shortly after the vectors were captured: so "now" is later than every time in them. */
    static final Instant AFTER_VECTORS = Instant.ofEpochSecond(1795625800L);

    /** The state-change lines the sources built by {@link #quickSource} logged. */
    final Lines lines = new Lines();
    private final List<AutoCloseable> resources = new ArrayList<>();

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing " + resources.get(i), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A fake node whose tip agrees with its template: getbestblockhash is the template's parent. */
    static FakeBitcoind consistentNode() {
        FakeBitcoind node = FakeBitcoind.start();
        node.on("getbestblockhash", bestBlock(TEMPLATE_TIP));
        return node;
    }

    /** A fake node whose tip agrees with its template, stopped after the test. */
    FakeBitcoind node() {
        return closeLater(consistentNode());
    }

    /** A client of {@code node} with a 5 s request timeout, closed after the test. */
    BitcoindClient client(FakeBitcoind node) {
        return closeLater(node.clientBuilder().requestTimeout(Duration.ofSeconds(5)).build());
    }

    /**
     * A source builder with short intervals, for tests: 20 ms polls, 20-80 ms backoff, long poll off, 3
     * verification attempts 20 ms apart; the log lines go to {@link #lines}. Close what it builds with
     * {@link #closeLater}.
     */
    GbtJobSource.Builder quickSource(FakeBitcoind... nodes) {
        GbtJobSource.Builder b = GbtJobSource.builder()
                .network(Network.REGTEST)
                .bestBlockPollInterval(Duration.ofMillis(20))
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(80))
                .blockVerification(3, Duration.ofMillis(20))
                .longPoll(false)
                .events(lines::add);
        for (FakeBitcoind n : nodes) {
            b.node(client(n));
        }
        return b;
    }

    /** Builds and starts a source, closed after the test. */
    GbtJobSource started(GbtJobSource.Builder builder, Recorder listener) {
        GbtJobSource source = closeLater(builder.build());
        source.start(listener);
        return source;
    }

    static Answer bestBlock(Hash256 hash) {
        return Answer.result("\"" + hash.displayHex() + "\"");
    }

    static boolean isLongPoll(RecordedRequest request) {
        return request.paramsJson().contains("\"longpollid\"");
    }

    static String longPollIdOf(RecordedRequest request) {
        String params = request.paramsJson();
        int start = params.indexOf("\"longpollid\":\"") + "\"longpollid\":\"".length();
        return params.substring(start, params.indexOf('"', start));
    }

    static List<RecordedRequest> awaitLongPolls(FakeBitcoind node, int count) {
        awaitTrue(count + " long poll(s)", () -> longPolls(node).size() >= count);
        return longPolls(node);
    }

    private static List<RecordedRequest> longPolls(FakeBitcoind node) {
        List<RecordedRequest> out = new ArrayList<>();
        for (RecordedRequest r : node.requests("getblocktemplate")) {
            if (isLongPoll(r)) {
                out.add(r);
            }
        }
        return out;
    }

    static BlockHeaderInfo realHeader(String file) {
        try (FakeBitcoind node = FakeBitcoind.start(); BitcoindClient client = node.clientBuilder().build()) {
            node.on("getblockheader", Answer.vector(file));
            return client.getBlockHeader(FOUND).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("reading " + file, e);
        }
    }

    /**
     * The real template answer (height 205 on {@link #TEMPLATE_TIP}, seven transactions) moved onto another
     * tip: what the node would answer there with the same mempool. Only previousblockhash, height and
     * longpollid change.
     */
    static String templateOn(Hash256 tip, long height, String longPollId) {
        return rewriteTemplate(Map.of("previousblockhash", tip.displayHex(), "height", height,
                "longpollid", longPollId), -1);
    }

    /**
     * The real template answer with only its first {@code count} transactions: what the node answered
     * before the others reached its mempool. The coinbase value and witness commitment are recomputed
     * for those transactions.
     */
    static String withFirstTransactions(int count, String longPollId) {
        BlockTemplate full = BlockTemplate.parse(SharedVectors.text(VEC + "getblocktemplate-with-transactions.json"));
        List<TemplateTransaction> kept = full.transactions().subList(0, count);
        long fees = 0;
        List<Hash256> wtxids = new ArrayList<>();
        for (TemplateTransaction tx : kept) {
            fees += tx.feeSats();
            wtxids.add(tx.wtxid());
        }
        return rewriteTemplate(Map.of("coinbasevalue", Network.REGTEST.subsidySats(full.height()) + fees,
                "default_witness_commitment", Hex.encode(WitnessCommitment.scriptFor(wtxids)),
                "longpollid", longPollId), count);
    }

    private static String rewriteTemplate(Map<String, Object> replace, int keepTransactions) {
        String vector = SharedVectors.text(VEC + "getblocktemplate-with-transactions.json");
        JsonFactory factory = new JsonFactory();
        StringWriter out = new StringWriter();
        try (JsonParser p = factory.createParser(vector); JsonGenerator g = factory.createGenerator(out)) {
            p.nextToken();
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                g.writeFieldName(name);
                if (!name.equals("result")) {
                    g.copyCurrentStructure(p);
                    continue;
                }
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    p.nextToken();
                    g.writeFieldName(field);
                    Object value = replace.get(field);
                    if (value instanceof String s) {
                        g.writeString(s);
                        p.skipChildren();
                    } else if (value instanceof Long n) {
                        g.writeNumber(n);
                        p.skipChildren();
                    } else if (field.equals("transactions") && keepTransactions >= 0) {
                        g.writeStartArray();
                        int i = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            if (i++ < keepTransactions) {
                                g.copyCurrentStructure(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                        g.writeEndArray();
                    } else {
                        g.copyCurrentStructure(p);
                    }
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A string field's value in a vector (the first one of that name), whatever the spacing around ':'. */
    static String stringField(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"")
                .matcher(json);
        if (!m.find()) {
            throw new AssertionError("no string field " + field);
        }
        return m.group(1);
    }

    static void assertSameTemplate(BlockTemplate expected, BlockTemplate actual) {
        assertEquals(expected.previousBlockHash(), actual.previousBlockHash());
        assertEquals(expected.height(), actual.height());
        assertEquals(expected.txids(), actual.txids());
        assertEquals(expected.coinbaseValueSats(), actual.coinbaseValueSats());
        assertEquals(expected.bits(), actual.bits());
        assertEquals(expected.curTime(), actual.curTime());
        assertEquals(expected.longPollId(), actual.longPollId());
        assertArrayEquals(expected.witnessCommitmentScript().orElseThrow(),
                actual.witnessCommitmentScript().orElseThrow());
    }

    static void assertMessage(String expectedPart, Runnable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().contains(expectedPart), "message '" + e.getMessage() + "' lacks '" + expectedPart + "'");
    }

    /** Waits, bounded by {@link #WAIT}, for {@code condition}. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT + " for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    static <T> T take(BlockingQueue<T> queue) {
        try {
            T t = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (t == null) {
                fail("waited " + WAIT + " for an item");
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A delivered template. */
    record Delivered(BlockTemplate template, boolean clean) {
    }

    /** A withdrawal: onSourceUnavailable. */
    record Withdrawn(String reason) {
    }

    /** Records what the source tells its listener, and whether two calls ever overlapped. */
    static final class Recorder implements TemplateListener {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final AtomicBoolean inside = new AtomicBoolean();
        private final AtomicBoolean overlapped = new AtomicBoolean();

        @Override
        public void onTemplate(BlockTemplate template, boolean cleanJobs) {
            enter();
            events.add(new Delivered(template, cleanJobs));
            inside.set(false);
        }

        @Override
        public void onSourceUnavailable(String reason) {
            enter();
            events.add(new Withdrawn(reason));
            inside.set(false);
        }

        private void enter() {
            if (!inside.compareAndSet(false, true)) {
                overlapped.set(true);
            }
        }

        Object next() {
            return take(events);
        }

        Delivered nextTemplate() {
            Object e = next();
            if (!(e instanceof Delivered d)) {
                throw new AssertionError("expected a template, got " + e);
            }
            return d;
        }

        Withdrawn nextWithdrawal() {
            Object e = next();
            if (!(e instanceof Withdrawn w)) {
                throw new AssertionError("expected onSourceUnavailable, got " + e);
            }
            return w;
        }

        void assertOneAtATime() {
            assertFalse(overlapped.get(), "two listener calls overlapped");
        }
    }

    /** The lines the source logged for state changes. */
    static final class Lines {
        final List<String> lines = new CopyOnWriteArrayList<>();

        void add(String line) {
            lines.add(line);
        }

        List<String> containing(String part) {
            List<String> out = new ArrayList<>();
            for (String l : lines) {
                if (l.contains(part)) {
                    out.add(l);
                }
            }
            return out;
        }
    }
}
