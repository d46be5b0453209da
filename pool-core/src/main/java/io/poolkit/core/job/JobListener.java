package io.poolkit.core.job;

/**
 * Receives the jobs a {@link JobDispatcher} publishes: the Stratum server subscribes to send
 * {@code mining.notify}.
 *
 * <p>Calls come from the job source's thread, one at a time; implementations hand the work to their own
 * threads (event loops) and return quickly.
 */
public interface JobListener {

    /** A new job, already registered in the {@link JobRegistry}, so shares on it are accepted from now on. */
    void onJob(Job job);

    /**
     * Every earlier job became stale without a replacement (the node went away): stop sending work until
     * the next {@link #onJob}. The default does nothing.
     */
    default void onJobsInvalidated(String reason) {
    }
}
