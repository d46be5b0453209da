package io.poolkit.benchmarks.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The counters of one run, updated by every client event loop at once: shares sent, answers (accepted, or
 * rejected by Stratum code and message), requests that failed without an answer, and the latency of each
 * answer. Thread-safe.
 */
final class LoadStats {
    /** Latencies above this are recorded as this (a request times out long before). */
    private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** A rejection's code and the pool's message. */
    record Reason(int code, String message) implements Comparable<Reason> {
        @Override
        public int compareTo(Reason other) {
            int byCode = Integer.compare(code, other.code);
            return byCode != 0 ? byCode : message.compareTo(other.message);
        }

        @Override
        public String toString() {
            return code + " " + message;
        }
    }

    final LongAdder sent = new LongAdder();
    final LongAdder responses = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    /** Submits that failed without an answer: timed out, or the connection closed first. */
    final LongAdder errors = new LongAdder();
    /** Shares the rate mode could not send because every connection had its maximum in flight. */
    final LongAdder rateBacklog = new LongAdder();
    private final Map<Reason, LongAdder> reasons = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(MAX_LATENCY_NANOS, 3);

    void answered(long latencyNanos) {
        responses.increment();
        latency.recordValue(Math.min(Math.max(latencyNanos, 0), MAX_LATENCY_NANOS));
    }

    void rejected(int code, String message) {
        rejected.increment();
        reasons.computeIfAbsent(new Reason(code, message == null ? "" : message), r -> new LongAdder()).increment();
    }

    void failed(String kind) {
        errors.increment();
        errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Rejections by reason, in code order. */
    Map<Reason, Long> reasons() {
        Map<Reason, Long> out = new TreeMap<>();
        reasons.forEach((reason, count) -> out.put(reason, count.sum()));
        return out;
    }

    /** Failed submits by kind (timeout, connection closed, ...). */
    Map<String, Long> errorKinds() {
        Map<String, Long> out = new TreeMap<>();
        errorKinds.forEach((kind, count) -> out.put(kind, count.sum()));
        return out;
    }

    /** Every latency recorded since the last call (call once, at the end of a run). */
    Histogram latencies() {
        return latency.getIntervalHistogram();
    }
}
