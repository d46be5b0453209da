package io.poolkit.core.share;

/**
 * Judges a miner's submission against its job and the session's targets.
 *
 * <p>Called on the event loop that read the submission; implementations are thread-safe, never block,
 * and never throw for a miner's bad input (that is a {@link ShareOutcome.Rejected}).
 */
public interface ShareValidator {

    /**
     * Judges {@code submission} and records the measurements of an accepted share in it (credited and
     * achieved difficulty, the matched job, the header hash).
     */
    ShareOutcome validate(Submission submission);
}
