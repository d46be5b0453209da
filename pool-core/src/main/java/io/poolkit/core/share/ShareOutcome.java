package io.poolkit.core.share;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.job.BlockVerdict;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The fate of one submission: accepted, accepted and a block, or rejected with a reason.
 *
 * <p>The measurements of an accepted share (credited and achieved difficulty, hash) stay in the
 * {@link Submission} that was judged, so the accepted path returns a shared constant and allocates
 * nothing; rejections are shared constants too.
 */
public sealed interface ShareOutcome {

    /** The one accepted outcome; read the numbers from the {@link Submission}. */
    Accepted ACCEPTED = new Accepted();

    /** The shared outcome for {@code reason}. */
    static Rejected rejected(RejectReason reason) {
        return Rejected.BY_REASON.get(reason);
    }

    /** Whether the share is credited to the miner (blocks are credited too). */
    boolean isAccepted();

    /** A share that met its target. */
    final class Accepted implements ShareOutcome {
        private Accepted() {}

        @Override
        public boolean isAccepted() {
            return true;
        }

        @Override
        public String toString() {
            return "Accepted";
        }
    }

    /**
     * A share that met the network target too: a block, already handed to the {@code JobSource}.
     *
     * @param hash    the block's hash
     * @param height  its height
     * @param verdict completes with the chain's verdict
     */
    record Block(Hash256 hash, long height, CompletableFuture<BlockVerdict> verdict) implements ShareOutcome {
        public Block {
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(verdict, "verdict");
        }

        @Override
        public boolean isAccepted() {
            return true;
        }
    }

    /** A refused submission. */
    final class Rejected implements ShareOutcome {
        private static final Map<RejectReason, Rejected> BY_REASON = new EnumMap<>(RejectReason.class);

        static {
            for (RejectReason reason : RejectReason.values()) {
                BY_REASON.put(reason, new Rejected(reason));
            }
        }

        private final RejectReason reason;

        private Rejected(RejectReason reason) {
            this.reason = reason;
        }

        public RejectReason reason() {
            return reason;
        }

        @Override
        public boolean isAccepted() {
            return false;
        }

        @Override
        public String toString() {
            return "Rejected[" + reason + "]";
        }
    }
}
