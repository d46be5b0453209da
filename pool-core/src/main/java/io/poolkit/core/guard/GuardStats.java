package io.poolkit.core.guard;

import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of a {@link ConnectionGuard}'s counters, for metrics. Counts are totals since the guard was
 * made, except the first three, which are levels now.
 *
 * @param connections          connections open (allowed and not yet disconnected)
 * @param trackedAddresses     addresses whose history is kept
 * @param activeBans           bans in force (an ended ban is noticed at the address's next event or sweep)
 * @param refusedConnections   connections refused, by reason (every reason present)
 * @param bansImposed          bans imposed, by reason (every reason present)
 * @param bansEnded            bans that expired or were lifted
 * @param untrackedConnections connections allowed without per-address history, because the table was full
 * @param rateLimitedSubmits   submits refused by the sessions' {@link RateLimiter}s
 * @param invalidShares        shares reported that count against the invalid-share ratio
 * @param protocolViolations   oversized or unparseable lines reported
 * @param failedAuthorizations denied authorisations reported
 */
public record GuardStats(int connections, int trackedAddresses, int activeBans,
        Map<RefuseReason, Long> refusedConnections, Map<BanReason, Long> bansImposed, long bansEnded,
        long untrackedConnections, long rateLimitedSubmits, long invalidShares, long protocolViolations,
        long failedAuthorizations) {

    public GuardStats {
        refusedConnections = Map.copyOf(Objects.requireNonNull(refusedConnections, "refusedConnections"));
        bansImposed = Map.copyOf(Objects.requireNonNull(bansImposed, "bansImposed"));
    }

    /** Connections refused for {@code reason}. */
    public long refused(RefuseReason reason) {
        return refusedConnections.getOrDefault(reason, 0L);
    }

    /** Bans imposed for {@code reason}. */
    public long bans(BanReason reason) {
        return bansImposed.getOrDefault(reason, 0L);
    }

    /** Connections refused for any reason. */
    public long refusedTotal() {
        long total = 0;
        for (long count : refusedConnections.values()) {
            total += count;
        }
        return total;
    }
}
