package io.poolkit.stratum.client;

import io.poolkit.stratum.codec.StratumError;
import io.poolkit.stratum.codec.StratumResponse;
import java.util.Objects;

/**
 * The pool's verdict on a {@code mining.submit}: accepted, or rejected with the error code and message
 * it sent (21 stale, 22 duplicate, 23 low difficulty, ...). Immutable and thread-safe.
 */
public final class SubmitResult {
    private static final SubmitResult ACCEPTED = new SubmitResult(true, 0, null);

    private final boolean accepted;
    private final int code;
    private final String message;

    private SubmitResult(boolean accepted, int code, String message) {
        this.accepted = accepted;
        this.code = code;
        this.message = message;
    }

    public static SubmitResult accepted() {
        return ACCEPTED;
    }

    public static SubmitResult rejected(int code, String message) {
        return new SubmitResult(false, code, Objects.requireNonNull(message, "message"));
    }

    /** An error reply counts as a rejection; so does {@code "result":false} without an error (code 20). */
    static SubmitResult fromResponse(StratumResponse response) {
        if (response.isError()) {
            int code = response.errorCode();
            String message = response.errorMessage();
            if (message == null) {
                StratumError known = StratumError.forCode(code);
                message = known != null ? known.message() : "rejected";
            }
            return rejected(code, message);
        }
        if (response.result().isBoolean() && response.result().asBoolean()) {
            return ACCEPTED;
        }
        return rejected(StratumError.OTHER.code(), "rejected without a reason (result " + response.result().toJson() + ")");
    }

    public boolean isAccepted() {
        return accepted;
    }

    /** The error code of a rejection; 0 when accepted. */
    public int code() {
        return code;
    }

    /** The pool's message for a rejection; {@code null} when accepted. */
    public String message() {
        return message;
    }

    /** The de-facto error this rejection's code stands for; {@code null} when accepted or the code is non-standard. */
    public StratumError error() {
        return accepted ? null : StratumError.forCode(code);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubmitResult other && accepted == other.accepted && code == other.code
                && Objects.equals(message, other.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accepted, code, message);
    }

    @Override
    public String toString() {
        return accepted ? "accepted" : "rejected [" + code + ", " + message + "]";
    }
}
