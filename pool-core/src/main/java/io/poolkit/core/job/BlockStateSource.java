package io.poolkit.core.job;

import io.poolkit.core.chain.Hash256;
import java.util.concurrent.CompletableFuture;

/**
 * Answers where a found block stands on the chain; block maturity follows the pool's blocks through it.
 *
 * <p>The future fails when the chain cannot be asked (a node that is down); that says nothing of the
 * block, and callers ask again later.
 */
public interface BlockStateSource {

    /** The state of {@code hash}, which the pool found at {@code height}. */
    CompletableFuture<BlockState> blockState(Hash256 hash, long height);
}
