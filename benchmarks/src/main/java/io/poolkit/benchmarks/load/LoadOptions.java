package io.poolkit.benchmarks.load;

import io.poolkit.benchmarks.load.CommandOptions.Option;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one {@link LoadHarness} run does: the pool to drive, how many connections, the mode and its figures,
 * the time bounds, and where results go. Immutable; made by {@link #parse} or {@link #builder()}.
 */
final class LoadOptions {
    /** The most connections: this machine's open-file hard limit is 20,000 per process. */
    static final int MAX_CONNECTIONS = 18_000;
    /** The regtest address of the neutral C generator's default worker names. */
    static final String DEFAULT_ADDRESS = "bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0";

    /** How connections submit shares. */
    enum Mode {
        /** As fast as answers come: each connection keeps {@code inFlight} shares outstanding. */
        CLOSED,
        /** A fixed aggregate rate over all connections, each with at most {@code inFlight} outstanding. */
        RATE,
        /** No shares: connections are held open, to measure memory and job fan-out. */
        IDLE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    final String host;
    final int port;
    final int connections;
    final Mode mode;
    final int inFlight;
    final double rate;
    final Duration duration;
    final int sourceAddresses;
    final String userFormat;
    final String password;
    final String agent;
    final int maxPending;
    final Duration connectTimeout;
    final Duration settle;
    final Duration drain;
    final Duration requestTimeout;
    final int eventLoops;
    final OptionalLong pid;
    final Optional<Path> json;
    final Optional<Path> acceptedLog;

    private LoadOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.connections = b.connections;
        this.mode = b.mode;
        this.inFlight = b.inFlight;
        this.rate = b.rate;
        this.duration = b.duration;
        this.sourceAddresses = b.sourceAddresses > 0 ? b.sourceAddresses
                : Math.min(254, (b.connections + 4_999) / 5_000);
        this.userFormat = b.userFormat;
        this.password = b.password;
        this.agent = b.agent;
        this.maxPending = b.maxPending;
        this.connectTimeout = b.connectTimeout;
        this.settle = b.settle;
        this.drain = b.drain;
        this.requestTimeout = b.requestTimeout;
        this.eventLoops = b.eventLoops;
        this.pid = b.pid;
        this.json = Optional.ofNullable(b.json);
        this.acceptedLog = Optional.ofNullable(b.acceptedLog);
    }

    static Builder builder() {
        return new Builder();
    }

    static final List<Option<Builder>> OPTIONS = List.of(
            new Option<>("--host", "ADDRESS", "127.0.0.1", "the pool's address: loopback only (127.0.0.0/8, ::1)",
                    (b, v) -> b.host(v)),
            new Option<>("--port", "PORT", "3333", "the pool's Stratum port",
                    (b, v) -> b.port = CommandOptions.wholeNumber("--port", v, 1, 65_535)),
            new Option<>("--connections", "N", "100", "connections to open, at most " + MAX_CONNECTIONS
                    + " (the open-file limit here is 20,000)",
                    (b, v) -> b.connections = CommandOptions.wholeNumber("--connections", v, 1, MAX_CONNECTIONS)),
            new Option<>("--mode", "closed|rate|idle", "closed",
                    "closed: K shares in flight per connection; rate: a fixed aggregate rate; idle: no shares",
                    (b, v) -> b.mode = mode(v)),
            new Option<>("--in-flight", "K", "1", "most shares outstanding per connection (closed and rate modes)",
                    (b, v) -> b.inFlight = CommandOptions.wholeNumber("--in-flight", v, 1, 1_024)),
            new Option<>("--rate", "SHARES/S", "none (required with --mode rate)",
                    "aggregate shares per second over all connections",
                    (b, v) -> b.rate = CommandOptions.decimal("--rate", v, 0, 1_000_000)),
            new Option<>("--duration", "DURATION", "20s", "the run phase (submitting or holding), at most 1h",
                    (b, v) -> b.duration = CommandOptions.duration("--duration", v, 0.1, 3_600)),
            new Option<>("--source-addresses", "K", "1 per 5,000 connections",
                    "spread connections over source addresses 127.0.0.1 .. 127.0.0.K",
                    (b, v) -> b.sourceAddresses = CommandOptions.wholeNumber("--source-addresses", v, 1, 254)),
            new Option<>("--user", "FORMAT", DEFAULT_ADDRESS + ".w%d",
                    "worker name; %d is the connection's index (one worker per connection)",
                    (b, v) -> b.userFormat(v)),
            new Option<>("--password", "TEXT", "x", "password sent with mining.authorize",
                    (b, v) -> b.password = CommandOptions.nonEmpty("--password", v, 256)),
            new Option<>("--agent", "TEXT", "poolkit-load/1.0", "user agent sent with mining.subscribe",
                    (b, v) -> b.agent = CommandOptions.nonEmpty("--agent", v, 256)),
            new Option<>("--max-pending", "K", "500", "most handshakes (connect, subscribe, authorize) at once",
                    (b, v) -> b.maxPending = CommandOptions.wholeNumber("--max-pending", v, 1, 10_000)),
            new Option<>("--connect-timeout", "DURATION", "120s", "bound on the whole connect phase",
                    (b, v) -> b.connectTimeout = CommandOptions.duration("--connect-timeout", v, 1, 600)),
            new Option<>("--settle", "DURATION", "5s", "after connecting, how long to wait for every connection's "
                    + "first job", (b, v) -> b.settle = CommandOptions.duration("--settle", v, 0, 120)),
            new Option<>("--drain", "DURATION", "3s",
                    "after the run phase, how long to wait for outstanding answers and the last job's fan-out",
                    (b, v) -> b.drain = CommandOptions.duration("--drain", v, 0, 120)),
            new Option<>("--request-timeout", "DURATION", "10s", "a request without an answer this long is an error",
                    (b, v) -> b.requestTimeout = CommandOptions.duration("--request-timeout", v, 0.1, 600)),
            new Option<>("--event-loops", "N", "one per core", "client event loop threads, shared by all connections",
                    (b, v) -> b.eventLoops = CommandOptions.wholeNumber("--event-loops", v, 1, 64)),
            new Option<>("--pid", "PID", "none", "the pool's process: RSS growth per connection (/proc/PID/status) "
                    + "and heap per session (jcmd PID GC.class_histogram)",
                    (b, v) -> b.pid = OptionalLong.of(CommandOptions.positiveLong("--pid", v))),
            new Option<>("--json", "FILE", "none", "also write the results as JSON",
                    (b, v) -> b.json = Path.of(CommandOptions.nonEmpty("--json", v, 4_096))),
            new Option<>("--accepted-log", "FILE", "none", "record every accepted share (worker, job, extranonce2, "
                    + "ntime, nonce, time) for LedgerCheck",
                    (b, v) -> b.acceptedLog = Path.of(CommandOptions.nonEmpty("--accepted-log", v, 4_096))));

    static final CommandOptions<Builder> COMMAND = new CommandOptions<>(
            "PoolKit load harness: drives a Stratum pool over loopback with many StratumClients and reports\n"
                    + "responses/s, accepted and rejected shares by reason, latency percentiles, job fan-out and\n"
                    + "(with --pid) the pool's memory per connection.\n\n"
                    + "Usage: java -cp benchmarks/target/benchmarks.jar io.poolkit.benchmarks.load.LoadHarness [OPTIONS]\n"
                    + "Exit status: 0 after a run, 2 for a bad option, 1 when no connection could be made.\n",
            OPTIONS);

    /** Reads the command line; throws {@link UsageException} naming a bad option. */
    static LoadOptions parse(String... args) {
        Builder b = builder();
        COMMAND.parse(args, b);
        return b.build();
    }

    private static Mode mode(String text) {
        for (Mode m : Mode.values()) {
            if (m.label().equals(text)) {
                return m;
            }
        }
        throw UsageException.invalid("--mode", text, "closed, rate or idle");
    }

    /** The worker name of connection {@code index}. */
    String worker(int index) {
        return userFormat.replace("%d", Integer.toString(index));
    }

    /** The source address of connection {@code index}: 127.0.0.1 .. 127.0.0.K in turn; null for IPv6 targets. */
    InetAddress sourceAddress(int index) {
        if (host.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + index % sourceAddresses)});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Configures {@link LoadOptions}; {@link #build()} checks the combination. Not thread-safe. */
    static final class Builder {
        private String host = "127.0.0.1";
        private int port = 3333;
        private int connections = 100;
        private Mode mode = Mode.CLOSED;
        private int inFlight = 1;
        private double rate;
        private Duration duration = Duration.ofSeconds(20);
        private int sourceAddresses;
        private String userFormat = DEFAULT_ADDRESS + ".w%d";
        private String password = "x";
        private String agent = "poolkit-load/1.0";
        private int maxPending = 500;
        private Duration connectTimeout = Duration.ofSeconds(120);
        private Duration settle = Duration.ofSeconds(5);
        private Duration drain = Duration.ofSeconds(3);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private OptionalLong pid = OptionalLong.empty();
        private Path json;
        private Path acceptedLog;

        private Builder() {}

        Builder host(String host) {
            String h = host.strip().equals("localhost") ? "127.0.0.1" : host.strip();
            boolean loopback = h.equals("::1") || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
                    && Arrays.stream(h.split("\\.")).allMatch(p -> Integer.parseInt(p) <= 255);
            if (!loopback) {
                throw UsageException.invalid("--host", host, "a numeric loopback address (127.0.0.0/8 or ::1); "
                        + "the harness drives only pools on this machine");
            }
            this.host = h;
            return this;
        }

        Builder port(int port) {
            this.port = port;
            return this;
        }

        Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        Builder mode(Mode mode) {
            this.mode = mode;
            return this;
        }

        Builder inFlight(int inFlight) {
            this.inFlight = inFlight;
            return this;
        }

        Builder rate(double rate) {
            this.rate = rate;
            return this;
        }

        Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        Builder sourceAddresses(int sourceAddresses) {
            this.sourceAddresses = sourceAddresses;
            return this;
        }

        Builder userFormat(String format) {
            int first = format.indexOf("%d");
            if (format.isBlank() || format.length() > 200 || first >= 0 && format.indexOf("%d", first + 2) >= 0) {
                throw UsageException.invalid("--user", format, "a worker name of 1 to 200 characters with at most "
                        + "one %d (the connection's index), e.g. ADDRESS.w%d");
            }
            this.userFormat = format;
            return this;
        }

        Builder settle(Duration settle) {
            this.settle = settle;
            return this;
        }

        Builder drain(Duration drain) {
            this.drain = drain;
            return this;
        }

        Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        Builder eventLoops(int eventLoops) {
            this.eventLoops = eventLoops;
            return this;
        }

        Builder json(Path json) {
            this.json = json;
            return this;
        }

        Builder acceptedLog(Path acceptedLog) {
            this.acceptedLog = acceptedLog;
            return this;
        }

        LoadOptions build() {
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw UsageException.invalid("--connections", Integer.toString(connections),
                        "a whole number from 1 to " + MAX_CONNECTIONS);
            }
            if (mode == Mode.RATE && !(rate > 0)) {
                throw new UsageException("missing --rate: --mode rate needs an aggregate rate in shares/s, e.g. "
                        + "--rate 10000");
            }
            if (mode != Mode.RATE && rate > 0) {
                throw UsageException.invalid("--rate", CommandOptions.plain(rate), "no --rate unless --mode rate "
                        + "(the mode is " + mode.label() + ")");
            }
            return new LoadOptions(this);
        }
    }
}
