package io.poolkit.accounting.payment;

/** A wallet call that failed; {@link #rejected()} tells whether nothing was certainly sent. */
public final class WalletException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean rejected;

    public WalletException(String message, boolean rejected) {
        super(message);
        this.rejected = rejected;
    }

    public WalletException(String message, boolean rejected, Throwable cause) {
        super(message, cause);
        this.rejected = rejected;
    }

    /** True when the wallet certainly sent nothing (the payment can be given back); false when unknown. */
    public boolean rejected() {
        return rejected;
    }
}
