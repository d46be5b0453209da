package io.poolkit.stratum.server;

import io.poolkit.core.guard.GuardStats;
import io.poolkit.core.share.RejectReason;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link StratumServer}'s counters, for metrics (the reference pool maps it to
 * Prometheus). Counts since start unless named as a current value. Immutable.
 *
 * @param connectionsOpen       connections open now
 * @param connectionsTotal      connections accepted since start
 * @param sessionsSubscribed    open connections that sent {@code mining.subscribe}
 * @param sessionsAuthorized    open connections with at least one authorised worker
 * @param sharesAccepted        shares acknowledged with {@code true} (every sink recorded them)
 * @param sharesRejected        refused shares by reason; reasons never seen are absent. A share the
 *                              validator accepted but a sink failed to record counts as
 *                              {@link RejectReason#NOT_RECORDED}
 * @param blocksFound           shares that met the network target
 * @param blocksAccepted        found blocks the chain accepted
 * @param blocksRejected        found blocks the chain rejected (or could not judge)
 * @param jobsPublished         jobs sent out with {@code mining.notify}
 * @param protocolErrors        requests answered with error 20 for being malformed or unknown
 * @param authorizationsDenied  {@code mining.authorize} calls the authorizer refused
 * @param sessionsTimedOut      connections closed for not subscribing and authorising in time, or for silence
 * @param connectionsRefused    connections closed at accept, before any session: refused by the
 *                              {@link io.poolkit.core.guard.ConnectionGuard} (banned, over a cap or a connect
 *                              rate), from a source not among a PROXY listener's trusted proxies, or without a
 *                              valid PROXY header
 * @param sessionsBanned        sessions closed because the guard banned their address
 * @param sessionsClosedSlow    sessions closed for not reading what the server sent them within the grace period
 * @param oversizedLines        connections closed for a line over the line limit
 * @param notifiesSkipped       jobs not sent to a session that was not reading (it gets the newest one when it
 *                              reads again)
 * @param readsPaused           times a session stopped being read because too many of its shares (or of the
 *                              server's) were waiting for the sinks
 * @param internalErrors        exceptions the session logic threw on a message (bugs; the connection lives on)
 * @param guard                 the connection guard's counters
 */
public record StratumServerStats(long connectionsOpen, long connectionsTotal, long sessionsSubscribed,
                                 long sessionsAuthorized, long sharesAccepted, Map<RejectReason, Long> sharesRejected,
                                 long blocksFound, long blocksAccepted, long blocksRejected, long jobsPublished,
                                 long protocolErrors, long authorizationsDenied, long sessionsTimedOut,
                                 long connectionsRefused, long sessionsBanned, long sessionsClosedSlow,
                                 long oversizedLines, long notifiesSkipped, long readsPaused, long internalErrors,
                                 GuardStats guard) {

    public StratumServerStats {
        sharesRejected = Map.copyOf(Objects.requireNonNull(sharesRejected, "sharesRejected"));
        Objects.requireNonNull(guard, "guard");
    }

    /** All refused shares, whatever the reason. */
    public long sharesRejectedTotal() {
        return sharesRejected.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Refused shares for {@code reason} (0 when never seen). */
    public long sharesRejected(RejectReason reason) {
        return sharesRejected.getOrDefault(reason, 0L);
    }
}
