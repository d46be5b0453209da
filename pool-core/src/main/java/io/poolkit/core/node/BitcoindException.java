package io.poolkit.core.node;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a call to {@code bitcoind} failed: the node could not be reached, refused the credentials, answered
 * with a JSON-RPC error object, answered something that is not the expected JSON, or did not answer in time.
 *
 * <p>Every future returned by {@link BitcoindClient} fails with this exception and no other. Its
 * {@link #kind()} says what happened; the message names the method, the node's URL and the detail (the
 * RPC error's code and message, the timeout that expired, a short excerpt of a malformed answer).
 *
 * <pre>{@code
 * client.getBestBlockHash().exceptionally(failure -> {
 *     BitcoindException e = BitcoindException.from(failure).orElseThrow();
 *     if (e.isRetryable()) scheduleRetry();
 *     return null;
 * });
 * }</pre>
 *
 * <p>Immutable.
 */
public final class BitcoindException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code RPC_IN_WARMUP}: the node is starting (loading the block index, the wallet, the banlist). */
    public static final int RPC_IN_WARMUP = -28;
    /** {@code RPC_CLIENT_NOT_CONNECTED}: the node has no peers, so it will not hand out work. */
    public static final int RPC_CLIENT_NOT_CONNECTED = -9;
    /** {@code RPC_CLIENT_IN_INITIAL_DOWNLOAD}: the node is still syncing, so it will not hand out work. */
    public static final int RPC_CLIENT_IN_INITIAL_DOWNLOAD = -10;
    /** {@code RPC_METHOD_NOT_FOUND} (answered with HTTP 404); also a wallet call on a node without a wallet. */
    public static final int RPC_METHOD_NOT_FOUND = -32601;
    /** {@code RPC_INVALID_ADDRESS_OR_KEY}: for instance an unknown block hash or transaction id. */
    public static final int RPC_INVALID_ADDRESS_OR_KEY = -5;
    /** {@code RPC_DESERIALIZATION_ERROR}: for instance {@code submitblock} of bytes that are not a block. */
    public static final int RPC_DESERIALIZATION_ERROR = -22;

    /** What went wrong. */
    public enum Kind {
        /** No connection could be made (refused, unknown host, no route). The node may be down. */
        UNREACHABLE,
        /** A connection was made but broke before a whole answer arrived (the node died or dropped it). */
        CONNECTION_LOST,
        /** HTTP 401: the node refused the cookie or the user and password. */
        UNAUTHORIZED,
        /** The node answered with a JSON-RPC error object; see {@link #rpcCode()} and {@link #rpcMessage()}. */
        RPC_ERROR,
        /** An HTTP status other than 200 without a JSON-RPC error body (403 from rpcallowip, 503 when busy). */
        HTTP_ERROR,
        /** The answer is not JSON, or not the shape this method answers with. */
        MALFORMED_RESPONSE,
        /** The connect, request or long-poll timeout expired; the message names which. */
        TIMEOUT
    }

    private final Kind kind;
    private final String method;
    private final URI url;
    private final int httpStatus;
    private final Integer rpcCode;
    private final String rpcMessage;

    BitcoindException(Kind kind, String method, URI url, int httpStatus, Integer rpcCode, String rpcMessage,
                      String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.method = Objects.requireNonNull(method, "method");
        this.url = Objects.requireNonNull(url, "url");
        this.httpStatus = httpStatus;
        this.rpcCode = rpcCode;
        this.rpcMessage = rpcMessage;
    }

    /**
     * The {@code BitcoindException} in {@code failure} or its causes, as a future's failure hands it over
     * (often wrapped in a {@link CompletionException} or {@link ExecutionException}).
     */
    public static Optional<BitcoindException> from(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BitcoindException e) {
                return Optional.of(e);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    public Kind kind() {
        return kind;
    }

    /** The RPC method that failed, for instance {@code getblocktemplate}. */
    public String method() {
        return method;
    }

    /** The node's URL (never with credentials in it). */
    public URI url() {
        return url;
    }

    /** The HTTP status the node answered with; empty when no answer arrived. */
    public OptionalInt httpStatus() {
        return httpStatus == 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    /** The JSON-RPC error code; present exactly when {@link #kind()} is {@link Kind#RPC_ERROR}. */
    public OptionalInt rpcCode() {
        return rpcCode == null ? OptionalInt.empty() : OptionalInt.of(rpcCode);
    }

    /** The JSON-RPC error message, as the node wrote it; present when {@link #kind()} is {@link Kind#RPC_ERROR}. */
    public Optional<String> rpcMessage() {
        return Optional.ofNullable(rpcMessage);
    }

    /** Whether the node answered that it is still starting ({@code -28}, "Loading block index…" and the like). */
    public boolean isWarmingUp() {
        return rpcCode != null && rpcCode == RPC_IN_WARMUP;
    }

    /**
     * Whether the same call may succeed later without anything being changed: the node is unreachable, dropped
     * the connection, did not answer in time, is busy (HTTP 503), warming up ({@code -28}), without peers
     * ({@code -9}) or still syncing ({@code -10}). Bad credentials, other RPC errors and malformed answers are
     * not retryable.
     */
    public boolean isRetryable() {
        switch (kind) {
            case UNREACHABLE:
            case CONNECTION_LOST:
            case TIMEOUT:
                return true;
            case HTTP_ERROR:
                return httpStatus == 503;
            case RPC_ERROR:
                return rpcCode == RPC_IN_WARMUP || rpcCode == RPC_CLIENT_NOT_CONNECTED
                        || rpcCode == RPC_CLIENT_IN_INITIAL_DOWNLOAD;
            default:
                return false;
        }
    }
}
