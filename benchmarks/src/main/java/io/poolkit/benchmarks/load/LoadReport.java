package io.poolkit.benchmarks.load;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.poolkit.benchmarks.load.LoadStats.Reason;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of one {@link LoadHarness} run, printed as text and optionally written as JSON. Immutable.
 *
 * <p>Responses per second count the answers that arrived during the run phase; the other share counts include
 * the drain after it. Latency is from handing a {@code mining.submit} to the client to its answer, in
 * microseconds. Fan-out is for jobs first seen after every connection was ready, first → last connection.
 */
final class LoadReport {
    /** The connect phase. */
    record Connect(double seconds, int opened, int ready, int withJob, Map<String, Long> failures,
                   long disconnectedDuringRun) {}

    /** Shares sent and their answers. */
    record Shares(double runSeconds, long sent, long responsesInRun, long responses, long accepted, long rejected,
                  long errors, long rateBacklog, Map<Reason, Long> reasons, Map<String, Long> errorKinds) {
        /** Answers that arrived during the run phase, per second of it. */
        double responsesPerSecond() {
            return runSeconds > 0 ? responsesInRun / runSeconds : 0;
        }

        /** Sent, but neither answered nor failed by the end of the drain. */
        long unanswered() {
            return sent - responses - errors;
        }
    }

    /** Answer latency in microseconds. */
    record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {}

    /**
     * The pool's memory before connecting and with every connection ready (-1 where unknown).
     *
     * @param sessions the connections ready at the second sample
     */
    record Memory(String probe, long rssBeforeKib, long rssConnectedKib, long heapBeforeBytes, long heapConnectedBytes,
                  int sessions) {
        /** Resident set growth per connection in KiB, or NaN. */
        double rssPerConnectionKib() {
            return rssBeforeKib < 0 || rssConnectedKib < 0 || sessions == 0 ? Double.NaN
                    : (rssConnectedKib - rssBeforeKib) / (double) sessions;
        }

        /** Live heap growth per session in bytes, or NaN. */
        double heapPerSessionBytes() {
            return heapBeforeBytes < 0 || heapConnectedBytes < 0 || sessions == 0 ? Double.NaN
                    : (heapConnectedBytes - heapBeforeBytes) / (double) sessions;
        }
    }

    final LoadOptions options;
    final Connect connect;
    final Shares shares;
    final Latency latency;
    final List<FanOut.Job> fanOut;
    final Memory memory;
    final Optional<Path> acceptedLog;
    final long acceptedLogged;

    LoadReport(LoadOptions options, Connect connect, Shares shares, Latency latency, List<FanOut.Job> fanOut,
               Memory memory, Optional<Path> acceptedLog, long acceptedLogged) {
        this.options = options;
        this.connect = connect;
        this.shares = shares;
        this.latency = latency;
        this.fanOut = List.copyOf(fanOut);
        this.memory = memory;
        this.acceptedLog = acceptedLog;
        this.acceptedLogged = acceptedLogged;
    }

    void print(PrintStream out) {
        LoadOptions o = options;
        out.println("=== PoolKit load harness ===");
        out.printf(Locale.ROOT, "target              %s:%d  mode=%s connections=%d in-flight/conn=%d%s source addresses=%d%n",
                o.host, o.port, o.mode.label(), o.connections, o.inFlight,
                o.mode == LoadOptions.Mode.RATE ? " rate=" + CommandOptions.plain(o.rate) + "/s" : "",
                o.sourceAddresses);
        out.printf(Locale.ROOT, "connect phase       %.2f s: opened %d, ready (subscribed and authorised) %d, with a job %d%n",
                connect.seconds, connect.opened, connect.ready, connect.withJob);
        connect.failures.forEach((kind, n) -> out.printf(Locale.ROOT, "  not ready         %-40s %d%n", kind, n));
        out.printf(Locale.ROOT, "run phase           %.2f s; ready connections that closed during it: %d%n",
                shares.runSeconds, connect.disconnectedDuringRun);
        if (o.mode != LoadOptions.Mode.IDLE) {
            out.printf(Locale.ROOT, "shares sent         %d (%.0f/s)%n", shares.sent,
                    shares.runSeconds > 0 ? shares.sent / shares.runSeconds : 0);
            out.printf(Locale.ROOT, "responses           %d in the run phase (%.0f/s), %d with the drain%n",
                    shares.responsesInRun, shares.responsesPerSecond(), shares.responses);
            out.printf(Locale.ROOT, "  accepted          %d%n", shares.accepted);
            out.printf(Locale.ROOT, "  rejected          %d%n", shares.rejected);
            shares.reasons.forEach((reason, n) -> out.printf(Locale.ROOT, "    %-44s %d%n", reason, n));
            out.printf(Locale.ROOT, "  no answer         %d failed, %d unanswered at the end%n", shares.errors,
                    shares.unanswered());
            shares.errorKinds.forEach((kind, n) -> out.printf(Locale.ROOT, "    %-44s %d%n", kind, n));
            if (o.mode == LoadOptions.Mode.RATE) {
                out.printf(Locale.ROOT, "  rate backlog      %d shares not sent (every connection had %d in flight)%n",
                        shares.rateBacklog, o.inFlight);
            }
            out.printf(Locale.ROOT, "latency us          p50=%.0f p90=%.0f p99=%.0f p99.9=%.0f max=%.0f mean=%.0f (n=%d)%n",
                    latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean, latency.count);
        }
        out.println("job fan-out         (jobs first seen after every connection was ready)");
        if (fanOut.isEmpty()) {
            out.println("  none: the pool sent no new job during the run phase");
        }
        for (FanOut.Job job : fanOut) {
            out.printf(Locale.ROOT, "  job %-20s clean=%s recipients=%d/%d first->median %.2f ms first->last %.2f ms%n",
                    job.jobId(), job.clean(), job.recipients(), connect.ready, job.firstToMedianMillis(),
                    job.firstToLastMillis());
        }
        out.printf(Locale.ROOT, "pool memory         %s%n", memory.probe);
        if (memory.rssBeforeKib >= 0) {
            out.printf(Locale.ROOT, "  RSS               %.1f MiB before, %.1f MiB with %d connections: %.2f KiB per connection%n",
                    memory.rssBeforeKib / 1024.0, memory.rssConnectedKib / 1024.0, memory.sessions,
                    memory.rssPerConnectionKib());
        }
        if (memory.heapBeforeBytes >= 0) {
            out.printf(Locale.ROOT, "  live heap         %.1f MiB before, %.1f MiB with %d sessions: %.0f bytes (%.2f KiB) per session%n",
                    memory.heapBeforeBytes / 1048576.0, memory.heapConnectedBytes / 1048576.0, memory.sessions,
                    memory.heapPerSessionBytes(), memory.heapPerSessionBytes() / 1024);
        }
        acceptedLog.ifPresent(p -> out.printf(Locale.ROOT, "accepted shares     %d recorded in %s%n", acceptedLogged, p));
    }

    void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (JsonGenerator g = new JsonFactory().createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("target", options.host + ":" + options.port);
            g.writeStringField("mode", options.mode.label());
            g.writeNumberField("connections", options.connections);
            g.writeNumberField("in_flight", options.inFlight);
            g.writeNumberField("rate", options.rate);
            g.writeNumberField("source_addresses", options.sourceAddresses);
            g.writeNumberField("connect_s", connect.seconds);
            g.writeNumberField("opened", connect.opened);
            g.writeNumberField("ready", connect.ready);
            g.writeNumberField("with_job", connect.withJob);
            g.writeObjectFieldStart("not_ready");
            for (Map.Entry<String, Long> e : connect.failures.entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("disconnected", connect.disconnectedDuringRun);
            g.writeNumberField("run_s", shares.runSeconds);
            g.writeNumberField("sent", shares.sent);
            g.writeNumberField("responses_run", shares.responsesInRun);
            g.writeNumberField("responses_total", shares.responses);
            g.writeNumberField("responses_per_s", shares.responsesPerSecond());
            g.writeNumberField("accepted", shares.accepted);
            g.writeNumberField("rejected", shares.rejected);
            g.writeNumberField("errors", shares.errors);
            g.writeNumberField("unanswered", shares.unanswered());
            g.writeNumberField("rate_backlog", shares.rateBacklog);
            g.writeObjectFieldStart("reasons");
            for (Map.Entry<Reason, Long> e : shares.reasons.entrySet()) {
                g.writeNumberField(e.getKey().toString(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("latency_us");
            g.writeNumberField("p50", latency.p50);
            g.writeNumberField("p90", latency.p90);
            g.writeNumberField("p99", latency.p99);
            g.writeNumberField("p999", latency.p999);
            g.writeNumberField("max", latency.max);
            g.writeNumberField("mean", latency.mean);
            g.writeNumberField("n", latency.count);
            g.writeEndObject();
            g.writeArrayFieldStart("fanout");
            for (FanOut.Job job : fanOut) {
                g.writeStartObject();
                g.writeStringField("job", job.jobId());
                g.writeBooleanField("clean", job.clean());
                g.writeNumberField("recipients", job.recipients());
                g.writeNumberField("p50_ms", job.firstToMedianMillis());
                g.writeNumberField("last_ms", job.firstToLastMillis());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("memory");
            g.writeStringField("probe", memory.probe);
            g.writeNumberField("rss_before_kib", memory.rssBeforeKib);
            g.writeNumberField("rss_connected_kib", memory.rssConnectedKib);
            writeNumberOrNull(g, "rss_per_connection_kib", memory.rssPerConnectionKib());
            g.writeNumberField("heap_before_bytes", memory.heapBeforeBytes);
            g.writeNumberField("heap_connected_bytes", memory.heapConnectedBytes);
            writeNumberOrNull(g, "heap_per_session_bytes", memory.heapPerSessionBytes());
            g.writeNumberField("sessions", memory.sessions);
            g.writeEndObject();
            if (acceptedLog.isPresent()) {
                g.writeStringField("accepted_log", acceptedLog.get().toString());
                g.writeNumberField("accepted_logged", acceptedLogged);
            }
            g.writeEndObject();
        }
    }

    private static void writeNumberOrNull(JsonGenerator g, String name, double value) throws IOException {
        if (Double.isNaN(value)) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }
}
