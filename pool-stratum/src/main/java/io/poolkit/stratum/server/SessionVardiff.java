package io.poolkit.stratum.server;

/**
 * The vardiff state of one session: what difficulty its share rate calls for. The server applies an
 * answer from the next job on, within the server's range and above the miner's floor.
 *
 * <p>Not thread-safe: confined to the session's event loop.
 */
interface SessionVardiff {

    /** An accepted share at {@code nowMillis}; returns the difficulty wanted now ({@code current} for no change). */
    double onShare(long nowMillis, double current);

    /** Called about once a second while the session is open; returns the difficulty wanted now. */
    double onTick(long nowMillis, double current);

    /** Makes a {@link SessionVardiff} for each session. Thread-safe. */
    interface Factory {
        SessionVardiff newSession(long nowMillis, double difficulty);
    }
}
