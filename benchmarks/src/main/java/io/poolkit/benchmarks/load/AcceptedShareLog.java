package io.poolkit.benchmarks.load;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every share a pool acknowledged as accepted, one line each, so {@link LedgerCheck} can look for it in the
 * ledger afterwards: {@code worker TAB job TAB extranonce2 TAB ntime TAB nonce TAB acknowledged_ms} (hex as
 * sent; the time is when the acknowledgement arrived, milliseconds since 1970).
 *
 * <p>Thread-safe: the client event loops append at once; {@link #close()} flushes.
 */
final class AcceptedShareLog implements AutoCloseable {
    static final String HEADER = "# poolkit accepted shares: worker\tjob\textranonce2\tntime\tnonce\tacknowledged_ms";

    /** One acknowledged share. */
    record Entry(String worker, String jobId, String extranonce2, String ntime, String nonce, long acknowledgedMillis) {
        @Override
        public String toString() {
            return worker + " job " + jobId + " extranonce2 " + extranonce2 + " ntime " + ntime + " nonce " + nonce
                    + " acknowledged at " + acknowledgedMillis + " ms";
        }
    }

    private final Path file;
    private final BufferedWriter out;
    private long lines; // guarded by this
    private IOException failure; // guarded by this

    private AcceptedShareLog(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write(HEADER);
        out.write('\n');
    }

    /** Creates (or truncates) {@code file}. */
    static AcceptedShareLog create(Path file) throws IOException {
        return new AcceptedShareLog(file);
    }

    synchronized void append(String worker, String jobId, String extranonce2, String ntime, String nonce,
                             long acknowledgedMillis) {
        if (failure != null) {
            return;
        }
        try {
            out.write(worker);
            out.write('\t');
            out.write(jobId);
            out.write('\t');
            out.write(extranonce2);
            out.write('\t');
            out.write(ntime);
            out.write('\t');
            out.write(nonce);
            out.write('\t');
            out.write(Long.toString(acknowledgedMillis));
            out.write('\n');
            lines++;
        } catch (IOException e) {
            failure = e;
        }
    }

    synchronized long lines() {
        return lines;
    }

    Path file() {
        return file;
    }

    /** Flushes and closes; throws when any line could not be written (the log is then incomplete). */
    @Override
    public synchronized void close() throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new IOException("the accepted-share log " + file + " is incomplete: " + failure.getMessage(), failure);
        }
    }

    /** Reads a log; throws an {@link IOException} naming the file and line of a malformed entry. */
    static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                long millis;
                try {
                    millis = f.length == 6 ? Long.parseLong(f[5]) : -1;
                } catch (NumberFormatException e) {
                    millis = -1;
                }
                if (millis < 0) {
                    throw new IOException(file + " line " + number + ": expected 6 tab-separated fields (worker, job, "
                            + "extranonce2, ntime, nonce, acknowledged_ms); got '" + abbreviate(line) + "'");
                }
                entries.add(new Entry(f[0], f[1], f[2], f[3], f[4], millis));
            }
        }
        return entries;
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
