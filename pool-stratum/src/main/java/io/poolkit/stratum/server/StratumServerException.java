package io.poolkit.stratum.server;

/** A {@link StratumServer} could not start: the address is taken, not local, or not allowed. */
public final class StratumServerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StratumServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
