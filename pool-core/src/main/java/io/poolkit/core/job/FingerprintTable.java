package io.poolkit.core.job;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded set of 64-bit share fingerprints that grows with use: one job's memory of the shares it has
 * accepted.
 *
 * <p>The set is a chain of open-addressing segments, each twice the size of the one before: the first
 * is allocated up front (by default {@value #FIRST_SEGMENT_CAPACITY} fingerprints, 1 MiB), so the share path
 * allocates nothing for an ordinary job, and a busy job grows to {@code capacity} (16 bytes a fingerprint at
 * most), paying one allocation per doubling. A new fingerprint goes into the newest segment; a
 * look-up probes every segment (a handful: the chain doubles). 0 marks an empty slot, so a fingerprint of 0
 * is stored as 1. The fingerprints are the low 64 bits of a header hash, uniformly random already, so their
 * low bits index a segment directly.
 *
 * <p>Adding the same fingerprint from two threads at once must give {@link JobRegistry.Seen#FIRST} to
 * exactly one: operations on one fingerprint are serialised by a lock chosen from its bits (64 stripes, so
 * two event loops seldom meet), while different fingerprints insert concurrently with a compare-and-set on
 * their slot. Once {@code capacity} fingerprints are held, {@link #add} answers
 * {@link JobRegistry.Seen#FULL} for every new one and stores nothing more (fingerprints already held still
 * answer {@link JobRegistry.Seen#DUPLICATE}): the set never forgets, so a share is never credited twice.
 *
 * <p>Thread-safe; allocates only when a segment is added, a handful of times in a busy job's life.
 */
final class FingerprintTable {
    /** Fingerprints the first segment holds unless asked otherwise: 1 MiB of slots, allocated up front. */
    static final int FIRST_SEGMENT_CAPACITY = 1 << 16;
    private static final int MAX_SEGMENTS = 32;
    private static final int STRIPES = 64;

    private final Object[] stripes = new Object[STRIPES];
    private final AtomicReferenceArray<Segment> segments = new AtomicReferenceArray<>(MAX_SEGMENTS);
    private final int capacity;
    private final AtomicInteger size = new AtomicInteger();
    /** Index of the newest segment; only moves forward, one step at a time. */
    private final AtomicInteger newest = new AtomicInteger();

    FingerprintTable(int capacity) {
        this(Math.min(capacity, FIRST_SEGMENT_CAPACITY), capacity);
    }

    /**
     * A table holding up to {@code capacity} fingerprints whose first segment, allocated now, holds
     * {@code firstSegmentCapacity}: until a job passes that many shares, its share path allocates nothing.
     */
    FingerprintTable(int firstSegmentCapacity, int capacity) {
        if (capacity < 1 || capacity > 1 << 29) {
            throw new IllegalArgumentException("fingerprint capacity must be 1..2^29: " + capacity);
        }
        if (firstSegmentCapacity < 1 || firstSegmentCapacity > capacity) {
            throw new IllegalArgumentException("first segment must hold 1.." + capacity + " fingerprints: "
                    + firstSegmentCapacity);
        }
        this.capacity = capacity;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
        segments.set(0, new Segment(firstSegmentCapacity));
    }

    /** Adds {@code fingerprint} unless held already or the table is full. */
    JobRegistry.Seen add(long fingerprint) {
        long key = fingerprint == 0 ? 1 : fingerprint;
        synchronized (stripes[(int) (key >>> 58)]) {
            if (containsKey(key)) {
                return JobRegistry.Seen.DUPLICATE;
            }
            // Reserve room first, so the table never holds more than its capacity.
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                return JobRegistry.Seen.FULL;
            }
            while (true) {
                int index = newest.get();
                Segment segment = segments.get(index);
                if (segment.tryInsert(key)) {
                    return JobRegistry.Seen.FIRST;
                }
                grow(index, segment);
            }
        }
    }

    /** Whether {@code fingerprint} is held. */
    boolean contains(long fingerprint) {
        return containsKey(fingerprint == 0 ? 1 : fingerprint);
    }

    /** Fingerprints held. */
    int size() {
        return size.get();
    }

    int capacity() {
        return capacity;
    }

    private boolean containsKey(long key) {
        // Every published segment, not just up to newest: a segment may be published before newest moves.
        for (int i = 0; i < MAX_SEGMENTS; i++) {
            Segment segment = segments.get(i);
            if (segment == null) {
                return false;
            }
            if (segment.contains(key)) {
                return true;
            }
        }
        return false;
    }

    /** Publishes the segment after {@code full} (one thread wins; the others use its segment). */
    private void grow(int index, Segment full) {
        if (segments.get(index + 1) == null) {
            int held = 0;
            for (int i = 0; i <= index; i++) {
                held += segments.get(i).capacity;
            }
            int next = Math.max(1, Math.min(2 * full.capacity, capacity - held));
            segments.compareAndSet(index + 1, null, new Segment(next));
        }
        newest.compareAndSet(index, index + 1);
    }

    /** One open-addressing array, at most half full so probe sequences stay short. */
    private static final class Segment {
        final AtomicLongArray slots;
        final int mask;
        final int capacity;
        final AtomicInteger used = new AtomicInteger();

        Segment(int capacity) {
            int length = Integer.highestOneBit(Math.max(2, 2 * capacity - 1)) << 1;
            this.slots = new AtomicLongArray(length);
            this.mask = length - 1;
            this.capacity = capacity;
        }

        /** Inserts a key known to be absent; false when this segment is full. */
        boolean tryInsert(long key) {
            if (used.incrementAndGet() > capacity) {
                used.decrementAndGet();
                return false;
            }
            int index = (int) key & mask;
            while (!slots.compareAndSet(index, 0, key)) {
                index = (index + 1) & mask;
            }
            return true;
        }

        boolean contains(long key) {
            int index = (int) key & mask;
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
}
