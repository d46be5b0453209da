package io.poolkit.core.guard;

/** What a session does after reporting an event to the {@link ConnectionGuard}. */
public enum Verdict {
    /** Carry on. */
    CONTINUE,
    /** The peer's address is banned (just now, or earlier from another session): close the session. */
    DISCONNECT
}
