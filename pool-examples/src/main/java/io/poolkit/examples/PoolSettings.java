package io.poolkit.examples;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import io.poolkit.stratum.server.StratumServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Everything the reference pool runs with, checked: from the {@code demo} command's options or from
 * {@code pool.json} ({@code run --config}). Values are already validated when a settings object exists;
 * {@link ReferencePool#start(PoolSettings)} only has to wire them.
 *
 * @param network        the chain's network
 * @param node           the {@code bitcoind} to mine on; empty for the embedded demo chain
 * @param payoutAddress  the pool's coinbase address (canonical form)
 * @param poolTag        text in every coinbase, e.g. {@code /PoolKit/}
 * @param scheme         the payout scheme's name ({@code pplns}, a plugin's name...)
 * @param schemeConfig   the scheme's settings, {@code fee.bps} included
 * @param feeBps         the pool fee in basis points
 * @param payments       when and how much to pay
 * @param stratum        where miners connect
 * @param guard          the connection guard's caps, rate limits and bans ({@link GuardSettings#disabled()} for
 *                       none)
 * @param difficulty     share difficulty: start, range, vardiff or fixed
 * @param ledger         where the books are kept
 * @param api            the HTTP API's address
 * @param dataDir        the folder for the SQLite ledger and the demo wallet's journal
 * @param statusInterval how often a status line is printed; zero for never
 * @param runFor         stop by itself after this long; empty to run until stopped
 * @param demo           the demo's own settings (ignored with a node)
 */
public record PoolSettings(Network network, Optional<NodeSettings> node, String payoutAddress, String poolTag,
                           String scheme, Map<String, String> schemeConfig, int feeBps, PaymentSettings payments,
                           StratumSettings stratum, GuardSettings guard, DifficultySettings difficulty,
                           LedgerSettings ledger,
                           ApiSettings api, Path dataDir, Duration statusInterval, Optional<Duration> runFor,
                           DemoSettings demo) {

    public PoolSettings {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(payoutAddress, "payoutAddress");
        Objects.requireNonNull(poolTag, "poolTag");
        Objects.requireNonNull(scheme, "scheme");
        schemeConfig = Map.copyOf(schemeConfig);
        Objects.requireNonNull(payments, "payments");
        Objects.requireNonNull(stratum, "stratum");
        Objects.requireNonNull(guard, "guard");
        Objects.requireNonNull(difficulty, "difficulty");
        Objects.requireNonNull(ledger, "ledger");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(statusInterval, "statusInterval");
        Objects.requireNonNull(runFor, "runFor");
        Objects.requireNonNull(demo, "demo");
    }

    /** Whether this is the demo: the embedded chain and built-in miners instead of a {@code bitcoind}. */
    public boolean isDemo() {
        return node.isEmpty();
    }

    /**
     * The {@code bitcoind} to mine on.
     *
     * @param url        its RPC URL; a {@code /wallet/NAME} path picks the wallet that pays miners
     * @param cookieFile its {@code .cookie} file, when authenticating with the cookie
     * @param user       the RPC user, when authenticating with a user and password
     * @param password   the RPC password, with {@code user}
     */
    public record NodeSettings(URI url, Optional<Path> cookieFile, Optional<String> user, Optional<String> password) {
        public NodeSettings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(cookieFile, "cookieFile");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "NodeSettings[" + url + ", " + (cookieFile.isPresent() ? "cookie " + cookieFile.get()
                    : "user " + user.orElse("?")) + "]";
        }
    }

    /**
     * @param thresholdSats balances of at least this many satoshis are paid
     * @param interval      how often payments run
     * @param maxOutputs    the most outputs in one payment transaction
     */
    public record PaymentSettings(long thresholdSats, Duration interval, int maxOutputs) {
        public PaymentSettings {
            Objects.requireNonNull(interval, "interval");
        }
    }

    /**
     * @param host           the address both listeners listen on
     * @param port           the plain Stratum port; 0 for any free port
     * @param portFallback   whether a taken port falls back to a free one (the demo's default port only)
     * @param proxyProtocol  whether the plain listener expects a PROXY protocol header (behind a load balancer)
     * @param trustedProxies with {@code proxyProtocol}: the only sources (addresses, CIDR ranges) the plain
     *                       listener accepts; empty for any
     * @param tls            a TLS listener beside the plain one, when configured
     * @param limits         the server's per-connection and overall limits
     */
    public record StratumSettings(String host, int port, boolean portFallback, boolean proxyProtocol,
                                  List<String> trustedProxies, Optional<TlsSettings> tls, ServerLimits limits) {
        public StratumSettings {
            Objects.requireNonNull(host, "host");
            trustedProxies = List.copyOf(trustedProxies);
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(limits, "limits");
        }

        /** A plain listener on {@code host:port}, no PROXY protocol, no TLS, the default limits. */
        public static StratumSettings plain(String host, int port, boolean portFallback) {
            return new StratumSettings(host, port, portFallback, false, List.of(), Optional.empty(),
                    ServerLimits.defaults());
        }
    }

    /**
     * A TLS listener ({@code stratum+ssl}) on the Stratum host.
     *
     * @param port           the TLS port; 0 for any free port
     * @param certificate    the certificate chain, PEM (the server's certificate first)
     * @param key            the private key, PEM (PKCS#8, encrypted when {@code keyPassword} is set)
     * @param keyPassword    the key's password, for an encrypted key
     * @param proxyProtocol  whether this listener expects a PROXY protocol header
     * @param trustedProxies with {@code proxyProtocol}: the only sources it accepts; empty for any
     */
    public record TlsSettings(int port, Path certificate, Path key, Optional<String> keyPassword,
                              boolean proxyProtocol, List<String> trustedProxies) {
        public TlsSettings {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(keyPassword, "keyPassword");
            trustedProxies = List.copyOf(trustedProxies);
        }

        @Override
        public String toString() {
            return "TlsSettings[port " + port + ", certificate " + certificate + ", key " + key
                    + (keyPassword.isPresent() ? " (encrypted)" : "") + (proxyProtocol ? ", PROXY protocol"
                    + (trustedProxies.isEmpty() ? "" : " from " + trustedProxies) : "") + "]";
        }
    }

    /**
     * The Stratum server's limits (see {@code StratumServer.Builder} for what each does).
     *
     * @param maxLineLength            the longest line a miner may send, bytes
     * @param subscribeTimeout         a connection must subscribe and authorise a worker within this
     * @param idleTimeout              a connection silent this long is closed
     * @param writeBufferLowWaterMark  outbound bytes below which a connection is writable again
     * @param writeBufferHighWaterMark outbound bytes above which a connection counts as not reading
     * @param unwritableTimeout        a connection above the high-water mark this long is closed
     * @param maxPendingShares         share replies one connection may have waiting before it is not read
     * @param maxSharesInFlight        shares the server may have waiting for the ledger before connections
     *                                 adding more are not read
     */
    public record ServerLimits(int maxLineLength, Duration subscribeTimeout, Duration idleTimeout,
                               int writeBufferLowWaterMark, int writeBufferHighWaterMark, Duration unwritableTimeout,
                               int maxPendingShares, int maxSharesInFlight) {
        private static final ServerLimits DEFAULTS = new ServerLimits(StratumFrameDecoder.DEFAULT_MAX_LINE_LENGTH,
                Duration.ofSeconds(60), Duration.ofMinutes(10), StratumServer.DEFAULT_LOW_WATER_MARK,
                StratumServer.DEFAULT_HIGH_WATER_MARK, StratumServer.DEFAULT_UNWRITABLE_TIMEOUT,
                StratumServer.DEFAULT_MAX_PENDING_SHARES, StratumServer.DEFAULT_MAX_SHARES_IN_FLIGHT);

        public ServerLimits {
            Objects.requireNonNull(subscribeTimeout, "subscribeTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(unwritableTimeout, "unwritableTimeout");
        }

        /** The server's own defaults. */
        public static ServerLimits defaults() {
            return DEFAULTS;
        }
    }

    /**
     * @param initial           the difficulty a new session starts at
     * @param fixed             a difficulty every share is judged at, vardiff off; empty for vardiff
     * @param min               the lowest difficulty vardiff or a miner may choose
     * @param max               the highest
     * @param targetShareTime   vardiff aims at one share per worker this often
     * @param retargetInterval  vardiff reconsiders a worker's difficulty at most this often
     */
    public record DifficultySettings(double initial, OptionalDouble fixed, double min, double max,
                                     Duration targetShareTime, Duration retargetInterval) {
        public DifficultySettings {
            Objects.requireNonNull(fixed, "fixed");
            Objects.requireNonNull(targetShareTime, "targetShareTime");
            Objects.requireNonNull(retargetInterval, "retargetInterval");
        }

        /** Whether vardiff runs (no fixed difficulty). */
        public boolean vardiff() {
            return fixed.isEmpty();
        }
    }

    /** The ledger's database. */
    public enum LedgerKind {
        SQLITE, POSTGRESQL
    }

    /**
     * @param kind     SQLite or PostgreSQL
     * @param path     the SQLite file
     * @param url      the PostgreSQL JDBC URL
     * @param user     the PostgreSQL user, unless in the URL
     * @param password the PostgreSQL password, unless in the URL
     * @param schema   the PostgreSQL schema holding the tables
     */
    public record LedgerSettings(LedgerKind kind, Path path, String url, Optional<String> user,
                                 Optional<String> password, String schema) {
        public LedgerSettings {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(schema, "schema");
        }

        @Override
        public String toString() {
            return "LedgerSettings[" + (kind == LedgerKind.SQLITE ? "sqlite " + path : "postgresql " + url
                    + " schema " + schema) + "]";
        }
    }

    /**
     * @param host         the address the HTTP API listens on
     * @param port         its port; 0 for any free port
     * @param portFallback whether a taken port falls back to a free one (the demo's default port only)
     */
    public record ApiSettings(String host, int port, boolean portFallback) {
        public ApiSettings {
            Objects.requireNonNull(host, "host");
        }
    }

    /**
     * The demo's own settings.
     *
     * @param miners        built-in CPU miners
     * @param minerHashrate each miner's hash rate cap, hashes per second; 0 for none
     * @param blockInterval the embedded chain is retargeted to find a block this often
     * @param maturity      confirmations before a block's credits are paid (demo only: regtest's rule is 100)
     * @param mineEvery     the chain mines a block of its own (an outside miner's, not the pool's) this often;
     *                      empty for never
     */
    public record DemoSettings(int miners, long minerHashrate, Duration blockInterval, int maturity,
                               Optional<Duration> mineEvery) {
        public DemoSettings {
            Objects.requireNonNull(blockInterval, "blockInterval");
            Objects.requireNonNull(mineEvery, "mineEvery");
        }
    }

    /** The scheme's settings with the fee added, as {@code PayoutSchemes.byName} takes them. */
    static Map<String, String> schemeConfigWithFee(Map<String, String> config, int feeBps) {
        Map<String, String> all = new TreeMap<>(config);
        all.put("fee.bps", Integer.toString(feeBps));
        return all;
    }
}
