package io.poolkit.examples.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.MerkleBranch;
import io.poolkit.core.chain.Network;
import io.poolkit.core.share.RejectReason;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.codec.MiningNotify;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's SDK example runs: on a node answering with a real regtest node's template, it hands a miner
 * that template's work over real TCP and judges its share.
 */
@UsesSharedVectors
class MinimalPoolTest {
    // Regtest addresses of a real Bitcoin Core wallet (shared/vectors/bitcoind-regtest/wallet-*.json).
    private static final String POOL = "mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv";
    private static final String MINER = "bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2";

    @Test
    @Timeout(60)
    void theExamplePoolHandsOutTheNodesWorkAndJudgesShares(@TempDir Path dir) throws Exception {
        BlockTemplate template = BlockTemplate.parse(resultOf("getblocktemplate-with-transactions.json"));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (FakeBitcoind node = FakeBitcoind.builder().cookieFile(dir.resolve(".cookie")).start()) {
            AutoCloseable pool = MinimalPool.start(Network.REGTEST, node.url().toString(), node.cookieFile(), POOL,
                    port, dir.resolve("ledger.db"));
            CompletableFuture<MiningNotify> job = new CompletableFuture<>();
            StratumClient miner = StratumClient.builder().host("127.0.0.1").port(port)
                    .listener(new StratumClient.Listener() {
                        @Override
                        public void onNotify(MiningNotify notify) {
                            job.complete(notify);
                        }
                    }).build();
            try {
                miner.connect().get(10, TimeUnit.SECONDS);
                miner.subscribe("test/1").get(10, TimeUnit.SECONDS);
                assertTrue(miner.authorize(MINER + ".rig1", "x").get(10, TimeUnit.SECONDS));

                MiningNotify work = job.get(30, TimeUnit.SECONDS);
                assertEquals(template.previousBlockHash(), work.prevHash());
                assertEquals(template.bits(), work.nbits());
                assertEquals(MerkleBranch.forCoinbase(template.txids()).size(), work.merkleBranch().size());

                // Regtest's target is met by about every other hash: the pool rejects the nonces whose header
                // misses difficulty 1 (code 23) and submits the first that makes a block to the node.
                int rejected = 0;
                SubmitResult share = null;
                for (int nonce = 0; nonce < 40; nonce++) {
                    share = miner.submit(MINER + ".rig1", work.jobId(), new byte[4], work.ntime(), nonce)
                            .get(10, TimeUnit.SECONDS);
                    if (share.isAccepted()) {
                        break;
                    }
                    assertEquals(RejectReason.LOW_DIFFICULTY.stratumCode(), share.code(), share.toString());
                    rejected++;
                }
                assertTrue(share.isAccepted(), "one of 40 nonces makes a regtest block; " + rejected + " rejected");
                String block = node.awaitRequest("submitblock", Duration.ofSeconds(10)).stringParam(0);
                assertEquals(work.prevHash(), Block.fromHex(block).header().prevHash());
            } finally {
                miner.close().get(10, TimeUnit.SECONDS);
                pool.close();
            }
        }
    }

    private static String resultOf(String vector) {
        String body = SharedVectors.text("bitcoind-regtest/" + vector);
        return body.substring("{\"result\":".length(), body.lastIndexOf(",\"error\""));
    }
}
