package io.poolkit.accounting.maturity;

import io.poolkit.accounting.ledger.BlockRecord;
import io.poolkit.accounting.ledger.BlockStatus;
import io.poolkit.accounting.ledger.Ledger;
import io.poolkit.core.chain.Network;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.job.BlockStateSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the pool's pending blocks on the chain: a block with at least the network's coinbase maturity in
 * confirmations is confirmed and its credits move to the balances; a block no longer on the best chain is
 * orphaned and its block credits void (per-share PPS/FPPS credits stay: the pool carries that risk).
 *
 * <p>Each step is one ledger transaction that changes only a block still pending, so running it twice, or
 * from two processes, changes nothing the second time. The caller decides when it runs: {@link #runOnce()}
 * for a single pass (tests, a cron), or {@link #schedule} on an executor it owns. Thread-safe.
 *
 * <pre>{@code
 * BlockMaturity maturity = new BlockMaturity(ledger, jobSource, Network.MAINNET, Clock.systemUTC());
 * ScheduledFuture<?> task = maturity.schedule(scheduler, Duration.ofMinutes(1));
 * }</pre>
 */
public final class BlockMaturity {
    private static final Logger log = LoggerFactory.getLogger(BlockMaturity.class);

    private final Ledger ledger;
    private final BlockStateSource chain;
    private final int maturity;
    private final Clock clock;
    private final Duration askTimeout;

    /** Matures at {@code network.coinbaseMaturity()} confirmations, asking the chain with a 30 s timeout. */
    public BlockMaturity(Ledger ledger, BlockStateSource chain, Network network, Clock clock) {
        this(ledger, chain, Objects.requireNonNull(network, "network").coinbaseMaturity(), clock,
                Duration.ofSeconds(30));
    }

    /** As the other constructor, with an explicit maturity in confirmations and timeout per question. */
    public BlockMaturity(Ledger ledger, BlockStateSource chain, int maturityConfirmations, Clock clock,
                         Duration askTimeout) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.askTimeout = Objects.requireNonNull(askTimeout, "askTimeout");
        if (maturityConfirmations < 1) {
            throw new IllegalArgumentException("maturity must be >= 1 confirmation: " + maturityConfirmations);
        }
        this.maturity = maturityConfirmations;
    }

    /** What one pass did. */
    public record Report(int confirmed, int orphaned, int stillPending, int unanswered) {}

    /** One pass over every pending block. A block the chain cannot answer for now is left for the next pass. */
    public Report runOnce() {
        int confirmed = 0;
        int orphaned = 0;
        int pending = 0;
        int unanswered = 0;
        for (BlockRecord block : ledger.blocks(BlockStatus.PENDING)) {
            BlockState state;
            try {
                state = chain.blockState(block.hash(), block.height())
                        .get(askTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                log.warn("maturity: no answer for block {} at {}: {}", block.hash(), block.height(), e.toString());
                unanswered++;
                continue;
            }
            if (!state.onBestChain()) {
                if (ledger.orphanBlock(block.hash(), clock.instant())) {
                    log.warn("block {} at {} orphaned; its credits are void", block.hash(), block.height());
                    orphaned++;
                }
            } else if (state.confirmations() >= maturity) {
                if (ledger.confirmBlock(block.hash(), state.confirmations(), clock.instant())) {
                    log.info("block {} at {} matured; credits moved to balances", block.hash(), block.height());
                    confirmed++;
                }
            } else {
                if (state.confirmations() != block.confirmations()) {
                    ledger.recordConfirmations(block.hash(), state.confirmations(), clock.instant());
                }
                pending++;
            }
        }
        return new Report(confirmed, orphaned, pending, unanswered);
    }

    /** Runs {@link #runOnce()} every {@code period} on {@code executor}; a failed pass is logged, not fatal. */
    public ScheduledFuture<?> schedule(ScheduledExecutorService executor, Duration period) {
        return executor.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                log.warn("maturity pass failed: {}", e.toString());
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }
}
