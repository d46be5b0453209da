package io.poolkit.examples;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.poolkit.accounting.ledger.BlockRecord;
import io.poolkit.accounting.ledger.CreditKind;
import io.poolkit.accounting.ledger.CreditRecord;
import io.poolkit.accounting.ledger.JdbcLedger;
import io.poolkit.accounting.ledger.Ledger;
import io.poolkit.accounting.maturity.BlockMaturity;
import io.poolkit.accounting.payment.BitcoindWallet;
import io.poolkit.accounting.payment.EmbeddedChainWallet;
import io.poolkit.accounting.payment.PaymentProcessor;
import io.poolkit.accounting.payment.Wallet;
import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.Ban;
import io.poolkit.core.guard.ConnectionGuard;
import io.poolkit.core.guard.GuardSettings;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.job.JobSource;
import io.poolkit.core.node.BitcoindClient;
import io.poolkit.core.node.BitcoindException;
import io.poolkit.core.node.BlockchainInfo;
import io.poolkit.core.node.GbtJobSource;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.vardiff.VardiffSettings;
import io.poolkit.examples.CommandLine.Command;
import io.poolkit.examples.PoolSettings.LedgerKind;
import io.poolkit.examples.PoolSettings.NodeSettings;
import io.poolkit.examples.api.ApiServer;
import io.poolkit.examples.api.PoolMetrics;
import io.poolkit.examples.api.PoolView;
import io.poolkit.examples.miner.CpuMiner;
import io.poolkit.stratum.server.StratumListener;
import io.poolkit.stratum.server.StratumServer;
import io.poolkit.stratum.server.StratumServerException;
import io.poolkit.stratum.server.StratumServerStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference pool: PoolKit's modules wired together as a user of the SDK would, runnable as one jar.
 *
 * <pre>{@code
 * java -jar pool-examples/target/reference-pool.jar                       # the demo, no configuration
 * java -jar pool-examples/target/reference-pool.jar run --config pool.json
 * }</pre>
 *
 * <p>The demo runs a whole pool in one process: an {@code EmbeddedChain} retargeted to find a block about
 * every 20 s, the Stratum server, a SQLite ledger with PPLNS, block maturity and payments through an
 * {@link EmbeddedChainWallet}, a few built-in CPU miners on real TCP connections, and the HTTP API. With
 * {@code run --config} it mines on a real {@code bitcoind} ({@link GbtJobSource}) and pays through its wallet
 * ({@link BitcoindWallet}).
 *
 * <p>From code: {@link #start(PoolSettings, PrintStream)} returns a running pool; {@link #stop()} stops it
 * gracefully (miners first, then the server drains its sessions with {@code client.reconnect}, then the
 * ledger commits what is queued). Thread-safe.
 */
public final class ReferencePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReferencePool.class);
    /** Accounts the ledger keeps that are not addresses, so never paid out. */
    static final String FEE_ACCOUNT = "pool-fee";
    static final String RESIDUAL_ACCOUNT = "pool-residual";

    private final PoolSettings settings;
    private final PrintStream console;
    private final Clock clock;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ShareMeter meter;
    private final AtomicLong paidSats = new AtomicLong();
    private final AtomicReference<Job> currentJob = new AtomicReference<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Hash256 lastPrintedBlock;
    private volatile long acknowledgedAtStop = -1;
    private volatile ScheduledFuture<?> statusTask;
    /** Maturity, payments and retargeting; also the lock one of them holds while it runs. */
    private final List<ScheduledFuture<?>> background = new ArrayList<>();
    private boolean backgroundPaused; // guarded by background

    private JdbcLedger ledger;
    private JobSource source;
    private DemoChain demoChain;
    private StratumServer server;
    private ApiServer api;
    private PoolMetrics metrics;
    private ScheduledExecutorService scheduler;
    private EventLoopGroup minerGroup;
    private final List<CpuMiner> miners = new ArrayList<>();

    private ReferencePool(PoolSettings settings, PrintStream console, Clock clock) {
        this.settings = settings;
        this.console = console;
        this.clock = clock;
        this.meter = new ShareMeter(clock);
    }

    // ---- the command line

    /** Runs the command line and exits with its status: 0 after a clean stop, 2 for a bad option, 1 otherwise. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line's work, returning the exit status instead of exiting. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Command command;
        try {
            command = CommandLine.parse(args);
        } catch (ConfigException e) {
            err.println("poolkit: " + e.getMessage() + " (see --help)");
            return 2;
        }
        PoolSettings settings;
        if (command instanceof Command.Help help) {
            out.print(help.text());
            return 0;
        } else if (command instanceof Command.Version) {
            out.println("PoolKit reference pool " + version());
            return 0;
        } else if (command instanceof Command.Demo demo) {
            settings = demo.settings();
        } else {
            settings = ((Command.Run) command).settings();
        }
        ReferencePool pool;
        try {
            pool = start(settings, out);
        } catch (ConfigException e) {
            err.println("poolkit: " + e.getMessage());
            return 2;
        } catch (StartException e) {
            err.println("poolkit: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopRequested = new CountDownLatch(1);
        Thread hook = new Thread(pool::stop, "poolkit-shutdown");
        if (!StopSignals.install(stopRequested)) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        try {
            if (settings.runFor().isPresent()) {
                stopRequested.await(settings.runFor().get().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                stopRequested.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("stopping: miners, then the Stratum server (client.reconnect), then the ledger");
        pool.stop();
        out.println("stopped cleanly; the ledger is flushed (" + pool.acknowledgedShares()
                + " shares acknowledged to miners since start)");
        return 0;
    }

    /** Why the pool could not start (a port taken, the node unreachable, the database refusing). */
    static final class StartException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The project version this jar was built from. */
    static String version() {
        try (InputStream in = ReferencePool.class.getResourceAsStream("/poolkit-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    // ---- starting

    /**
     * Starts a pool with {@code settings}, printing its addresses and status lines to {@code console}.
     *
     * @throws ConfigException when a setting turns out unusable at start (a TLS file that is not a usable PEM
     *                         certificate or key)
     * @throws StartException  when a part cannot start; everything started before is stopped again
     */
    public static ReferencePool start(PoolSettings settings, PrintStream console) {
        return start(settings, console, Clock.systemUTC());
    }

    static ReferencePool start(PoolSettings settings, PrintStream console, Clock clock) {
        ReferencePool pool = new ReferencePool(settings, console, clock);
        try {
            pool.startParts();
            return pool;
        } catch (RuntimeException e) {
            pool.stop();
            if (e instanceof ConfigException || e instanceof StartException) {
                throw e;
            }
            throw new StartException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private void startParts() {
        Network network = settings.network();
        scheduler = Executors.newScheduledThreadPool(2, new DefaultThreadFactory("poolkit-pool", true));

        PayoutScheme scheme = Schemes.check("scheme", settings.scheme(), "scheme", settings.schemeConfig(),
                settings.feeBps(), null);
        ledger = openLedger(scheme);

        Wallet wallet;
        if (settings.isDemo()) {
            demoChain = DemoChain.create(settings.demo(), meter, clock);
            source = demoChain.chain();
            wallet = EmbeddedChainWallet.builder(demoChain.chain())
                    .journal(settings.dataDir().resolve("wallet.journal")).build();
        } else {
            NodeSettings node = settings.node().orElseThrow();
            BitcoindClient client = client(node);
            toClose.add(client);
            checkNode(client, node, network);
            // Payments get a client of their own: a slow sendmany never delays a template or a block.
            BitcoindClient walletClient = client(node);
            toClose.add(walletClient);
            source = GbtJobSource.builder().network(network).node(client).build();
            wallet = BitcoindWallet.builder(walletClient).build();
        }
        toClose.add(source);

        JobFactory factory = JobFactory.builder()
                .payTo(address(settings.payoutAddress(), network))
                .poolTag(settings.poolTag())
                .firstSequence(clock.millis())
                .clock(clock)
                .build();
        JobRegistry registry = new JobRegistry();
        JobDispatcher dispatcher = new JobDispatcher(factory, registry);
        dispatcher.addListener(job -> currentJob.set(job));

        server = startServer(new BitcoinShareValidator(registry, source), factory.extranonce2Size());
        dispatcher.addListener(server);
        source.start(dispatcher);
        if (demoChain != null) {
            long period = Math.max(10_000, 3 * settings.demo().blockInterval().toMillis());
            scheduleBackground(Duration.ofMillis(period), demoChain::retargetIfNeeded);
            settings.demo().mineEvery().ifPresent(every -> scheduleBackground(every, demoChain::mineOutsideBlock));
        }

        int maturity = settings.isDemo() ? settings.demo().maturity() : network.coinbaseMaturity();
        BlockMaturity blockMaturity = new BlockMaturity(ledger, source, maturity, clock, Duration.ofSeconds(30));
        scheduleBackground(settings.isDemo() ? Duration.ofSeconds(1) : Duration.ofMinutes(1), () -> {
            BlockMaturity.Report report = blockMaturity.runOnce();
            if (report.orphaned() > 0) {
                console.println(report.orphaned() + " block(s) left the chain: their credits are void");
            }
        });
        PaymentProcessor payments = PaymentProcessor.builder(ledger, wallet)
                .thresholdSats(settings.payments().thresholdSats())
                .maxOutputs(settings.payments().maxOutputs())
                .exclude(Set.of(FEE_ACCOUNT, RESIDUAL_ACCOUNT))
                .clock(clock)
                .build();
        schedulePayments(payments);

        metrics = new PoolMetrics(server::stats, new PoolMetrics.Sources(
                () -> meter.hashrate(Duration.ofMinutes(5)), () -> meter.hashrate(Duration.ofHours(1)),
                ledger::backlog, () -> Optional.ofNullable(currentJob.get()), paidSats::get));
        api = startApi();

        printBanner(maturity);
        if (settings.isDemo()) {
            startMiners();
        }
        if (!settings.statusInterval().isZero()) {
            long period = settings.statusInterval().toMillis();
            statusTask = scheduler.scheduleAtFixedRate(this::printStatus, period, period, TimeUnit.MILLISECONDS);
        }
    }

    private JdbcLedger openLedger(PayoutScheme scheme) {
        JdbcLedger.Builder b = JdbcLedger.builder().scheme(scheme).feeAccount(FEE_ACCOUNT)
                .residualAccount(RESIDUAL_ACCOUNT).clock(clock);
        PoolSettings.LedgerSettings l = settings.ledger();
        if (l.kind() == LedgerKind.SQLITE) {
            Path file = l.path().toAbsolutePath();
            try {
                Files.createDirectories(file.getParent());
                Files.createDirectories(settings.dataDir());
            } catch (IOException e) {
                throw new StartException("cannot create the folder for the ledger " + file.getParent() + ": " + e, e);
            }
            b.sqlite(file);
        } else {
            Properties login = new Properties();
            l.user().ifPresent(u -> login.setProperty("user", u));
            l.password().ifPresent(p -> login.setProperty("password", p));
            b.postgresql(l.url(), login).schema(l.schema());
            try {
                Files.createDirectories(settings.dataDir());
            } catch (IOException e) {
                throw new StartException("cannot create the data folder " + settings.dataDir() + ": " + e, e);
            }
        }
        try {
            JdbcLedger opened = b.build();
            toClose.add(opened);
            return opened;
        } catch (RuntimeException e) {
            throw new StartException("cannot open the ledger (" + l + "): " + e.getMessage(), e);
        }
    }

    private static BitcoindClient client(NodeSettings node) {
        BitcoindClient.Builder b = BitcoindClient.builder().url(node.url());
        if (node.cookieFile().isPresent()) {
            b.cookieFile(node.cookieFile().get());
        } else {
            b.credentials(node.user().orElseThrow(), node.password().orElseThrow());
        }
        return b.build();
    }

    /** Asks the node which chain it is on, so a wrong URL or network stops the start with a clear line. */
    private static void checkNode(BitcoindClient client, NodeSettings node, Network network) {
        BlockchainInfo info;
        try {
            info = client.getBlockchainInfo().get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while asking " + node.url(), e);
        } catch (Exception e) {
            String why = BitcoindException.from(e).map(Throwable::getMessage).orElse(e.toString());
            throw new StartException("bitcoind at " + node.url() + " does not answer getblockchaininfo: " + why, e);
        }
        if (!info.chain().equals(network.chainName())) {
            throw new StartException("bitcoind at " + node.url() + " is on chain '" + info.chain()
                    + "' but the configuration says network '" + network.chainName() + "'", null);
        }
        try {
            client.getBalances().get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("bitcoind at {} has no usable wallet at this URL, so payments will fail until it has one: {}",
                    node.url(), BitcoindException.from(e).map(Throwable::getMessage).orElse(e.toString()));
        }
    }

    private static Address address(String text, Network network) {
        try {
            return Address.parse(text, network);
        } catch (AddressException e) {
            throw ConfigException.invalid("payoutAddress", text, "an address of " + network.chainName(), null);
        }
    }

    private StratumServer startServer(BitcoinShareValidator validator, int extranonce2Size) {
        PoolSettings.DifficultySettings d = settings.difficulty();
        PoolSettings.StratumSettings st = settings.stratum();
        PoolSettings.ServerLimits limits = st.limits();
        StratumServer.Builder b = StratumServer.builder()
                .host(st.host())
                .proxyProtocol(st.proxyProtocol())
                .trustedProxies(st.trustedProxies().toArray(new String[0]))
                .maxLineLength(limits.maxLineLength())
                .subscribeTimeout(limits.subscribeTimeout())
                .idleTimeout(limits.idleTimeout())
                .writeBufferWaterMark(limits.writeBufferLowWaterMark(), limits.writeBufferHighWaterMark())
                .unwritableTimeout(limits.unwritableTimeout())
                .maxPendingShares(limits.maxPendingShares())
                .maxSharesInFlight(limits.maxSharesInFlight())
                .network(settings.network())
                .shareValidator(validator)
                .shareSink(ledger)
                .shareSink(meter)
                .extranonce2Size(extranonce2Size)
                .clock(clock)
                .serverVersion("PoolKit/" + version())
                .workerThreads(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        // Explicit, so the settings in force are the ones --help and the README name (the server's default is
        // the same guard).
        b.guard(new ConnectionGuard(settings.guard(), clock));
        if (d.fixed().isPresent()) {
            double fixed = d.fixed().getAsDouble();
            b.initialDifficulty(fixed).difficultyRange(fixed, fixed);
        } else {
            b.vardiff(VardiffSettings.builder()
                    .initialDifficulty(d.initial())
                    .minDifficulty(d.min())
                    .maxDifficulty(d.max())
                    .targetShareInterval(d.targetShareTime())
                    .retargetPeriod(d.retargetInterval())
                    .build());
        }
        st.tls().ifPresent(tls -> b.listener(StratumListener.builder().host(st.host()).port(tls.port())
                .tls(tls.certificate(), tls.key(), tls.keyPassword().orElse(null))
                .proxyProtocol(tls.proxyProtocol()).trustedProxies(tls.trustedProxies().toArray(new String[0]))
                .build()));
        int port = st.port();
        StratumServer built;
        try {
            built = b.port(port).build();
        } catch (IllegalStateException e) {
            // The settings were checked when read; what is left is what only reading the TLS files shows.
            String message = String.valueOf(e.getMessage());
            boolean tlsFile = st.tls().map(t -> message.contains(t.certificate().toString())
                    || message.contains(t.key().toString())).orElse(false);
            String option = tlsFile ? "stratum.tls" : "stratum";
            throw new ConfigException(option, "invalid " + option + ": " + message);
        }
        try {
            return built.start();
        } catch (StratumServerException e) {
            if (!settings.stratum().portFallback()) {
                throw new StartException("cannot listen for miners on " + settings.stratum().host() + ":" + port
                        + " (" + e.getMessage() + "); choose another port", e);
            }
            console.println("port " + port + " is taken; the Stratum server takes a free port instead");
            return b.port(0).build().start();
        }
    }

    private ApiServer startApi() {
        PoolSettings.ApiSettings a = settings.api();
        ApiServer.Builder b = ApiServer.builder(ledger, new View()).host(a.host()).metrics(metrics::scrape)
                .clock(clock).scheme(settings.scheme(), settings.feeBps());
        try {
            ApiServer built;
            try {
                built = b.port(a.port()).build();
            } catch (BindException e) {
                if (!a.portFallback()) {
                    throw e;
                }
                console.println("port " + a.port() + " is taken; the HTTP API takes a free port instead");
                built = b.port(0).build();
            }
            return built.start();
        } catch (IOException e) {
            throw new StartException("cannot serve the HTTP API on " + a.host() + ":" + a.port() + " (" + e
                    + "); choose another port", e);
        }
    }

    private void schedulePayments(PaymentProcessor payments) {
        scheduleBackground(settings.payments().interval(), () -> {
            PaymentProcessor.Report report = payments.runOnce();
            if (report.paidSats() > 0) {
                paidSats.addAndGet(report.paidSats());
                console.println(String.format(Locale.ROOT, "paid %s in %d transaction(s)",
                        btc(report.paidSats()), report.sent() + report.resent()));
            }
        });
    }

    /**
     * Runs {@code task} every {@code period} (first after one period), one background task at a time, a failure
     * logged and not fatal; {@link #pauseBackgroundWork()} stops them all.
     */
    private void scheduleBackground(Duration period, Runnable task) {
        long millis = period.toMillis();
        background.add(scheduler.scheduleWithFixedDelay(() -> {
            synchronized (background) {
                if (backgroundPaused) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("background task failed: {}", e.toString());
                }
            }
        }, millis, millis, TimeUnit.MILLISECONDS));
    }

    /**
     * Stops maturity, payments and the demo chain's retargeting, waiting for one that is running: the books
     * stand still from here (with the miners stopped too), so a test can compare them. Package-private.
     */
    void pauseBackgroundWork() {
        synchronized (background) {
            backgroundPaused = true;
            for (ScheduledFuture<?> f : background) {
                f.cancel(false);
            }
        }
    }

    private void startMiners() {
        int n = settings.demo().miners();
        if (n == 0) {
            return;
        }
        minerGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("poolkit-miner-io", true),
                NioIoHandler.newFactory());
        String host = connectHost(settings.stratum().host());
        for (int i = 0; i < n; i++) {
            CpuMiner miner = CpuMiner.builder()
                    .name(Integer.toString(i + 1))
                    .host(host).port(server.port())
                    .worker(DemoAddresses.miner(i) + ".cpu" + (i + 1))
                    .versionRolling(i == 0)
                    .hashrateCap(settings.demo().minerHashrate())
                    .eventLoopGroup(minerGroup)
                    .build();
            miners.add(miner);
            miner.start();
        }
    }

    private static String connectHost(String bindHost) {
        return bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "127.0.0.1" : bindHost;
    }

    // ---- the console

    private void printBanner(int maturity) {
        String host = connectHost(settings.stratum().host());
        console.println("PoolKit reference pool " + version() + (settings.isDemo()
                ? " - demo on an embedded regtest chain" : " - mining on " + settings.node().orElseThrow().url()));
        PoolSettings.StratumSettings st = settings.stratum();
        console.println("  Stratum:  stratum+tcp://" + host + ":" + server.port() + (st.proxyProtocol()
                ? "  (PROXY protocol" + (st.trustedProxies().isEmpty() ? "" : " from " + st.trustedProxies()) + ")"
                : ""));
        st.tls().ifPresent(tls -> console.println("            stratum+ssl://" + host + ":" + tlsPort()
                + (tls.proxyProtocol() ? "  (PROXY protocol" + (tls.trustedProxies().isEmpty() ? ""
                : " from " + tls.trustedProxies()) + ")" : "")));
        console.println("            username: a " + settings.network().chainName() + " address, optionally "
                + ".worker (e.g. " + (settings.isDemo() ? DemoAddresses.miner(100) : settings.payoutAddress())
                + ".rig1); password: anything (d=0.01 asks for a difficulty)");
        console.println("  HTTP API: http://" + connectHost(settings.api().host()) + ":" + api.port()
                + "/api/pool  (also /api/blocks, /api/miners/ADDRESS, /api/bans, /metrics)");
        console.println("  ledger:   " + (settings.ledger().kind() == LedgerKind.SQLITE
                ? settings.ledger().path().toAbsolutePath() : settings.ledger().url()) + " (" + settings.scheme()
                + ", fee " + settings.feeBps() + " bps)");
        if (settings.isDemo()) {
            console.println("  chain:    a block about every " + settings.demo().blockInterval().toSeconds()
                    + " s; credits mature after " + maturity + " confirmations (DEMO ONLY: regtest's rule is 100);"
                    + " payouts every " + settings.payments().interval().toSeconds() + " s from "
                    + btc(settings.payments().thresholdSats()));
            settings.demo().mineEvery().ifPresent(every -> console.println("            and a block of its own "
                    + "every " + every.toMillis() / 1000.0 + " s, as an outside miner would (not the pool's; chain "
                    + "difficulty at most " + DemoChain.SELF_MINABLE_DIFFICULTY + ")"));
            console.println("  miners:   " + settings.demo().miners() + " built-in CPU miner(s)"
                    + (settings.demo().minerHashrate() > 0 ? ", each capped at "
                    + DemoChain.formatHashrate(settings.demo().minerHashrate()) : "") + "; Ctrl-C stops");
        }
        GuardSettings guard = settings.guard();
        if (!guard.enabled()) {
            console.println("  guard:    OFF (" + (settings.isDemo() ? "--no-guard" : "guard.enabled false")
                    + "): no connection caps, rate limits or bans; not for a public pool");
        } else if (!guard.invalidShareBanEnabled() && !guard.protocolAbuseBanEnabled()
                && !guard.authFailureBanEnabled()) {
            console.println("  guard:    bans OFF (" + (settings.isDemo() ? "--no-bans" : "every ban rule disabled")
                    + "): caps and rate limits only; not for a public pool");
        }
    }

    private void printStatus() {
        try {
            List<BlockRecord> newest = ledger.blocks(1);
            if (!newest.isEmpty() && !newest.get(0).hash().equals(lastPrintedBlock)) {
                lastPrintedBlock = newest.get(0).hash();
                BlockRecord b = newest.get(0);
                console.println(String.format(Locale.ROOT, "block %d %s… found by %s: %s", b.height(),
                        b.hash().displayHex().substring(0, 16), abbreviate(b.worker()), split(b.hash(), true)));
            }
            console.println(statusLine());
        } catch (RuntimeException e) {
            LOG.debug("status line failed: {}", e.toString());
        }
    }

    /** One line: hash rate, miners, shares, blocks, height, and the last block's payouts. */
    String statusLine() {
        StratumServerStats stats = server.stats();
        Job job = currentJob.get();
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "[%tT] %s | %d miners, %d workers | shares %d ok, %d rejected",
                clock.millis(), DemoChain.formatHashrate(meter.recentHashrate(Duration.ofMinutes(1))),
                meter.miners(Duration.ofMinutes(5)), meter.workers(Duration.ofMinutes(5)), stats.sharesAccepted(),
                stats.sharesRejectedTotal()));
        line.append(" | blocks ").append(stats.blocksAccepted());
        if (demoChain != null && demoChain.outsideBlocks() > 0) {
            line.append(" (+").append(demoChain.outsideBlocks()).append(" by others)");
        }
        if (job != null) {
            line.append(String.format(Locale.ROOT, " | height %d, diff %.4g", job.height() - 1,
                    job.networkDifficulty()));
        }
        if (lastPrintedBlock != null) {
            ledger.block(lastPrintedBlock).ifPresent(b -> line.append(" | last block ").append(b.height())
                    .append(": ").append(split(b.hash(), false)));
        }
        return line.toString();
    }

    /** A found block's split as the ledger recorded it: each miner (or how many), fee, residual. */
    private String split(Hash256 block, boolean eachMiner) {
        long fee = 0;
        long residual = 0;
        long miners = 0;
        List<String> parts = new ArrayList<>();
        for (CreditRecord c : ledger.creditsOfBlock(block)) {
            if (c.kind() == CreditKind.FEE) {
                fee += c.sats();
            } else if (c.kind() == CreditKind.RESIDUAL) {
                residual += c.sats();
            } else {
                miners += c.sats();
                parts.add(abbreviate(c.account()) + " " + btc(c.sats()));
            }
        }
        String rest = "fee " + btc(fee) + (residual > 0 ? ", residual " + btc(residual) + " (PPLNS window not full)"
                : "");
        if (eachMiner) {
            return (parts.isEmpty() ? "" : String.join(", ", parts) + ", ") + rest;
        }
        return parts.size() + " miner(s) " + btc(miners) + ", " + rest;
    }

    private static String abbreviate(String account) {
        return account.length() <= 14 ? account : account.substring(0, 8) + "…" + account.substring(account.length()
                - 4);
    }

    static String btc(long sats) {
        return String.format(Locale.ROOT, "%d.%08d BTC", sats / 100_000_000, Math.abs(sats % 100_000_000));
    }

    // ---- reading a running pool

    /** Shares the server acknowledged since start (as of its stop, once stopped). */
    long acknowledgedShares() {
        long atStop = acknowledgedAtStop;
        return atStop >= 0 ? atStop : server == null ? 0 : server.stats().sharesAccepted();
    }

    /** The Stratum port miners connect to. */
    public int stratumPort() {
        return server.port();
    }

    /** The TLS port, or -1 without a TLS listener. */
    public int tlsPort() {
        return settings.stratum().tls().isPresent() ? server.localAddresses().get(1).getPort() : -1;
    }

    /** The HTTP API's port. */
    public int apiPort() {
        return api.port();
    }

    /** The pool's ledger (open until {@link #stop()}). */
    public Ledger ledger() {
        return ledger;
    }

    StratumServer server() {
        return server;
    }

    /** The demo's chain; null with a node. */
    DemoChain demoChain() {
        return demoChain;
    }

    List<CpuMiner> miners() {
        return List.copyOf(miners);
    }

    ShareMeter meter() {
        return meter;
    }

    // ---- stopping

    /** Stops the built-in miners, waiting for the answers to their last shares (the demo's test uses it). */
    void stopMiners() {
        for (CpuMiner miner : miners) {
            miner.stop(Duration.ofSeconds(5));
        }
    }

    /**
     * Stops gracefully, once: the built-in miners, then the Stratum server (it sends {@code client.reconnect}
     * and waits for shares still being recorded), the chain or node, maturity and payments, the API, and last
     * the ledger, which commits what is queued. Later calls wait for the first to finish.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            ScheduledFuture<?> status = statusTask;
            if (status != null) {
                status.cancel(false);
            }
            stopMiners();
            if (minerGroup != null) {
                minerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
            if (server != null) {
                try {
                    server.stop(Duration.ofSeconds(10)).get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("Stratum server stop: {}", e.toString());
                }
                acknowledgedAtStop = server.stats().sharesAccepted();
            }
            if (scheduler != null) {
                scheduler.shutdown();
                try {
                    if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
                        scheduler.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    scheduler.shutdownNow();
                }
            }
            if (api != null) {
                api.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            for (int i = toClose.size() - 1; i >= 0; i--) {
                try {
                    toClose.get(i).close();
                } catch (Exception e) {
                    LOG.warn("closing {}: {}", toClose.get(i), e.toString());
                }
            }
        } finally {
            done.countDown();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The pool as the API and metrics see it. */
    private final class View implements PoolView {
        @Override
        public Network network() {
            return settings.network();
        }

        @Override
        public Optional<Job> currentJob() {
            return Optional.ofNullable(currentJob.get());
        }

        @Override
        public long connections() {
            return server.stats().connectionsOpen();
        }

        @Override
        public int miners(Duration window) {
            return meter.miners(window);
        }

        @Override
        public int workers(Duration window) {
            return meter.workers(window);
        }

        @Override
        public Map<String, Instant> workersOf(String account) {
            return meter.workersOf(account);
        }

        @Override
        public CompletableFuture<BlockState> blockState(Hash256 hash, long height) {
            return source.blockState(hash, height);
        }

        @Override
        public boolean guardEnabled() {
            return server.guard().settings().enabled();
        }

        @Override
        public List<Ban> bans() {
            return server.guard().bans();
        }
    }
}
