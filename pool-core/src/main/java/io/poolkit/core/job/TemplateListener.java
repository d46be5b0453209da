package io.poolkit.core.job;

import io.poolkit.core.chain.BlockTemplate;

/** Receives the templates a {@link JobSource} produces. */
public interface TemplateListener {

    /**
     * A new template. {@code cleanJobs} is true when it builds on a new tip, so work on every earlier
     * template is stale; false for a refresh on the same tip (new transactions).
     */
    void onTemplate(BlockTemplate template, boolean cleanJobs);

    /**
     * The source lost its chain (the node went away) and cannot vouch for earlier templates any more.
     * Miners should stop work on them; a fresh template follows when the chain is back. The default does
     * nothing.
     */
    default void onSourceUnavailable(String reason) {
    }
}
