package io.poolkit.core.node;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-RPC client for Bitcoin Core ({@code bitcoind}): block templates and block submission for mining,
 * chain queries for block maturity, and wallet calls for payouts.
 *
 * <pre>{@code
 * BitcoindClient node = BitcoindClient.builder()
 *         .url("http://127.0.0.1:18443/wallet/pool")
 *         .cookieFile(Path.of("/var/lib/bitcoind/regtest/.cookie"))
 *         .build();
 * node.getBlockTemplate().thenAccept(t -> System.out.println("height " + t.height()));
 * node.submitBlock(blockHex).thenAccept(r -> log(r.isAccepted() ? "block!" : r.reason().orElseThrow()));
 * }</pre>
 *
 * <p>Every call is asynchronous: it returns at once and never blocks the caller's thread (the cookie file is
 * read on the client's executor). The future completes on the client's executor with an immutable value, or
 * fails with a {@link BitcoindException} whose {@link BitcoindException#kind() kind} says what went wrong.
 * Amounts are satoshis; the client converts to and from the node's BTC numbers exactly.
 *
 * <p>With a cookie file, the cookie is read on the first call and read again when the node answers 401
 * (bitcoind writes a new cookie each time it starts); the call is then retried once with the new cookie.
 * No other call is retried: {@link BitcoindException#isRetryable()} tells the caller when trying again makes
 * sense, and {@code sendmany} in particular must never be repeated blindly.
 *
 * <p>Thread-safe. Close it to release the executor it created (one given to the builder is left alone).
 */
public final class BitcoindClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BitcoindClient.class);
    private static final int EXCERPT_CHARS = 160;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final URI url;
    private final Credentials credentials;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration longPollTimeout;
    private final Clock clock;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final HttpClient http;
    private final JsonFactory json = new JsonFactory();
    private final AtomicLong ids = new AtomicLong();
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private BitcoindClient(Builder b) {
        this.url = b.url;
        this.credentials = b.credentials;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.longPollTimeout = b.longPollTimeout;
        this.clock = b.clock;
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "poolkit-bitcoind-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.executor = ownedExecutor;
        }
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // bitcoind speaks HTTP/1.1 only; no h2c upgrade
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /** A builder; {@link Builder#url(String)} and one way to authenticate are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The node's URL, for instance {@code http://127.0.0.1:8332} or {@code http://127.0.0.1:8332/wallet/pool}. */
    public URI url() {
        return url;
    }

    // ---- mining

    /**
     * A new block template ({@code getblocktemplate} with the {@code segwit} rule), its {@code result} object
     * kept byte for byte. Fails with {@link BitcoindException.Kind#RPC_ERROR} codes {@code -9} or {@code -10}
     * while the node has no peers or is syncing (both retryable).
     */
    public CompletableFuture<RawTemplate> getBlockTemplate() {
        return call("getblocktemplate", RpcRequest.array(g -> writeTemplateRequest(g, null)), requestTimeout,
                "request timeout", true, this::readTemplate);
    }

    /**
     * A long poll: the node answers with a new template when its tip changes or new transactions make one
     * worth fetching, which can take minutes. Bounded by the long-poll timeout, not the request timeout.
     *
     * @param longPollId the {@link RawTemplate#longPollId()} of the template the caller has
     */
    public CompletableFuture<RawTemplate> getBlockTemplate(String longPollId) {
        Objects.requireNonNull(longPollId, "longPollId");
        return call("getblocktemplate", RpcRequest.array(g -> writeTemplateRequest(g, longPollId)),
                longPollTimeout, "long-poll timeout", true, this::readTemplate);
    }

    /**
     * Submits a block ({@code submitblock}): the result is accepted, or the node's reason. A block the node
     * cannot even decode fails with {@link BitcoindException.Kind#RPC_ERROR} code {@code -22}.
     *
     * @param blockHex the serialized block, hex
     */
    public CompletableFuture<SubmitBlockResult> submitBlock(String blockHex) {
        Objects.requireNonNull(blockHex, "blockHex");
        if (blockHex.isEmpty() || blockHex.length() % 2 != 0 || !isHex(blockHex)) {
            throw new IllegalArgumentException("a block is an even number of hex digits; got "
                    + blockHex.length() + " characters starting '" + Json.abbreviate(blockHex) + "'");
        }
        return call("submitblock", RpcRequest.array(g -> g.writeString(blockHex)), requestTimeout,
                "request timeout", false, r -> {
                    Json result = r.result();
                    return result.isNull() ? SubmitBlockResult.ACCEPTED
                            : SubmitBlockResult.rejected(nonEmpty(result));
                });
    }

    /** Submits the serialized {@code block} ({@code submitblock}). */
    public CompletableFuture<SubmitBlockResult> submitBlock(byte[] block) {
        return submitBlock(Hex.encode(block));
    }

    /** Height, difficulty, network hash rate and mempool size ({@code getmininginfo}). */
    public CompletableFuture<MiningInfo> getMiningInfo() {
        return call("getmininginfo", RpcRequest.array(g -> { }), requestTimeout, "request timeout", false,
                r -> MiningInfo.from(r.result()));
    }

    // ---- chain

    /** The chain, tip and sync state ({@code getblockchaininfo}). */
    public CompletableFuture<BlockchainInfo> getBlockchainInfo() {
        return call("getblockchaininfo", RpcRequest.array(g -> { }), requestTimeout, "request timeout", false,
                r -> BlockchainInfo.from(r.result()));
    }

    /** The hash of the node's tip ({@code getbestblockhash}): cheap enough to poll every 100 ms. */
    public CompletableFuture<Hash256> getBestBlockHash() {
        return call("getbestblockhash", RpcRequest.array(g -> { }), requestTimeout, "request timeout", false,
                r -> r.result().asHash());
    }

    /**
     * The hash of the best chain's block at {@code height} ({@code getblockhash}). A height above the tip
     * fails with {@link BitcoindException.Kind#RPC_ERROR} code {@code -8}.
     */
    public CompletableFuture<Hash256> getBlockHash(long height) {
        if (height < 0) {
            throw new IllegalArgumentException("a block height is >= 0; got " + height);
        }
        return call("getblockhash", RpcRequest.array(g -> g.writeNumber(height)), requestTimeout,
                "request timeout", false, r -> r.result().asHash());
    }

    /**
     * A block's header and its standing on the chain ({@code getblockheader}, verbose). An unknown hash fails
     * with {@link BitcoindException.Kind#RPC_ERROR} code {@code -5}.
     */
    public CompletableFuture<BlockHeaderInfo> getBlockHeader(Hash256 hash) {
        Objects.requireNonNull(hash, "hash");
        return call("getblockheader", RpcRequest.array(g -> {
            g.writeString(hash.displayHex());
            g.writeBoolean(true);
        }), requestTimeout, "request timeout", false, r -> BlockHeaderInfo.from(r.result()));
    }

    /** A block with its transaction ids ({@code getblock} with verbosity 1). */
    public CompletableFuture<BlockInfo> getBlock(Hash256 hash) {
        Objects.requireNonNull(hash, "hash");
        return call("getblock", RpcRequest.array(g -> {
            g.writeString(hash.displayHex());
            g.writeNumber(1);
        }), requestTimeout, "request timeout", false, r -> BlockInfo.from(r.result()));
    }

    /** Whether {@code address} is valid on the node's network, and its output script ({@code validateaddress}). */
    public CompletableFuture<AddressValidation> validateAddress(String address) {
        Objects.requireNonNull(address, "address");
        return call("validateaddress", RpcRequest.array(g -> g.writeString(address)), requestTimeout,
                "request timeout", false, r -> AddressValidation.from(r.result()));
    }

    // ---- wallet (the URL's /wallet/NAME picks the wallet when the node has several)

    /** The wallet's balances ({@code getbalances}). */
    public CompletableFuture<WalletBalances> getBalances() {
        return call("getbalances", RpcRequest.array(g -> { }), requestTimeout, "request timeout", false,
                r -> WalletBalances.from(r.result()));
    }

    /**
     * Pays several addresses in one transaction ({@code sendmany}) and returns its txid. Amounts are satoshis;
     * they are sent as exact 8-decimal BTC numbers. The {@code comment} is stored in the wallet with the
     * transaction, so a payment can be found again after a crash ({@link #listTransactions}).
     *
     * <p>Never retried by the client. A timeout or lost connection leaves it unknown whether the node sent
     * the payment: look for the comment before sending again.
     *
     * @param satsByAddress amounts in satoshis by address, each in [1, 21,000,000 BTC]; the order is kept
     * @param comment       a comment stored with the transaction, or null for none
     */
    public CompletableFuture<Hash256> sendMany(Map<String, Long> satsByAddress, String comment) {
        Objects.requireNonNull(satsByAddress, "satsByAddress");
        if (satsByAddress.isEmpty()) {
            throw new IllegalArgumentException("sendmany needs at least one address to pay; got none");
        }
        Map<String, Long> amounts = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, Long> e : satsByAddress.entrySet()) {
            String address = e.getKey();
            Long sats = e.getValue();
            if (address == null || address.isBlank()) {
                throw new IllegalArgumentException("sendmany: blank address '" + address + "'");
            }
            if (sats == null || sats <= 0 || sats > RpcRequest.MAX_MONEY_SATS) {
                throw new IllegalArgumentException("sendmany: the amount for " + address + " must be in [1, "
                        + RpcRequest.MAX_MONEY_SATS + "] satoshis; got " + sats);
            }
            total += sats;
            if (total > RpcRequest.MAX_MONEY_SATS) {
                throw new IllegalArgumentException("sendmany: the amounts add up to more than 21,000,000 BTC");
            }
            amounts.put(address, sats);
        }
        return call("sendmany", RpcRequest.array(g -> {
            g.writeString(""); // the "dummy" first argument, which must be empty
            g.writeStartObject();
            for (Map.Entry<String, Long> e : amounts.entrySet()) {
                g.writeFieldName(e.getKey());
                RpcRequest.writeBtc(g, e.getValue());
            }
            g.writeEndObject();
            if (comment != null) {
                g.writeNumber(1); // minconf: ignored by today's nodes, but positional before the comment
                g.writeString(comment);
            }
        }), requestTimeout, "request timeout", false, r -> r.result().asHash());
    }

    /** A wallet transaction with its details and comment ({@code gettransaction}). */
    public CompletableFuture<WalletTransaction> getTransaction(Hash256 txid) {
        Objects.requireNonNull(txid, "txid");
        return call("gettransaction", RpcRequest.array(g -> g.writeString(txid.displayHex())), requestTimeout,
                "request timeout", false, r -> WalletTransaction.from(r.result()));
    }

    /**
     * Recent wallet transactions, oldest first ({@code listtransactions}).
     *
     * @param label {@code "*"} for all, or a label
     * @param count how many entries, at least 1
     * @param skip  how many of the most recent entries to skip
     */
    public CompletableFuture<List<WalletTransactionEntry>> listTransactions(String label, int count, int skip) {
        Objects.requireNonNull(label, "label");
        if (count < 1 || skip < 0) {
            throw new IllegalArgumentException("listtransactions needs count >= 1 and skip >= 0; got count "
                    + count + ", skip " + skip);
        }
        return call("listtransactions", RpcRequest.array(g -> {
            g.writeString(label);
            g.writeNumber(count);
            g.writeNumber(skip);
        }), requestTimeout, "request timeout", false, r -> WalletTransactionEntry.listFrom(r.result()));
    }

    // ---- anything else

    /**
     * Calls any RPC {@code method} with {@code paramsJson} (a JSON array, e.g. {@code "[]"}) and returns the
     * {@code result} as JSON text. Errors as for the typed calls.
     */
    public CompletableFuture<String> call(String method, String paramsJson) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(paramsJson, "paramsJson");
        requireJsonArray(paramsJson);
        return call(method, g -> g.writeRawValue(paramsJson), requestTimeout, "request timeout", true,
                this::resultText);
    }

    /**
     * Stops the client: pending calls are cancelled, new calls fail with {@link IllegalStateException}, and
     * the executor the client created is shut down.
     */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<?> f : pending) {
            f.cancel(false);
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "BitcoindClient[" + url + ", " + (credentials.isCookie() ? "cookie" : "user/password") + "]";
    }

    // ---- the call machinery

    @FunctionalInterface
    private interface Reader<T> {
        T read(RpcResponse response) throws IOException;
    }

    private <T> CompletableFuture<T> call(String method, RpcRequest.Params params, Duration timeout,
                                          String timeoutName, boolean keepRaw, Reader<T> reader) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the BitcoindClient for " + url
                    + " is closed; " + method + " not sent"));
        }
        byte[] body = RpcRequest.write(json, ids.incrementAndGet(), method, params);
        Call<T> call = new Call<>(method, body, timeout, timeoutName, keepRaw, reader);
        call.start();
        return call.result;
    }

    /** One call in flight: its request, its deadline and the future it completes. */
    private final class Call<T> {
        final String method;
        final byte[] body;
        final Duration timeout;
        final String timeoutName;
        final boolean keepRaw;
        final Reader<T> reader;
        final CompletableFuture<T> result = new CompletableFuture<>();
        final long startMillis = clock.millis();
        volatile CompletableFuture<HttpResponse<byte[]>> inFlight;

        Call(String method, byte[] body, Duration timeout, String timeoutName, boolean keepRaw, Reader<T> reader) {
            this.method = method;
            this.body = body;
            this.timeout = timeout;
            this.timeoutName = timeoutName;
            this.keepRaw = keepRaw;
            this.reader = reader;
        }

        void start() {
            pending.add(result);
            result.whenComplete((v, e) -> {
                pending.remove(result);
                CompletableFuture<HttpResponse<byte[]>> f = inFlight;
                if (f != null && !f.isDone()) {
                    f.cancel(true); // cancels the exchange: timed out or the client closed
                }
            });
            try {
                // The deadline covers the whole call: connecting, a cookie retry and reading the body.
                CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, executor)
                        .execute(() -> fail(error(BitcoindException.Kind.TIMEOUT, 0, null, null, "no answer within "
                                + "the " + timeoutName + " (" + format(timeout) + ")", null)));
                if (credentials.needsLoad()) {
                    executor.execute(() -> send(credentials.header(), true));
                } else {
                    send(credentials.header(), true);
                }
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new IllegalStateException("the client's executor refused the call "
                        + method + " (shut down?)", e));
            }
        }

        void send(String authorization, boolean mayRereadCookie) {
            if (result.isDone()) {
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(url)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", "application/json");
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            CompletableFuture<HttpResponse<byte[]>> exchange;
            try {
                exchange = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (RuntimeException e) {
                fail(transportError(e));
                return;
            }
            inFlight = exchange;
            if (result.isDone()) {
                exchange.cancel(true);
                return;
            }
            exchange.whenCompleteAsync((response, failure) -> {
                if (failure != null) {
                    fail(transportError(failure));
                } else {
                    receive(response, authorization, mayRereadCookie);
                }
            }, executor);
        }

        void receive(HttpResponse<byte[]> response, String authorization, boolean mayRereadCookie) {
            if (result.isDone()) {
                return;
            }
            try {
                if (response.statusCode() == 401) {
                    if (credentials.isCookie() && mayRereadCookie) {
                        String fresh = credentials.reload();
                        if (fresh != null && !fresh.equals(authorization)) {
                            LOG.info("bitcoind at {} refused the old cookie; retrying {} with the cookie re-read",
                                    url, method);
                            send(fresh, false);
                            return;
                        }
                    }
                    fail(error(BitcoindException.Kind.UNAUTHORIZED, 401, null, null,
                            "HTTP 401: " + credentials.describeRefusal(), null));
                    return;
                }
                result.complete(interpret(response.statusCode(), response.body()));
            } catch (BitcoindException e) {
                fail(e);
            } catch (IOException | RuntimeException e) {
                // A bug in reading an answer must still end the call with a clear error, never a hang.
                fail(malformed(response.statusCode(), response.body(), String.valueOf(e), e));
            }
        }

        T interpret(int status, byte[] answer) throws IOException {
            RpcResponse rpc;
            try {
                rpc = RpcResponse.parse(json, answer, keepRaw);
            } catch (JsonProcessingException e) {
                String why = e.getOriginalMessage().replaceAll("\\[Source: [^\\]]*\\]; ", "");
                throw status == 200 ? malformed(status, answer, "not JSON: " + why, e)
                        : httpError(status, answer);
            } catch (Json.Shape e) {
                throw status == 200 ? malformed(status, answer, e.getMessage(), e) : httpError(status, answer);
            }
            if (rpc.hasError()) {
                int code;
                String message;
                try {
                    code = rpc.error().intField("code");
                    message = rpc.error().string("message");
                } catch (Json.Shape e) {
                    throw malformed(status, answer, e.getMessage(), e);
                }
                throw error(BitcoindException.Kind.RPC_ERROR, status, code, message,
                        "RPC error " + code + ": " + message + (status == 200 ? "" : " (HTTP " + status + ")"),
                        null);
            }
            if (status != 200) {
                throw httpError(status, answer);
            }
            try {
                return reader.read(rpc);
            } catch (Json.Shape e) {
                throw malformed(status, answer, e.getMessage(), e);
            }
        }

        void fail(BitcoindException e) {
            result.completeExceptionally(e);
        }

        BitcoindException transportError(Throwable failure) {
            Throwable t = failure;
            while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
                t = t.getCause();
            }
            if (t instanceof CancellationException) {
                return error(BitcoindException.Kind.TIMEOUT, 0, null, null, "cancelled", t);
            }
            if (t instanceof HttpConnectTimeoutException) {
                return error(BitcoindException.Kind.TIMEOUT, 0, null, null, "could not connect within the connect "
                        + "timeout (" + format(connectTimeout) + ")", t);
            }
            if (t instanceof HttpTimeoutException) {
                return error(BitcoindException.Kind.TIMEOUT, 0, null, null, "no answer within the "
                        + timeoutName + " (" + format(timeout) + ")", t);
            }
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof ConnectException || c instanceof UnresolvedAddressException
                        || c instanceof UnknownHostException || c instanceof NoRouteToHostException) {
                    return error(BitcoindException.Kind.UNREACHABLE, 0, null, null, "cannot connect ("
                            + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage())
                            + "): is the node running, and are its rpcbind, rpcport and rpcallowip right?", t);
                }
            }
            return error(BitcoindException.Kind.CONNECTION_LOST, 0, null, null, "the connection broke before a "
                    + "whole answer arrived (" + t + "); the node may have stopped", t);
        }

        BitcoindException httpError(int status, byte[] answer) {
            String hint = status == 403 ? " (is this client's address in the node's rpcallowip?)"
                    : status == 503 ? " (the node's RPC work queue is full; rpcworkqueue)" : "";
            return error(BitcoindException.Kind.HTTP_ERROR, status, null, null, "HTTP " + status + hint
                    + " without a JSON-RPC error; answer: " + excerpt(answer), null);
        }

        BitcoindException malformed(int status, byte[] answer, String what, Throwable cause) {
            return error(BitcoindException.Kind.MALFORMED_RESPONSE, status, null, null,
                    "malformed answer: " + what + "; answer: " + excerpt(answer), cause);
        }

        BitcoindException error(BitcoindException.Kind kind, int status, Integer rpcCode, String rpcMessage,
                                String detail, Throwable cause) {
            long elapsed = clock.millis() - startMillis;
            String message = "bitcoind " + method + " at " + url + ": " + detail + " [after " + elapsed + " ms]";
            return new BitcoindException(kind, method, url, status, rpcCode, rpcMessage, message, cause);
        }
    }

    // ---- readers and writers

    private static void writeTemplateRequest(JsonGenerator g, String longPollId) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("rules");
        g.writeString("segwit");
        g.writeEndArray();
        if (longPollId != null) {
            g.writeStringField("longpollid", longPollId);
        }
        g.writeEndObject();
    }

    private RawTemplate readTemplate(RpcResponse r) throws IOException {
        byte[] raw = r.rawResult();
        if (raw == null) {
            Json result = r.result();
            throw new Json.Shape("result: expected the template object, got "
                    + (result == null ? "nothing" : result.type().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return RawTemplate.parse(json, raw);
    }

    private String resultText(RpcResponse r) throws IOException {
        if (r.rawResult() != null) {
            return new String(r.rawResult(), StandardCharsets.UTF_8);
        }
        Json result = r.result();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = json.createGenerator(out)) {
            switch (result.type()) {
                case STRING:
                    g.writeString(result.asString());
                    break;
                case NUMBER:
                    g.writeNumber(result.asNumberText());
                    break;
                case BOOLEAN:
                    g.writeBoolean(result.asBoolean());
                    break;
                default:
                    g.writeNull();
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void requireJsonArray(String paramsJson) {
        try (JsonParser p = json.createParser(paramsJson)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("params must be a JSON array; got '"
                        + Json.abbreviate(paramsJson) + "'");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("params must be one JSON array; text follows it in '"
                        + Json.abbreviate(paramsJson) + "'");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("params are not JSON: '" + Json.abbreviate(paramsJson) + "'", e);
        }
    }

    private static String nonEmpty(Json result) {
        String reason = result.asString();
        if (reason.isEmpty()) {
            throw new Json.Shape("result: an empty reason string");
        }
        return reason;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /** The start of an answer, printable, for error messages. */
    static String excerpt(byte[] answer) {
        if (answer == null || answer.length == 0) {
            return "(empty)";
        }
        String text = new String(answer, 0, Math.min(answer.length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(EXCERPT_CHARS + 16);
        out.append('\'');
        for (int i = 0; i < text.length() && out.length() <= EXCERPT_CHARS; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (answer.length > EXCERPT_CHARS) {
            out.append("... (").append(answer.length).append(" bytes)");
        }
        return out.toString();
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 10_000) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }

    // ---- builder

    /**
     * Configures a {@link BitcoindClient}. Required: {@link #url(String)} and either {@link #cookieFile(Path)}
     * or {@link #credentials(String, String)}. Not thread-safe.
     */
    public static final class Builder {
        private URI url;
        private String urlProblem;
        private Credentials credentials;
        private int authMethods;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration longPollTimeout = Duration.ofMinutes(10);
        private Clock clock = Clock.systemUTC();
        private Executor executor;

        private Builder() {}

        /**
         * The node's RPC URL: {@code http://host:port}, or {@code http://host:port/wallet/NAME} to pick a
         * wallet for the wallet calls. No credentials in the URL.
         */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            try {
                return url(new URI(url));
            } catch (URISyntaxException e) {
                this.url = null;
                this.urlProblem = "not a URL: '" + url + "' (" + e.getMessage() + ")";
                return this;
            }
        }

        /** The node's RPC URL; see {@link #url(String)}. */
        public Builder url(URI url) {
            this.url = Objects.requireNonNull(url, "url");
            this.urlProblem = null;
            return this;
        }

        /** Authenticates with bitcoind's cookie file ({@code DATADIR/[network/].cookie}), read when needed. */
        public Builder cookieFile(Path cookieFile) {
            this.credentials = Credentials.cookie(cookieFile);
            authMethods++;
            return this;
        }

        /** Authenticates with {@code rpcuser}/{@code rpcpassword} (or an {@code rpcauth} entry's user). */
        public Builder credentials(String user, String password) {
            this.credentials = Credentials.userPassword(user, password);
            authMethods++;
            return this;
        }

        /** How long connecting may take; default 5 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /** How long a call may take from sending to the whole answer; default 30 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
            return this;
        }

        /** How long a long-poll {@code getblocktemplate} may wait; default 10 minutes. */
        public Builder longPollTimeout(Duration longPollTimeout) {
            this.longPollTimeout = Objects.requireNonNull(longPollTimeout, "longPollTimeout");
            return this;
        }

        /** The clock error messages measure elapsed time with; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where answers are parsed and futures completed; default a cached pool of daemon threads owned (and
         * closed) by the client.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Checks the settings; throws {@link IllegalArgumentException} naming the first bad one. */
        public BitcoindClient build() {
            if (urlProblem != null) {
                throw new IllegalArgumentException(urlProblem);
            }
            if (url == null) {
                throw new IllegalArgumentException("the node's URL is required, e.g. http://127.0.0.1:8332");
            }
            String scheme = url.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("the node's URL must be http:// (or https://); got '" + url + "'");
            }
            if (url.getHost() == null) {
                throw new IllegalArgumentException("the node's URL has no host: '" + url + "'");
            }
            if (url.getPort() < 0) {
                throw new IllegalArgumentException("the node's URL needs its RPC port (8332 main, 18332 test, "
                        + "38332 signet, 18443 regtest); got '" + url + "'");
            }
            if (url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("put credentials in credentials(...) or cookieFile(...), not in "
                        + "the URL: '" + url.getHost() + ":" + url.getPort() + "'");
            }
            if (url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new IllegalArgumentException("the node's URL takes no query or fragment; got '" + url + "'");
            }
            if (credentials == null) {
                throw new IllegalArgumentException("authentication is required: cookieFile(path) or "
                        + "credentials(user, password)");
            }
            if (authMethods > 1) {
                throw new IllegalArgumentException("choose one way to authenticate, cookieFile or credentials; "
                        + "got " + authMethods + " settings");
            }
            requirePositive("connectTimeout", connectTimeout);
            requirePositive("requestTimeout", requestTimeout);
            requirePositive("longPollTimeout", longPollTimeout);
            return new BitcoindClient(this);
        }

        private static void requirePositive(String name, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive; got " + d);
            }
        }
    }
}
