package io.poolkit.core.job;

import java.util.Objects;

/**
 * The chain's final answer on a submitted block.
 *
 * @param status accepted, rejected, or unknown (the chain could not be asked, even after retries)
 * @param reason the node's reason for a rejection (e.g. {@code high-hash}), or what went wrong; empty when
 *               accepted
 */
public record BlockVerdict(Status status, String reason) {

    /** What became of a submitted block. */
    public enum Status {
        ACCEPTED, REJECTED, UNKNOWN
    }

    public BlockVerdict {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
    }

    public static BlockVerdict accepted() {
        return new BlockVerdict(Status.ACCEPTED, "");
    }

    public static BlockVerdict rejected(String reason) {
        return new BlockVerdict(Status.REJECTED, reason);
    }

    public static BlockVerdict unknown(String reason) {
        return new BlockVerdict(Status.UNKNOWN, reason);
    }

    public boolean isAccepted() {
        return status == Status.ACCEPTED;
    }
}
