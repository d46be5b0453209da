package io.poolkit.stratum.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.poolkit.core.chain.Target;
import io.poolkit.core.guard.Authorizer;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.ShareOutcome;
import io.poolkit.core.share.ShareSink;
import io.poolkit.core.share.ShareValidator;
import io.poolkit.core.share.Share;
import io.poolkit.core.vardiff.VardiffSettings;
import io.poolkit.stratum.codec.MiningNotify;
import io.poolkit.stratum.codec.StratumWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every session of one server shares: the settings, the authorizer, validator and sinks, the
 * extranonce allocator, the connection guard, the counters, and the per-event-loop states. Publishes jobs
 * to the loops, and keeps the count of shares waiting for their sinks within the server's bound.
 *
 * <p>Thread-safe.
 */
final class ServerCore {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCore.class);
    private static final CompletableFuture<Void> RECORDED = CompletableFuture.completedFuture(null);
    /** A sweep period's walk over a loop's sessions is split into this many ticks. */
    static final int SWEEP_SLICES = 10;
    private static final int MAX_USER_AGENTS = 1024;
    private static final int MAX_USER_AGENT_LENGTH = 128;
    private static final int MAX_VARDIFF_STARTS = 256;

    final Authorizer authorizer;
    final ShareValidator validator;
    private final ShareSink[] sinks;
    final ExtranonceAllocator allocator;
    final int extranonce2Size;
    final double initialDifficulty;
    final Target initialTarget;
    final double minDifficulty;
    final double maxDifficulty;
    final long subscribeTimeoutMillis;
    final long idleTimeoutMillis;
    final Clock clock;
    final String serverVersion;
    /** Vardiff settings, or null for fixed difficulties. */
    final VardiffSettings vardiff;
    /** Never null: a disabled guard when the server has none. */
    final ConnectionGuard guard;
    /** Share replies one session may have waiting (for sinks, or behind those that are) before it is not read. */
    final int maxPendingShares;
    /** Shares the whole server may have waiting for their sinks before sessions adding more are not read. */
    final int maxSharesInFlight;
    /** How long a session may leave its outbound buffer above the high-water mark before it is closed. */
    final long unwritableTimeoutMillis;
    /** How long a PROXY protocol listener waits for a connection's header. */
    final long proxyHeaderTimeoutMillis;
    final Counters counters = new Counters();
    /** Shares whose sinks have not answered yet. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** Whether some session stopped being read because {@link #inFlight} passed {@link #maxSharesInFlight}. */
    final AtomicBoolean sharesPaused = new AtomicBoolean();
    private final ByteBufAllocator alloc;
    private volatile int versionRollingMask;
    private volatile Job latestJob;
    private final ConcurrentHashMap<EventExecutor, LoopState> loops = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> userAgents = new ConcurrentHashMap<>();
    /** Vardiff settings starting at a miner's own difficulty (password hints), by that difficulty. */
    private final ConcurrentHashMap<Double, VardiffSettings> vardiffStarts = new ConcurrentHashMap<>();

    ServerCore(Settings settings) {
        this.authorizer = settings.authorizer;
        this.validator = settings.validator;
        this.sinks = settings.sinks.toArray(new ShareSink[0]);
        this.allocator = settings.allocator;
        this.extranonce2Size = settings.extranonce2Size;
        this.initialDifficulty = settings.initialDifficulty;
        this.initialTarget = Target.fromDifficulty(settings.initialDifficulty);
        this.minDifficulty = settings.minDifficulty;
        this.maxDifficulty = settings.maxDifficulty;
        this.subscribeTimeoutMillis = settings.subscribeTimeoutMillis;
        this.idleTimeoutMillis = settings.idleTimeoutMillis;
        this.clock = settings.clock;
        this.serverVersion = settings.serverVersion;
        this.vardiff = settings.vardiff;
        this.versionRollingMask = settings.versionRollingMask;
        this.alloc = settings.alloc;
        this.guard = settings.guard;
        this.maxPendingShares = settings.maxPendingShares;
        this.maxSharesInFlight = settings.maxSharesInFlight;
        this.unwritableTimeoutMillis = settings.unwritableTimeoutMillis;
        this.proxyHeaderTimeoutMillis = Math.min(settings.subscribeTimeoutMillis, PROXY_HEADER_TIMEOUT_MILLIS);
    }

    /** The longest a PROXY protocol header may take (shorter when the subscribe timeout is). */
    static final long PROXY_HEADER_TIMEOUT_MILLIS = 10_000;

    /** The settings a {@link ServerCore} is made from; {@link StratumServer.Builder} fills and checks them. */
    static final class Settings {
        Authorizer authorizer;
        ShareValidator validator;
        List<ShareSink> sinks = new ArrayList<>();
        ExtranonceAllocator allocator;
        int extranonce2Size;
        double initialDifficulty;
        double minDifficulty;
        double maxDifficulty;
        long subscribeTimeoutMillis;
        long idleTimeoutMillis;
        Clock clock;
        String serverVersion;
        VardiffSettings vardiff;
        int versionRollingMask;
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        ConnectionGuard guard;
        int maxPendingShares;
        int maxSharesInFlight;
        long unwritableTimeoutMillis;
    }

    // ------------------------------------------------------------------------------------------- loops

    /** The state of {@code loop}, made on first use (and then given the newest job, if there is one). */
    LoopState loopFor(EventExecutor loop) {
        LoopState state = loops.get(loop);
        if (state != null) {
            return state;
        }
        boolean[] made = new boolean[1];
        state = loops.computeIfAbsent(loop, l -> {
            made[0] = true;
            return new LoopState(l, allocator.size());
        });
        Job latest = latestJob;
        if (made[0] && latest != null) {
            sendTo(List.of(state), latest);
        }
        return state;
    }

    Collection<LoopState> loops() {
        return loops.values();
    }

    /** Runs {@code action} on every loop, each on its own thread; returns when all have run (or failed to). */
    CompletableFuture<Void> onEveryLoop(Consumer<LoopState> action) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (LoopState loop : loops.values()) {
            CompletableFuture<Void> ran = new CompletableFuture<>();
            done.add(ran);
            try {
                loop.executor.execute(() -> {
                    try {
                        action.accept(loop);
                    } finally {
                        ran.complete(null);
                    }
                });
            } catch (RejectedExecutionException e) {
                ran.complete(null);
            }
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]));
    }

    // -------------------------------------------------------------------------------------------- jobs

    /**
     * Encodes {@code job}'s {@code mining.notify} once and hands the buffer to every loop, each of which
     * writes a duplicate to each of its subscribed sessions in one task.
     */
    void publish(Job job) {
        if (job.extranonce1Size() != allocator.size() || job.extranonce2Size() != extranonce2Size) {
            throw new IllegalArgumentException("job " + job.id() + " has extranonce sizes " + job.extranonce1Size()
                    + "+" + job.extranonce2Size() + " but this server hands out " + allocator.size() + "+"
                    + extranonce2Size + " (JobFactory.extranonce1Size/extranonce2Size must match the server's)");
        }
        latestJob = job;
        counters.jobsPublished.increment();
        sendTo(loops.values(), job);
    }

    /** The newest job published, or null (none yet, or all invalidated). */
    Job latestJob() {
        return latestJob;
    }

    /** Forgets every job: new subscribers get none until the next is published. */
    void invalidateJobs() {
        latestJob = null;
        onEveryLoop(LoopState::releaseJob);
    }

    private void sendTo(Collection<LoopState> targets, Job job) {
        ByteBuf notify = StratumWriter.encodeNotify(alloc, notifyOf(job));
        try {
            for (LoopState loop : targets) {
                notify.retain();
                try {
                    loop.executor.execute(() -> loop.fanOut(job, notify));
                } catch (RejectedExecutionException e) {
                    notify.release();
                }
            }
        } finally {
            notify.release();
        }
    }

    static MiningNotify notifyOf(Job job) {
        return notifyOf(job, job.cleanJobs());
    }

    /** The job's notify with {@code cleanJobs} as given (a session that missed a clean job gets it clean). */
    static MiningNotify notifyOf(Job job, boolean cleanJobs) {
        return MiningNotify.builder()
                .jobId(job.id())
                .prevHashStratumHex(job.prevHashStratumHex())
                .coinbase1Hex(job.coinb1Hex())
                .coinbase2Hex(job.coinb2Hex())
                .merkleBranchHex(job.merkleBranchHex())
                .version(job.version())
                .nbits(job.bits())
                .ntime((int) job.nTime())
                .cleanJobs(cleanJobs)
                .build();
    }

    int versionRollingMask() {
        return versionRollingMask;
    }

    void versionRollingMask(int mask) {
        versionRollingMask = mask;
    }

    // ------------------------------------------------------------------------------------------ shares

    /**
     * A share waiting for its sinks: true when the server now has more waiting than its bound, so the
     * session that sent it should stop being read (see {@link #shareSettled}).
     */
    boolean shareWaiting() {
        return inFlight.incrementAndGet() > maxSharesInFlight;
    }

    /** The sinks answered a waiting share; below the resume mark, sessions stopped for the bound are read again. */
    void shareSettled() {
        int waiting = inFlight.decrementAndGet();
        if (waiting <= resumeMark() && sharesPaused.get() && sharesPaused.compareAndSet(true, false)) {
            onEveryLoop(loop -> {
                for (int i = loop.sessionCount() - 1; i >= 0; i--) {
                    loop.session(i).resumeReading(SessionOutput.PAUSED_FOR_SERVER_SHARES);
                }
            });
        }
    }

    /** Sessions stopped for the server's bound are read again once fewer than this many shares wait. */
    int resumeMark() {
        return maxSharesInFlight - maxSharesInFlight / 4;
    }

    /** Hands {@code share} to every sink; the future completes when all have it, or fails when one fails. */
    CompletableFuture<Void> record(Share share) {
        if (sinks.length == 0) {
            return RECORDED;
        }
        if (sinks.length == 1) {
            return accept(sinks[0], share);
        }
        CompletableFuture<?>[] all = new CompletableFuture<?>[sinks.length];
        for (int i = 0; i < sinks.length; i++) {
            all[i] = accept(sinks[i], share);
        }
        return CompletableFuture.allOf(all);
    }

    private static CompletableFuture<Void> accept(ShareSink sink, Share share) {
        try {
            CompletableFuture<Void> future = sink.accept(share);
            return future != null ? future
                    : CompletableFuture.failedFuture(new NullPointerException(sink + " returned no future"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A share that is a block (already submitted by the validator): logs the chain's verdict and, when it
     * accepts, tells every sink after the share itself was recorded (or failed to be).
     */
    void onBlock(ShareOutcome.Block block, Share share, Job job, CompletableFuture<Void> recorded) {
        counters.blocksFound.increment();
        LOG.info("block {} at height {} found by {}; submitted", block.hash(), block.height(), share.worker());
        block.verdict().whenComplete((verdict, failure) -> {
            if (failure != null || verdict == null) {
                counters.blocksRejected.increment();
                LOG.error("block {} at height {}: no verdict", block.hash(), block.height(), failure);
                return;
            }
            if (verdict.status() != BlockVerdict.Status.ACCEPTED) {
                counters.blocksRejected.increment();
                LOG.warn("block {} at height {} {} by the chain: {}", block.hash(), block.height(),
                        verdict.status() == BlockVerdict.Status.REJECTED ? "rejected" : "not judged", verdict.reason());
                return;
            }
            counters.blocksAccepted.increment();
            LOG.info("block {} at height {} accepted by the chain", block.hash(), block.height());
            FoundBlock found = new FoundBlock(block.hash(), block.height(), share.account(), share.worker(),
                    job.coinbaseValueSats(), job.networkDifficulty(), share.time());
            recorded.handle((ignored, error) -> null).thenRun(() -> tellSinks(found));
        });
    }

    private void tellSinks(FoundBlock found) {
        for (ShareSink sink : sinks) {
            CompletableFuture<Void> taken;
            try {
                taken = sink.blockFound(found);
            } catch (RuntimeException e) {
                taken = CompletableFuture.failedFuture(e);
            }
            if (taken != null) {
                taken.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.error("sink {} failed to record block {} at height {}", sink, found.hash(), found.height(),
                                failure);
                    }
                });
            }
        }
    }

    // ---------------------------------------------------------------------------------------- sessions

    Target targetFor(double difficulty) {
        return difficulty == initialDifficulty ? initialTarget : Target.fromDifficulty(difficulty);
    }

    double clampDifficulty(double difficulty) {
        return Math.min(maxDifficulty, Math.max(minDifficulty, difficulty));
    }

    /** A miner's starting difficulty (a password hint) as the server can set it: in range, and a power of two when vardiff uses those. */
    double startingDifficulty(double hint) {
        double clamped = clampDifficulty(hint);
        if (vardiff != null && vardiff.powerOfTwo()) {
            clamped = Math.max(Math.scalb(1.0, Math.getExponent(clamped)), minDifficulty);
        }
        return clamped;
    }

    /** The vardiff settings with {@code difficulty} as the starting point (shared; a few distinct values at most). */
    VardiffSettings vardiffStartingAt(double wanted) {
        double difficulty = startingDifficulty(wanted);
        if (difficulty == vardiff.initialDifficulty()) {
            return vardiff;
        }
        VardiffSettings known = vardiffStarts.get(difficulty);
        if (known != null) {
            return known;
        }
        VardiffSettings settings = VardiffSettings.builder()
                .targetShareInterval(vardiff.targetShareInterval())
                .retargetPeriod(vardiff.retargetPeriod())
                .retargetShares(vardiff.retargetShares())
                .tolerance(vardiff.tolerance())
                .minDifficulty(vardiff.minDifficulty())
                .maxDifficulty(vardiff.maxDifficulty())
                .powerOfTwo(vardiff.powerOfTwo())
                .initialDifficulty(difficulty)
                .build();
        if (vardiffStarts.size() < MAX_VARDIFF_STARTS) {
            vardiffStarts.putIfAbsent(difficulty, settings);
        }
        return settings;
    }

    /** One shared instance per distinct user agent (miners of one kind send the same), up to a bound. */
    String internUserAgent(String agent) {
        String bounded = agent.length() <= MAX_USER_AGENT_LENGTH ? agent : agent.substring(0, MAX_USER_AGENT_LENGTH);
        String known = userAgents.get(bounded);
        if (known != null) {
            return known;
        }
        if (userAgents.size() >= MAX_USER_AGENTS) {
            return bounded;
        }
        known = userAgents.putIfAbsent(bounded, bounded);
        return known != null ? known : bounded;
    }

    /**
     * Looks at the next {@link #SWEEP_SLICES}th of the loop's sessions (timeouts, vardiff without shares), so
     * each is seen about once per sweep period while no tick holds the loop for long: walking 5,000 sessions
     * at once took a loop ~25 ms here, a stall every reply and notify behind it waited out. A session that a
     * removal moves behind the cursor waits for the next round.
     */
    void sweep(LoopState loop) {
        long now = clock.millis();
        int slice = (loop.sessionCount() + SWEEP_SLICES - 1) / SWEEP_SLICES;
        int i = loop.sweepCursor;
        for (int n = 0; n < slice; n++) {
            if (i >= loop.sessionCount()) {
                if (loop.sessionCount() == 0) {
                    break;
                }
                i = 0;
            }
            loop.session(i++).sweep(now);
        }
        loop.sweepCursor = i;
    }
}
