package io.poolkit.stratum.codec;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Stratum response: the id of the request it answers, a result and an error. Immutable and
 * thread-safe.
 *
 * <p>Pools send errors as {@code [code, "message", null]}; some send a JSON-RPC 2.0 style object
 * {@code {"code": .., "message": ..}} or a bare string. {@link #errorCode()} and {@link #errorMessage()}
 * read all three.
 *
 * <pre>{@code
 * if (response.isError()) {
 *     log.info("rejected: {} {}", response.errorCode(), response.errorMessage());
 * }
 * }</pre>
 */
public final class StratumResponse implements StratumMessage {
    private final StratumId id;
    private final StratumValue result;
    private final StratumValue error;

    private StratumResponse(StratumId id, StratumValue result, StratumValue error) {
        this.id = Objects.requireNonNull(id, "id");
        this.result = Objects.requireNonNull(result, "result");
        this.error = Objects.requireNonNull(error, "error");
    }

    /** A response with this result and error (use {@link StratumValue#NULL} for "none"). */
    public static StratumResponse of(StratumId id, StratumValue result, StratumValue error) {
        return new StratumResponse(id, result, error);
    }

    public static StratumResponse success(StratumId id, StratumValue result) {
        return new StratumResponse(id, result, StratumValue.NULL);
    }

    /** An error response in the de-facto shape {@code [code, "message", null]}. */
    public static StratumResponse error(StratumId id, StratumError error) {
        return error(id, error.code(), error.message());
    }

    public static StratumResponse error(StratumId id, int code, String message) {
        return new StratumResponse(id, StratumValue.NULL,
                StratumValue.array(StratumValue.of(code), StratumValue.of(message), StratumValue.NULL));
    }

    @Override
    public StratumId id() {
        return id;
    }

    /** The result; {@link StratumValue#NULL} when absent or null. */
    public StratumValue result() {
        return result;
    }

    /** The error as sent; {@link StratumValue#NULL} when there is none. */
    public StratumValue error() {
        return error;
    }

    public boolean isError() {
        return !error.isNull();
    }

    /**
     * The error's code: the first element of an error array or the {@code code} member of an error
     * object; {@link StratumError#OTHER}'s 20 when the error carries no readable integer code; 0 when
     * there is no error.
     */
    public int errorCode() {
        if (!isError()) {
            return 0;
        }
        StratumValue code = null;
        if (error.isArray() && !error.asArray().isEmpty()) {
            code = error.asArray().get(0);
        } else if (error.isObject()) {
            code = error.asObject().get("code");
        }
        if (code != null && code.isLong()) {
            long value = code.asLong();
            if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
                return (int) value;
            }
        }
        return StratumError.OTHER.code();
    }

    /** The error's message (second array element, {@code message} member, or the bare string); {@code null} when none. */
    public String errorMessage() {
        if (!isError()) {
            return null;
        }
        StratumValue message = null;
        if (error.isArray()) {
            List<StratumValue> elements = error.asArray();
            message = elements.size() > 1 ? elements.get(1) : null;
        } else if (error.isObject()) {
            Map<String, StratumValue> members = error.asObject();
            message = members.get("message");
        } else {
            message = error;
        }
        if (message == null || message.isNull()) {
            return null;
        }
        return message.isString() ? message.asString() : message.toJson();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StratumResponse other && id.equals(other.id) && result.equals(other.result)
                && error.equals(other.error);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, result, error);
    }

    /** The response as compact JSON. */
    @Override
    public String toString() {
        return "{\"id\":" + id.json() + ",\"result\":" + result.toJson() + ",\"error\":" + error.toJson() + "}";
    }
}
