package io.poolkit.examples;

import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import io.poolkit.core.share.ShareSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * An in-memory {@link ShareSink} for live figures: accepted shares per second over the last hour (for the
 * pool's hash rate on the console, in {@code /metrics} and for retargeting the demo chain), and when each
 * worker last sent a share (miners and workers online). The ledger stays the record; this is display.
 *
 * <p>Thread-safe and non-blocking: called from every event loop. Hash rate is {@code double}: display only.
 */
final class ShareMeter implements ShareSink {
    /** 2<sup>32</sup>: hashes per unit of share difficulty. */
    static final double HASHES_PER_DIFFICULTY = 4_294_967_296.0;
    private static final int SECONDS = 3600;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Clock clock;
    private final Instant started;
    private final Bucket[] buckets = new Bucket[SECONDS];
    private final LongAdder total = new LongAdder();
    private final LongAdder blocks = new LongAdder();
    private final AtomicReference<FoundBlock> lastBlock = new AtomicReference<>();
    /** account → worker → last share, epoch millis. */
    private final Map<String, Map<String, Long>> lastShare = new ConcurrentHashMap<>();

    ShareMeter(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
        for (int i = 0; i < SECONDS; i++) {
            buckets[i] = new Bucket();
        }
    }

    @Override
    public CompletableFuture<Void> accept(Share share) {
        long now = clock.millis();
        long second = now / 1000;
        Bucket b = buckets[(int) (second % SECONDS)];
        if (b.second != second) {
            synchronized (b) {
                if (b.second != second) {
                    b.count = 0;
                    b.difficulty = 0;
                    b.second = second;
                }
            }
        }
        synchronized (b) {
            b.count++;
            b.difficulty += share.difficulty();
        }
        total.increment();
        lastShare.computeIfAbsent(share.account(), a -> new ConcurrentHashMap<>()).put(share.worker(), now);
        return DONE;
    }

    @Override
    public CompletableFuture<Void> blockFound(FoundBlock block) {
        blocks.increment();
        lastBlock.set(block);
        return DONE;
    }

    /** Shares this meter took since start. */
    long totalShares() {
        return total.sum();
    }

    /** Blocks found since start. */
    long blocksFound() {
        return blocks.sum();
    }

    /** The last block found since start, or null. */
    FoundBlock lastBlock() {
        return lastBlock.get();
    }

    /**
     * Hashes per second over the last {@code window} (at most an hour): accepted difficulty × 2<sup>32</sup> /
     * the window's seconds, as the HTTP API computes it from the ledger.
     */
    double hashrate(Duration window) {
        return hashrate(window, false);
    }

    /**
     * As {@link #hashrate}, but over no more than the time since start, so the figure is right from the first
     * minute (the console's status line and the demo chain's retargeting use it).
     */
    double recentHashrate(Duration window) {
        return hashrate(window, true);
    }

    private double hashrate(Duration window, boolean sinceStart) {
        long now = clock.millis();
        long seconds = Math.max(1, Math.min(window.toSeconds(), SECONDS - 1));
        if (sinceStart) {
            seconds = Math.max(1, Math.min(seconds, Duration.between(started, Instant.ofEpochMilli(now)).toSeconds()));
        }
        long current = now / 1000;
        double sum = 0;
        for (long s = current - seconds + 1; s <= current; s++) {
            Bucket b = buckets[(int) (s % SECONDS)];
            synchronized (b) {
                if (b.second == s) {
                    sum += b.difficulty;
                }
            }
        }
        return sum * HASHES_PER_DIFFICULTY / seconds;
    }

    /** Accounts with a share in the last {@code window}. */
    int miners(Duration window) {
        long since = clock.millis() - window.toMillis();
        int n = 0;
        for (Map<String, Long> workers : lastShare.values()) {
            if (workers.values().stream().anyMatch(t -> t >= since)) {
                n++;
            }
        }
        return n;
    }

    /** Workers with a share in the last {@code window}. */
    int workers(Duration window) {
        long since = clock.millis() - window.toMillis();
        int n = 0;
        for (Map<String, Long> workers : lastShare.values()) {
            n += (int) workers.values().stream().filter(t -> t >= since).count();
        }
        return n;
    }

    /** The account's workers and when each last sent a share, by name. */
    Map<String, Instant> workersOf(String account) {
        Map<String, Instant> out = new TreeMap<>();
        Map<String, Long> workers = lastShare.get(account);
        if (workers != null) {
            workers.forEach((w, t) -> out.put(w, Instant.ofEpochMilli(t)));
        }
        return out;
    }

    /** One second's accepted shares; guarded by itself. */
    private static final class Bucket {
        long second = -1;
        long count;
        double difficulty;
    }
}
