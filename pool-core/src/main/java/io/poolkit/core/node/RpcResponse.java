package io.poolkit.core.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * A JSON-RPC 1.0 answer as {@code bitcoind} writes it: {@code {"result":..., "error":..., "id":...}}.
 *
 * <p>The result is either read whole into a {@link Json} tree or, for the large {@code getblocktemplate}
 * answer, kept as the exact bytes the node sent, so a template parser sees them untouched.
 *
 * <p>Immutable once parsed.
 */
final class RpcResponse {
    private final Json result;
    private final byte[] rawResult;
    private final Json error;

    private RpcResponse(Json result, byte[] rawResult, Json error) {
        this.result = result;
        this.rawResult = rawResult;
        this.error = error;
    }

    /**
     * Parses {@code body}; with {@code keepRawResult} an object or array result is kept as bytes rather than a
     * tree. Throws {@link Json.Shape} when the body is not one JSON-RPC answer object, and jackson's
     * {@code IOException} when it is not JSON.
     */
    static RpcResponse parse(JsonFactory factory, byte[] body, boolean keepRawResult) throws IOException {
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new Json.Shape("the answer is not a JSON object");
            }
            Json result = null;
            byte[] raw = null;
            Json error = null;
            boolean sawResult = false;
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new Json.Shape("broken answer object at token " + t);
                }
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("result".equals(name)) {
                    sawResult = true;
                    if (keepRawResult && (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY)) {
                        int start = (int) parser.currentTokenLocation().getByteOffset();
                        parser.skipChildren();
                        int end = (int) parser.currentLocation().getByteOffset();
                        raw = Arrays.copyOfRange(body, start, end);
                    } else {
                        result = Json.read(parser, "result");
                    }
                } else if ("error".equals(name)) {
                    error = Json.read(parser, "error");
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new Json.Shape("text follows the answer object");
            }
            boolean hasError = error != null && !error.isNull();
            if (!sawResult && !hasError) {
                throw new Json.Shape("the answer has neither \"result\" nor \"error\"");
            }
            return new RpcResponse(result, raw, hasError ? error : null);
        }
    }

    /** Whether the node answered with an error object. */
    boolean hasError() {
        return error != null;
    }

    /** The error object; only when {@link #hasError()}. */
    Json error() {
        return error;
    }

    /** The result as a tree; JSON null when the result was null, absent when it was kept raw. */
    Json result() {
        if (result == null && rawResult != null) {
            throw new IllegalStateException("the result was kept raw");
        }
        return result;
    }

    /** The exact bytes of an object or array result kept raw, or null. Not copied: the caller owns them. */
    byte[] rawResult() {
        return rawResult;
    }
}
