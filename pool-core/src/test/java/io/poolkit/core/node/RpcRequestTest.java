package io.poolkit.core.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RpcRequestTest {
    private static final JsonFactory JSON = new JsonFactory();

    @Property(tries = 2000)
    void everyAmountIsWrittenAsExactBtcAndReadBackToTheSameSatoshis(
            @ForAll @LongRange(min = -2_100_000_000_000_000L, max = 2_100_000_000_000_000L) long sats)
            throws IOException {
        byte[] request = RpcRequest.write(JSON, 1, "m", RpcRequest.array(g -> RpcRequest.writeBtc(g, sats)));
        String text = new String(request, StandardCharsets.UTF_8);
        String params = text.substring(text.indexOf("\"params\":[") + 10, text.lastIndexOf(']'));

        assertTrue(params.matches("-?\\d+\\.\\d{8}"), params);
        try (JsonParser p = JSON.createParser(params)) {
            p.nextToken();
            assertEquals(sats, Json.read(p, "amount").asSats());
        }
    }

    @Test
    void writesAJsonRpcOneRequestWithIdMethodAndParams() {
        byte[] request = RpcRequest.write(JSON, 42, "getblockhash", RpcRequest.array(g -> g.writeNumber(205)));

        assertEquals("{\"jsonrpc\":\"1.0\",\"id\":42,\"method\":\"getblockhash\",\"params\":[205]}",
                new String(request, StandardCharsets.UTF_8));
    }

    @Test
    void btcTextOfTheEdgesIsPlain() {
        assertEquals("0.00000001", RpcRequest.btcText(1));
        assertEquals("0.00000000", RpcRequest.btcText(0));
        assertEquals("21000000.00000000", RpcRequest.btcText(RpcRequest.MAX_MONEY_SATS));
        assertEquals("-0.00004620", RpcRequest.btcText(-4620));
    }

    @Test
    void readingSatoshisRefusesFractionsOfASatoshiAndNonNumbers() throws IOException {
        for (String bad : new String[] {"0.000000001", "1e-9", "\"1.0\"", "true"}) {
            try (JsonParser p = JSON.createParser(bad)) {
                p.nextToken();
                Json value = Json.read(p, "result.amount");
                Json.Shape e = assertThrows(Json.Shape.class, value::asSats, bad);
                assertTrue(e.getMessage().startsWith("result.amount: "), e.getMessage());
            }
        }
        try (JsonParser p = JSON.createParser("1E+2")) {
            p.nextToken();
            assertEquals(10_000_000_000L, Json.read(p, "x").asSats());
        }
    }
}
