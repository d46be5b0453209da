package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Submits a found block to every node at once and settles the verdict: {@code null} or {@code "duplicate"}
 * from any node is acceptance; anything else (a rejection reason, {@code "inconclusive"}, an error, a
 * timeout) is checked with {@code getblockhash(height)} and {@code getblockheader(hash)} on every node, again
 * after a short delay when the check is not conclusive, up to a number of attempts.
 *
 * <p>The final verdict:
 * <ul>
 *   <li>accepted: a node took it, or a check finds it on a node's best chain;</li>
 *   <li>rejected(the node's reason): a node gave a definite reason ({@code high-hash},
 *       {@code bad-txnmrklroot}, a {@code -22} decode failure...) and a node that answered the check does
 *       not have it on its best chain;</li>
 *   <li>unknown(what happened): otherwise, once the attempts are spent (no node answered; the submission
 *       timed out and the block never appeared; {@code "inconclusive"} with the block off the best chain,
 *       which may still win a reorganisation and is left to block maturity to follow).</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
final class GbtBlockSubmitter {

    /** What one node says when asked where the block is. */
    private enum Check { ON_BEST_CHAIN, OFF_BEST_CHAIN, NOT_FOUND, NO_ANSWER }

    private final List<BitcoindClient> clients;
    private final List<String> names;
    private final ScheduledExecutorService scheduler;
    private final int attempts;
    private final Duration delay;
    private final BiConsumer<Boolean, String> log;
    private final Set<CompletableFuture<BlockVerdict>> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param log receives each verdict line; {@code true} for a warning
     */
    GbtBlockSubmitter(List<BitcoindClient> clients, List<String> names, ScheduledExecutorService scheduler,
                      int attempts, Duration delay, BiConsumer<Boolean, String> log) {
        this.clients = List.copyOf(clients);
        this.names = List.copyOf(names);
        this.scheduler = scheduler;
        this.attempts = attempts;
        this.delay = delay;
        this.log = log;
    }

    CompletableFuture<BlockVerdict> submit(BlockCandidate block) {
        CompletableFuture<BlockVerdict> verdict = new CompletableFuture<>();
        if (closed) {
            verdict.complete(BlockVerdict.unknown("the job source was closed; block " + block.hash()
                    + " not submitted"));
            return verdict;
        }
        List<CompletableFuture<SubmitBlockResult>> answers = new ArrayList<>(clients.size());
        for (BitcoindClient client : clients) {
            try {
                answers.add(client.submitBlock(block.blockHex()));
            } catch (IllegalArgumentException e) {
                // Not hex: a bug in block assembly, not a verdict. Every client checks alike, so the first says it.
                for (CompletableFuture<SubmitBlockResult> sent : answers) {
                    sent.cancel(true);
                }
                verdict.completeExceptionally(e);
                return verdict;
            } catch (RuntimeException e) {
                answers.add(CompletableFuture.failedFuture(e));
            }
        }
        pending.add(verdict);
        verdict.whenComplete((v, e) -> pending.remove(verdict));
        CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
                .whenComplete((ignored, failure) -> settle(block, answers, verdict));
        return verdict;
    }

    /** Completes every verdict still open with unknown; later steps do nothing. */
    void close() {
        closed = true;
        for (CompletableFuture<BlockVerdict> v : List.copyOf(pending)) {
            v.complete(BlockVerdict.unknown("the job source was closed before the verdict"));
        }
    }

    private void settle(BlockCandidate block, List<CompletableFuture<SubmitBlockResult>> answers,
                        CompletableFuture<BlockVerdict> verdict) {
        List<String> said = new ArrayList<>();
        String definite = null;
        boolean accepted = false;
        for (int i = 0; i < answers.size(); i++) {
            CompletableFuture<SubmitBlockResult> a = answers.get(i);
            SubmitBlockResult r = a.isCompletedExceptionally() ? null : a.join();
            if (r != null) {
                said.add(names.get(i) + ": " + (r.isAccepted() ? "accepted" : r.reason().orElseThrow()));
                if (r.isAccepted() || r.isDuplicate()) {
                    accepted = true;
                } else if (!r.isInconclusive() && definite == null) {
                    definite = r.reason().orElseThrow();
                }
            } else {
                Throwable failure = a.handle((v, e) -> e).join();
                Optional<BitcoindException> e = BitcoindException.from(failure);
                if (e.isPresent() && e.get().rpcCode().orElse(0) == BitcoindException.RPC_DESERIALIZATION_ERROR
                        && definite == null) {
                    definite = e.get().rpcMessage().orElse("RPC error " + BitcoindException.RPC_DESERIALIZATION_ERROR);
                }
                said.add(names.get(i) + ": " + GbtNodeFailure.of(failure).line());
            }
        }
        String submitted = String.join("; ", said);
        if (accepted) {
            finish(verdict, block, BlockVerdict.accepted(), "submitblock: " + submitted);
            return;
        }
        verify(block, definite, submitted, 1, verdict);
    }

    private void verify(BlockCandidate block, String definite, String submitted, int attempt,
                        CompletableFuture<BlockVerdict> verdict) {
        if (closed || verdict.isDone()) {
            return;
        }
        List<CompletableFuture<Check>> checks = new ArrayList<>(clients.size());
        for (BitcoindClient client : clients) {
            checks.add(check(client, block));
        }
        CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])).whenComplete((ignored, failure) -> {
            List<String> found = new ArrayList<>();
            boolean conclusive = false;
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i).join(); // never fails: check() folds failures into NO_ANSWER
                found.add(names.get(i) + ": " + describe(c));
                if (c == Check.ON_BEST_CHAIN) {
                    finish(verdict, block, BlockVerdict.accepted(), "submitblock: " + submitted
                            + "; verified on " + names.get(i) + " (attempt " + attempt + ")");
                    return;
                }
                conclusive |= c == Check.OFF_BEST_CHAIN || c == Check.NOT_FOUND;
            }
            String checked = String.join("; ", found);
            if (conclusive && definite != null) {
                finish(verdict, block, BlockVerdict.rejected(definite), "submitblock: " + submitted
                        + "; check: " + checked);
                return;
            }
            if (attempt >= attempts) {
                String why = (conclusive ? "not on the best chain after " : "could not be checked after ")
                        + attempts + " attempt(s); submitblock: " + submitted + "; check: " + checked;
                finish(verdict, block, BlockVerdict.unknown(why), "");
                return;
            }
            try {
                scheduler.schedule(() -> verify(block, definite, submitted, attempt + 1, verdict),
                        delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                verdict.complete(BlockVerdict.unknown("the job source was closed before the verdict"));
            }
        });
    }

    /** getblockhash(height) == hash, else getblockheader(hash); any failure is NO_ANSWER. */
    private static CompletableFuture<Check> check(BitcoindClient client, BlockCandidate block) {
        Hash256 hash = block.hash();
        CompletableFuture<Hash256> atHeight;
        try {
            atHeight = client.getBlockHash(block.height());
        } catch (RuntimeException e) {
            atHeight = CompletableFuture.failedFuture(e);
        }
        return atHeight.handle((h, e) -> {
            if (e == null && hash.equals(h)) {
                return CompletableFuture.completedFuture(Check.ON_BEST_CHAIN);
            }
            boolean aboveTip = e != null && BitcoindException.from(e)
                    .map(x -> x.rpcCode().orElse(0) == -8).orElse(false); // "Block height out of range"
            if (e != null && !aboveTip) {
                return CompletableFuture.completedFuture(Check.NO_ANSWER);
            }
            return header(client, hash);
        }).thenCompose(c -> c);
    }

    private static CompletableFuture<Check> header(BitcoindClient client, Hash256 hash) {
        CompletableFuture<BlockHeaderInfo> header;
        try {
            header = client.getBlockHeader(hash);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Check.NO_ANSWER);
        }
        return header.handle((h, e) -> {
            if (e == null) {
                return h.onBestChain() ? Check.ON_BEST_CHAIN : Check.OFF_BEST_CHAIN;
            }
            boolean unknown = BitcoindException.from(e)
                    .map(x -> x.rpcCode().orElse(0) == BitcoindException.RPC_INVALID_ADDRESS_OR_KEY).orElse(false);
            return unknown ? Check.NOT_FOUND : Check.NO_ANSWER;
        });
    }

    private static String describe(Check c) {
        switch (c) {
            case ON_BEST_CHAIN:
                return "on the best chain";
            case OFF_BEST_CHAIN:
                return "known, off the best chain";
            case NOT_FOUND:
                return "not found";
            default:
                return "no answer";
        }
    }

    private void finish(CompletableFuture<BlockVerdict> verdict, BlockCandidate block, BlockVerdict v,
                        String how) {
        if (verdict.isDone()) {
            return; // closed meanwhile
        }
        String what = v.status() == BlockVerdict.Status.ACCEPTED ? "ACCEPTED"
                : v.status() + " (" + v.reason() + ")";
        // Logged before the future completes, so whoever acts on the verdict finds it in the log already.
        log.accept(!v.isAccepted(), "block " + block.hash() + " at height " + block.height() + ": " + what
                + (how.isEmpty() ? "" : " — " + how));
        verdict.complete(v);
    }
}
