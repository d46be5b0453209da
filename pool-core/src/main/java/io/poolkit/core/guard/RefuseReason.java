package io.poolkit.core.guard;

/** Why {@link ConnectionGuard#onConnect} refused a connection. */
public enum RefuseReason {
    /** The address is banned. */
    BANNED,
    /** The address opens connections faster than {@link GuardSettings#connectRate()} allows. */
    CONNECT_RATE,
    /** The address already has {@link GuardSettings#maxConnectionsPerAddress()} connections open. */
    ADDRESS_LIMIT,
    /** The server already has {@link GuardSettings#maxConnections()} connections open. */
    GLOBAL_LIMIT
}
