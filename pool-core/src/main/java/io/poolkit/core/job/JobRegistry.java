package io.poolkit.core.job;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live jobs by id: what a share names in {@code mining.submit} is looked up here.
 *
 * <pre>{@code
 * JobRegistry registry = new JobRegistry();
 * registry.register(job);                                   // the job source's thread
 * JobRegistry.Entry entry = registry.lookup(jobId);         // any event loop
 * if (entry == null) { ...job not found... } else if (entry.isStale()) { ...stale... }
 * }</pre>
 *
 * <p>Rules: a clean job (a new tip) makes every job registered before it stale; stale jobs stay in the
 * registry until evicted, so a late share is told "stale" rather than "not found". The registry holds at
 * most {@link #maxJobs()} jobs; registering one more evicts the oldest. {@link #invalidateAll()} marks
 * every job stale (the node went away and cannot vouch for them).
 *
 * <p>Each entry carries its job's memory of accepted shares (for de-duplication): up to
 * {@link #sharesPerJob()} fingerprints in a table whose first 65,536 slots (1 MiB) are allocated when the job
 * is registered and which doubles beyond that as shares arrive, at most 16 bytes a share. When a job's table is full, further new shares on it are refused
 * ({@link Seen#FULL}) rather than left unchecked, so no share is ever credited twice; size it above the
 * shares a job receives in its lifetime (share rate × job lifetime, stale period included).
 *
 * <p>Thread-safe: written by one thread at a time (the job source's), read by every event loop.
 * {@link #lookup} allocates nothing beyond the map read.
 */
public final class JobRegistry {
    /** Default bound on the jobs held, live and stale. */
    public static final int DEFAULT_MAX_JOBS = 16;
    /** Default number of accepted shares each job remembers for de-duplication. */
    public static final int DEFAULT_SHARES_PER_JOB = 1 << 22;

    private final int maxJobs;
    private final int sharesPerJob;
    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    /** Oldest first; guarded by {@code this}. */
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private volatile Entry current;

    /** A registry with {@link #DEFAULT_MAX_JOBS} and {@link #DEFAULT_SHARES_PER_JOB}. */
    public JobRegistry() {
        this(DEFAULT_MAX_JOBS, DEFAULT_SHARES_PER_JOB);
    }

    /**
     * A registry holding at most {@code maxJobs} jobs (at least 2, so a clean job's predecessor can be
     * reported stale), each remembering up to {@code sharesPerJob} accepted shares.
     */
    public JobRegistry(int maxJobs, int sharesPerJob) {
        if (maxJobs < 2 || maxJobs > 4096) {
            throw new IllegalArgumentException("maxJobs must be 2..4096: " + maxJobs);
        }
        if (sharesPerJob < 1 || sharesPerJob > 1 << 26) {
            throw new IllegalArgumentException("sharesPerJob must be 1..67108864: " + sharesPerJob);
        }
        this.maxJobs = maxJobs;
        this.sharesPerJob = sharesPerJob;
    }

    /**
     * Adds {@code job} as the current job. A clean job marks every earlier job stale; the oldest job is
     * evicted when the registry is full.
     *
     * @throws IllegalArgumentException when a job with the same id is registered already
     */
    public synchronized void register(Job job) {
        Objects.requireNonNull(job, "job");
        Entry entry = new Entry(job, new FingerprintTable(sharesPerJob));
        if (byId.putIfAbsent(job.id(), entry) != null) {
            throw new IllegalArgumentException("job " + job.id() + " is registered already");
        }
        if (job.cleanJobs()) {
            for (Entry older : order) {
                older.stale = true;
            }
        }
        order.addLast(entry);
        while (order.size() > maxJobs) {
            Entry evicted = order.removeFirst();
            byId.remove(evicted.job.id(), evicted);
        }
        current = entry;
    }

    /** The entry for {@code jobId}, or {@code null} when no such job is held (never was, or evicted). */
    public Entry lookup(String jobId) {
        return jobId == null ? null : byId.get(jobId);
    }

    /** The newest job, or {@code null} before the first; it may be stale after {@link #invalidateAll()}. */
    public Job current() {
        Entry entry = current;
        return entry == null ? null : entry.job;
    }

    /** Whether the newest job can still be worked on: there is one and it is not stale. */
    public boolean hasLiveJob() {
        Entry entry = current;
        return entry != null && !entry.stale;
    }

    /** Marks every held job stale: the chain behind them is gone (the node went away). */
    public synchronized void invalidateAll() {
        for (Entry entry : order) {
            entry.stale = true;
        }
    }

    /** The number of jobs held, live and stale. */
    public int size() {
        return byId.size();
    }

    public int maxJobs() {
        return maxJobs;
    }

    public int sharesPerJob() {
        return sharesPerJob;
    }

    /** What {@link Entry#markSeen} found. */
    public enum Seen {
        /** Not seen before; now remembered. */
        FIRST,
        /** Seen before: a duplicate. */
        DUPLICATE,
        /** Not seen before, but the job's table is full: refuse the share. */
        FULL
    }

    /**
     * One held job: the job, whether it is stale, and its memory of accepted shares. Thread-safe.
     */
    public static final class Entry {
        private final Job job;
        private final FingerprintTable seen;
        private volatile boolean stale;

        Entry(Job job, FingerprintTable seen) {
            this.job = job;
            this.seen = seen;
        }

        public Job job() {
            return job;
        }

        /** True once a newer clean job (or {@link JobRegistry#invalidateAll()}) made this job stale. */
        public boolean isStale() {
            return stale;
        }

        /**
         * Remembers an accepted share by its fingerprint (a 64-bit value determined by exactly the fields
         * that make shares on one job distinct, such as the low 8 bytes of its header hash) and says whether
         * it was seen before. Atomic: of two threads marking the same fingerprint, one gets
         * {@link Seen#FIRST}. Allocates nothing.
         */
        public Seen markSeen(long fingerprint) {
            return seen.add(fingerprint);
        }

        /** Whether a share with {@code fingerprint} was marked seen. Allocates nothing. */
        public boolean hasSeen(long fingerprint) {
            return seen.contains(fingerprint);
        }

        /** The number of shares marked seen. */
        public int sharesSeen() {
            return seen.size();
        }

        @Override
        public String toString() {
            return "JobRegistry.Entry[" + job + (stale ? " stale" : "") + "]";
        }
    }
}
