package io.poolkit.core.share;

import io.poolkit.core.chain.Target;
import io.poolkit.core.job.Job;
import java.util.Objects;

/**
 * One {@code mining.submit} being judged: what the miner sent, what its session negotiated, and after
 * {@link ShareValidator#validate} the measurements of the result.
 *
 * <p>Not thread-safe: each event loop owns one and refills it for every share, so the share path
 * allocates nothing. Hex parameters are parsed in place; a parameter that is not hex of the right size
 * marks the submission malformed instead of throwing.
 *
 * <pre>{@code
 * submission.begin(worker, jobId)
 *         .extranonce1(session.extranonce1())
 *         .extranonce2Hex(params.string(2)).nTimeHex(params.string(3)).nonceHex(params.string(4))
 *         .versionBitsHex(params.size() > 5 ? params.string(5) : null)
 *         .versionMask(session.versionMask())
 *         .shareTarget(session.target(), session.difficulty());
 * ShareOutcome outcome = validator.validate(submission);
 * }</pre>
 */
public final class Submission {
    /** The largest extranonce part this workspace holds, in bytes. */
    public static final int MAX_EXTRANONCE_BYTES = 16;

    private String worker = "";
    private String jobId = "";
    private final byte[] extranonce1 = new byte[MAX_EXTRANONCE_BYTES];
    private int extranonce1Length;
    private final byte[] extranonce2 = new byte[MAX_EXTRANONCE_BYTES];
    private int extranonce2Length;
    private int nTime;
    private int nonce;
    private int versionBits;
    private boolean hasVersionBits;
    private int versionMask;
    private boolean malformed;
    private Target shareTarget = Target.DIFFICULTY_1;
    private double shareDifficulty = 1;
    private Target previousShareTarget;
    private double previousShareDifficulty;
    private long previousTargetBeforeSequence;

    // Results, written by the validator.
    private Job job;
    private double creditedDifficulty;
    private double achievedDifficulty;
    private int blockVersion;
    private final byte[] hash = new byte[32];

    /**
     * Starts a new submission: forgets everything about the previous one and records the worker (as
     * authorised) and the job id as sent. Call first, then the other setters.
     */
    public Submission begin(String worker, String jobId) {
        this.worker = Objects.requireNonNull(worker, "worker");
        this.jobId = Objects.requireNonNull(jobId, "jobId");
        extranonce1Length = 0;
        extranonce2Length = 0;
        nTime = 0;
        nonce = 0;
        versionBits = 0;
        hasVersionBits = false;
        versionMask = 0;
        malformed = false;
        previousShareTarget = null;
        previousShareDifficulty = 0;
        previousTargetBeforeSequence = 0;
        clearResults();
        return this;
    }

    /** The session's extranonce1; copied. */
    public Submission extranonce1(byte[] extranonce1) {
        if (extranonce1.length > MAX_EXTRANONCE_BYTES) {
            throw new IllegalArgumentException("extranonce1 is at most 16 bytes: " + extranonce1.length);
        }
        System.arraycopy(extranonce1, 0, this.extranonce1, 0, extranonce1.length);
        this.extranonce1Length = extranonce1.length;
        return this;
    }

    /** The miner's extranonce2 as sent (hex); its length is checked against the job by the validator. */
    public Submission extranonce2Hex(CharSequence hex) {
        int length = hex == null ? -1 : hex.length();
        if (length < 0 || (length & 1) != 0 || length / 2 > MAX_EXTRANONCE_BYTES) {
            malformed = true;
            extranonce2Length = 0;
            return this;
        }
        for (int i = 0; i < length / 2; i++) {
            int high = Character.digit(hex.charAt(2 * i), 16);
            int low = Character.digit(hex.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0) {
                malformed = true;
                return this;
            }
            extranonce2[i] = (byte) (high << 4 | low);
        }
        extranonce2Length = length / 2;
        return this;
    }

    /** The block time as sent: 8 hex digits, big-endian. */
    public Submission nTimeHex(CharSequence hex) {
        long parsed = parseWord(hex);
        malformed |= parsed < 0;
        nTime = (int) parsed;
        return this;
    }

    /** The nonce as sent: 8 hex digits, big-endian. */
    public Submission nonceHex(CharSequence hex) {
        long parsed = parseWord(hex);
        malformed |= parsed < 0;
        nonce = (int) parsed;
        return this;
    }

    /** The rolled version bits (BIP 310) as sent, or {@code null} when the miner sent none. */
    public Submission versionBitsHex(CharSequence hex) {
        if (hex == null) {
            hasVersionBits = false;
            versionBits = 0;
            return this;
        }
        long parsed = parseWord(hex);
        malformed |= parsed < 0;
        hasVersionBits = true;
        versionBits = (int) parsed;
        return this;
    }

    /** The version-rolling mask the session negotiated (0 when it did not). */
    public Submission versionMask(int mask) {
        this.versionMask = mask;
        return this;
    }

    /** The session's current share target and the difficulty it stands for. */
    public Submission shareTarget(Target target, double difficulty) {
        this.shareTarget = Objects.requireNonNull(target, "target");
        this.shareDifficulty = difficulty;
        return this;
    }

    /**
     * The session's share target before its last difficulty change, which still applies to jobs with a
     * sequence below {@code beforeJobSequence} (jobs sent before the change): such shares are judged at the
     * easier of the two targets. Pass {@code null} when there was no change.
     */
    public Submission previousShareTarget(Target target, double difficulty, long beforeJobSequence) {
        this.previousShareTarget = target;
        this.previousShareDifficulty = difficulty;
        this.previousTargetBeforeSequence = beforeJobSequence;
        return this;
    }

    public String worker() {
        return worker;
    }

    public String jobId() {
        return jobId;
    }

    public int extranonce1Length() {
        return extranonce1Length;
    }

    /** Copies the extranonce1 bytes into {@code destination}; allocates nothing. */
    public void copyExtranonce1(byte[] destination, int offset) {
        System.arraycopy(extranonce1, 0, destination, offset, extranonce1Length);
    }

    public int extranonce2Length() {
        return extranonce2Length;
    }

    /** Copies the extranonce2 bytes into {@code destination}; allocates nothing. */
    public void copyExtranonce2(byte[] destination, int offset) {
        System.arraycopy(extranonce2, 0, destination, offset, extranonce2Length);
    }

    /** The first 8 bytes of extranonce2 as a big-endian number (for de-duplication keys). */
    public long extranonce2Prefix() {
        long value = 0;
        for (int i = 0; i < Math.min(8, extranonce2Length); i++) {
            value = value << 8 | (extranonce2[i] & 0xff);
        }
        return value;
    }

    public int nTime() {
        return nTime;
    }

    public int nonce() {
        return nonce;
    }

    public boolean hasVersionBits() {
        return hasVersionBits;
    }

    public int versionBits() {
        return versionBits;
    }

    public int versionMask() {
        return versionMask;
    }

    /** Whether some parameter was not hex of the right size. */
    public boolean isMalformed() {
        return malformed;
    }

    public Target shareTarget() {
        return shareTarget;
    }

    public double shareDifficulty() {
        return shareDifficulty;
    }

    /** The previous share target, or {@code null}. */
    public Target previousShareTarget() {
        return previousShareTarget;
    }

    public double previousShareDifficulty() {
        return previousShareDifficulty;
    }

    public long previousTargetBeforeSequence() {
        return previousTargetBeforeSequence;
    }

    /** The job the submission matched, after validation; {@code null} when none matched. */
    public Job job() {
        return job;
    }

    /** The difficulty the share is credited at, after an accepted validation. */
    public double creditedDifficulty() {
        return creditedDifficulty;
    }

    /** The difficulty the share's hash actually reached, after validation found a job. */
    public double achievedDifficulty() {
        return achievedDifficulty;
    }

    /** The block version the header was hashed with (job version with the rolled bits applied). */
    public int blockVersion() {
        return blockVersion;
    }

    /** Copies the header hash (internal byte order) into {@code destination}; allocates nothing. */
    public void copyHash(byte[] destination, int offset) {
        System.arraycopy(hash, 0, destination, offset, hash.length);
    }

    // The validator's side.

    void clearResults() {
        job = null;
        creditedDifficulty = 0;
        achievedDifficulty = 0;
        blockVersion = 0;
    }

    void recordJob(Job job, int blockVersion) {
        this.job = job;
        this.blockVersion = blockVersion;
    }

    void recordDifficulties(double credited, double achieved) {
        this.creditedDifficulty = credited;
        this.achievedDifficulty = achieved;
    }

    /** The validator's buffer for the header hash. */
    byte[] hashBuffer() {
        return hash;
    }

    /** 8 hex digits as an unsigned 32-bit value, or -1 when not exactly that. */
    private static long parseWord(CharSequence hex) {
        if (hex == null || hex.length() != 8) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < 8; i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }
}
