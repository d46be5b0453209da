package io.poolkit.stratum.server;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.poolkit.core.job.Job;
import io.poolkit.core.share.Submission;
import java.util.Arrays;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sessions of one event loop share: the loop itself, the {@link Submission} workspace every
 * share on this loop is judged in, the newest job and its encoded {@code mining.notify}, and the list of
 * the loop's sessions that job fan-out and the timeout sweep walk.
 *
 * <p>Not thread-safe: confined to its event loop (the executor), except {@link #executor} itself.
 */
final class LoopState {
    private static final Logger LOG = LoggerFactory.getLogger(LoopState.class);

    final Executor executor;
    final Submission submission = new Submission();
    /** Scratch for the session's extranonce1 bytes (allocator size), copied into the submission. */
    final byte[] extranonce1;

    private SessionHandler[] sessions = new SessionHandler[16];
    private int count;

    private Job currentJob;
    /** The current job's encoded notify; this loop owns one reference. */
    private ByteBuf currentNotify;
    ScheduledFuture<?> sweep;
    /** Where the next sweep tick starts (see {@link ServerCore#sweep}). */
    int sweepCursor;

    LoopState(Executor executor, int extranonce1Size) {
        this.executor = executor;
        this.extranonce1 = new byte[extranonce1Size];
    }

    void add(SessionHandler handler) {
        if (count == sessions.length) {
            sessions = Arrays.copyOf(sessions, count * 2);
        }
        handler.index = count;
        sessions[count++] = handler;
    }

    void remove(SessionHandler handler) {
        int index = handler.index;
        if (index < 0 || index >= count || sessions[index] != handler) {
            return;
        }
        SessionHandler last = sessions[--count];
        sessions[index] = last;
        last.index = index;
        sessions[count] = null;
        handler.index = -1;
        if (sessions.length > 64 && count < sessions.length / 4) {
            sessions = Arrays.copyOf(sessions, sessions.length / 2);
        }
    }

    int sessionCount() {
        return count;
    }

    /** The session at {@code index} (0 ≤ index < {@link #sessionCount()}). */
    SessionHandler session(int index) {
        return sessions[index];
    }

    Job currentJob() {
        return currentJob;
    }

    ByteBuf currentNotify() {
        return currentNotify;
    }

    /**
     * Makes {@code job} current and sends it to every subscribed session of this loop; a job no newer than
     * the current one is ignored. Takes over one reference of {@code notify}. Walks the sessions from the end, so one that closes during the walk
     * (and is swapped out of the list) neither stops the walk nor gets the job twice.
     */
    void fanOut(Job job, ByteBuf notify) {
        if (currentJob != null && job.sequence() <= currentJob.sequence()) {
            notify.release(); // already here (a loop made while the job was being published gets it twice)
            return;
        }
        ByteBuf previous = currentNotify;
        currentJob = job;
        currentNotify = notify;
        if (previous != null) {
            previous.release();
        }
        long start = System.nanoTime();
        int sent = 0;
        for (int i = count - 1; i >= 0; i--) {
            if (i < count && sessions[i].sendJob(job, notify)) {
                sent++;
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("job {} sent to {} sessions in {} µs", job.id(), sent, (System.nanoTime() - start) / 1000);
        }
    }

    /** Releases the current notify; the loop holds no buffer afterwards. */
    void releaseJob() {
        if (currentNotify != null) {
            currentNotify.release();
            currentNotify = null;
        }
        currentJob = null;
    }
}
