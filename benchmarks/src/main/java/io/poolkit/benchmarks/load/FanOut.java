package io.poolkit.benchmarks.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When each connection received each job: for jobs first seen after every connection was ready (a broadcast
 * to all, e.g. a new block's clean job), how long the pool took from the first connection to the last.
 * Thread-safe: every client event loop reports arrivals at once.
 */
final class FanOut {
    /** Jobs tracked at most (a run is bounded in time; jobs beyond this are ignored). */
    private static final int MAX_JOBS = 4_096;
    /** Broadcast jobs whose every arrival is kept, for the median. */
    private static final int MAX_BROADCASTS = 256;

    /** One broadcast job's fan-out: recipients, and first → median and first → last in milliseconds. */
    record Job(String jobId, boolean clean, int recipients, double firstToMedianMillis, double firstToLastMillis,
               long firstNanos) {}

    private final int connections;
    private final Map<String, Arrivals> jobs = new ConcurrentHashMap<>();
    private volatile boolean broadcasting;
    private final AtomicInteger broadcasts = new AtomicInteger();

    FanOut(int connections) {
        this.connections = connections;
    }

    /** From now on, a newly seen job counts as a broadcast (call once every connection is ready). */
    void startTracking() {
        broadcasting = true;
    }

    /** From now on, a newly seen job is not tracked (the run phase is over; jobs already seen still count). */
    void stopTracking() {
        broadcasting = false;
    }

    /** Whether every broadcast job so far reached {@code recipients} connections. */
    boolean allReached(int recipients) {
        for (Arrivals a : jobs.values()) {
            if (a.broadcast && a.count() < recipients) {
                return false;
            }
        }
        return true;
    }

    /** Connection received job {@code jobId} at {@code nanos} ({@link System#nanoTime()}). */
    void arrived(String jobId, boolean clean, long nanos) {
        Arrivals job = jobs.get(jobId);
        if (job == null) {
            if (jobs.size() >= MAX_JOBS) {
                return;
            }
            job = jobs.computeIfAbsent(jobId, id -> {
                boolean keep = broadcasting && broadcasts.getAndIncrement() < MAX_BROADCASTS;
                return new Arrivals(id, clean, keep, keep ? connections : 0);
            });
        }
        job.add(nanos);
    }

    /** The broadcast jobs, in the order they were first seen. */
    List<Job> broadcastJobs() {
        List<Job> out = new ArrayList<>();
        for (Arrivals a : jobs.values()) {
            if (a.broadcast) {
                out.add(a.summary());
            }
        }
        out.sort(Comparator.comparingLong(Job::firstNanos));
        return out;
    }

    /** Arrivals of one job. Thread-safe (synchronized: a few per connection per job). */
    private static final class Arrivals {
        final String jobId;
        final boolean clean;
        final boolean broadcast;
        private final long[] times;
        private int count;
        private long first = Long.MAX_VALUE;
        private long last = Long.MIN_VALUE;

        Arrivals(String jobId, boolean clean, boolean broadcast, int capacity) {
            this.jobId = jobId;
            this.clean = clean;
            this.broadcast = broadcast;
            this.times = new long[capacity];
        }

        synchronized void add(long nanos) {
            if (count < times.length) {
                times[count] = nanos;
            }
            count++;
            first = Math.min(first, nanos);
            last = Math.max(last, nanos);
        }

        synchronized int count() {
            return count;
        }

        synchronized Job summary() {
            long[] sorted = Arrays.copyOf(times, Math.min(count, times.length));
            Arrays.sort(sorted);
            double median = sorted.length == 0 ? 0 : (sorted[(sorted.length - 1) / 2] - first) / 1e6;
            return new Job(jobId, clean, count, median, count == 0 ? 0 : (last - first) / 1e6, first);
        }
    }
}
