package io.poolkit.stratum.codec;

import java.nio.charset.StandardCharsets;

/**
 * The de-facto Stratum V1 error codes, each with its standard message, in one place.
 *
 * <p>On the wire an error is {@code "error":[code,"message",null]}. The complete reply after the id is
 * encoded once per constant, so {@link StratumWriter#writeError(io.netty.buffer.ByteBuf, StratumId,
 * StratumError)} only copies bytes.
 *
 * <pre>{@code
 * StratumWriter.writeError(out, request.id(), StratumError.JOB_NOT_FOUND);
 * // {"id":4,"result":null,"error":[21,"Job not found",null]}\n
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public enum StratumError {
    /** 20: anything without a more specific code (malformed request, unknown method, bad parameter). */
    OTHER(20, "Other/Unknown"),
    /** 21: the share names a job the pool no longer knows (stale). */
    JOB_NOT_FOUND(21, "Job not found"),
    /** 22: the same share was already submitted. */
    DUPLICATE_SHARE(22, "Duplicate share"),
    /** 23: the share's hash is above the session's share target. */
    LOW_DIFFICULTY_SHARE(23, "Low difficulty share"),
    /** 24: the worker was never authorised on this connection. */
    UNAUTHORIZED_WORKER(24, "Unauthorized worker"),
    /** 25: the connection sent work-related requests before {@code mining.subscribe}. */
    NOT_SUBSCRIBED(25, "Not subscribed");

    private final int code;
    private final String message;
    /** {@code ,"result":null,"error":[code,"message",null]}\n: everything after the id. */
    private final byte[] replySuffix;

    StratumError(int code, String message) {
        this.code = code;
        this.message = message;
        this.replySuffix = (",\"result\":null,\"error\":[" + code + ",\"" + message + "\",null]}\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The numeric code sent as the first element of the error array. */
    public int code() {
        return code;
    }

    /** The standard message sent as the second element of the error array. */
    public String message() {
        return message;
    }

    /** The constant with this code, or {@code null} when the code is not one of the de-facto codes. */
    public static StratumError forCode(int code) {
        for (StratumError error : values()) {
            if (error.code == code) {
                return error;
            }
        }
        return null;
    }

    byte[] replySuffix() {
        return replySuffix;
    }
}
