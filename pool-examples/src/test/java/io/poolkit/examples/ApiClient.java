package io.poolkit.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.examples.JsonTree.Arr;
import io.poolkit.examples.JsonTree.Node;
import io.poolkit.examples.JsonTree.Obj;
import io.poolkit.examples.JsonTree.Scalar;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Reads the reference pool's HTTP API in tests, parsing its JSON with jackson-core ({@link JsonTree}). */
final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    ApiClient(int port) {
        this.port = port;
    }

    /** An answer: status, content type and body. */
    record Answer(int status, String contentType, String body) {
        Obj json() {
            assertTrue(contentType.startsWith("application/json"), contentType);
            try {
                return assertInstanceOf(Obj.class, JsonTree.parse(body.getBytes(StandardCharsets.UTF_8)));
            } catch (JsonTree.MalformedJson e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Answer get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET());
    }

    Answer post(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    /** GET that must answer 200 with a JSON object. */
    Obj json(String path) throws Exception {
        Answer a = get(path);
        assertEquals(200, a.status(), path + ": " + a.body());
        return a.json();
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    // ---- reading the tree

    static Node at(Node node, String... path) {
        Node n = node;
        for (String key : path) {
            Obj obj = assertInstanceOf(Obj.class, n, "at " + key);
            n = obj.get(key);
            assertTrue(n != null, "missing key " + key + " in " + obj.fields().keySet());
        }
        return n;
    }

    static long longAt(Node node, String... path) {
        return Long.parseLong(scalar(node, path).text());
    }

    static double doubleAt(Node node, String... path) {
        return Double.parseDouble(scalar(node, path).text());
    }

    static String textAt(Node node, String... path) {
        return scalar(node, path).text();
    }

    static boolean isNull(Node node, String... path) {
        return at(node, path) instanceof Scalar s && s.isNull();
    }

    static List<Node> items(Node node, String... path) {
        return assertInstanceOf(Arr.class, at(node, path)).items();
    }

    private static Scalar scalar(Node node, String... path) {
        return assertInstanceOf(Scalar.class, at(node, path));
    }
}
