package io.poolkit.accounting.testing;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.BlockStateSource;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A chain whose answers the test sets: confirmations per block, orphans, or a node that is down. Thread-safe. */
public final class FakeChain implements BlockStateSource {
    private final Map<Hash256, BlockState> states = new ConcurrentHashMap<>();
    private final AtomicInteger questions = new AtomicInteger();
    private volatile boolean down;

    public void confirm(Hash256 hash, int confirmations) {
        states.put(hash, BlockState.confirmed(hash, confirmations));
    }

    public void orphan(Hash256 hash) {
        states.put(hash, BlockState.orphaned(hash));
    }

    public void down(boolean isDown) {
        this.down = isDown;
    }

    public int questions() {
        return questions.get();
    }

    @Override
    public CompletableFuture<BlockState> blockState(Hash256 hash, long height) {
        questions.incrementAndGet();
        if (down) {
            return CompletableFuture.failedFuture(new java.io.IOException("node unreachable"));
        }
        return CompletableFuture.completedFuture(states.getOrDefault(hash, BlockState.confirmed(hash, 1)));
    }
}
