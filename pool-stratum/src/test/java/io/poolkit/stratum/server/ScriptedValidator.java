package io.poolkit.stratum.server;

import io.poolkit.core.share.RejectReason;
import io.poolkit.core.share.ShareOutcome;
import io.poolkit.core.share.ShareValidator;
import io.poolkit.core.share.Submission;
import java.util.ArrayList;
import java.util.List;

/**
 * A validator that rejects every share with a chosen reason and records what the session filled in, to
 * check the session's side of the share path without hashing.
 */
final class ScriptedValidator implements ShareValidator {
    /** What a session put into the submission. */
    record Seen(String worker, String jobId, int extranonce1Length, int extranonce2Length, boolean malformed,
                boolean hasVersionBits, int versionBits, int versionMask, double shareDifficulty,
                double previousShareDifficulty, long previousTargetBeforeSequence) {}

    final List<Seen> seen = new ArrayList<>();
    RejectReason reason = RejectReason.LOW_DIFFICULTY;

    @Override
    public ShareOutcome validate(Submission s) {
        seen.add(new Seen(s.worker(), s.jobId(), s.extranonce1Length(), s.extranonce2Length(), s.isMalformed(),
                s.hasVersionBits(), s.versionBits(), s.versionMask(), s.shareDifficulty(),
                s.previousShareTarget() == null ? 0 : s.previousShareDifficulty(), s.previousTargetBeforeSequence()));
        return ShareOutcome.rejected(reason);
    }

    Seen last() {
        return seen.get(seen.size() - 1);
    }
}
