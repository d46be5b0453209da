package io.poolkit.core.share;

import io.poolkit.core.chain.BlockAssembler;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Target;
import io.poolkit.core.hash.HeaderHasher;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.job.JobSource;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ShareValidator} for Bitcoin (SHA-256d): rebuilds the coinbase and header a miner hashed and
 * judges the hash against the session's share target and the network target.
 *
 * <pre>{@code
 * ShareValidator validator = new BitcoinShareValidator(registry, source);   // or a submit function
 * ShareOutcome outcome = validator.validate(submission);
 * if (outcome.isAccepted()) { double credited = submission.creditedDifficulty(); ... }
 * }</pre>
 *
 * <p>Checks, in this order, the first failure deciding the {@link RejectReason}:
 * <ol>
 * <li>{@link RejectReason#MALFORMED}: a parameter was not hex of the right size;
 * <li>{@link RejectReason#JOB_NOT_FOUND} or {@link RejectReason#STALE} ({@link JobRegistry});
 * <li>{@link RejectReason#EXTRANONCE2_SIZE}: extranonce1 and extranonce2 must fill the job's extranonce
 *     slot exactly (so extranonce2 has the job's extranonce2 size for a session with the standard
 *     extranonce1 size);
 * <li>{@link RejectReason#NTIME_OUT_OF_RANGE}: nTime must lie in [template {@code mintime}, job nTime +
 *     {@value #MAX_NTIME_AHEAD_SECONDS} s] (Bitcoin Core refuses blocks more than two hours ahead);
 * <li>{@link RejectReason#VERSION_OUTSIDE_MASK} (BIP 310): version bits sent without a negotiated mask, or
 *     with a bit outside it; otherwise the block version is {@code (job.version & ~mask) | (bits & mask)};
 * <li>{@link RejectReason#DUPLICATE}: the same header (job, extranonce1, extranonce2, nTime, nonce and
 *     version) was accepted before; see {@link JobRegistry} for the bounded memory behind this, and
 *     {@link RejectReason#JOB_SHARE_LIMIT} when it is full;
 * <li>{@link RejectReason#LOW_DIFFICULTY}: the hash is above the share target.
 * </ol>
 *
 * <p>The share target: normally the session's current target ({@link Submission#shareTarget}). For a job
 * sent before the session's last difficulty change (its sequence is below
 * {@link Submission#previousTargetBeforeSequence()}) the share is judged at the easier of the previous and
 * current targets, and credited at the difficulty it met: the harder target's difficulty when it met that,
 * otherwise the easier one's. A miner therefore loses nothing to a change that crosses a job in flight,
 * whichever way the difficulty moved, and is never credited above the work it did.
 *
 * <p>A hash at or below the job's network target is a block, whether or not it met the share target: it
 * is assembled and handed to the block submitter at once, and the outcome is a {@link ShareOutcome.Block}
 * holding the submitter's verdict future. The share is credited too: at its share difficulty when it met
 * the share target, else at the network difficulty (the target it did meet).
 *
 * <p>An accepted share records its credited difficulty, the difficulty its hash achieved
 * ({@link Target#difficultyOfHash}), the job, the block version and the header hash in the
 * {@link Submission}. The accepted path that is not a block allocates nothing: each thread keeps its own
 * scratch buffers, a {@code MessageDigest} for the coinbase and a {@link HeaderHasher} for the merkle fold
 * and the header.
 *
 * <p>Thread-safe: call from any number of event loops at once. Never throws for a miner's input.
 */
public final class BitcoinShareValidator implements ShareValidator {
    /** How far a share's nTime may run ahead of its job's. */
    public static final long MAX_NTIME_AHEAD_SECONDS = 7200;

    private static final Logger LOG = LoggerFactory.getLogger(BitcoinShareValidator.class);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final JobRegistry registry;
    private final Function<BlockCandidate, CompletableFuture<BlockVerdict>> blockSubmitter;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /**
     * A validator for the jobs in {@code registry} that hands blocks to {@code blockSubmitter} (called on the
     * validating thread; it must not block).
     */
    public BitcoinShareValidator(JobRegistry registry,
            Function<BlockCandidate, CompletableFuture<BlockVerdict>> blockSubmitter) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.blockSubmitter = Objects.requireNonNull(blockSubmitter, "blockSubmitter");
    }

    /** A validator that submits blocks to {@code source}. */
    public BitcoinShareValidator(JobRegistry registry, JobSource source) {
        this(registry, Objects.requireNonNull(source, "source")::submitBlock);
    }

    @Override
    public ShareOutcome validate(Submission submission) {
        submission.clearResults();
        if (submission.isMalformed()) {
            return ShareOutcome.rejected(RejectReason.MALFORMED);
        }
        JobRegistry.Entry entry = registry.lookup(submission.jobId());
        if (entry == null) {
            return ShareOutcome.rejected(RejectReason.JOB_NOT_FOUND);
        }
        if (entry.isStale()) {
            return ShareOutcome.rejected(RejectReason.STALE);
        }
        Job job = entry.job();
        int extranonceSlot = job.extranonce1Size() + job.extranonce2Size();
        if (submission.extranonce1Length() + submission.extranonce2Length() != extranonceSlot) {
            return ShareOutcome.rejected(RejectReason.EXTRANONCE2_SIZE);
        }
        long nTime = Integer.toUnsignedLong(submission.nTime());
        if (nTime < job.minTime() || nTime > job.nTime() + MAX_NTIME_AHEAD_SECONDS) {
            return ShareOutcome.rejected(RejectReason.NTIME_OUT_OF_RANGE);
        }
        int version = job.version();
        if (submission.hasVersionBits()) {
            int mask = submission.versionMask();
            int bits = submission.versionBits();
            if (mask == 0 || (bits & ~mask) != 0) {
                return ShareOutcome.rejected(RejectReason.VERSION_OUTSIDE_MASK);
            }
            version = (version & ~mask) | (bits & mask);
        }
        submission.recordJob(job, version);

        byte[] hash = submission.hashBuffer();
        scratch.get().hashHeader(job, submission, version, hash);
        double achieved = Target.difficultyOfHash(hash, 0);
        long fingerprint = (long) LONG_LE.get(hash, 0);
        boolean block = job.networkTarget().isMetBy(hash, 0);
        double credited = creditFor(submission, job, hash);

        if (credited == 0 && !block) {
            submission.recordDifficulties(0, achieved);
            return ShareOutcome.rejected(entry.hasSeen(fingerprint) ? RejectReason.DUPLICATE : RejectReason.LOW_DIFFICULTY);
        }
        switch (entry.markSeen(fingerprint)) {
            case DUPLICATE:
                submission.recordDifficulties(0, achieved);
                return ShareOutcome.rejected(RejectReason.DUPLICATE);
            case FULL:
                submission.recordDifficulties(0, achieved);
                return ShareOutcome.rejected(RejectReason.JOB_SHARE_LIMIT);
            default:
                break;
        }
        if (credited == 0) {
            credited = job.networkDifficulty();
        }
        submission.recordDifficulties(credited, achieved);
        if (!block) {
            return ShareOutcome.ACCEPTED;
        }
        Hash256 blockHash = Hash256.fromInternalBytes(hash);
        return new ShareOutcome.Block(blockHash, job.height(), submitBlock(job, submission, version, blockHash));
    }

    /** The difficulty the share is credited at, or 0 when it met no target it is judged at. */
    private static double creditFor(Submission submission, Job job, byte[] hash) {
        Target current = submission.shareTarget();
        double currentDifficulty = submission.shareDifficulty();
        Target previous = submission.previousShareTarget();
        if (previous == null || job.sequence() >= submission.previousTargetBeforeSequence()) {
            return current.isMetBy(hash, 0) ? currentDifficulty : 0;
        }
        boolean previousEasier = previous.compareTo(current) >= 0;
        Target harder = previousEasier ? current : previous;
        double harderDifficulty = previousEasier ? currentDifficulty : submission.previousShareDifficulty();
        Target easier = previousEasier ? previous : current;
        double easierDifficulty = previousEasier ? submission.previousShareDifficulty() : currentDifficulty;
        if (harder.isMetBy(hash, 0)) {
            return harderDifficulty;
        }
        return easier.isMetBy(hash, 0) ? easierDifficulty : 0;
    }

    private CompletableFuture<BlockVerdict> submitBlock(Job job, Submission submission, int version, Hash256 hash) {
        try {
            // The session's extranonce1 may be longer than the job's (a proxy carving up extranonce2 space):
            // the slot is filled with extranonce1 ‖ extranonce2 either way, so split it at the job's size.
            byte[] extranonce = new byte[submission.extranonce1Length() + submission.extranonce2Length()];
            submission.copyExtranonce1(extranonce, 0);
            submission.copyExtranonce2(extranonce, submission.extranonce1Length());
            byte[] extranonce1 = Arrays.copyOf(extranonce, job.extranonce1Size());
            byte[] extranonce2 = Arrays.copyOfRange(extranonce, job.extranonce1Size(), extranonce.length);
            byte[] block = BlockAssembler.of(job.template(), job.coinbase()).assemble(version,
                    Integer.toUnsignedLong(submission.nTime()), submission.nonce(), extranonce1, extranonce2);
            BlockCandidate candidate = new BlockCandidate(hash, job.height(), Hex.encode(block));
            LOG.info("block {} at height {} found by {} on job {}", hash, job.height(), submission.worker(), job.id());
            CompletableFuture<BlockVerdict> verdict = blockSubmitter.apply(candidate);
            return verdict != null ? verdict
                    : CompletableFuture.failedFuture(new IllegalStateException("block submitter returned null"));
        } catch (RuntimeException e) {
            LOG.error("could not submit block {} at height {} (job {})", hash, job.height(), job.id(), e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /** One thread's buffers and hashers. */
    private static final class Scratch {
        private final HeaderHasher hasher = new HeaderHasher();
        private final MessageDigest sha256;
        private byte[] coinbase = new byte[512];
        /** [0, 32): the running merkle node; [32, 64): the branch step. */
        private final byte[] node = new byte[64];
        private final byte[] header = new byte[HeaderHasher.HEADER_BYTES];

        Scratch() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }

        /** Writes the SHA-256d of the share's header to {@code out}. */
        void hashHeader(Job job, Submission submission, int version, byte[] out) {
            int length = job.coinb1Length() + submission.extranonce1Length() + submission.extranonce2Length()
                    + job.coinb2Length();
            if (coinbase.length < length) {
                coinbase = new byte[Math.max(length, 2 * coinbase.length)]; // once per larger coinbase
            }
            int at = 0;
            job.copyCoinb1(coinbase, at);
            at += job.coinb1Length();
            submission.copyExtranonce1(coinbase, at);
            at += submission.extranonce1Length();
            submission.copyExtranonce2(coinbase, at);
            at += submission.extranonce2Length();
            job.copyCoinb2(coinbase, at);

            try {
                sha256.update(coinbase, 0, length);
                sha256.digest(node, 0, 32);
                sha256.update(node, 0, 32);
                sha256.digest(node, 0, 32);
            } catch (DigestException e) {
                throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
            }
            for (int i = 0; i < job.merkleBranchSize(); i++) {
                job.copyMerkleStep(i, node, 32);
                hasher.hashMerkleNode(node, 0, node, 32, node, 0);
            }

            INT_LE.set(header, 0, version);
            job.copyPrevHashInternal(header, 4);
            System.arraycopy(node, 0, header, 36, 32);
            INT_LE.set(header, 68, submission.nTime());
            INT_LE.set(header, 72, job.bits());
            INT_LE.set(header, 76, submission.nonce());
            hasher.hashHeader(header, 0, out, 0);
        }
    }
}
