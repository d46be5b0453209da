package io.poolkit.stratum.server;

import io.netty.util.collection.IntObjectHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out the session-unique part of the coinbase's extranonce ({@code extranonce1}): unique among live
 * sessions, and distinct between servers that were given different instance prefixes.
 *
 * <p>An extranonce1 of {@code size} bytes is read as a big-endian number: its top {@code prefixBits}
 * bits are the instance prefix, the low bits an index chosen by this allocator. Several servers paying to
 * the same coinbase never collide as long as each has its own prefix:
 *
 * <pre>{@code
 * ExtranonceAllocator first = ExtranonceAllocator.builder().size(4).instancePrefix(1, 8).build();   // 01xxxxxx
 * ExtranonceAllocator second = ExtranonceAllocator.builder().size(4).instancePrefix(2, 8).build();  // 02xxxxxx
 * }</pre>
 *
 * <p><b>Recycling.</b> A released value is handed out again only after the cursor has walked once round
 * the whole index space, so a miner that reconnects gets a fresh extranonce1 and does not repeat the
 * work (and the shares) of its previous session. At most 2<sup>24</sup> indexes are used (16 million live
 * sessions), whatever the size. By default the cursor starts at a random index, so a restarted server
 * does not hand its first miners the extranonces of the previous run.
 *
 * <p>Thread-safe: {@link #allocate()} and {@link #release(long)} are synchronized (they run once per
 * connection, not per share).
 */
public final class ExtranonceAllocator {
    /** The largest index space used, in bits: bounds the bookkeeping, not the number of live sessions needed. */
    static final int MAX_INDEX_BITS = 24;

    private final int size;
    private final int prefixBits;
    private final long prefix;
    private final int indexBits;
    private final int capacity;
    /** Live indexes; the values are unused (the map is an int set without boxing). */
    private final IntObjectHashMap<Boolean> live = new IntObjectHashMap<>();
    private int cursor;

    private ExtranonceAllocator(Builder b) {
        this.size = b.size;
        this.prefixBits = b.prefixBits;
        this.prefix = b.prefix;
        this.indexBits = Math.min(size * 8 - prefixBits, MAX_INDEX_BITS);
        // The all-ones index of an 8-byte extranonce with an all-ones prefix would be -1, the "none" answer.
        this.capacity = (1 << indexBits) - 1;
        this.cursor = b.firstIndex >= 0 ? (int) (b.firstIndex % capacity)
                : ThreadLocalRandom.current().nextInt(capacity);
    }

    /** A 4-byte extranonce1 without an instance prefix. */
    public static ExtranonceAllocator create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A fresh extranonce1 as a big-endian number of {@link #size()} bytes, or {@code -1} when every index
     * is in use.
     */
    public synchronized long allocate() {
        if (live.size() >= capacity) {
            return -1;
        }
        while (live.containsKey(cursor)) {
            cursor = next(cursor);
        }
        int index = cursor;
        cursor = next(cursor);
        live.put(index, Boolean.TRUE);
        return valueOf(index);
    }

    /**
     * Gives {@code extranonce1} back. Releasing a value this allocator did not hand out, or releasing one
     * twice, is a bug and throws.
     */
    public synchronized void release(long extranonce1) {
        int index = (int) (extranonce1 & ((1L << indexBits) - 1));
        if (valueOf(index) != extranonce1 || live.remove(index) == null) {
            throw new IllegalArgumentException("extranonce1 " + hex(extranonce1) + " is not live in this allocator");
        }
    }

    /** Bytes of extranonce1 (1..8). */
    public int size() {
        return size;
    }

    /** The instance prefix, as the top {@link #prefixBits()} bits of every value. */
    public long prefix() {
        return prefix;
    }

    public int prefixBits() {
        return prefixBits;
    }

    /** How many values may be live at once. */
    public int capacity() {
        return capacity;
    }

    /** How many values are live now. */
    public synchronized int liveCount() {
        return live.size();
    }

    /** {@code extranonce1} as lower-case hex of {@link #size()} bytes, as sent to miners. */
    public String hex(long extranonce1) {
        StringBuilder out = new StringBuilder(size * 2);
        for (int shift = (size - 1) * 8; shift >= 0; shift -= 8) {
            int b = (int) (extranonce1 >>> shift) & 0xff;
            out.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return out.toString();
    }

    /** Writes {@code extranonce1}'s {@link #size()} big-endian bytes into {@code destination} at {@code offset}. */
    public void write(long extranonce1, byte[] destination, int offset) {
        for (int i = 0; i < size; i++) {
            destination[offset + i] = (byte) (extranonce1 >>> ((size - 1 - i) * 8));
        }
    }

    private long valueOf(int index) {
        return prefixBits == 0 ? index : prefix << (size * 8 - prefixBits) | index;
    }

    private int next(int index) {
        return index + 1 == capacity ? 0 : index + 1;
    }

    @Override
    public String toString() {
        return "ExtranonceAllocator[size=" + size + (prefixBits == 0 ? "" : " prefix=" + Long.toHexString(prefix)
                + "/" + prefixBits + " bits") + " live=" + liveCount() + "/" + capacity + "]";
    }

    /** Settings for an {@link ExtranonceAllocator}; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private int size = 4;
        private int prefixBits;
        private long prefix;
        private long firstIndex = -1;

        private Builder() {}

        /** Bytes of extranonce1, 2..8 (default 4); must equal the jobs' {@code extranonce1Size}. */
        public Builder size(int size) {
            this.size = size;
            return this;
        }

        /**
         * This server's instance prefix: {@code value} in the top {@code bits} bits of every extranonce1
         * (default: none). Give every server that shares a payout coinbase its own value.
         */
        public Builder instancePrefix(long value, int bits) {
            this.prefix = value;
            this.prefixBits = bits;
            return this;
        }

        /** The index the cursor starts at (default: random). For tests that want predictable values. */
        public Builder firstIndex(long firstIndex) {
            if (firstIndex < 0) {
                throw new IllegalArgumentException("firstIndex must be >= 0; got " + firstIndex);
            }
            this.firstIndex = firstIndex;
            return this;
        }

        public ExtranonceAllocator build() {
            if (size < 2 || size > 8) {
                throw new IllegalArgumentException("extranonce1 size must be 2..8 bytes; got " + size);
            }
            if (prefixBits < 0 || prefixBits > size * 8 - 8) {
                throw new IllegalArgumentException("instance prefix must be 0.." + (size * 8 - 8) + " bits for a "
                        + size + "-byte extranonce1 (at least 8 bits stay for sessions); got " + prefixBits);
            }
            if (prefix < 0 || (prefixBits < 64 && prefix >= 1L << prefixBits) || (prefixBits == 0 && prefix != 0)) {
                throw new IllegalArgumentException("instance prefix " + prefix + " does not fit in " + prefixBits + " bits");
            }
            return new ExtranonceAllocator(this);
        }
    }
}
