package io.poolkit.core.job;

import io.poolkit.core.chain.Network;
import java.util.concurrent.CompletableFuture;

/**
 * Where block templates come from and where found blocks go: a {@code bitcoind} ({@code GbtJobSource}) or
 * the in-process {@code EmbeddedChain}.
 *
 * <pre>{@code
 * source.start(new TemplateListener() {
 *     public void onTemplate(BlockTemplate template, boolean cleanJobs) { dispatcher.publish(factory.create(template, cleanJobs)); }
 * });
 * }</pre>
 *
 * <p>Implementations are thread-safe. Listener calls come from the source's own thread, one at a time.
 */
public interface JobSource extends BlockStateSource, AutoCloseable {

    /** The network this source's chain is on. */
    Network network();

    /** Starts delivering templates to {@code listener}. Call once. */
    void start(TemplateListener listener);

    /**
     * Submits a found block. The future completes with the chain's final verdict (after any checking a
     * source does when the first answer is unclear); it does not fail for a rejected block, only for a
     * bug.
     */
    CompletableFuture<BlockVerdict> submitBlock(BlockCandidate block);

    /** Stops polling and releases resources; no listener call follows. */
    @Override
    void close();
}
