package io.poolkit.stratum.client;

import java.io.IOException;

/** A request of a {@link StratumClient} failed: not connected, the connection dropped, or the reply was unreadable. */
public final class StratumClientException extends IOException {
    private static final long serialVersionUID = 1L;

    public StratumClientException(String message) {
        super(message);
    }

    public StratumClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
