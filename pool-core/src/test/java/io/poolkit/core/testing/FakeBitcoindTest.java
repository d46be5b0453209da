package io.poolkit.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.FakeBitcoind.RecordedRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake node checked with a plain HTTP client, independent of {@code BitcoindClient}. */
@UsesSharedVectors
class FakeBitcoindTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private FakeBitcoind node;

    @BeforeEach
    void start() {
        node = FakeBitcoind.start();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void servesEveryIndexedVectorByteForByteWithItsStatus() throws Exception {
        Map<String, Integer> statuses = FakeBitcoind.vectorStatuses();
        assertTrue(statuses.size() >= 30, "INDEX.md rows: " + statuses.keySet());
        assertEquals(401, statuses.get("error-401-wrong-password.txt"));
        assertEquals(500, statuses.get("error-warming-up.json"));
        assertEquals(404, statuses.get("error-method-not-found.json"));

        for (Map.Entry<String, Integer> vector : statuses.entrySet()) {
            node.on("probe", Answer.vector(vector.getKey()));

            HttpResponse<byte[]> response = post(node.url(), "probe", "[]", true);

            assertEquals(vector.getValue(), response.statusCode(), vector.getKey());
            assertArrayEquals(SharedVectors.bytes(FakeBitcoind.VECTORS + vector.getKey()), response.body(),
                    vector.getKey());
        }
    }

    @Test
    void answersEachKnownMethodFromTheVectorsByDefaultAndUnknownOnesWithMethodNotFound() throws Exception {
        assertArrayEquals(SharedVectors.bytes(FakeBitcoind.VECTORS + "getbestblockhash.json"),
                post(node.url(), "getbestblockhash", "[]", true).body());
        assertArrayEquals(SharedVectors.bytes(FakeBitcoind.VECTORS + "submitblock-accepted.json"),
                post(node.url(), "submitblock", "[\"00\"]", true).body());

        HttpResponse<byte[]> unknown = post(node.url(), "getnothing", "[]", true);

        assertEquals(404, unknown.statusCode());
        assertArrayEquals(SharedVectors.bytes(FakeBitcoind.VECTORS + "error-method-not-found.json"), unknown.body());
    }

    @Test
    void recordsEveryRequestInOrderWithItsExactParams() throws Exception {
        post(node.url(), "getblockhash", "[205]", true);
        post(node.walletUrl("pool"), "sendmany", "[\"\",{\"a\":0.00000001},1,\"pay \\\"1\\\"\"]", true);
        post(node.url(), "getblocktemplate", "[{\"rules\":[\"segwit\"]}]", false);

        List<RecordedRequest> all = node.requests();
        assertEquals(List.of("getblockhash", "sendmany", "getblocktemplate"),
                all.stream().map(RecordedRequest::method).toList());
        RecordedRequest send = node.lastRequest("sendmany");
        assertEquals("[\"\",{\"a\":0.00000001},1,\"pay \\\"1\\\"\"]", send.paramsJson());
        assertEquals(List.of("\"\"", "{\"a\":0.00000001}", "1", "\"pay \\\"1\\\"\""), send.params());
        assertEquals("pay \"1\"", send.stringParam(3));
        assertEquals("/wallet/pool", send.path());
        assertTrue(send.authorized());
        assertFalse(node.lastRequest("getblocktemplate").authorized());
        assertEquals(List.of("205"), node.awaitRequest("getblockhash", Duration.ofSeconds(1)).params());
        assertThrows(AssertionError.class, () -> node.lastRequest("getbalances"));
    }

    @Test
    void refusesWrongCredentialsWithTheReal401() throws Exception {
        HttpResponse<byte[]> refused = post(node.url(), "getbestblockhash", "[]", false);

        assertEquals(401, refused.statusCode());
        assertEquals(0, refused.body().length);
        assertEquals("Basic realm=\"jsonrpc\"", refused.headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void queuedAnswersComeFirstThenTheStandingOne() throws Exception {
        node.on("getbestblockhash", Answer.result("\"standing\""));
        node.enqueue("getbestblockhash", Answer.result("\"first\""), Answer.rpcError(-28, "Loading wallet..."));

        assertTrue(bodyOf("getbestblockhash").contains("\"first\""));
        HttpResponse<byte[]> warming = post(node.url(), "getbestblockhash", "[]", true);
        assertEquals(500, warming.statusCode());
        assertTrue(new String(warming.body(), StandardCharsets.UTF_8).contains("\"code\":-28"));
        assertTrue(bodyOf("getbestblockhash").contains("\"standing\""));
        assertTrue(bodyOf("getbestblockhash").contains("\"standing\""));

        node.resetAnswers();
        assertArrayEquals(SharedVectors.bytes(FakeBitcoind.VECTORS + "getbestblockhash.json"),
                post(node.url(), "getbestblockhash", "[]", true).body());
    }

    @Test
    void aHeldAnswerWaitsForItsFuture() throws Exception {
        CompletableFuture<Answer> release = Answer.later();
        node.on("getblocktemplate", request -> request.paramsJson().contains("longpollid")
                ? Answer.after(release) : Answer.vector("getblocktemplate-empty-mempool.json"));

        CompletableFuture<HttpResponse<byte[]>> poll = postAsync("getblocktemplate", "[{\"longpollid\":\"x\"}]");
        node.awaitRequest("getblocktemplate", Duration.ofSeconds(5));
        assertThrows(TimeoutException.class, () -> poll.get(300, TimeUnit.MILLISECONDS));
        assertTrue(bodyOf("getblocktemplate").contains("\"height\":102"));
        release.complete(Answer.vector("getblocktemplate-with-transactions.json"));

        assertArrayEquals(SharedVectors.bytes(FakeBitcoind.VECTORS + "getblocktemplate-with-transactions.json"),
                poll.get(5, TimeUnit.SECONDS).body());
    }

    @Test
    void stopRefusesConnectionsAndRestartServesOnTheSamePort() throws Exception {
        int port = node.port();
        node.stop();

        assertFalse(node.isRunning());
        IOException refused = assertThrows(IOException.class, () -> post(node.url(), "getbestblockhash", "[]", true));
        assertTrue(refused instanceof ConnectException || refused.getCause() instanceof ConnectException,
                refused.toString());

        node.restart();
        assertEquals(port, node.port());
        assertEquals(200, post(node.url(), "getbestblockhash", "[]", true).statusCode());
    }

    @Test
    void droppingTheConnectionSendsNothing() {
        node.on("getbestblockhash", Answer.dropConnection());

        assertThrows(IOException.class, () -> post(node.url(), "getbestblockhash", "[]", true));
        assertEquals(1, node.requests("getbestblockhash").size());
    }

    @Test
    void cookieModeWritesANewCookieAtEachStart(@TempDir Path dir) throws Exception {
        Path cookie = dir.resolve("regtest/.cookie");
        try (FakeBitcoind cookieNode = FakeBitcoind.builder().cookieFile(cookie).start()) {
            String first = Files.readString(cookie);
            assertTrue(first.matches("__cookie__:[0-9a-f]{64}"), first);
            assertEquals(first, "__cookie__:" + cookieNode.password());
            assertEquals(200, post(cookieNode.url(), cookieNode, "getbestblockhash").statusCode());

            cookieNode.stop();
            cookieNode.restart();

            assertNotEquals(first, Files.readString(cookie));
            assertEquals(200, post(cookieNode.url(), cookieNode, "getbestblockhash").statusCode());
        }
    }

    // ---- helpers

    private String bodyOf(String method) throws Exception {
        return new String(post(node.url(), method, "[]", true).body(), StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> post(URI url, String method, String params, boolean rightPassword)
            throws IOException, InterruptedException {
        String password = rightPassword ? FakeBitcoind.DEFAULT_PASSWORD : "wrong";
        return http.send(request(url, FakeBitcoind.DEFAULT_USER, password, method, params),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(URI url, FakeBitcoind to, String method)
            throws IOException, InterruptedException {
        return http.send(request(url, to.user(), to.password(), method, "[]"), HttpResponse.BodyHandlers.ofByteArray());
    }

    private CompletableFuture<HttpResponse<byte[]>> postAsync(String method, String params) {
        return http.sendAsync(request(node.url(), FakeBitcoind.DEFAULT_USER, FakeBitcoind.DEFAULT_PASSWORD, method,
                params), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest request(URI url, String user, String password, String method, String params) {
        String body = "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + auth)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
