package io.poolkit.stratum.server;

import io.poolkit.core.chain.Target;
import io.poolkit.core.guard.Authorization;
import io.poolkit.core.guard.ProtocolViolation;
import io.poolkit.core.guard.RateLimiter;
import io.poolkit.core.guard.Verdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.share.RejectReason;
import io.poolkit.core.share.Share;
import io.poolkit.core.share.ShareOutcome;
import io.poolkit.core.share.Submission;
import io.poolkit.core.vardiff.Vardiff;
import io.poolkit.stratum.codec.StratumDecodeError;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumMethods;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.codec.StratumValue;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stratum V1 protocol state of one miner connection, without any I/O: it takes each decoded message
 * and tells its {@link SessionOutput} what to send.
 *
 * <p>State: the extranonce1 (allocated at {@code mining.subscribe}), the authorised workers (several per
 * connection) and their accounts, the share difficulty with the one before it and the job from which the
 * new one applies, a difficulty waiting for the next job, the miner's floor, the version-rolling mask, the
 * user agent, and vardiff state. Everything optional is allocated only when used, so an idle session stays
 * small.
 *
 * <p>Difficulty changes reach the miner as {@code mining.set_difficulty} right before the next
 * {@code mining.notify} (miners apply them from the next job anyway); shares for jobs sent before a change
 * are judged at the easier of the two targets, so lowering or raising a miner's difficulty never turns its
 * in-flight work into rejects.
 *
 * <p>Share replies go out in request order even when a sink acknowledges late: a reply waits behind the
 * share replies before it. Other replies go at once. When {@code maxPendingShares} replies wait, or the
 * server has more than {@code maxSharesInFlight} shares waiting for its sinks, the session asks its output
 * to stop reading until they drain: a flood of shares is slowed down, never dropped.
 *
 * <p>Guard: the peer's {@code mining.submit}s pass its rate limiter; unreadable lines, authorisations and
 * judged shares are reported to the server's {@link io.poolkit.core.guard.ConnectionGuard}, and a
 * {@link Verdict#DISCONNECT} (the address is banned) closes the session after its reply.
 *
 * <p>Not thread-safe: confine to the connection's event loop ({@link LoopState#executor}).
 */
final class StratumSession {
    private static final Logger LOG = LoggerFactory.getLogger(StratumSession.class);

    /** Most workers one connection may authorise (a proxy may carry many; a flood is stopped here). */
    static final int MAX_WORKERS = 64;

    private static final int SUBSCRIBED = 1;
    private static final int EXTRANONCE_SUBSCRIBED = 2;
    private static final int VERSION_ROLLING = 4;
    private static final int CLOSED = 8;

    private final ServerCore core;
    private final LoopState loop;
    private final SessionOutput out;
    /** The miner's address for the guard; null when unknown (then the guard is not asked). */
    private final InetAddress peer;
    private final long connectedAtMillis;
    private long lastActivityMillis;
    private int flags;
    private long extranonce1 = -1;
    private String userAgent;
    /** null, one {@link Worker}, or a {@code Worker[]} of the authorised workers. */
    private Object workers;

    private double difficulty;
    private Target target;
    private double previousDifficulty;
    private Target previousTarget;
    /** Jobs with a sequence below this were sent before the last change: judged at the easier target. */
    private long previousBeforeSequence;
    /** A difficulty to send with the next job; 0 when none. */
    private double pendingDifficulty;
    /** The miner's floor (configure minimum-difficulty, suggest_difficulty); 0 when none. */
    private double floor;
    private int minerVersionMask;
    private int versionMask;
    /** Sequence of the last job sent; -1 before the first. */
    private long lastJobSequence = -1;
    /** Made at the first authorisation when the server runs vardiff. */
    private Vardiff vardiff;
    /** Share replies waiting for an acknowledgement, in request order; null when none. */
    private ArrayDeque<PendingReply> pendingReplies;
    /** Made at the first {@code mining.submit} (shared and stateless when submits are unlimited). */
    private RateLimiter submits;

    StratumSession(ServerCore core, LoopState loop, SessionOutput out, long nowMillis) {
        this(core, loop, out, nowMillis, null);
    }

    StratumSession(ServerCore core, LoopState loop, SessionOutput out, long nowMillis, InetAddress peer) {
        this.core = core;
        this.loop = loop;
        this.out = out;
        this.peer = peer;
        this.connectedAtMillis = nowMillis;
        this.lastActivityMillis = nowMillis;
        this.difficulty = core.initialDifficulty;
        this.target = core.initialTarget;
    }

    // ----------------------------------------------------------------------------------------- inbound

    /** Handles one decoded message from the miner. Never throws for anything the miner sends. */
    void onMessage(StratumMessage message, long nowMillis) {
        lastActivityMillis = nowMillis;
        if (message instanceof StratumRequest request) {
            onRequest(request, nowMillis);
        } else if (message instanceof StratumDecodeError error) {
            core.counters.protocolErrors.increment();
            LOG.debug("unreadable line: {}", error.reason());
            out.replyError(error.id(), RejectReason.MALFORMED.stratumCode(), error.reason());
            if (peer != null
                    && core.guard.onProtocolViolation(peer, ProtocolViolation.UNPARSEABLE_LINE) == Verdict.DISCONNECT) {
                banned();
            }
        } else {
            // A miner's answer to something the server asked (client.get_version): nothing waits for it.
            LOG.debug("ignored a response from the miner: {}", (StratumResponse) message);
        }
    }

    private void onRequest(StratumRequest request, long nowMillis) {
        switch (request.method()) {
            case StratumMethods.SUBMIT -> submit(request, nowMillis);
            case StratumMethods.SUBSCRIBE -> subscribe(request);
            case StratumMethods.AUTHORIZE -> authorize(request, nowMillis);
            case StratumMethods.CONFIGURE -> configure(request, nowMillis);
            case StratumMethods.EXTRANONCE_SUBSCRIBE -> {
                flags |= EXTRANONCE_SUBSCRIBED;
                replyTrue(request.id());
            }
            case StratumMethods.SUGGEST_DIFFICULTY -> suggestDifficulty(request, nowMillis);
            case StratumMethods.SUGGEST_TARGET -> suggestTarget(request, nowMillis);
            case StratumMethods.PING -> reply(request.id(), StratumValue.of("pong"));
            case StratumMethods.GET_VERSION -> reply(request.id(), StratumValue.of(core.serverVersion));
            default -> protocolError(request.id(), "unknown method " + abbreviate(request.method()));
        }
    }

    private void subscribe(StratumRequest request) {
        StratumValue agent = request.param(0);
        if (agent != null && !agent.isString() && !agent.isNull()) {
            protocolError(request.id(), "mining.subscribe: the user agent must be a string");
            return;
        }
        if ((flags & SUBSCRIBED) == 0) {
            long value = core.allocator.allocate();
            if (value < 0) {
                LOG.warn("no free extranonce1 left ({}); refusing a subscription", core.allocator);
                out.replyError(request.id(), RejectReason.MALFORMED.stratumCode(), "server full, try another");
                out.close("no free extranonce1");
                return;
            }
            extranonce1 = value;
            flags |= SUBSCRIBED;
            core.counters.sessionsSubscribed.increment();
            if (agent != null && agent.isString()) {
                userAgent = core.internUserAgent(agent.asString());
            }
            if (pendingDifficulty > 0) {
                setStartingDifficulty(pendingDifficulty);
                pendingDifficulty = 0;
            }
        }
        if (!request.isNotification()) {
            out.replySubscribe(request.id(), core.allocator.hex(extranonce1), extranonce1, core.extranonce2Size);
        }
        out.setDifficulty(difficulty);
        sendCurrentJob();
    }

    private void authorize(StratumRequest request, long nowMillis) {
        String name = request.stringParam(0);
        StratumValue passwordValue = request.param(1);
        if (name == null || name.isEmpty()
                || (passwordValue != null && !passwordValue.isString() && !passwordValue.isNull())) {
            protocolError(request.id(), "mining.authorize needs [\"worker\", \"password\"]");
            return;
        }
        String password = passwordValue != null && passwordValue.isString() ? passwordValue.asString() : "";
        Authorization authorization;
        try {
            authorization = core.authorizer.authorize(name, password);
        } catch (RuntimeException e) {
            LOG.error("the authorizer threw for worker {}", abbreviate(name), e);
            authorization = new Authorization.Denied("authorisation failed");
        }
        boolean banned = peer != null && core.guard.onAuthorization(peer, authorization) == Verdict.DISCONNECT;
        if (authorization instanceof Authorization.Denied denied) {
            core.counters.authorizationsDenied.increment();
            LOG.debug("worker {} denied: {}", abbreviate(name), denied.reason());
            if (!request.isNotification()) {
                out.replyError(request.id(), RejectReason.UNAUTHORIZED_WORKER.stratumCode(), denied.reason());
            }
            if (banned) {
                banned();
            }
            return;
        }
        if (banned) {
            out.replyError(request.id(), RejectReason.UNAUTHORIZED_WORKER.stratumCode(), "banned");
            banned();
            return;
        }
        Authorization.Granted granted = (Authorization.Granted) authorization;
        if (!addWorker(new Worker(name, granted.account()))) {
            protocolError(request.id(), "too many workers on one connection (at most " + MAX_WORKERS + ")");
            return;
        }
        replyTrue(request.id());
        if (granted.difficultyHint().isPresent()) {
            startAt(core.startingDifficulty(granted.difficultyHint().getAsDouble()));
            vardiff = null; // made again below, starting at the hint
        }
        if (vardiff == null && core.vardiff != null) {
            startVardiff(nowMillis);
        }
    }

    /**
     * Vardiff for this session, starting at its current difficulty and above its floor; the session then
     * takes vardiff's value (the same, unless vardiff rounds to powers of two).
     */
    private void startVardiff(long nowMillis) {
        double current = pendingDifficulty > 0 ? pendingDifficulty : difficulty;
        vardiff = new Vardiff(core.vardiffStartingAt(current), nanos(nowMillis));
        if (floor > 0) {
            vardiff.suggestDifficulty(floor, nanos(nowMillis));
        }
        double start = vardiff.difficulty();
        if (start != current) {
            if ((flags & SUBSCRIBED) == 0) {
                setStartingDifficulty(start);
                pendingDifficulty = 0;
            } else {
                want(start);
            }
        }
    }

    private static long nanos(long millis) {
        return millis * 1_000_000L;
    }

    private void submit(StratumRequest request, long nowMillis) {
        StratumId id = request.id();
        if (submits == null) {
            submits = core.guard.newSubmitLimiter();
        }
        if (!submits.tryAcquire(nanos(nowMillis))) {
            reject(id, RejectReason.RATE_LIMITED); // not the guard's business: the limiter counted it
            return;
        }
        if ((flags & SUBSCRIBED) == 0) {
            refuse(id, RejectReason.NOT_SUBSCRIBED);
            return;
        }
        int count = request.paramCount();
        String workerName = request.stringParam(0);
        String jobId = request.stringParam(1);
        String extranonce2 = request.stringParam(2);
        String nTime = request.stringParam(3);
        String nonce = request.stringParam(4);
        String versionBits = count > 5 ? request.stringParam(5) : null;
        if (count < 5 || count > 6 || workerName == null || jobId == null || extranonce2 == null || nTime == null
                || nonce == null || (count == 6 && versionBits == null)) {
            refuse(id, RejectReason.MALFORMED);
            return;
        }
        Worker worker = worker(workerName);
        if (worker == null) {
            refuse(id, RejectReason.UNAUTHORIZED_WORKER);
            return;
        }
        Submission submission = loop.submission;
        core.allocator.write(extranonce1, loop.extranonce1, 0);
        submission.begin(worker.name(), jobId)
                .extranonce1(loop.extranonce1)
                .extranonce2Hex(extranonce2)
                .nTimeHex(nTime)
                .nonceHex(nonce)
                .versionBitsHex(versionBits)
                .versionMask(versionMask)
                .shareTarget(target, difficulty);
        if (previousTarget != null) {
            submission.previousShareTarget(previousTarget, previousDifficulty, previousBeforeSequence);
        }
        ShareOutcome outcome;
        try {
            outcome = core.validator.validate(submission);
        } catch (RuntimeException e) {
            LOG.error("the share validator threw on job {} from {}", abbreviate(jobId), worker.name(), e);
            outcome = ShareOutcome.rejected(RejectReason.NOT_RECORDED);
        }
        boolean banned = peer != null && core.guard.onShare(peer, outcome) == Verdict.DISCONNECT;
        if (outcome instanceof ShareOutcome.Rejected rejected) {
            reject(id, rejected.reason());
        } else {
            accepted(id, worker, submission, outcome instanceof ShareOutcome.Block block ? block : null, nowMillis);
        }
        if (banned) {
            banned();
        }
    }

    /** A share refused before validation: answered, and reported to the guard as the miner's fault. */
    private void refuse(StratumId id, RejectReason reason) {
        reject(id, reason);
        if (peer != null && core.guard.onShare(peer, ShareOutcome.rejected(reason)) == Verdict.DISCONNECT) {
            banned();
        }
    }

    /** The guard banned the peer's address: flushes the replies so far and closes. */
    private void banned() {
        if ((flags & CLOSED) == 0) {
            core.counters.sessionsBanned.increment();
            LOG.debug("closing a session of {}: the address is banned", peer);
            out.close("banned");
        }
    }

    private void accepted(StratumId id, Worker worker, Submission submission, ShareOutcome.Block block,
            long nowMillis) {
        Job job = submission.job();
        double credited = submission.creditedDifficulty();
        Share share = new Share(worker.account(), worker.name(), credited, job.networkDifficulty(), job.height(),
                job.coinbaseValueSats() - job.feesSats(), job.feesSats(), core.clock.instant());
        CompletableFuture<Void> recorded = core.record(share);
        if (block != null) {
            core.onBlock(block, share, job, recorded);
        }
        retarget(nowMillis, credited);
        if (recorded.isDone() && pendingReplies == null) {
            acknowledge(id, recorded);
            return;
        }
        if (pendingReplies == null) {
            pendingReplies = new ArrayDeque<>(4);
        }
        pendingReplies.add(new PendingReply(id, recorded, null));
        // Always through the loop, even if the sink completed since the check above: a reply queued without a
        // drain scheduled would wait for ever (and its connection with it).
        if (core.shareWaiting()) {
            out.pauseReading(SessionOutput.PAUSED_FOR_SERVER_SHARES);
        }
        recorded.whenComplete((ignored, failure) -> {
            try {
                loop.executor.execute(this::drainReplies);
            } catch (RejectedExecutionException e) {
                LOG.debug("event loop gone: the reply to a share is dropped");
            } finally {
                // After the reply is queued on the loop: a graceful stop that sees zero closes after it.
                core.shareSettled();
            }
        });
        if (pendingReplies.size() >= core.maxPendingShares) {
            out.pauseReading(SessionOutput.PAUSED_FOR_SESSION_SHARES);
        }
    }

    private void configure(StratumRequest request, long nowMillis) {
        StratumValue names = request.param(0);
        StratumValue options = request.param(1);
        if (names == null || !names.isArray() || (options != null && !options.isObject() && !options.isNull())) {
            protocolError(request.id(), "mining.configure needs [[extensions], {parameters}]");
            return;
        }
        Map<String, StratumValue> parameters = options != null && options.isObject() ? options.asObject() : Map.of();
        Map<String, StratumValue> result = new LinkedHashMap<>();
        for (StratumValue name : names.asArray()) {
            if (!name.isString()) {
                protocolError(request.id(), "mining.configure: extension names must be strings");
                return;
            }
            switch (name.asString()) {
                case "version-rolling" -> configureVersionRolling(parameters, result);
                case "minimum-difficulty" -> {
                    double value = positiveNumber(parameters.get("minimum-difficulty.value"));
                    if (value > 0) {
                        raiseFloor(value, nowMillis);
                    }
                    result.put("minimum-difficulty", StratumValue.of(value > 0));
                }
                case "subscribe-extranonce" -> {
                    flags |= EXTRANONCE_SUBSCRIBED;
                    result.put("subscribe-extranonce", StratumValue.TRUE);
                }
                default -> LOG.debug("mining.configure: unsupported extension {}", abbreviate(name.asString()));
            }
        }
        reply(request.id(), StratumValue.object(result));
    }

    /**
     * BIP 310 version rolling: the mask is the pool's mask and the miner's ({@code ffffffff} when it sent
     * none); fewer bits than the miner's {@code min-bit-count}, or none at all, is a refusal.
     */
    private void configureVersionRolling(Map<String, StratumValue> parameters, Map<String, StratumValue> result) {
        StratumValue maskValue = parameters.get("version-rolling.mask");
        StratumValue minBitsValue = parameters.get("version-rolling.min-bit-count");
        long minerMask = maskValue == null ? 0xffffffffL : parseHex32(maskValue);
        long minBits = minBitsValue == null ? 0 : minBitsValue.isLong() ? minBitsValue.asLong() : -1;
        int negotiated = minerMask < 0 ? 0 : core.versionRollingMask() & (int) minerMask;
        if (minerMask < 0 || minBits < 0 || minBits > 32 || negotiated == 0 || Integer.bitCount(negotiated) < minBits) {
            flags &= ~VERSION_ROLLING;
            versionMask = 0;
            minerVersionMask = 0;
            result.put("version-rolling", StratumValue.FALSE);
            result.put("version-rolling.mask", StratumValue.of(hex32(negotiated)));
            return;
        }
        flags |= VERSION_ROLLING;
        minerVersionMask = (int) minerMask;
        versionMask = negotiated;
        result.put("version-rolling", StratumValue.TRUE);
        result.put("version-rolling.mask", StratumValue.of(hex32(negotiated)));
    }

    private void suggestDifficulty(StratumRequest request, long nowMillis) {
        double value = positiveNumber(request.param(0));
        if (value <= 0) {
            protocolError(request.id(), "mining.suggest_difficulty needs a positive number");
            return;
        }
        raiseFloor(value, nowMillis);
        replyTrue(request.id());
    }

    private void suggestTarget(StratumRequest request, long nowMillis) {
        String hex = request.stringParam(0);
        double value = 0;
        if (hex != null && hex.length() == 64) {
            try {
                Target suggested = Target.fromDisplayHex(hex);
                value = suggested.equals(Target.ZERO) ? 0 : suggested.difficulty();
            } catch (IllegalArgumentException e) {
                value = 0;
            }
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            protocolError(request.id(), "mining.suggest_target needs a 64-digit hex target");
            return;
        }
        raiseFloor(value, nowMillis);
        replyTrue(request.id());
    }

    // ---------------------------------------------------------------------------------- from the server

    /**
     * A new job is about to be sent to this session: sends the waiting difficulty first. Returns false when
     * the session does not take jobs (not subscribed, closed, or already has this one).
     */
    boolean beforeJob(Job job) {
        if ((flags & (SUBSCRIBED | CLOSED)) != SUBSCRIBED || job.sequence() == lastJobSequence) {
            return false;
        }
        if (pendingDifficulty > 0) {
            if (pendingDifficulty != difficulty) {
                changeDifficulty(pendingDifficulty, job.sequence());
            }
            pendingDifficulty = 0;
        }
        lastJobSequence = job.sequence();
        return true;
    }

    /** Whether the session would take {@code job} now (subscribed, open, and not already sent it). */
    boolean takesJob(Job job) {
        return (flags & (SUBSCRIBED | CLOSED)) == SUBSCRIBED && job.sequence() != lastJobSequence;
    }

    /** The server's version-rolling mask changed: tells a rolling miner its new mask. */
    void onPoolVersionMask(int poolMask) {
        if ((flags & (VERSION_ROLLING | CLOSED)) != VERSION_ROLLING) {
            return;
        }
        int negotiated = poolMask & minerVersionMask;
        if (negotiated != versionMask) {
            versionMask = negotiated;
            out.setVersionMask(negotiated);
            out.flush();
        }
    }

    /**
     * Gives this session a new extranonce1 (e.g. after a server instance change). A miner that subscribed
     * to extranonce changes gets {@code mining.set_extranonce}, used from the next job; any other is asked
     * to reconnect, since it cannot learn the new value. Returns whether the session took it.
     */
    boolean changeExtranonce(long newExtranonce1) {
        if ((flags & (SUBSCRIBED | CLOSED)) != SUBSCRIBED) {
            return false;
        }
        if ((flags & EXTRANONCE_SUBSCRIBED) == 0) {
            out.reconnect(null, 0, 0);
            out.flush();
            return false;
        }
        core.allocator.release(extranonce1);
        extranonce1 = newExtranonce1;
        out.setExtranonce(newExtranonce1, core.extranonce2Size);
        out.flush();
        return true;
    }

    /** Asks the miner to reconnect (to {@code host:port}, or to this server when {@code host} is null). */
    void reconnect(String host, int port, int waitSeconds) {
        if ((flags & CLOSED) == 0) {
            out.reconnect(host, port, waitSeconds);
            out.flush();
        }
    }

    /**
     * The reason to close this session for at {@code nowMillis}, or null: no subscription and authorisation
     * within the deadline, or silence for longer than the idle timeout.
     */
    String expiry(long nowMillis) {
        if ((flags & CLOSED) != 0) {
            return null;
        }
        if (((flags & SUBSCRIBED) == 0 || workers == null)
                && nowMillis - connectedAtMillis >= core.subscribeTimeoutMillis) {
            return (flags & SUBSCRIBED) == 0 ? "not subscribed in time" : "no worker authorised in time";
        }
        if (nowMillis - lastActivityMillis >= core.idleTimeoutMillis) {
            return "silent for " + (nowMillis - lastActivityMillis) / 1000 + " s";
        }
        return null;
    }

    /** The connection closed: gives back the extranonce1 and forgets the replies still waiting. */
    void onClosed() {
        if ((flags & CLOSED) != 0) {
            return;
        }
        flags |= CLOSED;
        if ((flags & SUBSCRIBED) != 0) {
            core.allocator.release(extranonce1);
            core.counters.sessionsSubscribed.decrement();
        }
        if (workers != null) {
            core.counters.sessionsAuthorized.decrement();
        }
        // Shares still waiting for their sinks may yet be recorded; the miner will not hear of it.
        pendingReplies = null;
    }

    // ----------------------------------------------------------------------------------------- accessors

    boolean isSubscribed() {
        return (flags & SUBSCRIBED) != 0;
    }

    boolean isClosed() {
        return (flags & CLOSED) != 0;
    }

    long extranonce1() {
        return extranonce1;
    }

    double difficulty() {
        return difficulty;
    }

    double pendingDifficulty() {
        return pendingDifficulty;
    }

    int versionMask() {
        return versionMask;
    }

    String userAgent() {
        return userAgent;
    }

    /** The authorised workers' names, in order of authorisation. */
    List<String> workerNames() {
        if (workers == null) {
            return List.of();
        }
        if (workers instanceof Worker one) {
            return List.of(one.name());
        }
        return Arrays.stream((Worker[]) workers).map(Worker::name).toList();
    }

    /** Share replies waiting (for the sinks, or behind those that are). */
    int pendingReplies() {
        return pendingReplies == null ? 0 : pendingReplies.size();
    }

    InetAddress peer() {
        return peer;
    }

    boolean isExtranonceSubscribed() {
        return (flags & EXTRANONCE_SUBSCRIBED) != 0;
    }

    // ------------------------------------------------------------------------------------------ internals

    private void sendCurrentJob() {
        Job job = out.sendCurrentJob();
        if (job != null) {
            lastJobSequence = job.sequence();
        }
    }

    /** A starting difficulty (authorize hint): applied at once, with the current job sent again. */
    private void startAt(double value) {
        if ((flags & SUBSCRIBED) == 0) {
            setStartingDifficulty(value);
            return;
        }
        pendingDifficulty = 0;
        if (value == difficulty) {
            return;
        }
        changeDifficulty(value, lastJobSequence < 0 ? 0 : lastJobSequence + 1);
        sendCurrentJob();
    }

    private void setStartingDifficulty(double value) {
        difficulty = value;
        target = core.targetFor(value);
        previousTarget = null;
    }

    /** Sends {@code value} now; jobs before {@code fromSequence} keep the easier of both targets. */
    private void changeDifficulty(double value, long fromSequence) {
        previousDifficulty = difficulty;
        previousTarget = target;
        previousBeforeSequence = fromSequence;
        difficulty = value;
        target = core.targetFor(value);
        out.setDifficulty(value);
    }

    /** A miner's floor: the difficulty never goes below it; applied from the next job. */
    private void raiseFloor(double value, long nowMillis) {
        floor = core.clampDifficulty(value);
        if (vardiff != null) {
            // Vardiff keeps the floor from now on (rounded to its powers of two when it uses them).
            double next = vardiff.suggestDifficulty(floor, nanos(nowMillis));
            if (next != Vardiff.UNCHANGED) {
                want(next);
            }
            return;
        }
        double wanted = Math.max(floor, pendingDifficulty > 0 ? pendingDifficulty : difficulty);
        if ((flags & SUBSCRIBED) == 0) {
            setStartingDifficulty(wanted);
        } else {
            want(wanted);
        }
    }

    /** {@code value} from the next job on (nothing waits when it is the current difficulty). */
    private void want(double value) {
        pendingDifficulty = value == difficulty ? 0 : value;
    }

    private void retarget(long nowMillis, double credited) {
        if (vardiff != null) {
            double next = vardiff.onShare(nanos(nowMillis), credited);
            if (next != Vardiff.UNCHANGED) {
                want(core.clampDifficulty(next));
            }
        }
    }

    /** Lets vardiff see time pass, so a miner that stopped finding shares is lowered (from the sweep). */
    void onTick(long nowMillis) {
        if (vardiff == null || (flags & CLOSED) != 0) {
            return;
        }
        double next = vardiff.onTick(nanos(nowMillis));
        if (next != Vardiff.UNCHANGED) {
            want(core.clampDifficulty(next));
        }
    }

    private boolean addWorker(Worker worker) {
        if (workers == null) {
            workers = worker;
            core.counters.sessionsAuthorized.increment();
            return true;
        }
        Worker[] list = workers instanceof Worker one ? new Worker[] {one} : (Worker[]) workers;
        for (int i = 0; i < list.length; i++) {
            if (list[i].name().equals(worker.name())) {
                list[i] = worker;
                workers = list.length == 1 ? worker : list;
                return true;
            }
        }
        if (list.length >= MAX_WORKERS) {
            return false;
        }
        Worker[] grown = Arrays.copyOf(list, list.length + 1);
        grown[list.length] = worker;
        workers = grown;
        return true;
    }

    private Worker worker(String name) {
        Object current = workers;
        if (current instanceof Worker one) {
            return one.name().equals(name) ? one : null;
        }
        if (current != null) {
            for (Worker worker : (Worker[]) current) {
                if (worker.name().equals(name)) {
                    return worker;
                }
            }
        }
        return null;
    }

    private void reject(StratumId id, RejectReason reason) {
        if (pendingReplies != null) {
            pendingReplies.add(new PendingReply(id, null, reason));
            if (pendingReplies.size() >= core.maxPendingShares) {
                out.pauseReading(SessionOutput.PAUSED_FOR_SESSION_SHARES);
            }
            return;
        }
        core.counters.rejected(reason);
        if (!id.isNull()) {
            out.replyError(id, reason.stratumCode(), reason.message());
        }
    }

    private void acknowledge(StratumId id, CompletableFuture<Void> recorded) {
        Throwable failure = failureOf(recorded);
        countAcknowledged(failure);
        if (id.isNull()) {
            return;
        }
        if (failure == null) {
            out.replyTrue(id);
        } else {
            out.replyError(id, RejectReason.NOT_RECORDED.stratumCode(), RejectReason.NOT_RECORDED.message());
        }
    }

    private void countAcknowledged(Throwable failure) {
        if (failure == null) {
            core.counters.sharesAccepted.increment();
        } else {
            core.counters.rejected(RejectReason.NOT_RECORDED);
        }
    }

    /** Sends the waiting share replies whose turn has come, in request order. Runs on the event loop. */
    private void drainReplies() {
        ArrayDeque<PendingReply> queue = pendingReplies;
        if (queue == null || (flags & CLOSED) != 0) {
            return;
        }
        boolean wrote = false;
        PendingReply head;
        while ((head = queue.peekFirst()) != null && (head.recorded == null || head.recorded.isDone())) {
            queue.pollFirst();
            if (head.recorded == null) {
                core.counters.rejected(head.reason);
                if (!head.id.isNull()) {
                    out.replyError(head.id, head.reason.stratumCode(), head.reason.message());
                    wrote = true;
                }
            } else {
                acknowledge(head.id, head.recorded);
                wrote |= !head.id.isNull();
            }
        }
        if (queue.isEmpty()) {
            pendingReplies = null;
        }
        if (wrote) {
            out.flush();
        }
        if (queue.size() <= core.maxPendingShares / 2) {
            out.resumeReading(SessionOutput.PAUSED_FOR_SESSION_SHARES);
        }
        if (core.inFlight.get() <= core.resumeMark()) {
            out.resumeReading(SessionOutput.PAUSED_FOR_SERVER_SHARES);
        }
    }

    private static Throwable failureOf(CompletableFuture<Void> recorded) {
        if (!recorded.isCompletedExceptionally()) {
            return null;
        }
        try {
            recorded.join();
            return null;
        } catch (RuntimeException e) {
            LOG.warn("a share sink failed; the miner gets an error, not an acknowledgement: {}",
                    e.getCause() != null ? e.getCause().toString() : e.toString());
            return e;
        }
    }

    private void replyTrue(StratumId id) {
        if (!id.isNull()) {
            out.replyTrue(id);
        }
    }

    private void reply(StratumId id, StratumValue result) {
        if (!id.isNull()) {
            out.replyResult(id, result);
        }
    }

    private void protocolError(StratumId id, String message) {
        core.counters.protocolErrors.increment();
        LOG.debug("protocol error: {}", message);
        if (!id.isNull()) {
            out.replyError(id, RejectReason.MALFORMED.stratumCode(), message);
        }
    }

    /** A positive finite number from a JSON number or a numeric string; 0 when it is not one. */
    private static double positiveNumber(StratumValue value) {
        double number;
        if (value == null) {
            return 0;
        } else if (value.isNumber()) {
            number = value.asDouble();
        } else if (value.isString() && value.asString().length() <= 32) {
            try {
                number = Double.parseDouble(value.asString());
            } catch (NumberFormatException e) {
                return 0;
            }
        } else {
            return 0;
        }
        return number > 0 && !Double.isInfinite(number) ? number : 0;
    }

    /** Eight hex digits as an unsigned 32-bit value; -1 for anything else. */
    private static long parseHex32(StratumValue value) {
        if (!value.isString() || value.asString().length() != 8) {
            return -1;
        }
        String text = value.asString();
        long mask = 0;
        for (int i = 0; i < 8; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            mask = mask << 4 | digit;
        }
        return mask;
    }

    static String hex32(int value) {
        String hex = Integer.toHexString(value);
        return "00000000".substring(hex.length()) + hex;
    }

    static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    /** An authorised worker and the account its shares are credited to. */
    record Worker(String name, String account) {}

    /** A share reply waiting for its turn: an acknowledgement ({@code recorded}) or a rejection ({@code reason}). */
    private record PendingReply(StratumId id, CompletableFuture<Void> recorded, RejectReason reason) {}
}
