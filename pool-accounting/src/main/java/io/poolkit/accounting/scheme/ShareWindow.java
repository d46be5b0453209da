package io.poolkit.accounting.scheme;

import io.poolkit.core.share.FoundBlock;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The shares a scheme splits a found block over, oldest first, with the block itself.
 *
 * <p>Columnar and compact so that a window of millions of shares is cheap: accounts are stored once and
 * referred to by index. Immutable once built; safe to share between threads. The ledger builds it from the
 * {@link WindowSpec} a scheme asks for; tests and benchmarks build it directly:
 *
 * <pre>{@code
 * ShareWindow window = ShareWindow.builder(block)
 *         .add("bc1qalice", 65536.0, 1_700_000_000_000L)
 *         .add("bc1qbob", 131072.0, 1_700_000_001_000L)
 *         .build();
 * }</pre>
 */
public final class ShareWindow {
    private final FoundBlock block;
    private final String[] accounts;
    private final int[] accountOf;
    private final double[] difficulty;
    private final long[] timeMillis;
    private final int size;

    private ShareWindow(FoundBlock block, String[] accounts, int[] accountOf, double[] difficulty,
                        long[] timeMillis, int size) {
        this.block = block;
        this.accounts = accounts;
        this.accountOf = accountOf;
        this.difficulty = difficulty;
        this.timeMillis = timeMillis;
        this.size = size;
    }

    /** A builder for a window ending at {@code block}. Not thread-safe. */
    public static Builder builder(FoundBlock block) {
        return new Builder(block);
    }

    /** The found block being split. */
    public FoundBlock block() {
        return block;
    }

    /** The number of shares. */
    public int size() {
        return size;
    }

    /** The account of share {@code i} (0 is the oldest). */
    public String account(int i) {
        return accounts[accountIndex(i)];
    }

    /** The index of share {@code i}'s account in {@link #accounts()}. */
    public int accountIndex(int i) {
        Objects.checkIndex(i, size);
        return accountOf[i];
    }

    /** The distinct accounts, in the order they first appear. */
    public List<String> accounts() {
        return List.of(accounts);
    }

    /** The number of distinct accounts. */
    public int accountCount() {
        return accounts.length;
    }

    /** Share {@code i}'s credited difficulty. */
    public double difficulty(int i) {
        Objects.checkIndex(i, size);
        return difficulty[i];
    }

    /** Share {@code i}'s exact weight ({@link ShareWeight}). Allocates; built-ins use a faster path. */
    public BigInteger weight(int i) {
        return ShareWeight.of(difficulty(i));
    }

    /** When share {@code i} was accepted, in milliseconds since the epoch. */
    public long timeMillis(int i) {
        Objects.checkIndex(i, size);
        return timeMillis[i];
    }

    // Unchecked accessors for the built-in schemes' hot loops.
    int accountIndexUnchecked(int i) {
        return accountOf[i];
    }

    double difficultyUnchecked(int i) {
        return difficulty[i];
    }

    long timeUnchecked(int i) {
        return timeMillis[i];
    }

    String accountName(int index) {
        return accounts[index];
    }

    /** Builds a {@link ShareWindow}, oldest share first. Not thread-safe. */
    public static final class Builder {
        private final FoundBlock block;
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> accounts = new ArrayList<>();
        private int[] accountOf = new int[64];
        private double[] difficulty = new double[64];
        private long[] timeMillis = new long[64];
        private int size;

        private Builder(FoundBlock block) {
            this.block = Objects.requireNonNull(block, "block");
        }

        /** Appends a share newer than all added so far. */
        public Builder add(String account, double shareDifficulty, long shareTimeMillis) {
            Objects.requireNonNull(account, "account");
            if (!(shareDifficulty > 0) || shareDifficulty > ShareWeight.MAX_DIFFICULTY) {
                throw new IllegalArgumentException("share difficulty must be > 0 and < 2^95: " + shareDifficulty);
            }
            if (size == accountOf.length) {
                int grown = size * 2;
                accountOf = Arrays.copyOf(accountOf, grown);
                difficulty = Arrays.copyOf(difficulty, grown);
                timeMillis = Arrays.copyOf(timeMillis, grown);
            }
            Integer at = index.get(account);
            if (at == null) {
                at = accounts.size();
                index.put(account, at);
                accounts.add(account);
            }
            accountOf[size] = at;
            difficulty[size] = shareDifficulty;
            timeMillis[size] = shareTimeMillis;
            size++;
            return this;
        }

        public ShareWindow build() {
            return new ShareWindow(block, accounts.toArray(new String[0]), Arrays.copyOf(accountOf, size),
                    Arrays.copyOf(difficulty, size), Arrays.copyOf(timeMillis, size), size);
        }
    }
}
