package io.poolkit.core.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * Writes JSON-RPC 1.0 requests the way {@code bitcoind} expects them, with jackson's streaming generator.
 *
 * <p>Stateless; safe to share.
 */
final class RpcRequest {
    /** 21 million BTC: no amount can exceed it ({@code MAX_MONEY} in Bitcoin Core). */
    static final long MAX_MONEY_SATS = 21_000_000L * 100_000_000L;

    /** Writes the {@code params} value (the array and what is in it). */
    @FunctionalInterface
    interface Params {
        void write(JsonGenerator generator) throws IOException;
    }

    private RpcRequest() {}

    static byte[] write(JsonFactory factory, long id, String method, Params params) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            // 1.0 keeps bitcoind's classic answers: an error object with HTTP 500/404, "error":null otherwise.
            g.writeStringField("jsonrpc", "1.0");
            g.writeNumberField("id", id);
            g.writeStringField("method", method);
            g.writeFieldName("params");
            params.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a request to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** An array of the elements {@code elements} writes. */
    static Params array(Params elements) {
        return g -> {
            g.writeStartArray();
            elements.write(g);
            g.writeEndArray();
        };
    }

    /**
     * Writes {@code sats} as the exact BTC JSON number {@code bitcoind} expects ({@code 1} sat is
     * {@code 0.00000001}), from the integer, never through {@code double}.
     */
    static void writeBtc(JsonGenerator g, long sats) throws IOException {
        g.writeNumber(btcText(sats));
    }

    /** {@code sats} as a plain decimal BTC amount with 8 decimals. */
    static String btcText(long sats) {
        return BigDecimal.valueOf(sats, 8).toPlainString();
    }
}
