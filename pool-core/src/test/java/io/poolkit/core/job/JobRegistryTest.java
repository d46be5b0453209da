package io.poolkit.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Network;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class JobRegistryTest {
    private static final BlockTemplate TEMPLATE =
            BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"));

    private final JobFactory factory = JobFactory.builder().payTo(payout()).build();

    static Address payout() {
        try {
            return Address.parse("bcrt1q44shv9q0a7lrry62ydmxdmc7ktzue4zwrwrqxh", Network.REGTEST);
        } catch (AddressException e) {
            throw new AssertionError(e);
        }
    }

    private Job job(boolean clean) {
        return factory.create(TEMPLATE, clean);
    }

    @Test
    void findsRegisteredJobsByIdAndKnowsTheCurrentOne() {
        JobRegistry registry = new JobRegistry();
        assertNull(registry.current());
        assertFalse(registry.hasLiveJob());
        Job first = job(true);
        Job second = job(false);
        registry.register(first);
        registry.register(second);

        assertSame(first, registry.lookup(first.id()).job());
        assertSame(second, registry.lookup(second.id()).job());
        assertSame(second, registry.current());
        assertTrue(registry.hasLiveJob());
        assertNull(registry.lookup("ffffffff"));
        assertNull(registry.lookup(null));
        assertEquals(2, registry.size());
    }

    @Test
    void aCleanJobMakesEveryOlderJobStaleAndARefreshDoesNot() {
        JobRegistry registry = new JobRegistry();
        Job a = job(true);
        Job b = job(false);
        registry.register(a);
        registry.register(b);
        assertFalse(registry.lookup(a.id()).isStale(), "a refresh on the same tip leaves earlier jobs live");
        assertFalse(registry.lookup(b.id()).isStale());

        Job c = job(true);
        registry.register(c);
        assertTrue(registry.lookup(a.id()).isStale());
        assertTrue(registry.lookup(b.id()).isStale());
        assertFalse(registry.lookup(c.id()).isStale());

        Job d = job(false);
        registry.register(d);
        assertFalse(registry.lookup(c.id()).isStale());
        assertFalse(registry.lookup(d.id()).isStale());
        assertTrue(registry.lookup(a.id()).isStale(), "stale stays stale");
    }

    @Test
    void holdsAtMostMaxJobsEvictingTheOldest() {
        JobRegistry registry = new JobRegistry(4, 8);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Job job = job(i % 3 == 0);
            jobs.add(job);
            registry.register(job);
            assertTrue(registry.size() <= 4, "size " + registry.size());
        }
        assertEquals(4, registry.size());
        for (int i = 0; i < 6; i++) {
            assertNull(registry.lookup(jobs.get(i).id()), "job " + i + " evicted");
        }
        for (int i = 6; i < 10; i++) {
            assertSame(jobs.get(i), registry.lookup(jobs.get(i).id()).job());
        }
        // Job 9 was clean: 6..8 are kept, stale, so late shares on them are told "stale".
        assertTrue(registry.lookup(jobs.get(8).id()).isStale());
        assertFalse(registry.lookup(jobs.get(9).id()).isStale());
    }

    @Test
    void invalidateAllMakesEveryJobStaleUntilTheNextOne() {
        JobRegistry registry = new JobRegistry();
        Job a = job(true);
        Job b = job(false);
        registry.register(a);
        registry.register(b);
        registry.invalidateAll();
        assertTrue(registry.lookup(a.id()).isStale());
        assertTrue(registry.lookup(b.id()).isStale());
        assertSame(b, registry.current());
        assertFalse(registry.hasLiveJob());

        Job c = job(true);
        registry.register(c);
        assertTrue(registry.hasLiveJob());
        assertFalse(registry.lookup(c.id()).isStale());
    }

    @Test
    void refusesAJobIdTwiceAndBadBounds() {
        JobRegistry registry = new JobRegistry();
        Job a = job(true);
        registry.register(a);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> registry.register(a));
        assertEquals("job " + a.id() + " is registered already", twice.getMessage());
        assertEquals("maxJobs must be 2..4096: 1",
                assertThrows(IllegalArgumentException.class, () -> new JobRegistry(1, 10)).getMessage());
        assertEquals("sharesPerJob must be 1..67108864: 0",
                assertThrows(IllegalArgumentException.class, () -> new JobRegistry(2, 0)).getMessage());
    }

    @Test
    void eachJobRemembersItsSharesUpToItsCapacityAndThenRefusesNewOnes() {
        JobRegistry registry = new JobRegistry(2, 3);
        Job a = job(true);
        Job b = job(false);
        registry.register(a);
        registry.register(b);
        JobRegistry.Entry ea = registry.lookup(a.id());
        JobRegistry.Entry eb = registry.lookup(b.id());

        assertEquals(JobRegistry.Seen.FIRST, ea.markSeen(42));
        assertEquals(JobRegistry.Seen.DUPLICATE, ea.markSeen(42));
        assertEquals(JobRegistry.Seen.FIRST, eb.markSeen(42), "each job has its own memory");
        assertEquals(JobRegistry.Seen.FIRST, ea.markSeen(0));
        assertEquals(JobRegistry.Seen.FIRST, ea.markSeen(-1L));
        assertEquals(3, ea.sharesSeen());
        assertEquals(JobRegistry.Seen.FULL, ea.markSeen(7));
        assertEquals(JobRegistry.Seen.DUPLICATE, ea.markSeen(0), "held ones are still duplicates when full");
        assertEquals(JobRegistry.Seen.DUPLICATE, ea.markSeen(-1L));
        assertTrue(ea.hasSeen(42));
        assertFalse(ea.hasSeen(7));
        assertEquals(3, ea.sharesSeen());
    }

    @Test
    void aTableGrowsPastItsFirstSegmentAndStillRemembersEveryShareUpToItsCapacity() {
        int capacity = 7 * 1_000 + 5; // segments of 1,000, 2,000, 4,000 and a partial last one
        FingerprintTable table = new FingerprintTable(1_000, capacity);
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        long[] fingerprints = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            fingerprints[i] = random.nextLong();
            assertEquals(JobRegistry.Seen.FIRST, table.add(fingerprints[i]), "share " + i);
        }
        for (long fingerprint : fingerprints) {
            assertEquals(JobRegistry.Seen.DUPLICATE, table.add(fingerprint));
        }
        assertEquals(JobRegistry.Seen.FULL, table.add(random.nextLong()));
        assertEquals(capacity, table.size());
    }

    @Test
    void twoThreadsMarkingTheSameSharesEachGetFirstForHalf() throws Exception {
        FingerprintTable table = new FingerprintTable(1_000, 20_000); // both threads race across growth
        int count = 10_000;
        long[] fingerprints = new long[count];
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < count; i++) {
            fingerprints[i] = random.nextLong();
        }
        AtomicInteger firsts = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (long fingerprint : fingerprints) {
                        if (table.add(fingerprint) == JobRegistry.Seen.FIRST) {
                            firsts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(count, firsts.get(), "every fingerprint was first exactly once");
        assertEquals(count, table.size());
        for (long fingerprint : fingerprints) {
            assertTrue(table.contains(fingerprint));
        }
    }

    @Test
    void lookingUpAndMarkingAllocateNothing() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean bean && bean.isThreadAllocatedMemorySupported(),
                "this JVM cannot count allocated bytes per thread");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) threads;
        bean.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().getId();
        JobRegistry registry = new JobRegistry(4, 1 << 16);
        Job job = job(true);
        registry.register(job);
        String id = new String(job.id()); // a distinct String, as a decoder would hand over
        long[] allocated = new long[2];
        int firsts = 0;
        for (int round = 0; round < 2; round++) {
            long before = bean.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 20_000; i++) {
                JobRegistry.Entry entry = registry.lookup(id);
                firsts += entry.markSeen(round * 20_000L + i * 0x9E3779B97F4A7C15L) == JobRegistry.Seen.FIRST ? 1 : 0;
            }
            allocated[round] = bean.getThreadAllocatedBytes(thread) - before;
        }
        assertEquals(40_000, firsts);
        assertTrue(allocated[1] < 1024, allocated[1] + " bytes allocated by 20,000 lookups");
    }
}
