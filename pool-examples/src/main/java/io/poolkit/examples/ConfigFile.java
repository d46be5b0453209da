package io.poolkit.examples;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.vardiff.VardiffSettings;
import io.poolkit.examples.JsonTree.Node;
import io.poolkit.examples.JsonTree.Obj;
import io.poolkit.examples.JsonTree.Scalar;
import io.poolkit.examples.PoolSettings.ApiSettings;
import io.poolkit.examples.PoolSettings.DemoSettings;
import io.poolkit.examples.PoolSettings.DifficultySettings;
import io.poolkit.examples.PoolSettings.LedgerKind;
import io.poolkit.examples.PoolSettings.LedgerSettings;
import io.poolkit.examples.PoolSettings.NodeSettings;
import io.poolkit.examples.PoolSettings.PaymentSettings;
import io.poolkit.examples.PoolSettings.ServerLimits;
import io.poolkit.examples.PoolSettings.StratumSettings;
import io.poolkit.examples.PoolSettings.TlsSettings;
import io.poolkit.stratum.server.StratumListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads {@code pool.json}, the configuration of a pool on a real {@code bitcoind}, into checked
 * {@link PoolSettings}. Every key is known (a misspelt one is an error, not silently ignored), every value is
 * checked, and the first problem stops the start with one line naming the key, the value and what is
 * allowed. See pool-examples/README.md for every key and its default.
 *
 * <p>Stateless.
 */
final class ConfigFile {
    private ConfigFile() {}

    /**
     * Reads and checks {@code file}.
     *
     * @throws ConfigException for a file that is missing, not JSON, or holds an unknown key or a bad value
     */
    static PoolSettings read(Path file) {
        String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ConfigException.invalid("--config", file.toString(), "a readable file (" + e + ")", null);
        }
        Node root;
        try {
            root = JsonTree.parse(bytes);
        } catch (JsonTree.MalformedJson e) {
            throw new ConfigException("--config", source + " is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Obj obj)) {
            throw new ConfigException("--config", source + " must hold a JSON object {...}; it holds "
                    + root.describe());
        }
        return settings(new Section("", obj, source));
    }

    private static PoolSettings settings(Section root) {
        String source = root.source;
        root.expect("network", "node", "payoutAddress", "poolTag", "scheme", "feeBps", "payments", "stratum",
                "guard", "difficulty", "ledger", "api", "dataDir", "statusInterval");

        Network network = Values.network(root.key("network"), root.require("network", "main, test, signet or "
                + "regtest"), source);

        Section nodeSection = root.requireSection("node", "an object with url and cookieFile (or user and password)");
        nodeSection.expect("url", "cookieFile", "user", "password");
        URI url = Values.httpUrl(nodeSection.key("url"), nodeSection.require("url",
                "the node's RPC URL, e.g. http://127.0.0.1:8332/wallet/pool"), source);
        Optional<Path> cookie = nodeSection.optional("cookieFile")
                .map(v -> Values.readableFile(nodeSection.key("cookieFile"), v, source));
        Optional<String> user = nodeSection.optional("user").map(v -> Values.text(nodeSection.key("user"), v, 256,
                source));
        Optional<String> password = nodeSection.optional("password");
        if (cookie.isPresent() == (user.isPresent() || password.isPresent())) {
            throw new ConfigException(nodeSection.key("cookieFile"), (cookie.isPresent()
                    ? "invalid node in " + source + ": cookieFile and user/password are both set; expected one of them"
                    : "missing node.cookieFile in " + source + ": expected cookieFile, or user and password"));
        }
        if (user.isPresent() != password.isPresent()) {
            throw ConfigException.missing(user.isPresent() ? nodeSection.key("password") : nodeSection.key("user"),
                    "user and password together", source);
        }
        if (user.isPresent() && user.get().contains(":")) {
            throw ConfigException.invalid(nodeSection.key("user"), user.get(), "a user name without ':'", source);
        }
        NodeSettings node = new NodeSettings(url, cookie, user, password);

        String payout = Values.address(root.key("payoutAddress"), root.require("payoutAddress",
                "the pool's own address on " + network.chainName() + ", paid by every block's coinbase"), network,
                source);
        String poolTag = root.optional("poolTag").map(v -> Values.text(root.key("poolTag"), v, 40, source))
                .orElse("/PoolKit/");
        int feeBps = root.optional("feeBps").map(v -> Values.wholeNumber(root.key("feeBps"), v, 0, 10_000, source))
                .orElse(100);

        String schemeName = "pplns";
        Map<String, String> schemeConfig = new TreeMap<>();
        Optional<Node> schemeNode = root.node("scheme");
        if (schemeNode.isPresent() && schemeNode.get() instanceof Obj schemeObj) {
            Section scheme = new Section("scheme", schemeObj, source);
            schemeName = scheme.require("name", "the scheme's name: pps, fpps, prop, pplns, pplns-time, solo or a "
                    + "plugin's");
            for (String key : schemeObj.fields().keySet()) {
                if (!key.equals("name")) {
                    if (key.equals("fee.bps")) {
                        throw ConfigException.invalid(scheme.key(key), scheme.optional(key).orElse(""),
                                "the fee in the top-level key feeBps", source);
                    }
                    schemeConfig.put(key, scheme.optional(key).orElse(""));
                }
            }
        } else if (schemeNode.isPresent()) {
            schemeName = root.optional("scheme").orElseThrow();
        }
        Schemes.check(root.key("scheme") + (schemeNode.isPresent() && schemeNode.get() instanceof Obj ? ".name" : ""),
                schemeName, "scheme", schemeConfig, feeBps, source);

        Section pay = root.section("payments");
        pay.expect("thresholdSats", "interval", "maxOutputs");
        PaymentSettings payments = new PaymentSettings(
                pay.optional("thresholdSats").map(v -> Values.sats(pay.key("thresholdSats"), v, 1, source))
                        .orElse(1_000_000L),
                pay.optional("interval").map(v -> Values.duration(pay.key("interval"), v, 1, source))
                        .orElse(Duration.ofMinutes(10)),
                pay.optional("maxOutputs").map(v -> Values.wholeNumber(pay.key("maxOutputs"), v, 1, 10_000, source))
                        .orElse(100));

        StratumSettings stratum = stratum(root.section("stratum"), source);
        GuardSettings guard = guard(root.section("guard"), source);

        Section diff = root.section("difficulty");
        diff.expect("initial", "min", "max", "fixed", "targetShareTime", "retargetInterval");
        OptionalDouble fixed = diff.optional("fixed").map(v -> OptionalDouble.of(Values.difficulty(diff.key("fixed"),
                v, source))).orElse(OptionalDouble.empty());
        double min = diff.optional("min").map(v -> Values.difficulty(diff.key("min"), v, source)).orElse(0.001);
        double max = diff.optional("max").map(v -> Values.difficulty(diff.key("max"), v, source)).orElse(1e15);
        double initial = diff.optional("initial").map(v -> Values.difficulty(diff.key("initial"), v, source))
                .orElse(fixed.orElse(Math.max(1, min)));
        if (max < min) {
            throw ConfigException.invalid(diff.key("max"), max, "at least difficulty.min (" + min + ")", source);
        }
        if (initial < min || initial > max) {
            throw ConfigException.invalid(diff.key("initial"), initial, "a difficulty from difficulty.min (" + min
                    + ") to difficulty.max (" + max + ")", source);
        }
        if (fixed.isPresent() && (fixed.getAsDouble() < min || fixed.getAsDouble() > max)) {
            throw ConfigException.invalid(diff.key("fixed"), fixed.getAsDouble(), "a difficulty from difficulty.min ("
                    + min + ") to difficulty.max (" + max + ")", source);
        }
        if (min < VardiffSettings.MIN_DIFFICULTY) {
            throw ConfigException.invalid(diff.key("min"), min, "at least 2^-32 (" + VardiffSettings.MIN_DIFFICULTY
                    + "), the easiest share target", source);
        }
        Duration targetShare = diff.optional("targetShareTime")
                .map(v -> Values.duration(diff.key("targetShareTime"), v, 0.1, source)).orElse(Duration.ofSeconds(10));
        Duration retarget = diff.optional("retargetInterval")
                .map(v -> Values.duration(diff.key("retargetInterval"), v, 0.1, source)).orElse(Duration.ofSeconds(30));
        if (targetShare.compareTo(Duration.ofHours(1)) > 0) {
            throw ConfigException.invalid(diff.key("targetShareTime"), diff.optional("targetShareTime").orElse(""),
                    "at most 1 hour", source);
        }
        if (retarget.compareTo(targetShare) < 0 || retarget.compareTo(Duration.ofDays(1)) > 0) {
            throw ConfigException.invalid(diff.key("retargetInterval"), diff.optional("retargetInterval").orElse(""),
                    "a duration from difficulty.targetShareTime (" + targetShare.toMillis() / 1000.0 + " s) to 1 day",
                    source);
        }
        DifficultySettings difficulty = new DifficultySettings(fixed.orElse(initial), fixed, min, max, targetShare,
                retarget);

        Path dataDir = root.optional("dataDir").map(v -> Values.path(root.key("dataDir"), v, source))
                .orElse(Path.of("poolkit-data"));
        LedgerSettings ledger = ledger(root.section("ledger"), dataDir, source);

        Section apiSection = root.section("api");
        apiSection.expect("host", "port");
        ApiSettings api = new ApiSettings(
                apiSection.optional("host").map(v -> Values.text(apiSection.key("host"), v, 253, source))
                        .orElse("127.0.0.1"),
                apiSection.optional("port").map(v -> Values.port(apiSection.key("port"), v, true, source))
                        .orElse(8080),
                false);
        if (api.port() != 0 && (api.port() == stratum.port()
                || stratum.tls().map(t -> t.port() == api.port()).orElse(false))) {
            throw ConfigException.invalid(apiSection.key("port"), api.port(), "a port other than stratum.port",
                    source);
        }
        Duration status = root.optional("statusInterval")
                .map(v -> Values.duration(root.key("statusInterval"), v, 0, source)).orElse(Duration.ofSeconds(60));

        return new PoolSettings(network, Optional.of(node), payout, poolTag, schemeName, schemeConfig, feeBps,
                payments, stratum, guard, difficulty, ledger, api, dataDir, status,
                Optional.empty(), new DemoSettings(0, 0, Duration.ofMinutes(10), network.coinbaseMaturity(),
                Optional.empty()));
    }

    private static StratumSettings stratum(Section st, String source) {
        st.expect("host", "port", "proxyProtocol", "trustedProxies", "tls", "maxLineLength", "subscribeTimeout",
                "idleTimeout", "writeBufferLowWaterMark", "writeBufferHighWaterMark", "unwritableTimeout",
                "maxPendingShares", "maxSharesInFlight");
        String host = st.optional("host").map(v -> Values.text(st.key("host"), v, 253, source)).orElse("0.0.0.0");
        int port = st.optional("port").map(v -> Values.port(st.key("port"), v, true, source)).orElse(3333);
        boolean proxy = st.optional("proxyProtocol").map(v -> Values.bool(st.key("proxyProtocol"), v, source))
                .orElse(false);
        List<String> trusted = trustedProxies(st, proxy);
        Optional<TlsSettings> tls = Optional.empty();
        if (st.node("tls").isPresent()) {
            Section t = st.section("tls");
            t.expect("port", "certificate", "key", "keyPassword", "proxyProtocol", "trustedProxies");
            int tlsPort = Values.port(t.key("port"), t.require("port", "the TLS port, e.g. 3334 (0 for any free port)"),
                    true, source);
            if (tlsPort != 0 && tlsPort == port) {
                throw ConfigException.invalid(t.key("port"), tlsPort, "a port other than stratum.port", source);
            }
            Path certificate = Values.readableFile(t.key("certificate"), t.require("certificate",
                    "the certificate chain, a PEM file (e.g. certbot's fullchain.pem)"), source);
            Path key = Values.readableFile(t.key("key"), t.require("key", "the private key, a PKCS#8 PEM file "
                    + "(e.g. certbot's privkey.pem)"), source);
            Optional<String> password = t.optional("keyPassword");
            if (password.isPresent() && password.get().isEmpty()) {
                throw ConfigException.invalid(t.key("keyPassword"), "", "the encrypted key's password, or no "
                        + "keyPassword for an unencrypted key", source);
            }
            boolean tlsProxy = t.optional("proxyProtocol").map(v -> Values.bool(t.key("proxyProtocol"), v, source))
                    .orElse(false);
            tls = Optional.of(new TlsSettings(tlsPort, certificate, key, password, tlsProxy,
                    trustedProxies(t, tlsProxy)));
        }
        ServerLimits d = ServerLimits.defaults();
        int low = st.optional("writeBufferLowWaterMark").map(v -> Values.wholeNumber(st.key("writeBufferLowWaterMark"),
                v, 1, 64 << 20, source)).orElse(d.writeBufferLowWaterMark());
        int high = st.optional("writeBufferHighWaterMark").map(v -> Values.wholeNumber(
                st.key("writeBufferHighWaterMark"), v, 1, 64 << 20, source)).orElse(Math.max(low,
                d.writeBufferHighWaterMark()));
        if (high < low) {
            throw ConfigException.invalid(st.key("writeBufferHighWaterMark"), high, "at least "
                    + "stratum.writeBufferLowWaterMark (" + low + " bytes)", source);
        }
        ServerLimits limits = new ServerLimits(
                st.optional("maxLineLength").map(v -> Values.wholeNumber(st.key("maxLineLength"), v, 64, 1 << 20,
                        source)).orElse(d.maxLineLength()),
                st.optional("subscribeTimeout").map(v -> Values.durationBetween(st.key("subscribeTimeout"), v,
                        Duration.ofSeconds(1), Duration.ofHours(1), source)).orElse(d.subscribeTimeout()),
                st.optional("idleTimeout").map(v -> Values.durationBetween(st.key("idleTimeout"), v,
                        Duration.ofSeconds(1), Duration.ofDays(1), source)).orElse(d.idleTimeout()),
                low, high,
                st.optional("unwritableTimeout").map(v -> Values.durationBetween(st.key("unwritableTimeout"), v,
                        Duration.ofSeconds(1), Duration.ofHours(1), source)).orElse(d.unwritableTimeout()),
                st.optional("maxPendingShares").map(v -> Values.wholeNumber(st.key("maxPendingShares"), v, 2,
                        100_000, source)).orElse(d.maxPendingShares()),
                st.optional("maxSharesInFlight").map(v -> Values.wholeNumber(st.key("maxSharesInFlight"), v, 4,
                        10_000_000, source)).orElse(d.maxSharesInFlight()));
        return new StratumSettings(host, port, false, proxy, trusted, tls, limits);
    }

    /** A listener's {@code trustedProxies}: addresses or CIDR ranges, only with {@code proxyProtocol} true. */
    private static List<String> trustedProxies(Section section, boolean proxyProtocol) {
        List<String> entries = section.list("trustedProxies");
        if (!entries.isEmpty() && !proxyProtocol) {
            throw ConfigException.invalid(section.key("trustedProxies"), String.join(", ", entries),
                    "no trustedProxies without " + section.key("proxyProtocol") + " true", section.source);
        }
        for (int i = 0; i < entries.size(); i++) {
            try {
                StratumListener.builder().port(0).proxyProtocol(true).trustedProxies(entries.get(i)).build();
            } catch (IllegalStateException e) {
                throw ConfigException.invalid(section.key("trustedProxies") + "[" + i + "]", entries.get(i),
                        "an IP address or a CIDR range, e.g. 10.0.0.5, 10.0.0.0/8 or 2001:db8::/32", section.source);
            }
        }
        return entries;
    }

    /**
     * The {@code guard} section: the connection guard's caps, rate limits and ban rules, each defaulting to
     * {@link GuardSettings#defaults()}; {@code "enabled": false} turns the guard off (every key is still checked).
     */
    private static GuardSettings guard(Section g, String source) {
        g.expect("enabled", "maxConnections", "maxConnectionsPerAddress", "connectRate", "connectBurst",
                "submitRate", "submitBurst", "invalidShareBan", "protocolAbuseBan", "authFailureBan", "banEscalation",
                "exemptLoopback", "maxTrackedAddresses", "ipv6PrefixLength");
        GuardSettings d = GuardSettings.defaults();
        GuardSettings.Builder b = GuardSettings.builder();
        boolean enabled = g.optional("enabled").map(v -> Values.bool(g.key("enabled"), v, source)).orElse(true);
        b.maxConnections(g.optional("maxConnections").map(v -> Values.wholeNumber(g.key("maxConnections"), v, 1,
                10_000_000, source)).orElse(d.maxConnections()));
        b.maxConnectionsPerAddress(g.optional("maxConnectionsPerAddress").map(v -> Values.wholeNumber(
                g.key("maxConnectionsPerAddress"), v, 1, 10_000_000, source)).orElse(d.maxConnectionsPerAddress()));
        double connectRate = g.optional("connectRate").map(v -> Values.ratePerSecond(g.key("connectRate"), v, source))
                .orElse(d.connectRate());
        int connectBurst = g.optional("connectBurst").map(v -> Values.wholeNumber(g.key("connectBurst"), v, 1,
                1_000_000, source)).orElse(d.connectBurst());
        if (connectRate == 0) {
            b.withoutConnectRateLimit();
        } else {
            b.connectRate(connectRate, connectBurst);
        }
        double submitRate = g.optional("submitRate").map(v -> Values.ratePerSecond(g.key("submitRate"), v, source))
                .orElse(d.submitRate());
        int submitBurst = g.optional("submitBurst").map(v -> Values.wholeNumber(g.key("submitBurst"), v, 1,
                1_000_000, source)).orElse(d.submitBurst());
        if (submitRate == 0) {
            b.withoutSubmitRateLimit();
        } else {
            b.submitRate(submitRate, submitBurst);
        }

        Map<String, Duration> bans = new LinkedHashMap<>(); // each enabled rule's ban, by its key
        Section inv = g.section("invalidShareBan");
        inv.expect("enabled", "ratio", "minimumShares", "window", "ban");
        Duration invalidWindow = banWindow(inv, d.invalidShareWindow(), source);
        Duration invalidBan = banLength(inv, d.invalidShareBan(), source);
        double ratio = inv.optional("ratio").map(v -> Values.decimal(inv.key("ratio"), v, 0.01, 0.99, source))
                .orElse(d.invalidShareRatio());
        int minimum = inv.optional("minimumShares").map(v -> Values.wholeNumber(inv.key("minimumShares"), v, 1,
                1_000_000_000, source)).orElse(d.invalidShareMinimum());
        Duration longestWindow = Duration.ZERO;
        if (ruleOn(inv, source)) {
            b.invalidShareBan(ratio, minimum, invalidWindow, invalidBan);
            bans.put(inv.key("ban"), invalidBan);
            longestWindow = invalidWindow;
        } else {
            b.withoutInvalidShareBan();
        }
        Section pro = g.section("protocolAbuseBan");
        pro.expect("enabled", "strikes", "window", "ban");
        int strikes = pro.optional("strikes").map(v -> Values.wholeNumber(pro.key("strikes"), v, 1, 100, source))
                .orElse(d.protocolStrikes());
        Duration protocolWindow = banWindow(pro, d.protocolWindow(), source);
        Duration protocolBan = banLength(pro, d.protocolBan(), source);
        if (ruleOn(pro, source)) {
            b.protocolAbuseBan(strikes, protocolWindow, protocolBan);
            bans.put(pro.key("ban"), protocolBan);
            longestWindow = max(longestWindow, protocolWindow);
        } else {
            b.withoutProtocolAbuseBan();
        }
        Section auth = g.section("authFailureBan");
        auth.expect("enabled", "failures", "window", "ban");
        int failures = auth.optional("failures").map(v -> Values.wholeNumber(auth.key("failures"), v, 1, 100, source))
                .orElse(d.authFailures());
        Duration authWindow = banWindow(auth, d.authWindow(), source);
        Duration authBan = banLength(auth, d.authBan(), source);
        if (ruleOn(auth, source)) {
            b.authFailureBan(failures, authWindow, authBan);
            bans.put(auth.key("ban"), authBan);
            longestWindow = max(longestWindow, authWindow);
        } else {
            b.withoutAuthFailureBan();
        }

        Section esc = g.section("banEscalation");
        esc.expect("factor", "longestBan", "memory");
        double factor = esc.optional("factor").map(v -> Values.decimal(esc.key("factor"), v, 1, 100, source))
                .orElse(d.escalationFactor());
        Duration longestBan = durationUpToAYear(esc, "longestBan", d.longestBan(), source);
        Duration memory = durationUpToAYear(esc, "memory", d.offenceMemory(), source);
        for (Map.Entry<String, Duration> ban : bans.entrySet()) {
            if (ban.getValue().compareTo(longestBan) > 0) {
                throw ConfigException.invalid(esc.key("longestBan"), esc.optional("longestBan")
                        .orElse(Values.describe(longestBan)), "at least " + ban.getKey() + " ("
                        + Values.describe(ban.getValue()) + ")", source);
            }
        }
        b.banEscalation(factor, longestBan, memory);
        b.exemptLoopback(g.optional("exemptLoopback").map(v -> Values.bool(g.key("exemptLoopback"), v, source))
                .orElse(d.exemptLoopback()));
        b.maxTrackedAddresses(g.optional("maxTrackedAddresses").map(v -> Values.wholeNumber(
                g.key("maxTrackedAddresses"), v, 1, 100_000_000, source)).orElse(d.maxTrackedAddresses()));
        b.ipv6PrefixLength(g.optional("ipv6PrefixLength").map(v -> Values.wholeNumber(g.key("ipv6PrefixLength"), v,
                16, 128, source)).orElse(d.ipv6PrefixLength()));
        // An address is remembered at least as long as the longest window, so leaving does not wipe its record.
        b.idleTimeout(max(d.idleTimeout(), longestWindow));
        GuardSettings built;
        try {
            built = b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("guard", "invalid guard in " + source + ": " + e.getMessage());
        }
        return enabled ? built : GuardSettings.disabled();
    }

    /** A ban rule's {@code window}: 1 s to 1 day. */
    private static Duration banWindow(Section rule, Duration byDefault, String source) {
        return rule.optional("window").map(v -> Values.durationBetween(rule.key("window"), v, Duration.ofSeconds(1),
                Duration.ofDays(1), source)).orElse(byDefault);
    }

    /** A ban rule's {@code ban}: 1 s to a year. */
    private static Duration banLength(Section rule, Duration byDefault, String source) {
        return durationUpToAYear(rule, "ban", byDefault, source);
    }

    private static Duration durationUpToAYear(Section section, String key, Duration byDefault, String source) {
        return section.optional(key).map(v -> Values.durationBetween(section.key(key), v, Duration.ofSeconds(1),
                Duration.ofDays(366), source)).orElse(byDefault);
    }

    private static boolean ruleOn(Section rule, String source) {
        return rule.optional("enabled").map(v -> Values.bool(rule.key("enabled"), v, source)).orElse(true);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static LedgerSettings ledger(Section section, Path dataDir, String source) {
        section.expect("type", "path", "url", "user", "password", "schema");
        String type = section.optional("type").orElse("sqlite").strip().toLowerCase(Locale.ROOT);
        String schema = section.optional("schema").map(v -> CommandLine.schemaName(section.key("schema"), v, source))
                .orElse("poolkit");
        switch (type) {
            case "sqlite" -> {
                for (String pgOnly : List.of("url", "user", "password")) {
                    if (section.optional(pgOnly).isPresent()) {
                        throw ConfigException.invalid(section.key(pgOnly), section.optional(pgOnly).get(),
                                "no " + pgOnly + " with ledger.type sqlite (use ledger.path)", source);
                    }
                }
                Path path = section.optional("path").map(v -> Values.path(section.key("path"), v, source))
                        .orElse(dataDir.resolve("ledger.db"));
                return new LedgerSettings(LedgerKind.SQLITE, path, null, Optional.empty(), Optional.empty(), schema);
            }
            case "postgresql", "postgres" -> {
                if (section.optional("path").isPresent()) {
                    throw ConfigException.invalid(section.key("path"), section.optional("path").get(),
                            "no path with ledger.type postgresql (use ledger.url)", source);
                }
                String url = Values.jdbcPostgresqlUrl(section.key("url"), section.require("url",
                        "a PostgreSQL JDBC URL like jdbc:postgresql://127.0.0.1:5432/pool"), source);
                return new LedgerSettings(LedgerKind.POSTGRESQL, null, url, section.optional("user"),
                        section.optional("password"), schema);
            }
            default -> throw ConfigException.invalid(section.key("type"), type, "sqlite or postgresql", source);
        }
    }

    /** One object of the file, with its dotted path, tracking which keys are allowed. Not thread-safe. */
    private static final class Section {
        final String path;
        final Obj obj;
        final String source;

        Section(String path, Obj obj, String source) {
            this.path = path;
            this.obj = obj;
            this.source = source;
        }

        /** Fails on any key not in {@code known}. */
        void expect(String... known) {
            Set<String> allowed = new LinkedHashSet<>(Arrays.asList(known));
            for (String key : obj.fields().keySet()) {
                if (!allowed.contains(key)) {
                    throw ConfigException.unknown("key", key(key), String.join(", ", allowed), source);
                }
            }
        }

        String key(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        Optional<Node> node(String name) {
            Node n = obj.get(name);
            if (n instanceof Scalar s && s.isNull()) {
                return Optional.empty();
            }
            return Optional.ofNullable(n);
        }

        /** A scalar's text (a string's value, a number as written, true or false); empty when absent or null. */
        Optional<String> optional(String name) {
            Optional<Node> n = node(name);
            if (n.isEmpty()) {
                return Optional.empty();
            }
            if (n.get() instanceof Scalar s) {
                return Optional.of(s.text());
            }
            throw ConfigException.invalid(key(name), n.get().describe(), "a single value (a string or a number)",
                    source);
        }

        /** An array of single values; empty when absent or null. */
        List<String> list(String name) {
            Optional<Node> n = node(name);
            if (n.isEmpty()) {
                return List.of();
            }
            if (!(n.get() instanceof JsonTree.Arr arr)) {
                throw ConfigException.invalid(key(name), n.get() instanceof Scalar s ? s.text() : n.get().describe(),
                        "an array [...] of strings", source);
            }
            List<String> out = new ArrayList<>();
            for (Node item : arr.items()) {
                if (!(item instanceof Scalar s) || s.isNull()) {
                    throw ConfigException.invalid(key(name) + "[" + out.size() + "]", item.describe(), "a string",
                            source);
                }
                out.add(s.text());
            }
            return List.copyOf(out);
        }

        String require(String name, String expected) {
            return optional(name).orElseThrow(() -> ConfigException.missing(key(name), expected, source));
        }

        /** The object at {@code name}, or an empty one when absent. */
        Section section(String name) {
            Optional<Node> n = node(name);
            if (n.isEmpty()) {
                return new Section(key(name), new Obj(Map.of()), source);
            }
            if (n.get() instanceof Obj o) {
                return new Section(key(name), o, source);
            }
            throw ConfigException.invalid(key(name), n.get() instanceof Scalar s ? s.text() : n.get().describe(),
                    "an object {...}", source);
        }

        Section requireSection(String name, String expected) {
            if (node(name).isEmpty()) {
                throw ConfigException.missing(key(name), expected, source);
            }
            return section(name);
        }
    }
}
