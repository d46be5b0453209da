package io.poolkit.core.guard;

/**
 * An address's valid and invalid shares over the last window, counted in ten buckets: the counts cover
 * between nine and ten tenths of the window. Not thread-safe: guarded by the address's stripe.
 */
final class ShareWindow {
    static final int BUCKETS = 10;

    private final long bucketMillis;
    private final int[] valid = new int[BUCKETS];
    private final int[] invalid = new int[BUCKETS];
    /** The bucket number ({@code time / bucketMillis}) of the newest bucket. */
    private long head;
    private int totalValid;
    private int totalInvalid;

    ShareWindow(long windowMillis, long nowMillis) {
        this.bucketMillis = Math.max(1, windowMillis / BUCKETS);
        this.head = Math.floorDiv(nowMillis, bucketMillis);
    }

    void add(long nowMillis, boolean isInvalid) {
        advance(nowMillis);
        int slot = Math.floorMod(head, BUCKETS);
        if (isInvalid) {
            invalid[slot]++;
            totalInvalid++;
        } else {
            valid[slot]++;
            totalValid++;
        }
    }

    int invalid() {
        return totalInvalid;
    }

    int total() {
        return totalValid + totalInvalid;
    }

    /** Empties the buckets that fell out of the window; a clock that went back changes nothing. */
    private void advance(long nowMillis) {
        long index = Math.floorDiv(nowMillis, bucketMillis);
        if (index <= head) {
            return;
        }
        long steps = Math.min(index - head, BUCKETS);
        for (long i = 1; i <= steps; i++) {
            int slot = Math.floorMod(head + i, BUCKETS);
            totalValid -= valid[slot];
            totalInvalid -= invalid[slot];
            valid[slot] = 0;
            invalid[slot] = 0;
        }
        head = index;
    }
}
