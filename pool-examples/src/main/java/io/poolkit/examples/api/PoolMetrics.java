package io.poolkit.examples.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolkit.core.guard.BanReason;
import io.poolkit.core.guard.RefuseReason;
import io.poolkit.core.job.Job;
import io.poolkit.core.share.RejectReason;
import io.poolkit.stratum.server.StratumServerStats;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The pool's Prometheus metrics (Micrometer's Prometheus registry): shares accepted and rejected by reason,
 * blocks, connections, the connection guard's refusals and bans by reason, hash rate, the ledger's queue, the
 * chain's height and difficulty, payments, and the JVM's memory, threads and GC.
 *
 * <pre>{@code
 * PoolMetrics metrics = new PoolMetrics(server::stats, sources);
 * ApiServer.builder(ledger, view).metrics(metrics::scrape)...
 * }</pre>
 *
 * <p>Counters and gauges read their sources when scraped, so the share path pays nothing for them. Names
 * follow Prometheus conventions: {@code poolkit_shares_accepted_total},
 * {@code poolkit_shares_rejected_total{reason="low_difficulty"}}, {@code poolkit_hashrate_hashes_per_second{window="5m"}},
 * {@code poolkit_guard_bans_total{reason="invalid_shares"}}, {@code poolkit_guard_bans_active}.
 * Thread-safe.
 */
public final class PoolMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    // Micrometer holds the objects meters read only weakly: these keep them alive as long as the metrics.
    private final Supplier<StratumServerStats> server;
    private final Sources sources;

    /**
     * What the metrics read besides the server's counters.
     *
     * @param hashrate5m   the pool's hash rate over 5 minutes, hashes per second
     * @param hashrate1h   over an hour
     * @param ledgerQueue  shares and blocks waiting for the ledger's writer
     * @param currentJob   the job miners work on
     * @param paymentsSent satoshis paid since start
     */
    public record Sources(Supplier<Double> hashrate5m, Supplier<Double> hashrate1h, Supplier<Integer> ledgerQueue,
                          Supplier<Optional<Job>> currentJob, Supplier<Long> paymentsSent) {
        public Sources {
            Objects.requireNonNull(hashrate5m, "hashrate5m");
            Objects.requireNonNull(hashrate1h, "hashrate1h");
            Objects.requireNonNull(ledgerQueue, "ledgerQueue");
            Objects.requireNonNull(currentJob, "currentJob");
            Objects.requireNonNull(paymentsSent, "paymentsSent");
        }
    }

    public PoolMetrics(Supplier<StratumServerStats> server, Sources sources) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(sources, "sources");
        this.server = server;
        this.sources = sources;
        counter("poolkit.shares.accepted", "Shares acknowledged to miners (recorded by every sink)", server,
                s -> s.sharesAccepted());
        for (RejectReason reason : RejectReason.values()) {
            FunctionCounter.builder("poolkit.shares.rejected", server, s -> s.get().sharesRejected(reason))
                    .description("Shares refused, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        counter("poolkit.blocks.found", "Shares that met the network target", server, s -> s.blocksFound());
        counter("poolkit.blocks.accepted", "Found blocks the chain accepted", server, s -> s.blocksAccepted());
        counter("poolkit.blocks.rejected", "Found blocks the chain rejected or could not judge", server,
                s -> s.blocksRejected());
        counter("poolkit.jobs.published", "Jobs sent to miners (mining.notify)", server, s -> s.jobsPublished());
        counter("poolkit.connections.accepted", "Stratum connections accepted since start", server,
                s -> s.connectionsTotal());
        counter("poolkit.authorizations.denied", "mining.authorize calls refused", server,
                s -> s.authorizationsDenied());
        counter("poolkit.protocol.errors", "Malformed or unknown Stratum requests", server, s -> s.protocolErrors());
        counter("poolkit.connections.refused", "Connections closed at accept: refused by the guard, not from a "
                + "trusted proxy, or without a valid PROXY header", server, s -> s.connectionsRefused());
        counter("poolkit.sessions.banned", "Sessions closed because the guard banned their address", server,
                s -> s.sessionsBanned());
        counter("poolkit.sessions.timed.out", "Sessions closed for not subscribing in time or for silence", server,
                s -> s.sessionsTimedOut());
        counter("poolkit.sessions.closed.slow", "Sessions closed for not reading what the server sent", server,
                s -> s.sessionsClosedSlow());
        counter("poolkit.lines.oversized", "Connections closed for a line over the line limit", server,
                s -> s.oversizedLines());
        counter("poolkit.notifies.skipped", "Jobs not sent to a session that was not reading", server,
                s -> s.notifiesSkipped());
        counter("poolkit.reads.paused", "Times a session stopped being read while its shares waited for the ledger",
                server, s -> s.readsPaused());
        guardMetrics(server);
        gauge("poolkit.connections", "Stratum connections open now", server, s -> s.get().connectionsOpen());
        gauge("poolkit.sessions.authorized", "Connections with an authorised worker", server,
                s -> s.get().sessionsAuthorized());
        Gauge.builder("poolkit.hashrate", sources, s -> s.hashrate5m().get())
                .description("The pool's hash rate from accepted shares").baseUnit("hashes_per_second")
                .tag("window", "5m").register(registry);
        Gauge.builder("poolkit.hashrate", sources, s -> s.hashrate1h().get())
                .description("The pool's hash rate from accepted shares").baseUnit("hashes_per_second")
                .tag("window", "1h").register(registry);
        Gauge.builder("poolkit.ledger.queue", sources, s -> s.ledgerQueue().get())
                .description("Shares and blocks waiting for the ledger's group commit").register(registry);
        Gauge.builder("poolkit.chain.height", sources, s -> s.currentJob().get().map(j -> j.height() - 1.0)
                        .orElse(Double.NaN))
                .description("Height of the chain's tip").register(registry);
        Gauge.builder("poolkit.network.difficulty", sources, s -> s.currentJob().get().map(Job::networkDifficulty)
                        .orElse(Double.NaN))
                .description("The network difficulty of the current job").register(registry);
        FunctionCounter.builder("poolkit.payments.sent", sources, s -> s.paymentsSent().get())
                .description("Satoshis paid to miners since start").baseUnit("sats").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    /** The connection guard's decisions: refusals and bans by reason, bans in force, rate-limited submits. */
    private void guardMetrics(Supplier<StratumServerStats> server) {
        for (RefuseReason reason : RefuseReason.values()) {
            FunctionCounter.builder("poolkit.guard.connections.refused", server,
                            s -> s.get().guard().refused(reason))
                    .description("Connections the guard refused, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        for (BanReason reason : BanReason.values()) {
            FunctionCounter.builder("poolkit.guard.bans", server, s -> s.get().guard().bans(reason))
                    .description("Bans the guard imposed, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        counter("poolkit.guard.bans.ended", "Bans that expired or were lifted", server, s -> s.guard().bansEnded());
        counter("poolkit.guard.submits.rate.limited", "mining.submit calls refused by the submit rate limit", server,
                s -> s.guard().rateLimitedSubmits());
        counter("poolkit.guard.invalid.shares", "Shares counted against their address's invalid-share ratio", server,
                s -> s.guard().invalidShares());
        counter("poolkit.guard.protocol.violations", "Oversized or unparseable lines reported to the guard", server,
                s -> s.guard().protocolViolations());
        counter("poolkit.guard.authorizations.failed", "Denied authorisations reported to the guard", server,
                s -> s.guard().failedAuthorizations());
        counter("poolkit.guard.connections.untracked", "Connections allowed without per-address history (the "
                + "address table was full)", server, s -> s.guard().untrackedConnections());
        gauge("poolkit.guard.bans.active", "Bans in force now", server, s -> s.get().guard().activeBans());
        gauge("poolkit.guard.addresses.tracked", "Addresses whose history the guard keeps", server,
                s -> s.get().guard().trackedAddresses());
    }

    /** The metrics in Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** Stops the GC listener. */
    public void close() {
        gc.close();
        registry.close();
    }

    private void counter(String name, String description, Supplier<StratumServerStats> server,
                         ToDoubleFunction<StratumServerStats> value) {
        FunctionCounter.builder(name, server, s -> value.applyAsDouble(s.get()))
                .description(description).register(registry);
    }

    private void gauge(String name, String description, Supplier<StratumServerStats> server,
                       ToDoubleFunction<Supplier<StratumServerStats>> value) {
        Gauge.builder(name, server, value).description(description).register(registry);
    }
}
