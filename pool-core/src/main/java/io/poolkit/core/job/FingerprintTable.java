package io.poolkit.core.job;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded, lock-free set of 64-bit share fingerprints: one job's memory of the shares it has accepted.
 *
 * <p>Open addressing with linear probing over a power-of-two array of {@code 2 × capacity} slots (at most
 * half full, so a probe sequence is short); 0 marks an empty slot, so a fingerprint of 0 is stored as 1.
 * The fingerprints are the low 64 bits of a header hash, uniformly random already, so their low bits index
 * the table directly. Inserting is one compare-and-set on the empty slot; two threads inserting the same
 * fingerprint race on that slot and exactly one wins.
 *
 * <p>Once {@code capacity} fingerprints are held, {@link #add} answers {@link JobRegistry.Seen#FULL} for
 * every new one and stores nothing more (fingerprints already held still answer
 * {@link JobRegistry.Seen#DUPLICATE}): the set never forgets, so a share can never be credited twice.
 *
 * <p>Thread-safe; allocates nothing after construction.
 */
final class FingerprintTable {
    private final AtomicLongArray slots;
    private final int mask;
    private final int capacity;
    private final AtomicInteger size = new AtomicInteger();

    FingerprintTable(int capacity) {
        if (capacity < 1 || capacity > 1 << 29) {
            throw new IllegalArgumentException("fingerprint capacity must be 1..2^29: " + capacity);
        }
        int length = Integer.highestOneBit(Math.max(2, 2 * capacity - 1)) << 1;
        this.slots = new AtomicLongArray(length);
        this.mask = length - 1;
        this.capacity = capacity;
    }

    /** Adds {@code fingerprint} unless held already or the table is full. */
    JobRegistry.Seen add(long fingerprint) {
        long key = fingerprint == 0 ? 1 : fingerprint;
        int index = (int) key & mask;
        while (true) {
            long held = slots.get(index);
            if (held == key) {
                return JobRegistry.Seen.DUPLICATE;
            }
            if (held == 0) {
                // Reserve room first, so the table never holds more than its capacity.
                if (size.incrementAndGet() > capacity) {
                    size.decrementAndGet();
                    return containsFrom(key, index) ? JobRegistry.Seen.DUPLICATE : JobRegistry.Seen.FULL;
                }
                if (slots.compareAndSet(index, 0, key)) {
                    return JobRegistry.Seen.FIRST;
                }
                size.decrementAndGet();
                continue; // another thread took this slot: look at what it put there
            }
            index = (index + 1) & mask;
        }
    }

    /** Whether {@code fingerprint} is held. */
    boolean contains(long fingerprint) {
        long key = fingerprint == 0 ? 1 : fingerprint;
        return containsFrom(key, (int) key & mask);
    }

    /** Fingerprints held. */
    int size() {
        return size.get();
    }

    int capacity() {
        return capacity;
    }

    private boolean containsFrom(long key, int start) {
        int index = start;
        while (true) {
            long held = slots.get(index);
            if (held == key) {
                return true;
            }
            if (held == 0) {
                return false;
            }
            index = (index + 1) & mask;
        }
    }
}
