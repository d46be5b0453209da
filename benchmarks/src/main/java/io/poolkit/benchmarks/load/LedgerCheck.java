package io.poolkit.benchmarks.load;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.benchmarks.load.CommandOptions.Option;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Checks, after a load run, that every share the pool acknowledged as accepted is in its ledger.
 *
 * <pre>{@code
 * # the harness recorded each accepted share (--accepted-log):
 * java -cp benchmarks.jar io.poolkit.benchmarks.load.LedgerCheck --ledger DATA/ledger.db --accepted-log accepted.tsv
 * # the C generator reports counts only (--json):
 * java -cp benchmarks.jar io.poolkit.benchmarks.load.LedgerCheck --ledger DATA/ledger.db --generator-json run.json
 * }</pre>
 *
 * <p>The ledger's {@code shares} table keeps, per share, the worker and the time the pool accepted it, not the
 * job, extranonce2 or nonce. So an acknowledged share is matched to a ledger row of the same worker recorded no
 * later than the acknowledgement arrived (plus {@code --tolerance}): for each worker, its acknowledgements in time
 * order each take the earliest row not yet taken. An acknowledgement left without a row is a missing share; it is
 * listed with its job, extranonce2, ntime and nonce (which of a worker's shares is the missing one cannot be told
 * from the ledger: the list shows the latest). Rows without an acknowledgement (answers that never arrived) are
 * counted, not missing. With the C generator's JSON the check is by count: its {@code accepted} against the rows.
 *
 * <p>Run it on a ledger of one run (a fresh data folder), after the pool has stopped. Exit status: 0 when no
 * acknowledged share is missing, 1 when some are, 2 for a bad option, 3 when a file or the ledger cannot be read.
 */
public final class LedgerCheck {
    private LedgerCheck() {}

    /**
     * The outcome.
     *
     * @param acknowledged shares the pool acknowledged as accepted
     * @param ledgerRows   rows in the ledger's {@code shares} table
     * @param missing      acknowledged shares with no ledger row (for a count check, their number)
     * @param examples     up to 20 of them, for the report
     */
    record Result(long acknowledged, long ledgerRows, long missing, List<String> examples) {
        boolean complete() {
            return missing == 0;
        }
    }

    private static final class Draft {
        String ledger;
        Path acceptedLog;
        final List<Path> generatorJsons = new ArrayList<>();
        long toleranceMillis = 1_000;
    }

    private static final CommandOptions<Draft> COMMAND = new CommandOptions<>(
            "PoolKit ledger check: is every share the pool acknowledged as accepted in its ledger?\n\n"
                    + "Usage: java -cp benchmarks/target/benchmarks.jar io.poolkit.benchmarks.load.LedgerCheck\n"
                    + "           --ledger FILE|JDBC_URL (--accepted-log FILE | --generator-json FILE)\n"
                    + "Exit status: 0 none missing, 1 some missing, 2 bad option, 3 a file or the ledger unreadable.\n",
            List.of(
                    new Option<>("--ledger", "FILE|JDBC_URL", "none (required)",
                            "the pool's SQLite ledger file (e.g. DATA/ledger.db), or a JDBC URL",
                            (d, v) -> d.ledger = CommandOptions.nonEmpty("--ledger", v, 4_096)),
                    new Option<>("--accepted-log", "FILE", "none",
                            "the shares LoadHarness recorded with --accepted-log: checked one by one",
                            (d, v) -> d.acceptedLog = Path.of(CommandOptions.nonEmpty("--accepted-log", v, 4_096))),
                    new Option<>("--generator-json", "FILE", "none",
                            "stratum_load's --json output: its accepted count against the ledger's rows; "
                                    + "repeatable (a warm-up run and the measured one): the counts are added",
                            (d, v) -> d.generatorJsons.add(Path.of(CommandOptions.nonEmpty("--generator-json", v,
                                    4_096)))),
                    new Option<>("--tolerance", "DURATION", "1s",
                            "how much later than its acknowledgement a share's ledger time may be (clock steps)",
                            (d, v) -> d.toleranceMillis = CommandOptions.duration("--tolerance", v, 0, 3_600)
                                    .toMillis())));

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (CommandOptions.wantsHelp(args)) {
            out.print(COMMAND.help());
            return 0;
        }
        Draft d = new Draft();
        try {
            COMMAND.parse(args, d);
            if (d.ledger == null) {
                throw new UsageException("missing --ledger: expected the pool's SQLite ledger file or a JDBC URL");
            }
            if ((d.acceptedLog == null) == d.generatorJsons.isEmpty()) {
                throw new UsageException("expected exactly one of --accepted-log (LoadHarness) and --generator-json "
                        + "(stratum_load)");
            }
        } catch (UsageException e) {
            err.println("ledger-check: " + e.getMessage() + " (see --help)");
            return 2;
        }
        Result result;
        try {
            result = d.acceptedLog != null ? checkLog(d.ledger, d.acceptedLog, d.toleranceMillis)
                    : checkCount(d.ledger, generatorAccepted(d.generatorJsons));
        } catch (IOException | SQLException e) {
            err.println("ledger-check: " + e.getMessage());
            return 3;
        }
        out.printf("ledger-check: %d acknowledged as accepted, %d shares in the ledger, %d missing%s%n",
                result.acknowledged(), result.ledgerRows(), result.missing(),
                d.acceptedLog != null ? " (matched per worker and time)" : " (by count)");
        for (String example : result.examples()) {
            out.println("  missing: " + example);
        }
        if (result.missing() > result.examples().size() && !result.examples().isEmpty()) {
            out.println("  ... and " + (result.missing() - result.examples().size()) + " more");
        }
        if (result.ledgerRows() > result.acknowledged() && result.complete()) {
            out.println("  (" + (result.ledgerRows() - result.acknowledged()) + " recorded shares were never "
                    + "acknowledged to the client: answers that did not arrive before it closed)");
        }
        return result.complete() ? 0 : 1;
    }

    /** Checks the shares a {@link LoadHarness} recorded against the ledger, share by share. */
    static Result checkLog(String ledger, Path acceptedLog, long toleranceMillis) throws IOException, SQLException {
        List<AcceptedShareLog.Entry> acks = AcceptedShareLog.read(acceptedLog);
        Map<String, long[]> rowTimes = new HashMap<>();
        long rows = 0;
        try (Connection c = open(ledger)) {
            Map<String, List<Long>> byWorker = new HashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT worker, time_ms FROM shares");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byWorker.computeIfAbsent(rs.getString(1), w -> new ArrayList<>()).add(rs.getLong(2));
                    rows++;
                }
            }
            byWorker.forEach((worker, times) -> {
                long[] sorted = times.stream().mapToLong(Long::longValue).toArray();
                Arrays.sort(sorted);
                rowTimes.put(worker, sorted);
            });
        }
        Map<String, List<AcceptedShareLog.Entry>> acksByWorker = new HashMap<>();
        for (AcceptedShareLog.Entry e : acks) {
            acksByWorker.computeIfAbsent(e.worker(), w -> new ArrayList<>()).add(e);
        }
        List<AcceptedShareLog.Entry> missing = new ArrayList<>();
        for (Map.Entry<String, List<AcceptedShareLog.Entry>> w : acksByWorker.entrySet()) {
            List<AcceptedShareLog.Entry> sorted = new ArrayList<>(w.getValue());
            sorted.sort(Comparator.comparingLong(AcceptedShareLog.Entry::acknowledgedMillis));
            long[] times = rowTimes.getOrDefault(w.getKey(), new long[0]);
            int next = 0;
            for (AcceptedShareLog.Entry ack : sorted) {
                if (next < times.length && times[next] <= ack.acknowledgedMillis() + toleranceMillis) {
                    next++;
                } else {
                    missing.add(ack);
                }
            }
        }
        missing.sort(Comparator.comparingLong(AcceptedShareLog.Entry::acknowledgedMillis));
        List<String> examples = missing.stream().limit(20).map(AcceptedShareLog.Entry::toString).toList();
        return new Result(acks.size(), rows, missing.size(), examples);
    }

    /** Checks a count of acknowledged shares (the C generator's) against the ledger's rows. */
    static Result checkCount(String ledger, long acknowledged) throws SQLException {
        long rows;
        try (Connection c = open(ledger);
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM shares");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            rows = rs.getLong(1);
        }
        return new Result(acknowledged, rows, Math.max(0, acknowledged - rows), List.of());
    }

    /** The {@code accepted} counts of {@code stratum_load --json} files, added up. */
    static long generatorAccepted(List<Path> jsons) throws IOException {
        long accepted = 0;
        for (Path json : jsons) {
            accepted = Math.addExact(accepted, generatorAccepted(json));
        }
        return accepted;
    }

    /** The {@code accepted} count of a {@code stratum_load --json} file. */
    static long generatorAccepted(Path json) throws IOException {
        if (!Files.isReadable(json)) {
            throw new IOException("cannot read the generator's JSON " + json);
        }
        try (JsonParser p = new JsonFactory().createParser(json.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(json + " is not a JSON object (expected stratum_load's --json output)");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("accepted") && value == JsonToken.VALUE_NUMBER_INT) {
                    return p.getLongValue();
                }
                p.skipChildren();
            }
        }
        throw new IOException(json + " has no \"accepted\" count (expected stratum_load's --json output)");
    }

    /** A read-only connection: a JDBC URL as given, or a SQLite file. */
    private static Connection open(String ledger) throws SQLException {
        if (ledger.startsWith("jdbc:")) {
            return DriverManager.getConnection(ledger);
        }
        Path file = Path.of(ledger);
        if (!Files.isRegularFile(file)) {
            throw new SQLException("no ledger file at " + file.toAbsolutePath());
        }
        Properties p = new Properties();
        p.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY: a check never changes the ledger
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), p);
    }
}
