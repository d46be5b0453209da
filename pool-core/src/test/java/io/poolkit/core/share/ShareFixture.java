package io.poolkit.core.share;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.testing.SharedVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A registry, a validator that records the blocks it is handed, and a factory making jobs of the real
 * regtest template, plus an independent way to compute a share's header hash (the chain classes and
 * {@link Sha256d}, not the validator's hot path) for finding nonces with a wanted hash.
 */
final class ShareFixture {
    static final byte[] E1 = Hex.decode("0badcafe");
    static final String E2 = "000000a7";
    /** A real regtest address (the vectors' {@code validateaddress-bech32.json}). */
    static final String PAYOUT = "bcrt1q44shv9q0a7lrry62ydmxdmc7ktzue4zwrwrqxh";
    /** Met by about half of all hashes. */
    static final double EASY = Math.scalb(1.0, -31);
    /** Met by about an eighth of all hashes. */
    static final double HARD = Math.scalb(1.0, -29);
    /** Met by all but one hash in 65,536. */
    static final double ANY = Math.scalb(1.0, -32);

    final JobRegistry registry;
    final List<BlockCandidate> submitted = new ArrayList<>();
    final BitcoinShareValidator validator;
    final JobFactory factory;

    ShareFixture() {
        this(JobRegistry.DEFAULT_MAX_JOBS, 1024);
    }

    ShareFixture(int maxJobs, int sharesPerJob) {
        registry = new JobRegistry(maxJobs, sharesPerJob);
        validator = new BitcoinShareValidator(registry, candidate -> {
            submitted.add(candidate);
            return CompletableFuture.completedFuture(BlockVerdict.accepted());
        });
        factory = JobFactory.builder().payTo(address(PAYOUT)).poolTag("/PoolKit/").build();
    }

    static Address address(String text) {
        try {
            return Address.parse(text, Network.REGTEST);
        } catch (AddressException e) {
            throw new AssertionError(e);
        }
    }

    /** The real template: regtest's target, met by about half of all hashes. */
    static BlockTemplate regtestTemplate() {
        return BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"));
    }

    /** The real template with difficulty 1's nBits (0x1d00ffff), so no share here is a block. */
    static BlockTemplate hardTemplate() {
        BlockTemplate real = regtestTemplate();
        return BlockTemplate.builder()
                .version(real.version())
                .previousBlockHash(real.previousBlockHash())
                .transactions(real.transactions())
                .coinbaseValueSats(real.coinbaseValueSats())
                .bits(0x1d00ffff)
                .targetDisplayHex(Target.fromCompact(0x1d00ffff).displayHex())
                .curTime(real.curTime())
                .minTime(real.minTime())
                .height(real.height())
                .witnessCommitmentScript(real.witnessCommitmentScript().orElseThrow())
                .build();
    }

    Job publish(BlockTemplate template, boolean clean) {
        Job job = factory.create(template, clean);
        registry.register(job);
        return job;
    }

    /** A submission on {@code job} with extranonce1 {@link #E1}, the job's nTime, no version bits. */
    static Submission share(Job job, String extranonce2Hex, int nonce, double difficulty) {
        return new Submission().begin("bcrt1q.rig", job.id())
                .extranonce1(E1)
                .extranonce2Hex(extranonce2Hex)
                .nTimeHex(hex8(job.nTime()))
                .nonceHex(hex8(nonce))
                .versionBitsHex(null)
                .shareTarget(Target.fromDifficulty(difficulty), difficulty);
    }

    static String hex8(long value) {
        return String.format("%08x", value);
    }

    /** The header hash (internal order) of a share, computed the slow, independent way. */
    static byte[] expectedHash(Job job, byte[] e1, byte[] e2, long nTime, int nonce, int version) {
        Hash256 txid = Hash256.fromInternalBytes(Sha256d.hash(job.coinbase().withExtranonce(e1, e2)));
        Hash256 root = job.merkleBranch().rootFrom(txid);
        return BlockHeader.of(version, job.previousBlockHash(), root, nTime, job.bits(), nonce).hash().internalBytes();
    }

    /** The first nonce from 0 whose share (E1, {@code e2Hex}, the job's nTime and version) hashes as wanted. */
    static int findNonce(Job job, String e2Hex, int version, Predicate<byte[]> wanted) {
        byte[] e2 = Hex.decode(e2Hex);
        for (int nonce = 0; nonce < 10_000; nonce++) {
            if (wanted.test(expectedHash(job, E1, e2, job.nTime(), nonce, version))) {
                return nonce;
            }
        }
        throw new AssertionError("no nonce below 10,000 gives the wanted hash");
    }

    static Predicate<byte[]> meets(double difficulty) {
        Target target = Target.fromDifficulty(difficulty);
        return hash -> target.isMetBy(hash, 0);
    }

    static Predicate<byte[]> meets(Target target) {
        return hash -> target.isMetBy(hash, 0);
    }
}
