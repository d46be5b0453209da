package io.poolkit.benchmarks.share;

import io.poolkit.benchmarks.PoolKitBenchmark;
import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.hash.HeaderHasher;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.ShareOutcome;
import io.poolkit.core.share.Submission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Share validation on the accepted path: {@link BitcoinShareValidator#validate} of a share on a job with a
 * 12-level merkle branch, as an event loop runs it for every {@code mining.submit}.
 *
 * <p>What one operation is: refilling the event loop's {@link Submission} from the miner's hex strings
 * (extranonce2, nTime, nonce; parsed in place), then validating it: job lookup, stale, extranonce, nTime
 * and version checks, the coinbase (coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2, 109 bytes) hashed with a
 * reused {@code MessageDigest}, the 12-step merkle fold and the header hash with {@link HeaderHasher}, the
 * share and network target checks, the difficulty achieved, and the duplicate check, which records the
 * share in its job's fingerprint table.
 *
 * <p>The template: 3,000 synthetic one-input, one-output transactions (so the coinbase's branch has 12
 * steps: 3,001 transactions), a coinbase paying one address with a pool tag and a 4 + 8-byte extranonce,
 * and mainnet-like nBits (0x17034219), so no share is a block. The share difficulty is 2<sup>-32</sup>,
 * whose target all but one hash in 65,536 meet: practically every share is accepted (the teardown checks
 * and prints the counts; the rare low-difficulty reject costs the same hashing and allocates nothing
 * either).
 *
 * <p>No share repeats: each operation writes the next counter value into the nonce and extranonce2 text
 * (mutable {@code CharSequence}s, so preparing a share allocates nothing either). Each share is remembered
 * in its job's fingerprint table, so no table may fill up during the run, and no table may be reset or
 * replaced inside it (that would allocate during the measurement). So the trial's setup registers 4,096
 * jobs of the template whose tables hold 8,192 shares (128 KiB each, 512 MiB in all), and the benchmark
 * moves to the next job every 4,096 shares: a table is at most half full, as a busy live job's is, and
 * small enough to stay in the CPU's cache as the default 1 MiB table does. That covers 16.7 million
 * shares, more than one fork measures (the teardown checks). The registry lookup therefore goes to a map of
 * 4,096 jobs instead of a pool's dozen, which costs the same.
 *
 * <p>One state per thread, as each event loop owns its {@link Submission}; the validator is shared (it
 * keeps per-thread scratch buffers). Goal: at least 400,000 shares/s per thread and 0 B/op
 * ({@code -prof gc}).
 */
@State(Scope.Thread)
public class ShareValidatorBenchmark extends PoolKitBenchmark {
    private static final int TRANSACTIONS = 3_000;
    private static final int JOBS = 4_096;
    /** Each job's fingerprint table holds twice this (128 KiB), so it is at most half full. */
    private static final int SHARES_PER_JOB = 4_096;
    private static final double SHARE_DIFFICULTY = 0x1p-32;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final byte[] EXTRANONCE1 = {0x0b, (byte) 0xad, (byte) 0xca, (byte) 0xfe};

    private BlockTemplate template;
    private JobFactory factory;
    private JobRegistry registry;
    private BitcoinShareValidator validator;
    private String[] jobIds;
    private String nTimeHex;
    private Target shareTarget;

    private final Submission submission = new Submission();
    private final StringBuilder nonceHex = new StringBuilder("00000000");
    private final StringBuilder extranonce2Hex = new StringBuilder("0000000000000000");
    private long counter;
    private long accepted;
    private long other;

    @Setup(Level.Trial)
    public void buildTemplate() throws AddressException {
        List<TemplateTransaction> transactions = new ArrayList<>(TRANSACTIONS);
        for (int i = 0; i < TRANSACTIONS; i++) {
            transactions.add(TemplateTransaction.of(syntheticTransaction(i), 1_000, 4));
        }
        int bits = 0x17034219;
        template = BlockTemplate.builder()
                .version(0x20000000)
                .previousBlockHash(Hash256.fromDisplayHex(
                        "00000000000000000001b3a7f9a8b7e9d0a3b6c5d4e3f2a1b0c9d8e7f6a5b4c3"))
                .transactions(transactions)
                .coinbaseValueSats(312_500_000L + TRANSACTIONS * 1_000L)
                .bits(bits)
                .targetDisplayHex(Target.fromCompact(bits).displayHex())
                .curTime(1_735_689_600L)
                .minTime(1_735_689_000L)
                .height(877_000)
                .build();
        factory = JobFactory.builder()
                .payTo(Address.parse("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", Network.MAINNET))
                .poolTag("/PoolKit/")
                .extranonce2Size(8)
                .build();
        shareTarget = Target.fromDifficulty(SHARE_DIFFICULTY);
        nTimeHex = String.format("%08x", template.curTime());

        registerJobs();
    }

    private void registerJobs() {
        registry = new JobRegistry(JOBS, 2 * SHARES_PER_JOB);
        validator = new BitcoinShareValidator(registry, candidate -> {
            throw new IllegalStateException("no share here should be a block: " + candidate.hash());
        });
        jobIds = new String[JOBS];
        for (int i = 0; i < JOBS; i++) {
            Job job = factory.create(template, i == 0);
            if (job.merkleBranchSize() != 12) {
                throw new IllegalStateException("expected a 12-step branch, got " + job.merkleBranchSize());
            }
            registry.register(job);
            jobIds[i] = job.id();
        }
        counter = 0;
        checkOneShare(registry.lookup(jobIds[0]).job());
    }

    @TearDown(Level.Iteration)
    public void checkOutcomes() {
        if (counter > (long) JOBS * SHARES_PER_JOB) {
            throw new IllegalStateException(counter + " shares in this run: more than its jobs' tables hold");
        }
        // Expected: about one share in 65,536 above the share target, nothing else.
        if (other > accepted / 10_000 + 2) {
            throw new IllegalStateException(other + " shares not accepted against " + accepted + " accepted");
        }
        accepted = 0;
        other = 0;
    }

    @Benchmark
    public ShareOutcome validateAcceptedShare() {
        long n = counter++;
        writeHex(nonceHex, n, 8);
        writeHex(extranonce2Hex, n * 0x9E3779B97F4A7C15L, 16);
        submission.begin("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4.rig1", jobIds[(int) (n / SHARES_PER_JOB) % JOBS])
                .extranonce1(EXTRANONCE1)
                .extranonce2Hex(extranonce2Hex)
                .nTimeHex(nTimeHex)
                .nonceHex(nonceHex)
                .versionBitsHex(null)
                .shareTarget(shareTarget, SHARE_DIFFICULTY);
        ShareOutcome outcome = validator.validate(submission);
        if (outcome == ShareOutcome.ACCEPTED) {
            accepted++;
        } else {
            other++;
        }
        return outcome;
    }

    /** Validates one share and checks its hash against the slow, independent computation. */
    private void checkOneShare(Job job) {
        counter = 1L << 40; // outside the measured range, so it cannot duplicate a measured share
        validateAcceptedShare();
        counter = 0;
        accepted = 0;
        other = 0;
        byte[] extranonce2 = new byte[8];
        submission.copyExtranonce2(extranonce2, 0);
        Hash256 txid = Hash256.fromInternalBytes(Sha256d.hash(job.coinbase().withExtranonce(EXTRANONCE1, extranonce2)));
        byte[] expected = BlockHeader.of(job.version(), job.previousBlockHash(), job.merkleBranch().rootFrom(txid),
                job.nTime(), job.bits(), submission.nonce()).hash().internalBytes();
        byte[] actual = new byte[32];
        submission.copyHash(actual, 0);
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalStateException("the validator's header hash differs from the independent one");
        }
    }

    private static void writeHex(StringBuilder out, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out.setCharAt(i, HEX[(int) value & 0xf]);
            value >>>= 4;
        }
    }

    /** A legacy transaction spending output {@code i} of a made-up transaction to a P2WPKH output. */
    private static byte[] syntheticTransaction(int i) {
        byte[] tx = new byte[4 + 1 + 36 + 1 + 4 + 1 + 8 + 1 + 22 + 4];
        int at = 0;
        tx[at] = 2; // version 2
        at += 4;
        tx[at++] = 1; // one input
        for (int b = 0; b < 32; b++) {
            tx[at + b] = (byte) (i * 31 + b * 7 + (i >>> 8));
        }
        tx[at + 28] = (byte) i;
        tx[at + 29] = (byte) (i >>> 8);
        at += 32;
        at += 4; // output index 0
        tx[at++] = 0; // empty scriptSig
        Arrays.fill(tx, at, at + 4, (byte) 0xfd); // sequence 0xfdfdfdfd (RBF)
        at += 4;
        tx[at++] = 1; // one output
        long value = 10_000L + i;
        for (int b = 0; b < 8; b++) {
            tx[at + b] = (byte) (value >>> (8 * b));
        }
        at += 8;
        tx[at++] = 22;
        tx[at++] = 0x00;
        tx[at++] = 0x14;
        for (int b = 0; b < 20; b++) {
            tx[at + b] = (byte) (i + b);
        }
        at += 20;
        at += 4; // lock time 0
        if (at != tx.length) {
            throw new IllegalStateException("synthetic transaction is " + at + " bytes, expected " + tx.length);
        }
        return tx;
    }
}
