package io.poolkit.core.guard;

/** A line a peer should never send, reported to {@link ConnectionGuard#onProtocolViolation}. */
public enum ProtocolViolation {
    /** A line longer than the server's line limit (the framer closes the connection). */
    OVERSIZED_LINE,
    /** A line that is not a Stratum message at all: malformed JSON, invalid UTF-8, not an object. */
    UNPARSEABLE_LINE
}
