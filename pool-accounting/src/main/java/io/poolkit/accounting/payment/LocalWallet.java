package io.poolkit.accounting.payment;

import io.poolkit.core.chain.Hex;
import io.poolkit.core.hash.Sha256d;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An in-process {@link Wallet} for the demo and tests: it keeps a spendable balance and a list of the
 * transactions it "sent", optionally journaled to a file (each send forced to disk before it returns) so it
 * survives a crash of the process.
 *
 * <p>Like a real wallet it does not deduplicate: sending twice with the same key makes two transactions,
 * which is what lets tests catch a double payment. Thread-safe.
 *
 * <pre>{@code
 * LocalWallet wallet = LocalWallet.journaled(Path.of("wallet.journal"), 100_000_000_000L);
 * String txid = wallet.sendMany(Map.of("bcrt1qminer", 5_000L), "poolkit-pay-1");
 * }</pre>
 */
public final class LocalWallet implements Wallet {

    /**
     * A transaction this wallet sent.
     *
     * @param txid    its id (hex of a double SHA-256 over its contents and position)
     * @param key     the idempotency key it carried
     * @param outputs satoshis per address
     */
    public record Transaction(String txid, String key, SortedMap<String, Long> outputs) {
        public Transaction {
            outputs = Collections.unmodifiableSortedMap(new TreeMap<>(outputs));
        }
    }

    private final WalletJournal journal; // null: in memory only
    private final List<Transaction> sent = new ArrayList<>();
    private long spendable;

    private LocalWallet(WalletJournal journal, long spendable) {
        this.journal = journal;
        this.spendable = spendable;
    }

    /** A wallet in memory only, holding {@code spendableSats}. */
    public static LocalWallet inMemory(long spendableSats) {
        return new LocalWallet(null, requireNonNegative(spendableSats));
    }

    /**
     * A wallet journaled to {@code file}: opened with {@code initialSpendableSats} and then replays what the
     * journal recorded (deposits and sends), so it comes back as it was after a crash.
     */
    public static LocalWallet journaled(Path file, long initialSpendableSats) {
        LocalWallet wallet = new LocalWallet(new WalletJournal(file), requireNonNegative(initialSpendableSats));
        wallet.journal.replay(wallet::replay);
        return wallet;
    }

    /** Adds funds (a matured coinbase, in the demo). */
    public synchronized void deposit(long sats) {
        if (sats <= 0) {
            throw new IllegalArgumentException("deposit must be > 0: " + sats);
        }
        append("deposit", Long.toString(sats));
        spendable = Math.addExact(spendable, sats);
    }

    public synchronized long spendableSats() {
        return spendable;
    }

    /** Every transaction sent, in order. */
    public synchronized List<Transaction> transactions() {
        return List.copyOf(sent);
    }

    @Override
    public synchronized String sendMany(Map<String, Long> satsByAddress, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (satsByAddress.isEmpty()) {
            throw new WalletException("a transaction needs at least one output", true);
        }
        long total = 0;
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Long> e : new TreeMap<>(satsByAddress).entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().contains(" ") || e.getKey().contains("=")
                    || e.getKey().contains(",")) {
                throw new WalletException("invalid address '" + e.getKey() + "'", true);
            }
            if (e.getValue() <= 0) {
                throw new WalletException("amount for " + e.getKey() + " must be > 0: " + e.getValue(), true);
            }
            total = Math.addExact(total, e.getValue());
            line.append(line.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        if (idempotencyKey.isEmpty() || idempotencyKey.contains(" ")) {
            throw new WalletException("invalid comment '" + idempotencyKey + "'", true);
        }
        if (total > spendable) {
            throw new WalletException("insufficient funds: " + total + " > " + spendable, true);
        }
        String txid = Hex.encode(Sha256d.hash((sent.size() + " " + idempotencyKey + " " + line)
                .getBytes(StandardCharsets.UTF_8)));
        append("send", txid, idempotencyKey, line.toString());
        spendable -= total;
        sent.add(new Transaction(txid, idempotencyKey, parseOutputs(line.toString())));
        return txid;
    }

    /** The first transaction sent with {@code idempotencyKey}. */
    @Override
    public synchronized Optional<String> findPayment(String idempotencyKey) {
        return sent.stream().filter(t -> t.key().equals(idempotencyKey)).map(Transaction::txid).findFirst();
    }

    private void replay(String[] parts) {
        if (parts[0].equals("deposit") && parts.length == 2) {
            spendable = Math.addExact(spendable, Long.parseLong(parts[1]));
        } else if (parts[0].equals("send") && parts.length == 4) {
            SortedMap<String, Long> outputs = parseOutputs(parts[3]);
            spendable -= outputs.values().stream().mapToLong(Long::longValue).sum();
            sent.add(new Transaction(parts[1], parts[2], outputs));
        } else {
            throw new IllegalArgumentException("not 'deposit SATS' or 'send TXID KEY OUTPUTS'");
        }
    }

    private static SortedMap<String, Long> parseOutputs(String text) {
        SortedMap<String, Long> outputs = new TreeMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            outputs.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
        }
        return outputs;
    }

    private void append(String... fields) {
        if (journal == null) {
            return;
        }
        try {
            journal.append(fields);
        } catch (IOException e) {
            throw new WalletException("cannot write the wallet journal " + journal.file() + ": " + e, false, e);
        }
    }

    private static long requireNonNegative(long sats) {
        if (sats < 0) {
            throw new IllegalArgumentException("spendable sats must be >= 0: " + sats);
        }
        return sats;
    }
}
