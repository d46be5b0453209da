package io.poolkit.stratum.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A Stratum request ({@code mining.submit} from a miner) or notification ({@code mining.notify} from a
 * pool): an id, a method and positional parameters. Immutable and thread-safe.
 *
 * <pre>{@code
 * // {"id": 4, "method": "mining.submit", "params": ["addr.rig1", "6b07", "00000000", "6b0715a1", "1c2d3e4f"]}
 * String worker = request.stringParam(0);   // null when absent or not a string
 * if (worker == null) { ... reply error 20 ... }
 * }</pre>
 *
 * <p>A notification is a request whose id is {@link StratumId#NULL}: the sender expects no reply.
 */
public final class StratumRequest implements StratumMessage {
    private final StratumId id;
    private final String method;
    private final List<StratumValue> params;

    private StratumRequest(StratumId id, String method, List<StratumValue> params) {
        this.id = id;
        this.method = method;
        this.params = params;
    }

    /** A request; {@code params} is copied and may not hold {@code null} (use {@link StratumValue#NULL}). */
    public static StratumRequest of(StratumId id, String method, List<StratumValue> params) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(method, "method");
        return new StratumRequest(id, method, List.copyOf(params));
    }

    public static StratumRequest of(StratumId id, String method, StratumValue... params) {
        return of(id, method, List.of(params));
    }

    /** A notification: a request with the null id. */
    public static StratumRequest notification(String method, StratumValue... params) {
        return of(StratumId.NULL, method, List.of(params));
    }

    /** The parser's path: {@code params} is fresh and referenced nowhere else. */
    static StratumRequest trusted(StratumId id, String method, ArrayList<StratumValue> params) {
        return new StratumRequest(id, method,
                params == null || params.isEmpty() ? List.of() : Collections.unmodifiableList(params));
    }

    @Override
    public StratumId id() {
        return id;
    }

    public String method() {
        return method;
    }

    /** All parameters, unmodifiable (empty when the message had none or {@code "params":null}). */
    public List<StratumValue> params() {
        return params;
    }

    public int paramCount() {
        return params.size();
    }

    /** Parameter {@code index}, or {@code null} when there are not that many. */
    public StratumValue param(int index) {
        return index >= 0 && index < params.size() ? params.get(index) : null;
    }

    /** Parameter {@code index} when it is a string; {@code null} when it is absent or of another type. */
    public String stringParam(int index) {
        StratumValue value = param(index);
        return value != null && value.isString() ? value.asString() : null;
    }

    /** Whether the id is null, i.e. the sender expects no reply. */
    public boolean isNotification() {
        return id.isNull();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StratumRequest other && id.equals(other.id) && method.equals(other.method)
                && params.equals(other.params);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, method, params);
    }

    /** The request as compact JSON. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{\"id\":").append(id.json()).append(",\"method\":");
        JsonOut.appendQuoted(out, method);
        out.append(",\"params\":");
        StratumValue.array(params).appendJson(out);
        return out.append('}').toString();
    }
}
