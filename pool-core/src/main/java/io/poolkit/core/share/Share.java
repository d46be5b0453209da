package io.poolkit.core.share;

import java.time.Instant;
import java.util.Objects;

/**
 * An accepted share: what the pool credits a miner for, handed to every {@link ShareSink}.
 *
 * <p>{@code difficulty} is the difficulty the share is credited at (the session's share target, or the
 * easier of two across a difficulty change), not the difficulty its hash happened to reach. The job
 * fields ({@code height}, {@code networkDifficulty}, {@code subsidySats}, {@code feesSats}) describe the
 * template the share was mined on, so per-share schemes (PPS, FPPS) price it without asking anyone.
 *
 * @param account           who is paid: the payout address (or account name) from {@code mining.authorize}
 * @param worker            the worker's name, as authorised (e.g. {@code bc1q….rig7}); never null
 * @param difficulty        credited share difficulty, {@code > 0}; may be below 1
 * @param networkDifficulty the block's difficulty at the time of the job, {@code > 0}
 * @param height            height of the block the job would have made
 * @param subsidySats       block subsidy of that job in satoshis
 * @param feesSats          transaction fees of that job's template in satoshis
 * @param time              when the share was accepted
 */
public record Share(String account, String worker, double difficulty, double networkDifficulty, long height,
                    long subsidySats, long feesSats, Instant time) {

    public Share {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(time, "time");
        if (!(difficulty > 0) || Double.isInfinite(difficulty)) {
            throw new IllegalArgumentException("share difficulty must be positive and finite: " + difficulty);
        }
        if (!(networkDifficulty > 0) || Double.isInfinite(networkDifficulty)) {
            throw new IllegalArgumentException("network difficulty must be positive and finite: " + networkDifficulty);
        }
        if (height < 0 || subsidySats < 0 || feesSats < 0) {
            throw new IllegalArgumentException(
                    "height, subsidy and fees must be >= 0: " + height + ", " + subsidySats + ", " + feesSats);
        }
    }
}
