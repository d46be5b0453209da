package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Network;
import io.poolkit.core.hash.HeaderHasher;
import io.poolkit.core.job.JobDispatcher;
import io.poolkit.core.job.JobFactory;
import io.poolkit.core.job.JobRegistry;
import io.poolkit.core.node.EmbeddedChain;
import io.poolkit.core.share.BitcoinShareValidator;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.RejectReason;
import io.poolkit.core.share.Share;
import io.poolkit.core.share.ShareSink;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.core.vardiff.VardiffSettings;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.codec.MiningNotify;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole path over real TCP on 127.0.0.1: an {@link EmbeddedChain} makes templates, a
 * {@link JobDispatcher} turns them into jobs, the {@link StratumServer} sends them to three
 * {@link CpuMiner}s (one rolling version bits) that search nonces with {@link HeaderHasher}; their shares
 * are validated, recorded, and the blocks among them accepted by the chain; vardiff moves each worker
 * towards its share interval; a share on a job from before a new block is refused with 21.
 */
@Timeout(90)
@UsesSharedVectors
class StratumServerIntegrationTest {
    private static final Duration SHARE_INTERVAL = Duration.ofMillis(250);
    private static final Duration BLOCK_INTERVAL = Duration.ofMillis(1500);
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(25);

    @Test
    void minersFindBlocksTheChainAcceptsWhileVardiffSettlesAndStaleSharesAreRefused() throws Exception {
        double hashRate = calibrate();
        double perMiner = hashRate / 3;
        double idealShareDifficulty = perMiner * SHARE_INTERVAL.toNanos() / 1e9 / Math.scalb(1.0, 32);
        double initial = Math.max(VardiffSettings.MIN_DIFFICULTY, idealShareDifficulty / 32);
        System.out.printf("integration: %.0f hashes/s on this thread; share difficulty ideal %.3g, start %.3g%n",
                hashRate, idealShareDifficulty, initial);

        List<Share> shares = new CopyOnWriteArrayList<>();
        List<FoundBlock> blocks = new CopyOnWriteArrayList<>();
        ShareSink ledger = new ShareSink() {
            @Override
            public CompletableFuture<Void> accept(Share share) {
                shares.add(share);
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public CompletableFuture<Void> blockFound(FoundBlock block) {
                blocks.add(block);
                return CompletableFuture.completedFuture(null);
            }
        };
        EmbeddedChain chain = EmbeddedChain.builder().retarget(hashRate, BLOCK_INTERVAL)
                .refreshInterval(Duration.ofSeconds(1)).build();
        long startHeight = chain.height();
        JobRegistry registry = new JobRegistry();
        JobDispatcher dispatcher = new JobDispatcher(JobFactory.builder().payTo(TestJobs.address()).build(), registry);
        StratumServer server = StratumServer.builder().host("127.0.0.1").port(0).network(Network.REGTEST)
                .shareValidator(new BitcoinShareValidator(registry, chain))
                .shareSink(ledger)
                .vardiff(VardiffSettings.builder().targetShareInterval(SHARE_INTERVAL).retargetPeriod(Duration.ofSeconds(1))
                        .retargetShares(8).minDifficulty(VardiffSettings.MIN_DIFFICULTY).maxDifficulty(1e6)
                        .initialDifficulty(initial).build())
                .workerThreads(1).build().start();
        EventLoopGroup clients = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<CpuMiner> miners = new ArrayList<>();
        try {
            dispatcher.addListener(server);
            chain.start(dispatcher);
            for (int i = 0; i < 3; i++) {
                CpuMiner miner = new CpuMiner(TestJobs.ADDRESS + ".cpu" + i, i == 0, server.port(), clients);
                miner.logIn();
                miners.add(miner);
            }
            CpuMiner rolling = miners.get(0);
            assertEquals(0x1fffe000, rolling.versionMask());

            long start = System.nanoTime();
            while (System.nanoTime() - start < RUN_NANOS && !done(server, miners, initial)) {
                for (CpuMiner miner : miners) {
                    miner.mine(20_000);
                }
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            // Stale: a share on a job from before the latest block is refused with 21.
            MiningNotify stale = staleJob(rolling, registry);
            SubmitResult refused = rolling.submitOn(stale).get(10, TimeUnit.SECONDS);
            assertEquals(21, refused.code(), refused.toString());
            assertEquals(RejectReason.STALE.message(), refused.message());

            awaitAnswers(miners);
            StratumServerStats stats = server.stats();
            System.out.printf("integration: %d s, %d blocks accepted (chain height %d -> %d), %d shares accepted, "
                    + "rejected %s%n", seconds, stats.blocksAccepted(), startHeight, chain.height(),
                    stats.sharesAccepted(), stats.sharesRejected());
            for (CpuMiner miner : miners) {
                System.out.printf("integration: %s difficulty %.3g -> %.3g (%d changes), %d accepted%n", miner.worker,
                        initial, miner.difficulty(), miner.difficulties.size(), miner.accepted());
            }

            // Blocks: found by the miners, accepted by the chain, recorded as found.
            assertTrue(stats.blocksAccepted() >= 2, "blocks accepted: " + stats.blocksAccepted());
            assertTrue(chain.height() >= startHeight + stats.blocksAccepted());
            assertEquals(stats.blocksAccepted(), blocks.size());
            for (FoundBlock block : blocks) {
                Optional<Hash256> onChain = chain.blockHash(block.height());
                assertTrue(onChain.isPresent() && onChain.get().equals(block.hash())
                        || chain.header(block.hash()).isPresent(), "block " + block.hash() + " is on the chain");
            }
            // Version rolling: the rolling miner's shares were accepted with rolled bits, and its blocks (if any)
            // carry them.
            assertTrue(rolling.answers.stream().anyMatch(a -> a.code() == 0 && a.versionBits() != 0),
                    "accepted shares with rolled version bits");
            for (FoundBlock block : blocks) {
                if (block.worker().equals(rolling.worker)) {
                    BlockHeader header = chain.header(block.hash()).orElseThrow();
                    assertTrue((header.version() & 0x1fffe000) != 0, "rolled bits in the block's version");
                }
            }
            // Vardiff: every worker was raised towards its interval from a start 32 times too easy.
            for (CpuMiner miner : miners) {
                assertTrue(miner.difficulty() >= 4 * initial, miner.worker + " at " + miner.difficulty());
            }
            assertEquals(stats.sharesAccepted(), shares.size());
            assertEquals(0, stats.sharesRejected(RejectReason.LOW_DIFFICULTY), "miners send only shares that meet");
        } finally {
            for (CpuMiner miner : miners) {
                miner.client.close();
            }
            server.close();
            chain.close();
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Enough seen: blocks found, rolled shares accepted, every worker raised well above its start. */
    private static boolean done(StratumServer server, List<CpuMiner> miners, double initial) {
        if (server.stats().blocksAccepted() < 3) {
            return false;
        }
        for (CpuMiner miner : miners) {
            if (miner.difficulty() < 8 * initial || miner.accepted() < 10) {
                return false;
            }
        }
        return true;
    }

    /** A job the rolling miner received that is older than the registry's current tip. */
    private static MiningNotify staleJob(CpuMiner miner, JobRegistry registry) {
        String tip = registry.current().previousBlockHash().displayHex();
        return miner.jobs.values().stream()
                .filter(job -> !job.prevHash().displayHex().equals(tip))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no job from an earlier block: no block was found"));
    }

    private static void awaitAnswers(List<CpuMiner> miners) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (CpuMiner miner : miners) {
            while (miner.pendingSubmits.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    /** Hashes per second of {@link HeaderHasher}'s midstate path on this thread, over about 300 ms. */
    private static double calibrate() {
        HeaderHasher hasher = new HeaderHasher();
        byte[] header = new byte[80];
        byte[] out = new byte[32];
        hasher.setMidstate(header, 0);
        AtomicLong sink = new AtomicLong();
        for (int i = 0; i < 200_000; i++) { // warm up
            hasher.hashWithMidstate(0, i, out, 0);
        }
        long start = System.nanoTime();
        int hashes = 0;
        while (System.nanoTime() - start < 300_000_000L) {
            for (int i = 0; i < 10_000; i++) {
                hasher.hashWithMidstate(0, hashes++, out, 0);
            }
            sink.addAndGet(out[0]);
        }
        return hashes / ((System.nanoTime() - start) / 1e9);
    }
}
