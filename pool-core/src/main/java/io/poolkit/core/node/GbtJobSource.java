package io.poolkit.core.node;

import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.JobSource;
import io.poolkit.core.job.TemplateListener;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JobSource} backed by one or more Bitcoin Core nodes: templates from {@code getblocktemplate}
 * (long-polled), a new tip seen within one poll of {@code getbestblockhash}, blocks submitted to every node
 * and their verdict verified.
 *
 * <pre>{@code
 * GbtJobSource source = GbtJobSource.builder()
 *         .network(Network.MAINNET)
 *         .node(BitcoindClient.builder().url("http://10.0.0.2:8332").cookieFile(cookie).build())
 *         .node(backupClient)                       // used while the first is down
 *         .build();
 * source.start(listener);                           // templates arrive on the source's thread
 * source.submitBlock(candidate).thenAccept(verdict -> ledger.record(verdict));
 * source.close();
 * }</pre>
 *
 * <h2>Templates</h2>
 * The first node answering {@code getblocktemplate} that is not preceded (in the order nodes were added) by
 * one still being contacted becomes the <em>active</em> node; templates come only from it. Its template is
 * delivered with {@code cleanJobs = true} when it builds on a new tip, and then:
 * <ul>
 *   <li>every {@linkplain Builder#bestBlockPollInterval poll interval} (default 100 ms) the active node is
 *       asked {@code getbestblockhash}. On a new tip the source fetches the tip's header and at once delivers
 *       a clean <em>coinbase-only</em> template on it (no transactions, subsidy only; see
 *       {@link GbtTipTemplates} for each field, and why none is made on a difficulty adjustment boundary),
 *       while it asks the node for its real template, delivered non-clean as soon as it arrives;</li>
 *   <li>a long poll ({@code getblocktemplate} with the last {@code longpollid}, when
 *       {@linkplain Builder#longPoll enabled}) and a plain {@code getblocktemplate} every
 *       {@linkplain Builder#templateRefreshInterval refresh interval} (default 30 s) bring templates with new
 *       transactions on the same tip; one that changes the work (transactions, coinbase value, version, bits)
 *       is delivered non-clean, no sooner than the refresh interval after the previous delivery (the latest
 *       one waits until then). An answer that changes nothing but {@code curtime} is not delivered;</li>
 *   <li>an answer to a request sent before the source moved to a newer tip is dropped unless it builds on
 *       the newest tip, so a slow answer never takes miners back to an old tip.</li>
 * </ul>
 *
 * <h2>Faults</h2>
 * Any failed call to a node (unreachable, connection lost, HTTP 401, RPC error such as {@code -28} warming
 * up, malformed answer, timeout, or a node on another chain than {@link #network()}) marks it down; nothing
 * from a failed call is ever delivered. A down node is retried with exponential backoff
 * ({@linkplain Builder#retryBackoff initial and max}) by {@code getblockchaininfo} (checking its chain) and
 * {@code getblocktemplate}. One line is logged per change of a node's state (down with the reason, a
 * different reason while down, up again), not per retry; {@link #nodeStatuses()} shows the same.
 * When the active node goes down the next node that is up takes over; when an earlier node comes back it
 * takes over again. When no node is up the listener's {@link TemplateListener#onSourceUnavailable} is called
 * once (also when no node answers at start), so the pool can stop miners working on stale templates; the
 * first template after that is clean. Backup nodes that are up are not polled; a failed call on take-over
 * moves on to the next. A call that hangs fails only at the client's request timeout, and no new tip is seen
 * meanwhile: give the clients a short one (a few seconds; long polls have their own).
 *
 * <h2>Blocks</h2>
 * {@link #submitBlock} sends the block to every configured node in parallel and settles a verified verdict
 * (see {@link GbtBlockSubmitter}): accepted, rejected with the node's reason, or unknown. It is logged.
 * {@link #blockState} asks {@code getblockheader} of the active node first, then the others.
 *
 * <p>Thread-safe. All state lives on one serial lane running on the {@linkplain Builder#scheduler scheduler}
 * (by default one daemon thread named {@code poolkit-gbt-N} owned by the source); listener calls come from
 * it, one at a time, never concurrently, and a listener that throws is logged and kept. No listener call
 * starts after {@link #close()} returns. The {@link BitcoindClient}s belong to the caller: closing the
 * source cancels its calls in flight but does not close them.
 */
public final class GbtJobSource implements JobSource {
    private static final Logger LOG = LoggerFactory.getLogger(GbtJobSource.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /**
     * A long poll answered sooner than this after it was sent is re-sent only this long after the previous
     * one, so a node or proxy that answers long polls at once cannot drive a busy loop.
     */
    static final Duration MIN_LONG_POLL_SPACING = Duration.ofSeconds(1);

    /** How a node stands. */
    public enum Health {
        /** Not yet answered since the source started. */
        STARTING,
        /** Its last call succeeded. */
        UP,
        /** Its last call failed; retried with backoff. */
        DOWN
    }

    /**
     * A snapshot of one node's standing, for status pages and tests.
     *
     * @param url                 the node's URL
     * @param health              starting, up or down
     * @param active              whether templates come from this node now
     * @param reason              why it is down (the kind of fault, then the detail); empty when not down
     * @param since               when it entered this health (by the source's clock)
     * @param consecutiveFailures failed calls since it was last up
     */
    public record NodeStatus(URI url, Health health, boolean active, String reason, Instant since,
                             int consecutiveFailures) {

        public NodeStatus {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(health, "health");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(since, "since");
        }
    }

    private final Network network;
    private final List<Node> nodes;
    private final long pollMillis;
    private final long refreshMillis;
    private final long backoffInitialMillis;
    private final long backoffMaxMillis;
    private final boolean longPoll;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Lane lane;
    private final Consumer<String> events;
    private final GbtBlockSubmitter submitter;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private volatile List<NodeStatus> statuses;

    // ---- confined to the lane

    private TemplateListener listener;
    private ScheduledFuture<?> ticker;
    private Node active;
    /** The newest tip known from any answer of the active node, and a counter bumped each time it changes. */
    private Hash256 newestTip;
    private long tipEpoch;
    /** The tip of the last delivered template; null before the first and after the source became unavailable. */
    private Hash256 deliveredTip;
    private boolean deliveredCoinbaseOnly;
    private BlockTemplate delivered;
    private long deliveredAtMillis;
    /** The last real template from the active node, and a newer one waiting for the refresh interval. */
    private BlockTemplate lastReal;
    private Node lastRealFrom;
    private BlockTemplate waiting;
    private long lastFetchAtMillis;
    private boolean deliverNextRefresh;
    private boolean unavailableSignalled;
    private String longPollId;
    private long nextLongPollAtMillis;

    private GbtJobSource(Builder b) {
        this.network = b.network;
        this.clock = b.clock;
        this.pollMillis = b.bestBlockPollInterval.toMillis();
        this.refreshMillis = b.templateRefreshInterval.toMillis();
        this.backoffInitialMillis = b.backoffInitial.toMillis();
        this.backoffMaxMillis = b.backoffMax.toMillis();
        this.longPoll = b.longPoll;
        this.events = b.events;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownsScheduler = false;
        } else {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "poolkit-gbt-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.ownsScheduler = true;
        }
        this.lane = new Lane(scheduler);
        List<Node> list = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < b.clients.size(); i++) {
            Node n = new Node(i + 1, b.clients.get(i), now);
            list.add(n);
            names.add(n.name);
        }
        this.nodes = List.copyOf(list);
        this.submitter = new GbtBlockSubmitter(b.clients, names, scheduler, b.verificationAttempts,
                b.verificationDelay, this::note);
        publishStatuses();
    }

    /** A builder; {@link Builder#network} and at least one {@link Builder#node} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Network network() {
        return network;
    }

    /**
     * Starts contacting the nodes and delivering templates to {@code listener}. Call once.
     *
     * @throws IllegalStateException when already started or closed
     */
    @Override
    public void start(TemplateListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed) {
            throw new IllegalStateException("this GbtJobSource is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("this GbtJobSource is already started; start(...) is called once");
        }
        lane.execute(() -> {
            this.listener = listener;
            try {
                ticker = scheduler.scheduleWithFixedDelay(() -> lane.execute(this::tick), 0, pollMillis,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                LOG.warn("GbtJobSource: the scheduler refused the poll task; is it shut down?", e);
            }
        });
    }

    /**
     * Submits {@code block} to every node in parallel and completes with the verified verdict. Never fails:
     * a block the nodes could not be asked about is {@linkplain BlockVerdict#unknown unknown}.
     */
    @Override
    public CompletableFuture<BlockVerdict> submitBlock(BlockCandidate block) {
        Objects.requireNonNull(block, "block");
        return submitter.submit(block);
    }

    /**
     * The state of {@code hash} from {@code getblockheader}: confirmed with its confirmations, or orphaned
     * when the node knows it off its best chain. Asks the active node first, then the others in order;
     * fails with the last node's {@link BitcoindException} when none answers (a node that does not know the
     * block does not answer for it).
     */
    @Override
    public CompletableFuture<BlockState> blockState(Hash256 hash, long height) {
        Objects.requireNonNull(hash, "hash");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("this GbtJobSource is closed"));
        }
        List<Node> order = new ArrayList<>(nodes);
        List<NodeStatus> now = statuses;
        order.sort((a, b) -> Integer.compare(rank(now.get(a.number - 1)), rank(now.get(b.number - 1))));
        CompletableFuture<BlockState> result = new CompletableFuture<>();
        askForState(order, 0, hash, height, null, result);
        return result;
    }

    private static int rank(NodeStatus s) {
        return s.active() ? 0 : s.health() == Health.UP ? 1 : 2;
    }

    private void askForState(List<Node> order, int index, Hash256 hash, long height, Throwable last,
                             CompletableFuture<BlockState> result) {
        if (index == order.size()) {
            Throwable cause = last == null ? null : GbtNodeFailure.unwrap(last);
            result.completeExceptionally(cause instanceof BitcoindException ? cause
                    : new IllegalStateException("no node answered for block " + hash + " at height " + height,
                    cause));
            return;
        }
        CompletableFuture<BlockHeaderInfo> header;
        try {
            header = track(order.get(index).client.getBlockHeader(hash));
        } catch (RuntimeException e) {
            header = CompletableFuture.failedFuture(e);
        }
        header.whenComplete((h, e) -> {
            if (e == null) {
                result.complete(h.blockState());
            } else if (closed) {
                result.completeExceptionally(new IllegalStateException("this GbtJobSource is closed", e));
            } else {
                askForState(order, index + 1, hash, height, e, result);
            }
        });
    }

    /** Each node's standing now; in the order the nodes were added. */
    public List<NodeStatus> nodeStatuses() {
        return statuses;
    }

    /**
     * Stops polling, cancels the calls in flight and settles pending block verdicts as unknown; idempotent.
     * No listener call starts after this returns. Does not close the {@link BitcoindClient}s.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        lane.close();
        submitter.close();
        for (CompletableFuture<?> f : List.copyOf(inFlight)) {
            f.cancel(true);
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        } else {
            lane.executeEvenIfClosed(() -> {
                if (ticker != null) {
                    ticker.cancel(false);
                }
            });
        }
    }

    @Override
    public String toString() {
        return "GbtJobSource[" + network.chainName() + ", " + nodes.size() + " node(s)]";
    }

    // ---- the poll loop (lane)

    private void tick() {
        if (closed) {
            return;
        }
        long now = clock.millis();
        for (Node n : nodes) {
            if (n.health != Health.UP && !n.probing && now >= n.nextAttemptAtMillis) {
                probe(n);
            }
        }
        Node a = active;
        if (a == null) {
            return;
        }
        if (!a.tipPolling && newestTip != null) {
            pollTip(a);
        }
        maybeFetch();
        maybeLongPoll();
        if (waiting != null && now - deliveredAtMillis >= refreshMillis) {
            deliver(waiting, false);
        }
    }

    /** Asks a node that is not up whether it is back: its chain first, then a template. */
    private void probe(Node n) {
        n.probing = true;
        long generation = n.generation;
        CompletableFuture<BlockchainInfo> info = track(n.client.getBlockchainInfo());
        CompletableFuture<BlockTemplate> template = info.thenCompose(i -> {
            if (!i.chain().equals(network.chainName())) {
                throw new GbtNodeFailure.WrongNetwork("the node is on chain '" + i.chain() + "', this source is for '"
                        + network.chainName() + "' (check the URL's port)");
            }
            return track(n.client.getBlockTemplate());
        }).thenApply(GbtJobSource::parse);
        template.whenCompleteAsync((t, e) -> {
            if (closed || generation != n.generation) {
                return;
            }
            n.probing = false;
            if (e != null) {
                nodeFailed(n, e);
                return;
            }
            nodeUp(n, t);
            choose();
            if (n == active) {
                lastFetchAtMillis = clock.millis();
                accept(n, t, true, tipEpoch);
            }
            maybeFetch();
        }, lane);
    }

    private void pollTip(Node n) {
        n.tipPolling = true;
        long generation = n.generation;
        long epoch = tipEpoch;
        track(n.client.getBestBlockHash()).whenCompleteAsync((hash, e) -> {
            if (closed || generation != n.generation) {
                return;
            }
            n.tipPolling = false;
            if (e != null) {
                nodeFailed(n, e);
                return;
            }
            if (n != active || epoch != tipEpoch || newestTip == null || hash.equals(newestTip)) {
                return; // nothing new, or an answer from before the latest tip change
            }
            newestTip = hash;
            tipEpoch++;
            LOG.debug("{}: new tip {}", n.name, hash);
            maybeFetch();
            lookUpTip(n, hash, tipEpoch);
        }, lane);
    }

    /** Reads the new tip's header and delivers the coinbase-only template on it, unless the real one came first. */
    private void lookUpTip(Node n, Hash256 tip, long epoch) {
        long generation = n.generation;
        track(n.client.getBlockHeader(tip)).whenCompleteAsync((header, e) -> {
            if (closed || generation != n.generation) {
                return;
            }
            if (e != null) {
                nodeFailed(n, e);
                return;
            }
            if (n != active || epoch != tipEpoch || deliveredTip == null || tip.equals(deliveredTip)
                    || lastReal == null || !header.hash().equals(tip) || !header.onBestChain()) {
                return;
            }
            Optional<BlockTemplate> quick = GbtTipTemplates.coinbaseOnly(network, lastReal, header,
                    clock.millis() / 1000);
            if (quick.isEmpty()) {
                LOG.info("{}: new tip {}; height {} is a difficulty adjustment boundary (or testnet's minimum-"
                        + "difficulty rule applies), so no coinbase-only template: waiting for the node's",
                        n.name, tip, header.height() + 1);
                return;
            }
            deliver(quick.get(), true);
            deliveredCoinbaseOnly = true;
        }, lane);
    }

    /** A plain getblocktemplate on the active node, when its template is missing, behind or due for refresh. */
    private void maybeFetch() {
        Node a = active;
        if (a == null || a.fetching || closed) {
            return;
        }
        long now = clock.millis();
        boolean needed = lastReal == null || lastRealFrom != a || deliveredTip == null || deliveredCoinbaseOnly
                || !lastReal.previousBlockHash().equals(newestTip) || now - lastFetchAtMillis >= refreshMillis;
        if (!needed) {
            return;
        }
        a.fetching = true;
        lastFetchAtMillis = now;
        long generation = a.generation;
        long epoch = tipEpoch;
        track(a.client.getBlockTemplate()).thenApply(GbtJobSource::parse).whenCompleteAsync((t, e) -> {
            if (closed || generation != a.generation) {
                return;
            }
            a.fetching = false;
            if (e != null) {
                nodeFailed(a, e);
                return;
            }
            accept(a, t, false, epoch);
        }, lane);
    }

    private void maybeLongPoll() {
        Node a = active;
        if (!longPoll || a == null || a.longPollCall != null || longPollId == null || closed
                || clock.millis() < nextLongPollAtMillis) {
            return;
        }
        long sentAt = clock.millis();
        long generation = a.generation;
        long epoch = tipEpoch;
        CompletableFuture<RawTemplate> call = track(a.client.getBlockTemplate(longPollId));
        a.longPollCall = call;
        call.thenApply(GbtJobSource::parse).whenCompleteAsync((t, e) -> {
            if (closed || generation != a.generation || a.longPollCall != call) {
                return; // cancelled by a state change, or stale
            }
            a.longPollCall = null;
            long now = clock.millis();
            nextLongPollAtMillis = Math.max(now, sentAt + MIN_LONG_POLL_SPACING.toMillis());
            if (e != null) {
                if (BitcoindException.from(e).map(x -> x.kind() == BitcoindException.Kind.TIMEOUT).orElse(false)) {
                    LOG.debug("{}: long poll timed out; sending another", a.name);
                    return; // a quiet node: the tip poll says whether it is alive
                }
                nodeFailed(a, e);
                return;
            }
            accept(a, t, false, epoch);
            maybeLongPoll();
        }, lane);
    }

    // ---- templates (lane)

    /**
     * A template from node {@code n}. {@code fresh}: just taken over, so the node's view wins. Otherwise
     * {@code epoch} is the tip epoch when the request was sent.
     */
    private void accept(Node n, BlockTemplate t, boolean fresh, long epoch) {
        if (n != active) {
            return;
        }
        Hash256 prev = t.previousBlockHash();
        if (!fresh && epoch != tipEpoch && !prev.equals(newestTip)) {
            LOG.debug("{}: dropped a template on {} asked for before the tip moved to {}", n.name, prev, newestTip);
            return;
        }
        lastReal = t;
        lastRealFrom = n;
        t.longPollId().ifPresent(id -> longPollId = id);
        if (!prev.equals(newestTip)) {
            newestTip = prev;
            tipEpoch++;
        }
        if (deliveredTip == null || !prev.equals(deliveredTip)) {
            deliver(t, true);
        } else if (deliveredCoinbaseOnly) {
            deliver(t, false); // the real template after the quick one: at once
        } else if (sameWork(t, delivered)) {
            waiting = null;
        } else if (deliverNextRefresh || clock.millis() - deliveredAtMillis >= refreshMillis) {
            deliver(t, false);
        } else {
            waiting = t;
        }
        deliverNextRefresh = false;
    }

    private static boolean sameWork(BlockTemplate a, BlockTemplate b) {
        return b != null && a.previousBlockHash().equals(b.previousBlockHash()) && a.version() == b.version()
                && a.bits() == b.bits() && a.coinbaseValueSats() == b.coinbaseValueSats()
                && a.txids().equals(b.txids())
                && Arrays.equals(a.witnessCommitmentScript().orElse(null), b.witnessCommitmentScript().orElse(null));
    }

    private void deliver(BlockTemplate t, boolean clean) {
        if (closed) {
            return;
        }
        delivered = t;
        deliveredTip = t.previousBlockHash();
        deliveredCoinbaseOnly = false;
        deliveredAtMillis = clock.millis();
        waiting = null;
        if (unavailableSignalled) {
            unavailableSignalled = false;
            note(false, "templates resume from " + active.name + ": height " + t.height() + " on " + deliveredTip);
        } else if (clean) {
            LOG.info("new tip {}: template for height {} with {} transaction(s){}", deliveredTip, t.height(),
                    t.transactions().size(), t.longPollId().isEmpty() ? " (coinbase only, until the node's)" : "");
        } else {
            LOG.debug("template refresh at height {}: {} transaction(s)", t.height(), t.transactions().size());
        }
        try {
            listener.onTemplate(t, clean);
        } catch (RuntimeException e) {
            LOG.error("GbtJobSource: the template listener threw; it keeps receiving templates", e);
        }
    }

    // ---- node health (lane)

    private void nodeUp(Node n, BlockTemplate first) {
        Health was = n.health;
        long now = clock.millis();
        n.generation++;
        n.resetCalls();
        n.health = Health.UP;
        n.failures = 0;
        n.reason = "";
        n.reasonKey = null;
        if (was == Health.DOWN) {
            note(false, n.name + " is UP again after " + Duration.ofMillis(now - n.sinceMillis).toMillis()
                    + " ms down (template for height " + first.height() + " on " + first.previousBlockHash() + ")");
        } else {
            note(false, n.name + " is UP (template for height " + first.height() + " on "
                    + first.previousBlockHash() + ")");
        }
        n.sinceMillis = now;
        publishStatuses();
    }

    private void nodeFailed(Node n, Throwable e) {
        GbtNodeFailure failure = GbtNodeFailure.of(e);
        long now = clock.millis();
        boolean changed = n.health != Health.DOWN || !failure.key().equals(n.reasonKey);
        n.failures++;
        long retryIn = backoffMillis(n.failures);
        n.nextAttemptAtMillis = now + retryIn;
        if (changed) {
            note(true, n.name + " is DOWN: " + failure.line() + "; retrying in " + retryIn + " ms, backing off to "
                    + backoffMaxMillis + " ms");
        } else {
            LOG.debug("{} still down ({}); retry {} in {} ms", n.name, failure.summary(), n.failures, retryIn);
        }
        if (n.health != Health.DOWN) {
            n.sinceMillis = now;
        }
        n.health = Health.DOWN;
        n.reason = failure.line();
        n.reasonSummary = failure.summary();
        n.reasonKey = failure.key();
        n.generation++;
        n.resetCalls();
        if (n == active) {
            active = null;
            longPollId = null;
        }
        choose();
        publishStatuses();
        maybeFetch();
    }

    private long backoffMillis(int failures) {
        int doublings = Math.min(failures - 1, 30);
        long delay = backoffInitialMillis << doublings;
        return delay <= 0 || delay > backoffMaxMillis ? backoffMaxMillis : delay;
    }

    /** Picks the active node: the first up, unless an earlier one has not answered yet. */
    private void choose() {
        Node want = null;
        boolean allDown = true;
        for (Node n : nodes) {
            if (n.health == Health.UP) {
                want = n;
                allDown = false;
                break;
            }
            if (n.health == Health.STARTING) {
                allDown = false;
                break;
            }
        }
        if (want == active) {
            if (want == null && allDown) {
                signalUnavailable();
            }
            return;
        }
        Node old = active;
        if (old != null) {
            old.cancelLongPoll();
        }
        active = want;
        longPollId = null;
        nextLongPollAtMillis = 0;
        if (want != null) {
            deliverNextRefresh = true; // the new node's template replaces the old node's without waiting
            if (old != null || nodes.size() > 1) {
                note(false, "templates now come from " + want.name + (old == null ? "" : " instead of " + old.name));
            }
        } else if (allDown) {
            signalUnavailable();
        }
        publishStatuses();
    }

    private void signalUnavailable() {
        if (unavailableSignalled || listener == null) {
            return;
        }
        unavailableSignalled = true;
        deliveredTip = null;
        delivered = null;
        deliveredCoinbaseOnly = false;
        waiting = null;
        lastReal = null;
        lastRealFrom = null;
        newestTip = null;
        tipEpoch++;
        List<String> why = new ArrayList<>();
        for (Node n : nodes) {
            why.add(n.name + ": " + n.reasonSummary);
        }
        String reason = "no bitcoind node is available (" + String.join("; ", why) + ")";
        note(true, reason + "; earlier templates are withdrawn until a node is back");
        try {
            listener.onSourceUnavailable(reason);
        } catch (RuntimeException e) {
            LOG.error("GbtJobSource: the template listener's onSourceUnavailable threw", e);
        }
    }

    private void publishStatuses() {
        List<NodeStatus> list = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            list.add(new NodeStatus(n.client.url(), n.health, n == active,
                    n.health == Health.DOWN ? n.reason : "", Instant.ofEpochMilli(n.sinceMillis), n.failures));
        }
        statuses = List.copyOf(list);
    }

    // ---- plumbing

    private void note(boolean warn, String line) {
        if (warn) {
            LOG.warn(line);
        } else {
            LOG.info(line);
        }
        if (events != null) {
            try {
                events.accept(line);
            } catch (RuntimeException e) {
                LOG.error("GbtJobSource: the event sink threw", e);
            }
        }
    }

    private <T> CompletableFuture<T> track(CompletableFuture<T> call) {
        inFlight.add(call);
        call.whenComplete((v, e) -> inFlight.remove(call));
        if (closed) {
            call.cancel(true);
        }
        return call;
    }

    private static BlockTemplate parse(RawTemplate raw) {
        return BlockTemplate.parse(raw.json());
    }

    /** One configured node and the calls the source has in flight to it. Confined to the lane. */
    private static final class Node {
        final int number;
        final String name;
        final BitcoindClient client;
        Health health = Health.STARTING;
        String reason = "";
        String reasonSummary = "not contacted yet";
        String reasonKey;
        long sinceMillis;
        int failures;
        long nextAttemptAtMillis;
        /** Bumped on every change of health: answers to calls sent before are stale. */
        long generation;
        boolean probing;
        boolean tipPolling;
        boolean fetching;
        CompletableFuture<?> longPollCall;

        Node(int number, BitcoindClient client, long nowMillis) {
            this.number = number;
            this.client = client;
            this.name = "bitcoind node " + number + " (" + client.url() + ")";
            this.sinceMillis = nowMillis;
        }

        void resetCalls() {
            probing = false;
            tipPolling = false;
            fetching = false;
            cancelLongPoll();
        }

        void cancelLongPoll() {
            CompletableFuture<?> call = longPollCall;
            longPollCall = null;
            if (call != null) {
                call.cancel(true);
            }
        }
    }

    /**
     * Runs tasks one at a time in order on the scheduler, whatever its thread count: the lane all state is
     * confined to. After {@link #close()} new tasks are dropped.
     */
    private static final class Lane implements Executor {
        private final Executor underlying;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();
        private volatile boolean closed;

        Lane(Executor underlying) {
            this.underlying = underlying;
        }

        @Override
        public void execute(Runnable task) {
            if (closed) {
                return;
            }
            tasks.add(task);
            kick();
        }

        void executeEvenIfClosed(Runnable task) {
            tasks.add(task);
            kick();
        }

        void close() {
            closed = true;
        }

        private void kick() {
            if (draining.compareAndSet(false, true)) {
                try {
                    underlying.execute(this::drain);
                } catch (RejectedExecutionException e) {
                    tasks.clear(); // the scheduler is shut down: nothing will run again
                    draining.set(false);
                }
            }
        }

        private void drain() {
            try {
                for (Runnable r = tasks.poll(); r != null; r = tasks.poll()) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        LOG.error("GbtJobSource: a task failed; the source carries on", e);
                    }
                }
            } finally {
                draining.set(false);
                if (!tasks.isEmpty()) {
                    kick();
                }
            }
        }
    }

    // ---- builder

    /**
     * Configures a {@link GbtJobSource}. Required: {@link #network} and at least one {@link #node}. Not
     * thread-safe: confine to one thread.
     */
    public static final class Builder {
        private final List<BitcoindClient> clients = new ArrayList<>();
        private Network network;
        private Duration bestBlockPollInterval = Duration.ofMillis(100);
        private Duration templateRefreshInterval = Duration.ofSeconds(30);
        private boolean longPoll = true;
        private Duration backoffInitial = Duration.ofMillis(200);
        private Duration backoffMax = Duration.ofSeconds(5);
        private int verificationAttempts = 4;
        private Duration verificationDelay = Duration.ofMillis(500);
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;
        private Consumer<String> events;

        private Builder() {}

        /** The chain the nodes must be on; a node reporting another chain is treated as down. */
        public Builder network(Network network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /**
         * Adds a node. Templates come from the first node added that is up; blocks go to all. The client
         * stays the caller's to close.
         */
        public Builder node(BitcoindClient client) {
            clients.add(Objects.requireNonNull(client, "client"));
            return this;
        }

        /** How often the active node is asked {@code getbestblockhash}; default 100 ms. Also the loop's tick. */
        public Builder bestBlockPollInterval(Duration interval) {
            this.bestBlockPollInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /**
         * The least time between two deliveries on the same tip for new transactions, and how often a plain
         * {@code getblocktemplate} is sent; default 30 s. A new tip is never held back.
         */
        public Builder templateRefreshInterval(Duration interval) {
            this.templateRefreshInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Whether to keep a long poll ({@code getblocktemplate} with {@code longpollid}) open; default on. */
        public Builder longPoll(boolean longPoll) {
            this.longPoll = longPoll;
            return this;
        }

        /** Retry delay for a down node: {@code initial}, doubling up to {@code max}; default 200 ms to 5 s. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.backoffInitial = Objects.requireNonNull(initial, "initial");
            this.backoffMax = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * How often an unclear block submission is checked with {@code getblockhash}/{@code getblockheader},
         * and the pause between checks; default 4 attempts, 500 ms apart.
         */
        public Builder blockVerification(int attempts, Duration delay) {
            this.verificationAttempts = attempts;
            this.verificationDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /** The clock for backoff, refresh pacing and the coinbase-only template's time; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where the source's work runs (any number of threads: its state stays on one serial lane); left
         * running on close. Default: one daemon thread owned by the source.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Test hook: receives every state-change line the source logs (node up/down, take-over, verdicts). */
        Builder events(Consumer<String> events) {
            this.events = Objects.requireNonNull(events, "events");
            return this;
        }

        /** Checks the settings; throws {@link IllegalArgumentException} naming the first bad one. */
        public GbtJobSource build() {
            if (network == null) {
                throw new IllegalArgumentException("network is required, e.g. network(Network.MAINNET)");
            }
            if (clients.isEmpty()) {
                throw new IllegalArgumentException("at least one node is required: node(BitcoindClient)");
            }
            Set<BitcoindClient> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (BitcoindClient c : clients) {
                if (!seen.add(c)) {
                    throw new IllegalArgumentException("the same client was added twice: " + c);
                }
            }
            requireAtLeastMillis("bestBlockPollInterval", bestBlockPollInterval);
            requireAtLeastMillis("templateRefreshInterval", templateRefreshInterval);
            requireAtLeastMillis("retryBackoff initial", backoffInitial);
            requireAtLeastMillis("retryBackoff max", backoffMax);
            if (backoffMax.compareTo(backoffInitial) < 0) {
                throw new IllegalArgumentException("retryBackoff max must be >= initial; got initial "
                        + backoffInitial + ", max " + backoffMax);
            }
            if (verificationAttempts < 1 || verificationAttempts > 100) {
                throw new IllegalArgumentException("blockVerification attempts must be in [1, 100]; got "
                        + verificationAttempts);
            }
            if (verificationDelay.isNegative()) {
                throw new IllegalArgumentException("blockVerification delay must be >= 0; got " + verificationDelay);
            }
            return new GbtJobSource(this);
        }

        private static void requireAtLeastMillis(String name, Duration d) {
            if (d.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms; got " + d);
            }
        }
    }
}
