package io.poolkit.stratum.server;

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
 */
public record StratumServerStats(long connectionsOpen, long connectionsTotal, long sessionsSubscribed,
                                 long sessionsAuthorized, long sharesAccepted, Map<RejectReason, Long> sharesRejected,
                                 long blocksFound, long blocksAccepted, long blocksRejected, long jobsPublished,
                                 long protocolErrors, long authorizationsDenied, long sessionsTimedOut) {

    public StratumServerStats {
        sharesRejected = Map.copyOf(Objects.requireNonNull(sharesRejected, "sharesRejected"));
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
