package io.poolkit.accounting.ledger;

import static io.poolkit.accounting.testing.TestShares.block;
import static io.poolkit.accounting.testing.TestShares.hash;
import static io.poolkit.accounting.testing.TestShares.share;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.accounting.payment.LocalWallet;
import io.poolkit.accounting.payment.PaymentProcessor;
import io.poolkit.accounting.payment.PaymentRecord;
import io.poolkit.accounting.payment.PaymentStatus;
import io.poolkit.accounting.scheme.PayoutScheme;
import io.poolkit.accounting.scheme.PayoutSchemes;
import io.poolkit.accounting.testing.PostgresDatabase;
import io.poolkit.core.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The ledger under random streams of shares, found blocks (some reported twice), confirmations, orphans and
 * payments, on SQLite and on PostgreSQL: money is conserved, no balance goes negative, a block processed twice changes nothing,
 * an orphan voids exactly its own credits.
 */
class LedgerPropertiesTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    sealed interface Op permits Shares, Found, FoundAgain, Confirm, Orphan, Pay {}

    record Shares(int account, int count, double difficulty) implements Op {}

    record Found(int finder, long reward) implements Op {}

    record FoundAgain(int which) implements Op {}

    record Confirm(int which) implements Op {}

    record Orphan(int which) implements Op {}

    record Pay(long threshold) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> shares = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(1, 20), Arbitraries.of(0.25, 1.0, 3.0, 64.0, 1000.0))
                .as(Shares::new);
        Arbitrary<Op> found = Combinators.combine(Arbitraries.integers().between(0, 5),
                Arbitraries.longs().between(0, 5_000_000_000L)).as(Found::new);
        Arbitrary<Integer> which = Arbitraries.integers().between(0, 9);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, shares),
                net.jqwik.api.Tuple.of(2, found),
                net.jqwik.api.Tuple.of(1, which.map(FoundAgain::new)),
                net.jqwik.api.Tuple.of(2, which.map(Confirm::new)),
                net.jqwik.api.Tuple.of(1, which.map(Orphan::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 100_000_000L).map(Pay::new)))
                .list().ofMinSize(5).ofMaxSize(40);
    }

    @Provide
    Arbitrary<PayoutScheme> schemes() {
        return Arbitraries.of(
                PayoutSchemes.byName("prop", Map.of("fee.bps", "100")),
                PayoutSchemes.byName("pplns", Map.of("n", "2", "fee.bps", "250")),
                PayoutSchemes.byName("pplns", Map.of("n", "0.5")),
                PayoutSchemes.byName("pplns-time", Map.of("window", "5m")),
                PayoutSchemes.byName("pps", Map.of("fee.bps", "300")),
                PayoutSchemes.byName("fpps", Map.of()),
                PayoutSchemes.byName("solo", Map.of("fee.bps", "50")));
    }

    interface Database extends AutoCloseable {
        JdbcLedger.Builder builder();

        Connection open() throws SQLException;

        @Override
        void close() throws Exception;
    }

    @Property(tries = 25)
    void moneyIsConservedAndEveryBlockIsSettledExactlyOnceOnSqlite(@ForAll("schemes") PayoutScheme scheme,
                                                                   @ForAll("ops") List<Op> ops) throws Exception {
        Path dir = Files.createTempDirectory("ledger-prop");
        run(scheme, ops, new Database() {
            @Override
            public JdbcLedger.Builder builder() {
                return JdbcLedger.builder().sqlite(dir.resolve("l.db"));
            }

            @Override
            public Connection open() throws SQLException {
                return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("l.db"));
            }

            @Override
            public void close() throws IOException {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        });
    }

    @Property(tries = 8)
    void moneyIsConservedAndEveryBlockIsSettledExactlyOnceOnPostgresql(@ForAll("schemes") PayoutScheme scheme,
                                                                       @ForAll("ops") List<Op> ops)
            throws Exception {
        PostgresDatabase pg = PostgresDatabase.createSchema();
        run(scheme, ops, new Database() {
            @Override
            public JdbcLedger.Builder builder() {
                return JdbcLedger.builder().postgresql(pg.url(), pg.properties()).schema(pg.schema());
            }

            @Override
            public Connection open() throws SQLException {
                return pg.open();
            }

            @Override
            public void close() {
                pg.dropSchema();
            }
        });
    }

    private static void run(PayoutScheme scheme, List<Op> ops, Database database) throws Exception {
        ManualClock clock = new ManualClock(T0);
        LocalWallet wallet = LocalWallet.inMemory(Long.MAX_VALUE / 4);
        try (database; JdbcLedger ledger = database.builder().scheme(scheme).clock(clock).build()) {
            PaymentProcessor payments = PaymentProcessor.builder(ledger, wallet).thresholdSats(1).clock(clock)
                    .build();
            List<Long> blocks = new ArrayList<>();
            for (Op op : ops) {
                clock.advance(Duration.ofSeconds(20));
                Map<Long, List<CreditRecord>> before = credits(ledger, blocks);
                Map<String, Long> balancesBefore = ledger.balances();
                if (op instanceof Shares s) {
                    List<java.util.concurrent.CompletableFuture<Void>> acks = new ArrayList<>();
                    for (int i = 0; i < s.count(); i++) {
                        acks.add(ledger.accept(share("a" + s.account(), s.difficulty(), 100, clock.instant())));
                    }
                    acks.forEach(java.util.concurrent.CompletableFuture::join);
                } else if (op instanceof Found f) {
                    long n = blocks.size() + 1;
                    ledger.blockFound(block(n, "a" + f.finder(), f.reward(), 100, clock.instant())).join();
                    blocks.add(n);
                    long split = ledger.creditsOfBlock(hash(n)).stream().mapToLong(CreditRecord::sats).sum();
                    assertEquals(f.reward(), split, "a block's credit lines add up to its reward");
                } else if (op instanceof FoundAgain a) {
                    if (blocks.isEmpty()) {
                        continue;
                    }
                    long n = blocks.get(a.which() % blocks.size());
                    ledger.blockFound(block(n, "a0", 999, 100, clock.instant())).join();
                    assertEquals(before, credits(ledger, blocks), "a block found again changes nothing");
                } else if (op instanceof Confirm c) {
                    if (blocks.isEmpty()) {
                        continue;
                    }
                    long n = blocks.get(c.which() % blocks.size());
                    boolean changed = ledger.confirmBlock(hash(n), 100, clock.instant());
                    assertFalse(ledger.confirmBlock(hash(n), 100, clock.instant()), "second time is a no-op");
                    Map<String, Long> expected = new HashMap<>(balancesBefore);
                    if (changed) {
                        for (CreditRecord credit : before.get(n)) {
                            expected.merge(credit.account(), credit.sats(), Long::sum);
                        }
                    }
                    assertEquals(expected, ledger.balances());
                } else if (op instanceof Orphan o) {
                    if (blocks.isEmpty()) {
                        continue;
                    }
                    long n = blocks.get(o.which() % blocks.size());
                    boolean wasPending = before.get(n).stream()
                            .allMatch(cr -> cr.status() == CreditStatus.IMMATURE);
                    boolean changed = ledger.orphanBlock(hash(n), clock.instant());
                    Map<Long, List<CreditRecord>> after = credits(ledger, blocks);
                    for (long other : blocks) {
                        if (other != n || !changed) {
                            assertEquals(before.get(other), after.get(other), "others untouched");
                        }
                    }
                    if (changed) {
                        assertTrue(wasPending);
                        assertTrue(after.get(n).stream().allMatch(cr -> cr.status() == CreditStatus.VOID));
                        assertEquals(before.get(n).size(), after.get(n).size());
                    }
                    assertEquals(balancesBefore, ledger.balances(), "an orphan never touches balances");
                } else if (op instanceof Pay) {
                    payments.runOnce();
                }
                assertNoNegativeBalance(database);
            }
            ledger.blockFound(block(1_000, "a0", 0, 100, clock.instant())).join(); // flush the queue
            assertConserved(ledger, blocks, wallet);
        }
    }

    private static Map<Long, List<CreditRecord>> credits(Ledger ledger, List<Long> blocks) {
        Map<Long, List<CreditRecord>> all = new HashMap<>();
        for (long n : blocks) {
            all.put(n, ledger.creditsOfBlock(hash(n)));
        }
        return all;
    }

    private static void assertNoNegativeBalance(Database database) throws SQLException {
        try (Connection c = database.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MIN(sats), 0) FROM balances")) {
            rs.next();
            assertTrue(rs.getLong(1) >= 0, "no balance below zero");
        }
    }

    /** Balances + everything paid or being paid == matured block credits + per-share credits. */
    private static void assertConserved(JdbcLedger ledger, List<Long> blocks, LocalWallet wallet) {
        long matured = 0;
        Set<String> accounts = new TreeSet<>(ledger.balances().keySet());
        for (long n : blocks) {
            for (CreditRecord credit : ledger.creditsOfBlock(hash(n))) {
                if (credit.status() == CreditStatus.MATURE) {
                    matured += credit.sats();
                }
            }
        }
        for (int i = 0; i < 6; i++) {
            accounts.add("a" + i);
        }
        accounts.add(ledger.feeAccount());
        long perShare = accounts.stream().mapToLong(ledger::perShareEarned).sum();
        long balances = ledger.balances().values().stream().mapToLong(Long::longValue).sum();
        List<PaymentRecord> paymentRecords = ledger.payments(100_000);
        long paid = paymentRecords.stream().filter(p -> p.status() != PaymentStatus.FAILED)
                .mapToLong(PaymentRecord::sats).sum();
        assertEquals(matured + perShare, balances + paid);
        long sent = wallet.transactions().stream().flatMap(t -> t.outputs().values().stream())
                .mapToLong(Long::longValue).sum();
        assertEquals(paid, sent, "the wallet sent exactly what the ledger paid");
    }
}
