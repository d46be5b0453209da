package io.poolkit.core.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.poolkit.core.node.BitcoindClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A stand-in {@code bitcoind} for tests: an HTTP server on 127.0.0.1 inside the test JVM that answers
 * JSON-RPC calls with the real answers of a Bitcoin Core v31.0 regtest node captured in
 * {@code shared/vectors/bitcoind-regtest/} (byte for byte, with the HTTP status {@code INDEX.md} lists).
 *
 * <pre>{@code
 * try (FakeBitcoind node = FakeBitcoind.start()) {
 *     node.on("submitblock", Answer.vector("submitblock-bad-merkle-root.json"));
 *     BitcoindClient client = node.clientBuilder().build();
 *     ... client.submitBlock(hex) ...
 *     String sent = node.awaitRequest("submitblock", Duration.ofSeconds(5)).stringParam(0);
 *     node.stop();     // the node dies: connections refused
 *     node.restart();  // and comes back on the same port (with a new cookie, as bitcoind does)
 * }
 * }</pre>
 *
 * <p>Every method has a default answer from the vectors ({@code getblocktemplate} with transactions,
 * {@code submitblock} accepted, ...; unknown methods get the real "Method not found" 404). Per method, a test
 * can set a standing answer ({@link #on(String, Answer)}), a function of the request
 * ({@link #on(String, Function)}), or queue one-off answers ({@link #enqueue(String, Answer...)}) that come
 * first. Answers can be a vector, any status and body, garbage, a delay, a dropped connection, or held until a
 * future completes (a long poll). Every request is recorded in order, credentials or not.
 *
 * <p>Authentication is always on, as with a real node: a fixed user and password by default, or a cookie file
 * the fake writes (and rewrites on {@link #restart()} and {@link #rotateCookie()}). A wrong or missing
 * {@code Authorization} gets the real 401 answer.
 *
 * <p>Thread-safe: scripting and reading the record may happen while requests are served.
 */
public final class FakeBitcoind implements AutoCloseable {
    /** Where the captured answers live, under {@code shared/vectors}. */
    public static final String VECTORS = "bitcoind-regtest/";
    /** The user and password {@link #start()} requires. */
    public static final String DEFAULT_USER = "poolkit";
    public static final String DEFAULT_PASSWORD = "fake-bitcoind-password";
    private static final String COOKIE_USER = "__cookie__";
    private static final Duration HOLD_LIMIT = Duration.ofMinutes(10);

    private static final Map<String, String> DEFAULT_VECTORS = Map.ofEntries(
            Map.entry("getblocktemplate", "getblocktemplate-with-transactions.json"),
            Map.entry("submitblock", "submitblock-accepted.json"),
            Map.entry("getblockchaininfo", "getblockchaininfo.json"),
            Map.entry("getbestblockhash", "getbestblockhash.json"),
            Map.entry("getblockhash", "getblockhash-found-height.json"),
            Map.entry("getblockheader", "getblockheader.json"),
            Map.entry("getblock", "getblock-verbosity1.json"),
            Map.entry("getmininginfo", "getmininginfo.json"),
            Map.entry("validateaddress", "validateaddress-bech32.json"),
            Map.entry("getbalances", "wallet-getbalances.json"),
            Map.entry("sendmany", "wallet-sendmany.json"),
            Map.entry("gettransaction", "wallet-gettransaction.json"),
            Map.entry("listtransactions", "wallet-listtransactions.json"));

    private final JsonFactory json = new JsonFactory();
    private final String user;
    private final Path cookieFile;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Answer> defaults = new HashMap<>();
    private final Answer unknownMethod;
    private final Answer unauthorized;
    private final Map<String, Function<RecordedRequest, Answer>> responders = new ConcurrentHashMap<>();
    private final Map<String, Queue<Answer>> queued = new ConcurrentHashMap<>();
    private final List<RecordedRequest> recorded = new ArrayList<>();
    private final AtomicInteger serverGeneration = new AtomicInteger();

    private volatile String password;
    private int port;
    private HttpServer server;
    private ExecutorService workers;

    private FakeBitcoind(Builder b) {
        for (Map.Entry<String, String> e : DEFAULT_VECTORS.entrySet()) {
            defaults.put(e.getKey(), Answer.vector(e.getValue()));
        }
        this.unknownMethod = Answer.vector("error-method-not-found.json");
        this.unauthorized = Answer.vector("error-401-wrong-password.txt")
                .withHeader("WWW-Authenticate", "Basic realm=\"jsonrpc\"");
        this.cookieFile = b.cookieFile;
        this.user = b.cookieFile != null ? COOKIE_USER : b.user;
        this.password = b.cookieFile != null ? null : b.password;
        this.port = b.port;
    }

    /** A fake node on an ephemeral port requiring {@link #DEFAULT_USER} and {@link #DEFAULT_PASSWORD}. */
    public static FakeBitcoind start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link FakeBitcoind}. Not thread-safe. */
    public static final class Builder {
        private String user = DEFAULT_USER;
        private String password = DEFAULT_PASSWORD;
        private Path cookieFile;
        private int port;

        private Builder() {}

        /** Requires this user and password (like {@code rpcuser}/{@code rpcpassword}). */
        public Builder userPassword(String user, String password) {
            this.user = Objects.requireNonNull(user, "user");
            this.password = Objects.requireNonNull(password, "password");
            this.cookieFile = null;
            return this;
        }

        /** Requires cookie authentication: writes {@code __cookie__:<random>} to {@code file} at each start. */
        public Builder cookieFile(Path file) {
            this.cookieFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /** Listens on {@code port} instead of an ephemeral one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535]; got " + port);
            }
            this.port = port;
            return this;
        }

        /** Starts the fake node; it listens when this returns. */
        public FakeBitcoind start() {
            FakeBitcoind node = new FakeBitcoind(this);
            node.restart();
            return node;
        }
    }

    // ---- where it is, and how to reach it

    /** {@code http://127.0.0.1:PORT/}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** {@code http://127.0.0.1:PORT/wallet/NAME}, the endpoint of a named wallet. */
    public URI walletUrl(String walletName) {
        return URI.create("http://127.0.0.1:" + port + "/wallet/" + walletName);
    }

    public int port() {
        return port;
    }

    /**
     * A client builder already pointed at this node with the right credentials (the cookie file when the
     * node uses one). Tests add timeouts and build it.
     */
    public BitcoindClient.Builder clientBuilder() {
        BitcoindClient.Builder b = BitcoindClient.builder().url(url());
        return cookieFile != null ? b.cookieFile(cookieFile) : b.credentials(user, password);
    }

    /** The cookie file, when the node uses cookie authentication. */
    public Path cookieFile() {
        if (cookieFile == null) {
            throw new IllegalStateException("this fake node uses a user and password, not a cookie");
        }
        return cookieFile;
    }

    /** The user the node accepts ({@code __cookie__} with a cookie file). */
    public String user() {
        return user;
    }

    /** The password the node accepts now (a cookie's changes at each restart). */
    public String password() {
        return password;
    }

    /** Writes a new cookie, as bitcoind does when it starts; the old one is refused from now on. */
    public void rotateCookie() {
        cookieFile();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String fresh = HexFormat.of().formatHex(secret);
        try {
            if (cookieFile.getParent() != null) {
                Files.createDirectories(cookieFile.getParent());
            }
            Files.writeString(cookieFile, COOKIE_USER + ":" + fresh, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fake node's cookie " + cookieFile, e);
        }
        password = fresh;
    }

    // ---- life

    /** Whether the node is listening. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * The node dies: it stops listening (connections are refused), open connections are closed and held or
     * delayed answers are abandoned. Scripts and the record stay.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        serverGeneration.incrementAndGet();
        server.stop(0);
        workers.shutdownNow();
        server = null;
        workers = null;
    }

    /**
     * Starts the node again on the same port (the first start picks the port). With a cookie file, writes a
     * new cookie first, as bitcoind does. Does nothing when it is running.
     */
    public synchronized void restart() {
        if (server != null) {
            return;
        }
        if (cookieFile != null) {
            rotateCookie();
        }
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            ExecutorService pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-bitcoind-" + port);
                t.setDaemon(true);
                return t;
            });
            s.setExecutor(pool);
            s.createContext("/", this::handle);
            s.start();
            server = s;
            workers = pool;
            port = s.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("the fake node cannot listen on 127.0.0.1:" + port, e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ---- scripting

    /** From now on, every {@code method} call is answered with {@code answer} (queued answers come first). */
    public FakeBitcoind on(String method, Answer answer) {
        Objects.requireNonNull(answer, "answer");
        return on(method, request -> answer);
    }

    /** From now on, every {@code method} call is answered with what {@code responder} returns for it. */
    public FakeBitcoind on(String method, Function<RecordedRequest, Answer> responder) {
        responders.put(Objects.requireNonNull(method, "method"), Objects.requireNonNull(responder, "responder"));
        return this;
    }

    /** The next {@code method} calls get these answers, one each, in order; then the standing answer again. */
    public FakeBitcoind enqueue(String method, Answer... answers) {
        Queue<Answer> queue = queued.computeIfAbsent(Objects.requireNonNull(method, "method"),
                m -> new ConcurrentLinkedQueue<>());
        for (Answer a : answers) {
            queue.add(Objects.requireNonNull(a, "answer"));
        }
        return this;
    }

    /** Back to the vector defaults for every method; queued answers are dropped too. */
    public FakeBitcoind resetAnswers() {
        responders.clear();
        queued.clear();
        return this;
    }

    // ---- the record

    /** Every request so far, in order of arrival (including refused ones). */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** The requests for {@code method} so far, in order. */
    public List<RecordedRequest> requests(String method) {
        return filter(r -> r.method().equals(method));
    }

    /** The latest request for {@code method}; fails the test when there is none. */
    public RecordedRequest lastRequest(String method) {
        List<RecordedRequest> matching = requests(method);
        if (matching.isEmpty()) {
            throw new AssertionError("the fake node received no " + method + " request; it received "
                    + describe(requests()));
        }
        return matching.get(matching.size() - 1);
    }

    /** The first request for {@code method}, waiting up to {@code timeout} for it. */
    public RecordedRequest awaitRequest(String method, Duration timeout) {
        return awaitRequests(method, 1, timeout).get(0);
    }

    /** The first {@code count} requests for {@code method}, waiting up to {@code timeout} for them. */
    public List<RecordedRequest> awaitRequests(String method, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (recorded) {
            while (true) {
                List<RecordedRequest> matching = filter(r -> r.method().equals(method));
                if (matching.size() >= count) {
                    return matching.subList(0, count);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("waited " + timeout + " for " + count + " " + method
                            + " request(s); the fake node received " + describe(recorded));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(recorded, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + method, e);
                }
            }
        }
    }

    /** Forgets the requests recorded so far. */
    public void clearRequests() {
        synchronized (recorded) {
            recorded.clear();
        }
    }

    private List<RecordedRequest> filter(Predicate<RecordedRequest> p) {
        synchronized (recorded) {
            List<RecordedRequest> out = new ArrayList<>();
            for (RecordedRequest r : recorded) {
                if (p.test(r)) {
                    out.add(r);
                }
            }
            return out;
        }
    }

    private static String describe(List<RecordedRequest> requests) {
        List<String> methods = new ArrayList<>();
        for (RecordedRequest r : requests) {
            methods.add(r.method());
        }
        return methods.toString();
    }

    // ---- serving

    private void handle(HttpExchange exchange) {
        int generation = serverGeneration.get();
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean authorized = isAuthorized(exchange.getRequestHeaders().getFirst("Authorization"));
            RecordedRequest request = parse(exchange.getRequestURI().getPath(), body, authorized);
            synchronized (recorded) {
                recorded.add(request);
                recorded.notifyAll();
            }
            Answer answer;
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer = Answer.of(405, "JSONRPC server handles only POST requests");
            } else if (!authorized) {
                answer = unauthorized;
            } else if (request.method().isEmpty()) {
                answer = Answer.of(500, "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},"
                        + "\"id\":null}\n");
            } else {
                answer = answerFor(request);
            }
            play(exchange, answer, generation);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopped while holding an answer: the connection just closes
        } catch (IOException | RuntimeException e) {
            // The client went away or the node was stopped mid-answer; a real node would not care either.
        } finally {
            exchange.close();
        }
    }

    private Answer answerFor(RecordedRequest request) {
        Queue<Answer> queue = queued.get(request.method());
        Answer next = queue == null ? null : queue.poll();
        if (next != null) {
            return next;
        }
        Function<RecordedRequest, Answer> responder = responders.get(request.method());
        if (responder != null) {
            try {
                return Objects.requireNonNull(responder.apply(request), "the responder returned null");
            } catch (RuntimeException e) {
                // Said in the answer, so the test sees its own mistake instead of a silent drop.
                return Answer.of(500, "FakeBitcoind: the responder for " + request.method() + " failed: " + e);
            }
        }
        return defaults.getOrDefault(request.method(), unknownMethod);
    }

    private void play(HttpExchange exchange, Answer answer, int generation)
            throws IOException, InterruptedException {
        Answer a = answer;
        while (true) {
            if (!a.delay.isZero()) {
                Thread.sleep(a.delay.toMillis());
            }
            if (a.awaited == null) {
                break;
            }
            try {
                a = a.awaited.toCompletableFuture().get(HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return; // nothing to say: drop the connection
            }
        }
        if (a.drop || generation != serverGeneration.get()) {
            return; // closing without a status line drops the connection
        }
        a.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        if (!a.headers.containsKey("Content-Type")) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(a.status, a.body.length == 0 ? -1 : a.body.length);
        if (a.body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(a.body);
            }
        }
    }

    private boolean isAuthorized(String header) {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return password != null && expected.equals(header);
    }

    private RecordedRequest parse(String path, byte[] body, boolean authorized) {
        String text = new String(body, StandardCharsets.UTF_8);
        String method = "";
        String params = "[]";
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("method".equals(name) && value == JsonToken.VALUE_STRING) {
                        method = p.getText();
                    } else if ("params".equals(name)) {
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        p.skipChildren();
                        int end = (int) p.currentLocation().getByteOffset();
                        params = new String(body, start, end - start, StandardCharsets.UTF_8);
                    } else {
                        p.skipChildren();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            method = "";
        }
        return new RecordedRequest(method, params, path, authorized, text);
    }

    // ---- values

    /**
     * One request as the fake node received it.
     *
     * @param method     the JSON-RPC method; empty when the body was not a JSON-RPC request
     * @param paramsJson the {@code params} value exactly as sent (a JSON array)
     * @param path       the HTTP path ({@code /} or {@code /wallet/NAME})
     * @param authorized whether its credentials were right (refused requests are recorded too)
     * @param body       the whole request body
     */
    public record RecordedRequest(String method, String paramsJson, String path, boolean authorized,
                                  String body) {

        /** The elements of {@code params}, each as its exact JSON text. */
        public List<String> params() {
            byte[] bytes = paramsJson.getBytes(StandardCharsets.UTF_8);
            List<String> out = new ArrayList<>();
            try (JsonParser p = new JsonFactory().createParser(bytes)) {
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new AssertionError("params are not an array: " + paramsJson);
                }
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        p.skipChildren();
                    } else {
                        p.getText(); // finishes a lazily read string, so the location is past its end
                    }
                    int end = (int) p.currentLocation().getByteOffset();
                    out.add(new String(bytes, start, end - start, StandardCharsets.UTF_8).strip());
                }
            } catch (IOException e) {
                throw new AssertionError("params are not JSON: " + paramsJson, e);
            }
            return List.copyOf(out);
        }

        /** Parameter {@code index}, which must be a JSON string, unquoted. */
        public String stringParam(int index) {
            String raw = params().get(index);
            try (JsonParser p = new JsonFactory().createParser(raw)) {
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw new AssertionError(method + " parameter " + index + " is not a string: " + raw);
                }
                return p.getText();
            } catch (IOException e) {
                throw new AssertionError(method + " parameter " + index + " is not JSON: " + raw, e);
            }
        }
    }

    /**
     * What the fake node does with one request: answer with a status and body (a real vector or any other),
     * after an optional delay, or drop the connection, or wait for a future to say what to answer.
     *
     * <p>Immutable.
     */
    public static final class Answer {
        private final int status;
        private final byte[] body;
        private final Duration delay;
        private final boolean drop;
        private final CompletionStage<Answer> awaited;
        private final Map<String, String> headers;

        private Answer(int status, byte[] body, Duration delay, boolean drop, CompletionStage<Answer> awaited,
                       Map<String, String> headers) {
            this.status = status;
            this.body = body;
            this.delay = delay;
            this.drop = drop;
            this.awaited = awaited;
            this.headers = headers;
        }

        /** The captured answer {@code bitcoind-regtest/FILE}, byte for byte, with its status from INDEX.md. */
        public static Answer vector(String file) {
            Integer status = vectorStatuses().get(file);
            if (status == null) {
                throw new IllegalArgumentException("INDEX.md of " + VECTORS + " does not list '" + file
                        + "'; it lists " + vectorStatuses().keySet());
            }
            return new Answer(status, SharedVectors.bytes(VECTORS + file), Duration.ZERO, false, null, Map.of());
        }

        /** Any status and body (UTF-8). */
        public static Answer of(int status, String body) {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("an HTTP status is in [100, 599]; got " + status);
            }
            return new Answer(status, body.getBytes(StandardCharsets.UTF_8), Duration.ZERO, false, null, Map.of());
        }

        /** HTTP 200 with {@code {"result":RESULT_JSON,"error":null,"id":"fake"}}, as bitcoind formats it. */
        public static Answer result(String resultJson) {
            return of(200, "{\"result\":" + resultJson + ",\"error\":null,\"id\":\"fake\"}\n");
        }

        /** An RPC error object with bitcoind's HTTP status for it: 404 for -32601, 400 for -32600, else 500. */
        public static Answer rpcError(int code, String message) {
            int status = code == -32601 ? 404 : code == -32600 ? 400 : 500;
            String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
            return of(status, "{\"result\":null,\"error\":{\"code\":" + code + ",\"message\":\"" + escaped
                    + "\"},\"id\":\"fake\"}\n");
        }

        /** HTTP 200 with a body that is not JSON. */
        public static Answer garbage() {
            return of(200, "<html>\u0000not json{{{\n");
        }

        /** The connection is closed without an answer, as when the node crashes mid-call. */
        public static Answer dropConnection() {
            return new Answer(0, new byte[0], Duration.ZERO, true, null, Map.of());
        }

        /**
         * The request is held until {@code answer} completes and then gets that answer (a long poll); the
         * connection drops if it fails, after 10 minutes, or when the node stops.
         */
        public static Answer after(CompletionStage<Answer> answer) {
            return new Answer(0, new byte[0], Duration.ZERO, false, Objects.requireNonNull(answer, "answer"),
                    Map.of());
        }

        /** This answer, sent {@code delay} after the request arrives. */
        public Answer delayedBy(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("a delay is >= 0; got " + delay);
            }
            return new Answer(status, body, delay, drop, awaited, headers);
        }

        /** This answer with an extra response header. */
        public Answer withHeader(String name, String value) {
            Map<String, String> more = new HashMap<>(headers);
            more.put(name, value);
            return new Answer(status, body, delay, drop, awaited, Map.copyOf(more));
        }

        /** The HTTP status (0 for a dropped or held answer). */
        public int status() {
            return status;
        }

        /** The body as text. */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** A copy of the body. */
        public byte[] body() {
            return Arrays.copyOf(body, body.length);
        }

        /** An answer that completes later, for {@link #after(CompletionStage)}. */
        public static CompletableFuture<Answer> later() {
            return new CompletableFuture<>();
        }
    }

    /** File name → HTTP status, from the vectors' INDEX.md table. */
    public static Map<String, Integer> vectorStatuses() {
        Map<String, Integer> statuses = new HashMap<>();
        for (String line : SharedVectors.text(VECTORS + "INDEX.md").split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length < 3) {
                continue;
            }
            String file = cells[1].trim();
            String status = cells[2].trim();
            if (!file.isEmpty() && status.matches("\\d{3}")) {
                statuses.put(file, Integer.parseInt(status));
            }
        }
        if (statuses.isEmpty()) {
            throw new IllegalStateException("no file/status rows in " + VECTORS + "INDEX.md");
        }
        return Map.copyOf(statuses);
    }
}
