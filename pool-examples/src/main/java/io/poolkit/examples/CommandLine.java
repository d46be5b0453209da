package io.poolkit.examples;

import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.examples.PoolSettings.ApiSettings;
import io.poolkit.examples.PoolSettings.DemoSettings;
import io.poolkit.examples.PoolSettings.DifficultySettings;
import io.poolkit.examples.PoolSettings.LedgerKind;
import io.poolkit.examples.PoolSettings.LedgerSettings;
import io.poolkit.examples.PoolSettings.PaymentSettings;
import io.poolkit.examples.PoolSettings.StratumSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The reference pool's command line: {@code demo} (the default) with its options, {@code run --config FILE},
 * {@code --help} and {@code --version}. Every option is in one table, which {@code --help} prints with its
 * default, so the two cannot drift apart.
 *
 * <p>Stateless; {@link #parse} makes a new draft each time.
 */
final class CommandLine {
    /** The demo's built-in pool address: the coinbase pays it (regtest; nobody holds its key). */
    static final String DEMO_POOL_ADDRESS = DemoAddresses.pool();

    /** What the command line asks for. */
    sealed interface Command {
        /** Run the demo with these settings. */
        record Demo(PoolSettings settings) implements Command {}

        /** Run against a node with the settings read from {@code config}. */
        record Run(Path config, PoolSettings settings) implements Command {}

        /** Print this text and exit 0. */
        record Help(String text) implements Command {}

        /** Print the version and exit 0. */
        record Version() implements Command {}
    }

    /**
     * One option of the {@code demo} command.
     *
     * @param name        e.g. {@code --miners}
     * @param arg         what its value is, for {@code --help}; empty for a flag, which takes no value
     * @param defaultText its default, as {@code --help} shows it
     * @param help        what it does
     * @param apply       reads the value into a draft (null for a flag)
     */
    record Option(String name, String arg, String defaultText, String help, BiConsumer<Draft, String> apply) {
        /** Whether the option takes no value ({@code --no-guard}). */
        boolean isFlag() {
            return arg.isEmpty();
        }

        /** How {@code --help} shows it: {@code --miners N}, or the flag's name alone. */
        String usage() {
            return isFlag() ? name : name + " " + arg;
        }
    }

    static final List<Option> DEMO_OPTIONS = List.of(
            new Option("--stratum-port", "PORT", "3333 (a free port if 3333 is taken)",
                    "Stratum port miners connect to; 0 picks any free port",
                    (d, v) -> {
                        d.stratumPort = Values.port("--stratum-port", v, true, null);
                        d.stratumFallback = false;
                    }),
            new Option("--api-port", "PORT", "8080 (a free port if 8080 is taken)",
                    "HTTP API port (/api/pool, /api/blocks, /api/miners/ADDRESS, /api/bans, /metrics); 0: any",
                    (d, v) -> {
                        d.apiPort = Values.port("--api-port", v, true, null);
                        d.apiFallback = false;
                    }),
            new Option("--host", "ADDRESS", "127.0.0.1",
                    "address both listeners bind to; 0.0.0.0 lets other machines' miners in",
                    (d, v) -> d.host = Values.text("--host", v, 253, null)),
            new Option("--data", "DIR", "./poolkit-data",
                    "folder for the SQLite ledger and the demo wallet's journal",
                    (d, v) -> d.dataDir = Values.path("--data", v, null)),
            new Option("--miners", "N", "3",
                    "built-in CPU miners, each with its own address (the first rolls version bits)",
                    (d, v) -> d.miners = Values.wholeNumber("--miners", v, 0, Values.MAX_MINERS, null)),
            new Option("--miner-hashrate", "H/s", "1M",
                    "hash rate cap of each built-in miner, e.g. 500k, 2M; 0: no cap",
                    (d, v) -> d.minerHashrate = Values.hashrate("--miner-hashrate", v, null)),
            new Option("--block-interval", "DURATION", "20s",
                    "the chain retargets to the measured hash rate for a block this often",
                    (d, v) -> d.blockInterval = Values.duration("--block-interval", v, 0.5, null)),
            new Option("--maturity", "N", "3",
                    "DEMO ONLY: confirmations before credits are paid (regtest: 100)",
                    (d, v) -> d.maturity = Values.wholeNumber("--maturity", v, 1, 100, null)),
            new Option("--share-difficulty", "D", "none (vardiff)",
                    "fixed share difficulty, fractions allowed (e.g. 0.0001); vardiff off",
                    (d, v) -> d.fixedDifficulty = OptionalDouble.of(Values.difficulty("--share-difficulty", v,
                            null))),
            new Option("--scheme", "NAME", "pplns",
                    "payout scheme: pps, fpps, prop, pplns, pplns-time, solo or a plugin",
                    (d, v) -> d.scheme = Values.text("--scheme", v, 64, null)),
            new Option("--scheme-option", "KEY=VALUE", "none",
                    "a scheme setting, e.g. n=2 (pplns), window=1h (pplns-time); repeatable",
                    CommandLine::schemeOption),
            new Option("--fee-bps", "N", "100",
                    "pool fee in basis points (100 = 1 %), credited to the account pool-fee",
                    (d, v) -> d.feeBps = Values.wholeNumber("--fee-bps", v, 0, 10_000, null)),
            new Option("--payout-threshold", "SATS", "1000000",
                    "balances of at least this many satoshis are paid",
                    (d, v) -> d.thresholdSats = Values.sats("--payout-threshold", v, 1, null)),
            new Option("--payout-interval", "DURATION", "10s",
                    "how often balances are paid",
                    (d, v) -> d.paymentInterval = Values.duration("--payout-interval", v, 1, null)),
            new Option("--ledger", "sqlite|postgresql", "sqlite",
                    "ledger database",
                    CommandLine::ledgerKind),
            new Option("--ledger-url", "PATH|URL", "DIR/ledger.db (sqlite); required for postgresql",
                    "SQLite file, or PostgreSQL JDBC URL (with ?user=...&password=...)",
                    (d, v) -> d.ledgerUrl = v),
            new Option("--ledger-schema", "NAME", "poolkit",
                    "PostgreSQL schema holding the ledger's tables",
                    (d, v) -> d.ledgerSchema = schemaName("--ledger-schema", v, null)),
            new Option("--status-interval", "DURATION", "5s",
                    "how often the console status line is printed; 0 for never",
                    (d, v) -> d.statusInterval = Values.duration("--status-interval", v, 0, null)),
            new Option("--run-for", "DURATION", "until Ctrl-C",
                    "stop by itself after this long (for scripted runs and benchmarks)",
                    (d, v) -> d.runFor = Optional.of(Values.duration("--run-for", v, 1, null))),
            new Option("--mine-every", "DURATION", "never",
                    "the chain also mines a block itself this often, as an outside miner (not the pool) would",
                    (d, v) -> d.mineEvery = Optional.of(Values.duration("--mine-every", v, 0.1, null))),
            new Option("--no-bans", "", "bans on",
                    "benchmarks only: caps and rate limits stay, the three ban rules are off",
                    (d, v) -> d.noBans = true),
            new Option("--no-guard", "", "the guard with its defaults",
                    "benchmarks only: no connection caps, rate limits or bans",
                    (d, v) -> d.noGuard = true));

    private CommandLine() {}

    /**
     * Reads the arguments.
     *
     * @throws ConfigException for an unknown command or option, a missing or bad value, or an unusable
     *                         {@code pool.json}
     */
    static Command parse(String... args) {
        List<String> rest = new ArrayList<>(List.of(args));
        String command = "demo";
        if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
            command = rest.remove(0);
        }
        if (rest.contains("--help") || rest.contains("-h") || command.equals("help")) {
            return new Command.Help(help());
        }
        if (rest.contains("--version") || rest.contains("-V") || command.equals("version")) {
            return new Command.Version();
        }
        return switch (command) {
            case "demo" -> new Command.Demo(demo(rest));
            case "run" -> run(rest);
            default -> throw ConfigException.unknown("command", command, "demo, run, help, version", null);
        };
    }

    /** The {@code --help} text: both commands and every option with its default. */
    static String help() {
        StringBuilder out = new StringBuilder();
        out.append("PoolKit reference pool ").append(ReferencePool.version()).append("\n\n");
        out.append("Usage:\n");
        out.append("  java -jar reference-pool.jar [demo] [OPTIONS]   a whole pool in one process: embedded chain,\n");
        out.append("                                                  Stratum server, SQLite ledger, CPU miners, API\n");
        out.append("  java -jar reference-pool.jar run --config FILE  a pool on a real bitcoind (see pool-examples/README.md)\n");
        out.append("  java -jar reference-pool.jar --help | --version\n\n");
        out.append("demo options:\n");
        for (Option o : DEMO_OPTIONS) {
            out.append(String.format(Locale.ROOT, "  %-34s %s%n", o.usage(), o.help()));
            out.append(String.format(Locale.ROOT, "  %-34s (default: %s)%n", "", o.defaultText()));
        }
        out.append("  --no-guard and --no-bans are for load tests on a trusted network, never for a public pool.\n");
        out.append("  With --mine-every the chain's difficulty stays low enough for it to mine its own blocks.\n");
        out.append("\nrun options:\n");
        out.append(String.format(Locale.ROOT, "  %-34s %s%n", "--config FILE",
                "pool.json: node, network, address, scheme, fees, ports, ledger, API"));
        out.append(String.format(Locale.ROOT, "  %-34s (default: none, required)%n", ""));
        out.append("\ncommon options:\n");
        out.append(String.format(Locale.ROOT, "  %-34s %s%n", "-h, --help", "this text"));
        out.append(String.format(Locale.ROOT, "  %-34s %s%n", "-V, --version", "the version"));
        out.append("\nValues: durations as seconds or with a unit (500ms, 20s, 10m, 1h, 2d); hash rates with k, M, "
                + "G.\n");
        out.append("Exit status: 0 after a clean stop (Ctrl-C or SIGTERM), 2 for a bad option or configuration,\n");
        out.append("1 when the pool cannot start or fails.\n");
        return out.toString();
    }

    private static PoolSettings demo(List<String> args) {
        Draft draft = new Draft();
        Map<String, Option> byName = new LinkedHashMap<>();
        for (Option o : DEMO_OPTIONS) {
            byName.put(o.name(), o);
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Option option = byName.get(name);
            if (option == null) {
                if (!arg.startsWith("-")) {
                    throw ConfigException.unknown("argument", arg, "options of the form --name VALUE (see --help)",
                            null);
                }
                String known = byName.keySet().stream().collect(Collectors.joining(", "));
                throw ConfigException.unknown("option", name, known + " (demo), --config (run), --help, --version",
                        null);
            }
            if (option.isFlag()) {
                if (value != null) {
                    throw ConfigException.invalid(name, value, "no value: " + name + " is a flag", null);
                }
            } else if (value == null) {
                if (i + 1 >= args.size()) {
                    throw ConfigException.missing("value for " + name, option.arg() + " (default: "
                            + option.defaultText() + ")", null);
                }
                value = args.get(++i);
            }
            option.apply().accept(draft, value);
        }
        return draft.toSettings();
    }

    private static Command run(List<String> args) {
        Path config = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--config") || arg.startsWith("--config=")) {
                String value = arg.startsWith("--config=") ? arg.substring("--config=".length())
                        : i + 1 < args.size() ? args.get(++i) : null;
                if (value == null) {
                    throw ConfigException.missing("value for --config", "the path of a pool.json file", null);
                }
                config = Values.readableFile("--config", value, null);
            } else {
                throw ConfigException.unknown("option", arg, "--config FILE (run), --help, --version", null);
            }
        }
        if (config == null) {
            throw ConfigException.missing("--config", "run --config pool.json (see pool-examples/README.md)", null);
        }
        return new Command.Run(config, ConfigFile.read(config));
    }

    private static void schemeOption(Draft d, String value) {
        int eq = value == null ? -1 : value.indexOf('=');
        if (eq <= 0 || eq == value.length() - 1) {
            throw ConfigException.invalid("--scheme-option", value, "KEY=VALUE, e.g. n=2", null);
        }
        String key = value.substring(0, eq).strip();
        if (key.equals("fee.bps")) {
            throw ConfigException.invalid("--scheme-option", value, "a scheme setting other than fee.bps "
                    + "(use --fee-bps)", null);
        }
        d.schemeConfig.put(key, value.substring(eq + 1).strip());
    }

    private static void ledgerKind(Draft d, String value) {
        d.ledgerKind = switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
            case "sqlite" -> LedgerKind.SQLITE;
            case "postgresql", "postgres" -> LedgerKind.POSTGRESQL;
            default -> throw ConfigException.invalid("--ledger", value, "sqlite or postgresql", null);
        };
    }

    static String schemaName(String option, String value, String source) {
        if (value == null || !value.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw ConfigException.invalid(option, value, "a schema name: a letter or _ then letters, digits or _, "
                    + "at most 63", source);
        }
        return value;
    }

    /** The demo's options as parsed so far, with their defaults. Not thread-safe. */
    static final class Draft {
        String host = "127.0.0.1";
        int stratumPort = 3333;
        boolean stratumFallback = true;
        int apiPort = 8080;
        boolean apiFallback = true;
        Path dataDir = Path.of("poolkit-data");
        int miners = 3;
        long minerHashrate = 1_000_000;
        Duration blockInterval = Duration.ofSeconds(20);
        int maturity = 3;
        OptionalDouble fixedDifficulty = OptionalDouble.empty();
        String scheme = "pplns";
        final Map<String, String> schemeConfig = new TreeMap<>();
        int feeBps = 100;
        long thresholdSats = 1_000_000;
        Duration paymentInterval = Duration.ofSeconds(10);
        Optional<Duration> mineEvery = Optional.empty();
        boolean noBans;
        boolean noGuard;
        LedgerKind ledgerKind = LedgerKind.SQLITE;
        String ledgerUrl;
        String ledgerSchema = "poolkit";
        Duration statusInterval = Duration.ofSeconds(5);
        Optional<Duration> runFor = Optional.empty();

        PoolSettings toSettings() {
            Schemes.check("--scheme", scheme, "--scheme-option", schemeConfig, feeBps, null);
            LedgerSettings ledger;
            if (ledgerKind == LedgerKind.SQLITE) {
                Path file = ledgerUrl == null ? dataDir.resolve("ledger.db") : Values.path("--ledger-url", ledgerUrl,
                        null);
                if (ledgerUrl != null && ledgerUrl.startsWith("jdbc:")) {
                    throw ConfigException.invalid("--ledger-url", ledgerUrl, "a file path for --ledger sqlite "
                            + "(a JDBC URL needs --ledger postgresql)", null);
                }
                ledger = new LedgerSettings(LedgerKind.SQLITE, file, null, Optional.empty(), Optional.empty(),
                        ledgerSchema);
            } else {
                if (ledgerUrl == null) {
                    throw ConfigException.missing("--ledger-url", "a PostgreSQL JDBC URL with --ledger postgresql, "
                            + "e.g. jdbc:postgresql://127.0.0.1:5432/pool?user=pool&password=secret", null);
                }
                ledger = new LedgerSettings(LedgerKind.POSTGRESQL, null,
                        Values.jdbcPostgresqlUrl("--ledger-url", ledgerUrl, null), Optional.empty(),
                        Optional.empty(), ledgerSchema);
            }
            double initial = fixedDifficulty.orElse(DemoChain.initialShareDifficulty(miners, minerHashrate));
            DifficultySettings difficulty = new DifficultySettings(initial, fixedDifficulty, 1e-9, 1e15,
                    Duration.ofSeconds(2), Duration.ofSeconds(10));
            if (noGuard && noBans) {
                throw new ConfigException("--no-bans", "--no-bans and --no-guard together: expected one of them "
                        + "(--no-guard turns the bans off too)");
            }
            return new PoolSettings(Network.REGTEST, Optional.empty(), DEMO_POOL_ADDRESS, "/PoolKit demo/", scheme,
                    schemeConfig, feeBps, new PaymentSettings(thresholdSats, paymentInterval, 100),
                    StratumSettings.plain(host, stratumPort, stratumFallback), guard(), difficulty,
                    ledger, new ApiSettings(host, apiPort, apiFallback), dataDir, statusInterval, runFor,
                    new DemoSettings(miners, minerHashrate, blockInterval, maturity, mineEvery));
        }

        private GuardSettings guard() {
            if (noGuard) {
                return GuardSettings.disabled();
            }
            if (noBans) {
                return GuardSettings.builder().withoutInvalidShareBan().withoutProtocolAbuseBan()
                        .withoutAuthFailureBan().build();
            }
            return GuardSettings.defaults();
        }
    }
}
