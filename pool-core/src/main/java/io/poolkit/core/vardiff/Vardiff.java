package io.poolkit.core.vardiff;

import java.util.Objects;

/**
 * One worker's variable difficulty: watches its accepted shares and says when to send a new difficulty,
 * so it submits about one share per {@link VardiffSettings#targetShareInterval()} whatever its hashrate.
 *
 * <pre>{@code
 * Vardiff vardiff = new Vardiff(settings, System.nanoTime());       // at subscribe
 * double next = vardiff.onShare(System.nanoTime(), submission.creditedDifficulty());
 * if (next != Vardiff.UNCHANGED) { session.setDifficulty(next); }  // mining.set_difficulty
 * double quiet = vardiff.onTick(System.nanoTime());                  // from a timer, e.g. every second
 * }</pre>
 *
 * <p>How it decides. The worker's hashrate is estimated from the work it proved since the difficulty last
 * changed: the sum of its shares' credited difficulties over the time elapsed (shares credited at an old
 * difficulty count at that difficulty, so the estimate does not care when the miner applies a change). The
 * ideal difficulty is that rate times the target interval. The estimate is looked at every
 * {@link VardiffSettings#retargetPeriod()} (from a share or from {@link #onTick}) and after every
 * {@link VardiffSettings#retargetShares()} shares, whichever comes first, and the difficulty moves to the
 * ideal when both hold:
 * <ul>
 * <li>the ideal is outside the tolerance band, {@code ±}{@link VardiffSettings#tolerance()} of the current
 *     difficulty, and
 * <li>the estimate is sure enough of it: from n shares a rate is known to about ±1/√n, so the deviation
 *     must also exceed two of those ({@code |ln(ideal / current)| > 2 / √n}). A fresh worker that floods
 *     shares moves after its first few (a large jump is plain from few shares: fast ramp-up), while a
 *     steady worker's ordinary luck does not move it.
 * </ul>
 * While nothing changes the estimate keeps gathering shares, so it sharpens; once it spans more than 20
 * retarget periods, its older half is let go (work and time halved), so it still follows a worker whose
 * hashrate changed. A worker that goes quiet is lowered: a look with no share since the last change
 * treats it as if one share had just arrived (so each silent retarget period divides the difficulty by
 * the period over the target interval), and a silence of more than eight share intervals the estimate
 * expects (a chance of e<sup>-8</sup> for an unchanged worker) is judged on its own, not diluted by the
 * shares before it. Looks that end a retarget period are timed by the period, not by a share, so the
 * estimate is not biased by the share that happened to trigger it.
 *
 * <p>The new difficulty is clamped to [{@link VardiffSettings#minDifficulty()} or the worker's
 * {@link #suggestDifficulty suggested floor}, whichever is higher; {@link VardiffSettings#maxDifficulty()}],
 * and rounded down to a power of two when {@link VardiffSettings#powerOfTwo()} is set (so shares then come
 * up to twice as often as the target). Difficulties are doubles and may be fractional and below 1.
 *
 * <p>Time is whatever monotonic nanosecond clock the caller passes ({@link System#nanoTime()}, or a
 * simulated one), always the same one for a given worker.
 *
 * <p>Not thread-safe: confine to the session's event loop. Allocates nothing after construction.
 */
public final class Vardiff {
    /** What the methods return when the difficulty stays as it is (difficulties are always positive). */
    public static final double UNCHANGED = 0;

    /** How many standard errors an estimate must be off before it moves the difficulty. */
    private static final double CONFIDENCE = 2.0;
    /** An estimate older than this many retarget periods forgets its older half. */
    private static final int WINDOW_PERIODS = 20;
    /** Silence longer than this many expected share intervals means the worker slowed down. */
    private static final double QUIET_INTERVALS = 8;

    private final VardiffSettings settings;
    private final double targetIntervalSeconds;
    private final long periodNanos;

    private double difficulty;
    private double floor;

    // The estimate: work (sum of credited difficulty) and shares since windowStart.
    private long windowStart;
    private long lastShare;
    private double windowWork;
    private double windowShares;

    // When the last look was taken, and shares since.
    private long lastLook;
    private int sharesSinceLook;

    /** A worker starting now at the settings' initial difficulty. */
    public Vardiff(VardiffSettings settings, long nowNanos) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.targetIntervalSeconds = settings.targetIntervalNanos() / 1e9;
        this.periodNanos = settings.retargetPeriodNanos();
        this.difficulty = settings.initialDifficulty();
        this.floor = settings.minDifficulty();
        restart(nowNanos);
    }

    /** The difficulty currently set for this worker. */
    public double difficulty() {
        return difficulty;
    }

    /** The lowest difficulty vardiff may set: the minimum, or the worker's suggestion if higher. */
    public double floor() {
        return floor;
    }

    public VardiffSettings settings() {
        return settings;
    }

    /** {@link #onShare(long, double)} for a share credited at the current difficulty. */
    public double onShare(long nowNanos) {
        return onShare(nowNanos, difficulty);
    }

    /**
     * An accepted share arrived, credited at {@code creditedDifficulty} (from the validator: it is the
     * previous difficulty for a share on a job sent before the last change). Returns the new difficulty to
     * send, or {@link #UNCHANGED}.
     */
    public double onShare(long nowNanos, double creditedDifficulty) {
        double credited = creditedDifficulty > 0 && creditedDifficulty < Double.POSITIVE_INFINITY
                ? creditedDifficulty : difficulty;
        double next = UNCHANGED;
        if (nowNanos - lastLook >= periodNanos) {
            // The period ran out before this share came (no tick in between): judge the window as it stood
            // when it ran out. Its end then does not depend on the shares, so the estimate is unbiased.
            next = look(lastLook + periodNanos);
        } else if (sharesSinceLook + 1 >= settings.retargetShares()) {
            // This share ends a look: the shares before it, over the time to it, estimate the rate unbiased.
            next = look(nowNanos);
        } else {
            sharesSinceLook++;
        }
        lastShare = nowNanos;
        if (nowNanos > windowStart) {
            // Not for a look that just restarted the window at this share: a window opened by an arrival
            // and counting it would overstate the rate.
            windowWork += credited;
            windowShares++;
        }
        return next;
    }

    /**
     * A timer tick: looks at the worker if the retarget period has run out without a share, so a worker
     * that went quiet is lowered. Returns the new difficulty to send, or {@link #UNCHANGED}. Call it
     * regularly (every second or few); it does nothing in between.
     */
    public double onTick(long nowNanos) {
        if (nowNanos - lastLook < periodNanos) {
            return UNCHANGED;
        }
        return look(nowNanos);
    }

    /**
     * The worker asked for a difficulty ({@code mining.suggest_difficulty}, or {@code mining.configure}'s
     * minimum difficulty): it becomes the floor below which vardiff does not go, clamped to the settings'
     * bounds (and rounded up to a power of two when those are required). When the current difficulty is
     * below the new floor, it is raised to it at once and returned; otherwise {@link #UNCHANGED}. A
     * suggestion that is not a positive finite number is ignored.
     */
    public double suggestDifficulty(double suggested, long nowNanos) {
        if (!(suggested > 0) || Double.isInfinite(suggested)) {
            return UNCHANGED;
        }
        double clamped = Math.min(Math.max(suggested, settings.minDifficulty()), settings.maxDifficulty());
        if (settings.powerOfTwo()) {
            clamped = Math.min(powerOfTwoAtLeast(clamped), settings.maxDifficulty());
        }
        floor = clamped;
        if (difficulty >= floor) {
            return UNCHANGED;
        }
        difficulty = floor;
        restart(nowNanos);
        return difficulty;
    }

    /** Takes a look at time {@code at}; returns the new difficulty or {@link #UNCHANGED}. */
    private double look(long at) {
        lastLook = at;
        sharesSinceLook = 0;
        double seconds = Math.max(at - windowStart, 1) / 1e9;
        double silence = Math.max(at - lastShare, 1) / 1e9;
        double ideal;
        double shares;
        if (windowShares == 0) {
            ideal = difficulty * targetIntervalSeconds / seconds; // as if one share had just come
            shares = 0;
        } else if (at - lastShare >= periodNanos
                && silence > QUIET_INTERVALS * difficulty * seconds / windowWork) {
            // Far longer without a share than the estimate expects (chance e^-8): the worker slowed down,
            // and the window's older shares would hide it for minutes. Judge by the silence alone.
            ideal = difficulty * targetIntervalSeconds / silence;
            shares = 0;
        } else {
            ideal = windowWork / seconds * targetIntervalSeconds;
            shares = windowShares;
        }
        double deviation = Math.abs(Math.log(ideal / difficulty));
        boolean outsideBand = ideal > difficulty * (1 + settings.tolerance())
                || ideal < difficulty * (1 - settings.tolerance());
        boolean sure = shares == 0 || deviation > CONFIDENCE / Math.sqrt(shares);
        if (outsideBand && sure) {
            double next = bounded(ideal);
            if (next != difficulty) {
                difficulty = next;
                restart(at);
                return next;
            }
        }
        if (at - windowStart > WINDOW_PERIODS * periodNanos) {
            long half = (at - windowStart) / 2;
            windowStart += half;
            windowWork /= 2;
            windowShares /= 2;
        }
        return UNCHANGED;
    }

    private double bounded(double ideal) {
        double next = Math.min(Math.max(ideal, floor), settings.maxDifficulty());
        if (settings.powerOfTwo()) {
            next = Math.max(powerOfTwoAtMost(next), floor); // the floor is a power of two then
        }
        return next;
    }

    private void restart(long nowNanos) {
        windowStart = nowNanos;
        lastShare = nowNanos;
        windowWork = 0;
        windowShares = 0;
        lastLook = nowNanos;
        sharesSinceLook = 0;
    }

    /** The largest power of two not above {@code value} (a positive, finite double). */
    static double powerOfTwoAtMost(double value) {
        return Math.scalb(1.0, Math.getExponent(value));
    }

    /** The smallest power of two not below {@code value}. */
    static double powerOfTwoAtLeast(double value) {
        double down = powerOfTwoAtMost(value);
        return down == value ? value : 2 * down;
    }
}
