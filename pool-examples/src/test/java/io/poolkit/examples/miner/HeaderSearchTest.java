package io.poolkit.examples.miner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.Job;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.node.EmbeddedChain;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.ShareOutcome;
import io.poolkit.core.share.Submission;
import io.poolkit.stratum.codec.MiningNotify;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo miner's header work, judged by the pool's own validator and chain: what it finds must be what the
 * pool accepts, with and without rolled version bits, and a block it finds must be one the chain accepts.
 */
class HeaderSearchTest {
    // A regtest address of a real Bitcoin Core wallet (shared/vectors/bitcoind-regtest/wallet-*.json).
    private static final String POOL = "mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv";
    private static final byte[] EXTRANONCE1 = {0x0a, 0x0b, 0x0c, 0x0d};
    private static final double SHARE_DIFFICULTY = 1e-5;

    private EmbeddedChain chain;

    @AfterEach
    void close() {
        if (chain != null) {
            chain.close();
        }
    }

    /** A job for the chain's template, as the pool makes it, and its {@code mining.notify}. */
    private record Work(Job job, MiningNotify mining, JobRegistry registry) {}

    private Work work(double networkDifficulty) throws Exception {
        chain = EmbeddedChain.builder().difficulty(networkDifficulty).build();
        Job job = JobFactory.builder().payTo(Address.parse(POOL, Network.REGTEST)).build()
                .create(chain.currentTemplate(), true);
        JobRegistry registry = new JobRegistry();
        registry.register(job);
        MiningNotify notify = MiningNotify.builder()
                .jobId(job.id())
                .prevHashStratumHex(job.prevHashStratumHex())
                .coinbase1Hex(job.coinb1Hex())
                .coinbase2Hex(job.coinb2Hex())
                .merkleBranchHex(job.merkleBranchHex())
                .version(job.version())
                .nbits(job.bits())
                .ntime((int) job.nTime())
                .cleanJobs(true)
                .build();
        return new Work(job, notify, registry);
    }

    private static List<Integer> hits(HeaderSearch search, int wanted) {
        List<Integer> found = new ArrayList<>();
        int nonce = 0;
        for (int round = 0; round < 64 && found.size() < wanted; round++) {
            nonce = search.scan(nonce, 1 << 16, found::add);
        }
        assertTrue(found.size() >= wanted, "found " + found.size() + " shares in 4M hashes at difficulty "
                + SHARE_DIFFICULTY);
        return found;
    }

    private static Submission submission(Work w, HeaderSearch search, int nonce, Integer versionBits, int mask) {
        return new Submission().begin(POOL + ".cpu", w.job().id())
                .extranonce1(EXTRANONCE1)
                .extranonce2Hex(Hex.encode(search.extranonce2()))
                .nTimeHex(String.format("%08x", search.job().ntime()))
                .nonceHex(String.format("%08x", nonce))
                .versionBitsHex(versionBits == null ? null : String.format("%08x", versionBits))
                .versionMask(mask)
                .shareTarget(Target.fromDifficulty(SHARE_DIFFICULTY), SHARE_DIFFICULTY);
    }

    @Test
    void everyShareItFindsIsAcceptedByThePoolsValidator() throws Exception {
        Work w = work(1);
        HeaderSearch search = new HeaderSearch(w.mining(), EXTRANONCE1, 4, SHARE_DIFFICULTY, 0);
        search.prepare(new byte[] {0, 0, 0, 7}, 0);
        BitcoinShareValidator validator = new BitcoinShareValidator(w.registry(), chain);

        for (int nonce : hits(search, 3)) {
            Submission s = submission(w, search, nonce, null, 0);
            assertSame(ShareOutcome.ACCEPTED, validator.validate(s), "nonce " + nonce);
            assertTrue(s.creditedDifficulty() >= SHARE_DIFFICULTY);
            byte[] poolHash = new byte[32];
            s.copyHash(poolHash, 0);
            assertArrayEquals(Sha256d.hash(search.header(nonce)), poolHash, "the pool hashed the miner's header");
        }
    }

    @Test
    void rolledVersionBitsStayInTheMaskAndAreAccepted() throws Exception {
        Work w = work(1);
        int mask = CpuMiner.VERSION_ROLLING_MASK;
        HeaderSearch search = new HeaderSearch(w.mining(), EXTRANONCE1, 4, SHARE_DIFFICULTY, mask);
        search.prepare(new byte[] {0, 0, 0, 1}, 0x0001_e000 | 0x1);
        assertEquals(0x0001_e000, search.versionBits(), "bits outside the mask are dropped");
        assertNotEquals(w.job().version(), search.version());
        BitcoinShareValidator validator = new BitcoinShareValidator(w.registry(), chain);

        int nonce = hits(search, 1).get(0);
        Submission s = submission(w, search, nonce, search.versionBits(), mask);

        assertSame(ShareOutcome.ACCEPTED, validator.validate(s));
        assertEquals(search.version(), s.blockVersion());
    }

    @Test
    void aBlockItFindsIsAcceptedByTheChain() throws Exception {
        // At regtest's proof-of-work limit about every other hash is a block.
        Work w = work(4.6e-10);
        HeaderSearch search = new HeaderSearch(w.mining(), EXTRANONCE1, 4, SHARE_DIFFICULTY, 0);
        search.prepare(new byte[] {0, 0, 0, 2}, 0);
        BitcoinShareValidator validator = new BitcoinShareValidator(w.registry(), chain);
        long height = chain.height();

        ShareOutcome outcome = validator.validate(submission(w, search, hits(search, 1).get(0), null, 0));

        ShareOutcome.Block block = assertInstanceOf(ShareOutcome.Block.class, outcome);
        BlockVerdict verdict = block.verdict().get(10, TimeUnit.SECONDS);
        assertTrue(verdict.isAccepted(), verdict.reason());
        assertEquals(height + 1, chain.height());
        assertEquals(block.hash(), chain.tipHash());
    }
}
