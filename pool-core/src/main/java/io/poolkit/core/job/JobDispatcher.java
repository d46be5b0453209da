package io.poolkit.core.job;

import io.poolkit.core.chain.BlockTemplate;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link JobSource}'s templates into jobs and fans them out: each template becomes a {@link Job}
 * ({@link JobFactory}), is registered in the {@link JobRegistry} and then handed to every
 * {@link JobListener}.
 *
 * <pre>{@code
 * JobDispatcher dispatcher = new JobDispatcher(factory, registry);
 * dispatcher.addListener(stratumServer);
 * source.start(dispatcher);
 * }</pre>
 *
 * <p>When the source loses its chain ({@link #onSourceUnavailable}) every job is made stale and the
 * listeners are told. A listener that throws is logged and does not stop the others. Thread-safe;
 * listeners may be added and removed at any time.
 */
public final class JobDispatcher implements TemplateListener {
    private static final Logger LOG = LoggerFactory.getLogger(JobDispatcher.class);

    private final JobFactory factory;
    private final JobRegistry registry;
    private final CopyOnWriteArrayList<JobListener> listeners = new CopyOnWriteArrayList<>();

    public JobDispatcher(JobFactory factory, JobRegistry registry) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public void addListener(JobListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(JobListener listener) {
        listeners.remove(listener);
    }

    public JobRegistry registry() {
        return registry;
    }

    /** Registers {@code job}, then hands it to every listener. */
    public void publish(Job job) {
        registry.register(job);
        for (JobListener listener : listeners) {
            try {
                listener.onJob(job);
            } catch (RuntimeException e) {
                LOG.error("job listener {} failed on {}", listener, job, e);
            }
        }
    }

    /**
     * Makes a job of {@code template} and publishes it. A template this pool's coinbase cannot be built
     * for is logged and skipped (the previous job stays current).
     */
    @Override
    public void onTemplate(BlockTemplate template, boolean cleanJobs) {
        Job job;
        try {
            job = factory.create(template, cleanJobs);
        } catch (RuntimeException e) {
            LOG.error("cannot make a job of the template at height {}", template.height(), e);
            return;
        }
        publish(job);
    }

    /** Makes every job stale and tells the listeners. */
    @Override
    public void onSourceUnavailable(String reason) {
        registry.invalidateAll();
        for (JobListener listener : listeners) {
            try {
                listener.onJobsInvalidated(reason);
            } catch (RuntimeException e) {
                LOG.error("job listener {} failed on invalidation", listener, e);
            }
        }
    }
}
