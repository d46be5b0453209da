package io.poolkit.accounting.ledger;

import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.core.share.Share;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Semaphore;

/**
 * The crash test's child: appends shares through the ledger's ShareSink from several producer threads and
 * prints {@code ack <id>} (flushed) for each share whose future completed, until it is killed.
 * Arguments: first id, number of shares, then {@code sqlite <file>} or {@code postgresql <url> <schema> <user> [password]}.
 */
public final class ShareProducerMain {
    private ShareProducerMain() {}

    public static void main(String[] args) throws Exception {
        long first = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        JdbcLedger.Builder builder = JdbcLedger.builder().scheme(PropScheme.withFee(0));
        if (args[2].equals("sqlite")) {
            builder.sqlite(Path.of(args[3]));
        } else {
            Properties login = new Properties();
            login.setProperty("user", args[5]);
            login.setProperty("password", args.length > 6 ? args[6] : "");
            builder.postgresql(args[3], login).schema(args[4]);
        }
        JdbcLedger ledger = builder.build();
        Semaphore inFlight = new Semaphore(2_000);
        out.println("ready");
        out.flush();
        int producers = 4;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int offset = p;
            threads[p] = new Thread(() -> {
                for (long id = first + offset; id < first + count; id += producers) {
                    inFlight.acquireUninterruptibly();
                    Share share = new Share("acct" + (id % 10), "id-" + id, 1.0, 1000.0, 800_000, 312_500_000L, 0,
                            Instant.now());
                    long shareId = id;
                    ledger.accept(share).whenComplete((ok, error) -> {
                        if (error == null) {
                            synchronized (out) {
                                out.println("ack " + shareId);
                                out.flush();
                            }
                        }
                        inFlight.release();
                    });
                }
            });
            threads[p].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Thread.sleep(60_000); // the parent kills us long before this
        ledger.close();
    }
}
