package io.poolkit.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class JobDispatcherTest {
    private static final BlockTemplate TEMPLATE =
            BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"));

    private final JobRegistry registry = new JobRegistry();
    private final JobDispatcher dispatcher =
            new JobDispatcher(JobFactory.builder().payTo(JobRegistryTest.payout()).build(), registry);

    /** Records what it hears, and checks a job is registered before it is announced. */
    private final class Recorder implements JobListener {
        final List<Job> jobs = new ArrayList<>();
        final List<String> invalidations = new ArrayList<>();

        @Override
        public void onJob(Job job) {
            assertNotNull(registry.lookup(job.id()), "registered before listeners hear of it");
            jobs.add(job);
        }

        @Override
        public void onJobsInvalidated(String reason) {
            invalidations.add(reason);
        }
    }

    @Test
    void aTemplateBecomesARegisteredJobHandedToEveryListener() {
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        dispatcher.addListener(first);
        dispatcher.addListener(second);

        dispatcher.onTemplate(TEMPLATE, true);
        dispatcher.onTemplate(TEMPLATE, false);

        assertEquals(2, first.jobs.size());
        assertEquals(first.jobs, second.jobs);
        Job clean = first.jobs.get(0);
        Job refresh = first.jobs.get(1);
        assertTrue(clean.cleanJobs());
        assertTrue(!refresh.cleanJobs() && refresh.sequence() > clean.sequence());
        assertEquals(TEMPLATE.height(), clean.height());
        assertSame(refresh, registry.current());
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthers() {
        Recorder after = new Recorder();
        dispatcher.addListener(job -> {
            throw new IllegalStateException("broken listener");
        });
        dispatcher.addListener(after);
        dispatcher.onTemplate(TEMPLATE, true);
        assertEquals(1, after.jobs.size());
    }

    @Test
    void aSourceGoingAwayMakesEveryJobStaleAndTellsTheListeners() {
        Recorder recorder = new Recorder();
        dispatcher.addListener(recorder);
        dispatcher.onTemplate(TEMPLATE, true);
        dispatcher.onTemplate(TEMPLATE, false);

        dispatcher.onSourceUnavailable("connection refused");

        assertEquals(List.of("connection refused"), recorder.invalidations);
        for (Job job : recorder.jobs) {
            assertTrue(registry.lookup(job.id()).isStale(), job.toString());
        }
        dispatcher.onTemplate(TEMPLATE, true);
        assertTrue(registry.hasLiveJob());
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        Recorder recorder = new Recorder();
        dispatcher.addListener(recorder);
        dispatcher.onTemplate(TEMPLATE, true);
        dispatcher.removeListener(recorder);
        dispatcher.onTemplate(TEMPLATE, true);
        assertEquals(1, recorder.jobs.size());
        assertEquals(2, registry.size());
    }
}
