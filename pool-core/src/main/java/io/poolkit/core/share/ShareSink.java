package io.poolkit.core.share;

import java.util.concurrent.CompletableFuture;

/**
 * Where accepted shares and found blocks go: the ledger, statistics, a message queue.
 *
 * <p>The server answers the miner only when the returned future completes, so a durable sink completes it
 * after its commit and an acknowledged share is never lost. A sink that cannot take the share completes the
 * future exceptionally; the miner then gets an error, not a false acknowledgement. Calls arrive from the
 * server's event loops: implementations must be thread-safe and must not block.
 */
public interface ShareSink {

    /** Takes an accepted share; the future completes when the sink holds it (durably, for a ledger). */
    CompletableFuture<Void> accept(Share share);

    /**
     * Takes a block the pool found, after the share that found it. The default ignores it.
     */
    default CompletableFuture<Void> blockFound(FoundBlock block) {
        return CompletableFuture.completedFuture(null);
    }
}
