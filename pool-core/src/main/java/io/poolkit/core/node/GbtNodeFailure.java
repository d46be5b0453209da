package io.poolkit.core.node;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a call to a node failed, in the words a {@link GbtJobSource} logs: a short summary that names the
 * kind (unreachable, bad credentials, warming up, malformed answer, timeout...) and the full detail.
 *
 * @param key     what stays the same across retries of the same fault (so a retry failing the same way is
 *                not logged again)
 * @param summary the kind of fault, for people
 * @param detail  the failure's own message (method, URL, RPC code and message, elapsed time)
 */
record GbtNodeFailure(String key, String summary, String detail) {

    /** The node is on another chain than the source: the answer cannot be used however often it is asked. */
    static final class WrongNetwork extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WrongNetwork(String message) {
            super(message);
        }
    }

    /** A summary line: {@code "bad credentials (HTTP 401): bitcoind getblocktemplate at ...: ..."}. */
    String line() {
        return detail.isEmpty() ? summary : summary + ": " + detail;
    }

    static GbtNodeFailure of(Throwable failure) {
        Throwable t = unwrap(failure);
        Optional<BitcoindException> node = BitcoindException.from(t);
        if (node.isPresent()) {
            return of(node.get());
        }
        if (t instanceof WrongNetwork) {
            return new GbtNodeFailure("wrong-network", "wrong network", t.getMessage());
        }
        if (t instanceof IllegalArgumentException) {
            // BlockTemplate.parse names the missing or bad field of an answer that was JSON but not a template.
            return new GbtNodeFailure("malformed", "malformed answer", "not a usable template: " + t.getMessage());
        }
        if (t instanceof CancellationException) {
            return new GbtNodeFailure("cancelled", "cancelled", "");
        }
        return new GbtNodeFailure("unexpected:" + t.getClass().getName(), "unexpected failure", String.valueOf(t));
    }

    private static GbtNodeFailure of(BitcoindException e) {
        String detail = e.getMessage();
        switch (e.kind()) {
            case UNREACHABLE:
                return new GbtNodeFailure("unreachable", "unreachable", detail);
            case CONNECTION_LOST:
                return new GbtNodeFailure("connection-lost", "connection lost", detail);
            case UNAUTHORIZED:
                return new GbtNodeFailure("unauthorized", "bad credentials (HTTP 401)", detail);
            case RPC_ERROR: {
                int code = e.rpcCode().orElse(0);
                String summary;
                if (e.isWarmingUp()) {
                    summary = "warming up (RPC " + code + ")";
                } else if (code == BitcoindException.RPC_CLIENT_IN_INITIAL_DOWNLOAD) {
                    summary = "in initial block download (RPC " + code + ")";
                } else if (code == BitcoindException.RPC_CLIENT_NOT_CONNECTED) {
                    summary = "without peers (RPC " + code + ")";
                } else {
                    summary = "RPC error " + code;
                }
                return new GbtNodeFailure("rpc:" + code, summary, detail);
            }
            case HTTP_ERROR:
                return new GbtNodeFailure("http:" + e.httpStatus().orElse(0),
                        "HTTP error " + e.httpStatus().orElse(0), detail);
            case MALFORMED_RESPONSE:
                return new GbtNodeFailure("malformed", "malformed answer", detail);
            case TIMEOUT:
                return new GbtNodeFailure("timeout", "timeout", detail);
            default:
                return new GbtNodeFailure("other:" + e.kind(), e.kind().toString(), detail);
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static boolean isCancellation(Throwable failure) {
        return unwrap(failure) instanceof CancellationException;
    }
}
