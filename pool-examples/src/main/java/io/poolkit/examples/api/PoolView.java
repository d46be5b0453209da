package io.poolkit.examples.api;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.guard.Ban;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the HTTP API and the metrics need from a running pool besides its ledger: the chain's state through
 * the current job, live connections, who is mining, and where a block stands on the chain.
 *
 * <p>Implementations are thread-safe and answer quickly (no blocking I/O except {@link #blockState}, which
 * the API bounds with a timeout).
 */
public interface PoolView {

    /** The network the pool mines on. */
    Network network();

    /** The job miners work on now (the next block's height and the network difficulty), if any yet. */
    Optional<Job> currentJob();

    /** Open Stratum connections. */
    long connections();

    /** Accounts that sent an accepted share within {@code window}. */
    int miners(Duration window);

    /** Workers that sent an accepted share within {@code window}. */
    int workers(Duration window);

    /** The account's workers and when each last sent an accepted share. */
    Map<String, Instant> workersOf(String account);

    /** Where a found block stands on the chain now. */
    CompletableFuture<BlockState> blockState(Hash256 hash, long height);

    /** Whether the connection guard runs (it does unless turned off for a benchmark). */
    boolean guardEnabled();

    /** The connection guard's bans in force, soonest to end first. */
    List<Ban> bans();
}
