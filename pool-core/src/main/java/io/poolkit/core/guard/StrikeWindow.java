package io.poolkit.core.guard;

/**
 * The times of an address's last {@code n} strikes (bad lines, failed authorisations), so "n within a
 * window" is judged exactly. Not thread-safe: guarded by the address's stripe.
 */
final class StrikeWindow {
    private final long[] times;
    private int next;
    private int count;

    StrikeWindow(int strikes) {
        this.times = new long[strikes];
    }

    /** Records a strike at {@code nowMillis}: {@code true} when the last n strikes all fell within the window. */
    boolean strike(long nowMillis, long windowMillis) {
        times[next] = nowMillis;
        next = next + 1 == times.length ? 0 : next + 1;
        if (count < times.length) {
            count++;
        }
        return count == times.length && nowMillis - times[next] < windowMillis;
    }
}
