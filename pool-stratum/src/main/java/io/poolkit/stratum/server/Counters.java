package io.poolkit.stratum.server;

import io.poolkit.core.share.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The server's live counters; {@link #snapshot()} makes a {@link StratumServerStats}. Thread-safe. */
final class Counters {
    final LongAdder connectionsOpen = new LongAdder();
    final LongAdder connectionsTotal = new LongAdder();
    final LongAdder sessionsSubscribed = new LongAdder();
    final LongAdder sessionsAuthorized = new LongAdder();
    final LongAdder sharesAccepted = new LongAdder();
    final LongAdder blocksFound = new LongAdder();
    final LongAdder blocksAccepted = new LongAdder();
    final LongAdder blocksRejected = new LongAdder();
    final LongAdder jobsPublished = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder sessionsTimedOut = new LongAdder();
    final LongAdder authorizationsDenied = new LongAdder();
    private final LongAdder[] rejected = new LongAdder[RejectReason.values().length];

    Counters() {
        for (int i = 0; i < rejected.length; i++) {
            rejected[i] = new LongAdder();
        }
    }

    void rejected(RejectReason reason) {
        rejected[reason.ordinal()].increment();
    }

    StratumServerStats snapshot() {
        Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            long count = rejected[reason.ordinal()].sum();
            if (count > 0) {
                byReason.put(reason, count);
            }
        }
        return new StratumServerStats(connectionsOpen.sum(), connectionsTotal.sum(), sessionsSubscribed.sum(),
                sessionsAuthorized.sum(), sharesAccepted.sum(), byReason, blocksFound.sum(), blocksAccepted.sum(),
                blocksRejected.sum(), jobsPublished.sum(), protocolErrors.sum(), authorizationsDenied.sum(),
                sessionsTimedOut.sum());
    }
}
