package io.poolkit.core.guard;

/** Why an address was banned. */
public enum BanReason {
    /** Too large a share of its shares was invalid ({@link ConnectionGuard#onShare}). */
    INVALID_SHARES,
    /** Too many oversized or unparseable lines ({@link ConnectionGuard#onProtocolViolation}). */
    PROTOCOL_ABUSE,
    /** Too many failed authorisations ({@link ConnectionGuard#onAuthorization}). */
    AUTH_FLOOD,
    /** An operator banned it ({@link ConnectionGuard#ban}). */
    OPERATOR
}
