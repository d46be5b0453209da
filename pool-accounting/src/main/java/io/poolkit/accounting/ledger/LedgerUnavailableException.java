package io.poolkit.accounting.ledger;

/** The ledger's database could not be reached or refused an operation; the caller may try again later. */
public final class LedgerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
