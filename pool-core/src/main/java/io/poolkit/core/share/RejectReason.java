package io.poolkit.core.share;

/**
 * Why a submission was refused, with the Stratum error code and message miners see. The one place that
 * maps a reason to its de-facto code (20 other, 21 job not found, 22 duplicate, 23 low difficulty, 24
 * unauthorised worker, 25 not subscribed).
 */
public enum RejectReason {
    JOB_NOT_FOUND(21, "Job not found"),
    STALE(21, "Stale share: the job is from an earlier block"),
    MALFORMED(20, "Malformed share: parameters are not hex of the right size"),
    EXTRANONCE2_SIZE(20, "Invalid extranonce2 size"),
    NTIME_OUT_OF_RANGE(20, "nTime out of range"),
    VERSION_OUTSIDE_MASK(20, "Version bits outside the negotiated mask"),
    DUPLICATE(22, "Duplicate share"),
    /** The job's de-duplication memory is full, so it takes no new shares (see {@code JobRegistry}). */
    JOB_SHARE_LIMIT(21, "Too many shares on this job; work on a newer job"),
    LOW_DIFFICULTY(23, "Low difficulty share"),
    UNAUTHORIZED_WORKER(24, "Unauthorized worker"),
    NOT_SUBSCRIBED(25, "Not subscribed"),
    RATE_LIMITED(20, "Too many submissions"),
    NOT_RECORDED(20, "Share could not be recorded; try again");

    private final int stratumCode;
    private final String message;

    RejectReason(int stratumCode, String message) {
        this.stratumCode = stratumCode;
        this.message = message;
    }

    /** The Stratum error code sent in {@code [code, message, null]}. */
    public int stratumCode() {
        return stratumCode;
    }

    /** The message sent to the miner. */
    public String message() {
        return message;
    }
}
