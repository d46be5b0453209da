package io.poolkit.core.node;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code submitblock} answered: accepted (JSON {@code null}) or a BIP22 reason string such as
 * {@code "duplicate"}, {@code "high-hash"}, {@code "bad-txnmrklroot"} or {@code "inconclusive"}.
 *
 * <p>A reason is the node's verdict on the block, not a failed call: a call that fails (node down, timeout,
 * {@code -22} "Block decode failed") fails the future with a {@link BitcoindException} instead.
 *
 * <p>Immutable.
 */
public final class SubmitBlockResult {
    /** The node accepted the block. */
    public static final SubmitBlockResult ACCEPTED = new SubmitBlockResult(null);

    private final String reason;

    private SubmitBlockResult(String reason) {
        this.reason = reason;
    }

    /** The node refused the block, or could not decide, for {@code reason}. */
    public static SubmitBlockResult rejected(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isEmpty()) {
            throw new IllegalArgumentException("a rejection needs a reason; got an empty string");
        }
        return new SubmitBlockResult(reason);
    }

    /** Whether the node answered {@code null}: the block is accepted. */
    public boolean isAccepted() {
        return reason == null;
    }

    /** Whether the node already has this exact block ({@code "duplicate"}): it was accepted earlier. */
    public boolean isDuplicate() {
        return "duplicate".equals(reason);
    }

    /**
     * Whether the node could not decide ({@code "inconclusive"}: valid, but not on its best chain, for
     * instance a block on a parent that is no longer the tip).
     */
    public boolean isInconclusive() {
        return "inconclusive".equals(reason);
    }

    /** The node's reason string; empty when accepted. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubmitBlockResult other && Objects.equals(reason, other.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(reason);
    }

    @Override
    public String toString() {
        return reason == null ? "accepted" : "rejected: " + reason;
    }
}
