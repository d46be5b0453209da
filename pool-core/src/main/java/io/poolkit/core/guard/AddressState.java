package io.poolkit.core.guard;

/**
 * What the guard remembers about one address. Not thread-safe: read and written only under the lock of
 * the stripe holding it.
 */
final class AddressState {
    final AddressKey key;

    int connections;
    long lastSeen;

    // Connection rate: the rate limiter's arrival time, in nanoseconds of the guard's clock.
    long connectArrival;
    boolean connectStarted;

    // The ban in force (reason null: none), and the offences that escalate the next one.
    BanReason banReason;
    String banDetail;
    long banSince;
    long banUntil;
    int offences;
    long lastBanEnd;

    // Made on the address's first share, bad line or failed authorisation.
    ShareWindow shares;
    StrikeWindow protocolStrikes;
    StrikeWindow authFailures;

    // Refusals for this address's own limits, logged once when they begin and once when they end.
    int throttledReasons;
    long throttledSince;
    long lastRefusal;
    long refusedWhileThrottled;

    AddressState(AddressKey key, long nowMillis) {
        this.key = key;
        this.lastSeen = nowMillis;
    }

    boolean banned() {
        return banReason != null;
    }
}
