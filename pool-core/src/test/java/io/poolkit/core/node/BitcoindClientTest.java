package io.poolkit.core.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.job.BlockState;
import io.poolkit.core.node.BitcoindException.Kind;
import io.poolkit.core.testing.FakeBitcoind;
import io.poolkit.core.testing.FakeBitcoind.Answer;
import io.poolkit.core.testing.FakeBitcoind.RecordedRequest;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UsesSharedVectors
class BitcoindClientTest {
    private static final String VEC = FakeBitcoind.VECTORS;
    private static final Hash256 TIP =
            Hash256.fromDisplayHex("072fff6e2ba5a115bf4ca4a918094e7c3065a948d6e332198049ab8d8d3dee47");
    private static final Hash256 FOUND =
            Hash256.fromDisplayHex("0d4fc93c33320b5e2b0c6deb7d6304a2682fe8bc2f04eb3c0d5923f6ff0abe7a");
    private static final Hash256 SENDMANY_TXID =
            Hash256.fromDisplayHex("3676aec42f7cdb1732b36b73c40932c6ca8a6dbf0b0826263f9dde2d839f18d2");

    private FakeBitcoind node;
    private BitcoindClient client;

    @BeforeEach
    void startNode() {
        node = FakeBitcoind.start();
        client = node.clientBuilder().requestTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stopNode() {
        client.close();
        node.close();
    }

    // ---- each call against the real answers

    @Test
    void getBlockTemplateKeepsTheResultObjectByteForByte() throws Exception {
        RawTemplate template = await(client.getBlockTemplate());

        String vector = SharedVectors.text(VEC + "getblocktemplate-with-transactions.json");
        String expected = vector.substring("{\"result\":".length(), vector.lastIndexOf(",\"error\":null"));
        assertEquals(expected, template.jsonText());
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), template.json());
        assertEquals(205, template.height());
        assertEquals(Hash256.fromDisplayHex("1924dbfbe5a5d7529e8e3ffe716cd6f4c2719f8f16ffbce8f778809d491036cf"),
                template.previousBlockHash());
        assertEquals(Optional.of(stringField(vector, "longpollid")), template.longPollId());
        assertEquals("[{\"rules\":[\"segwit\"]}]", node.lastRequest("getblocktemplate").paramsJson());
    }

    @Test
    void getBlockTemplateReadsTheOtherCapturedTemplates() throws Exception {
        node.enqueue("getblocktemplate", Answer.vector("getblocktemplate-empty-mempool.json"),
                Answer.vector("getblocktemplate-ibd.json"));

        RawTemplate empty = await(client.getBlockTemplate());
        RawTemplate first = await(client.getBlockTemplate());

        assertEquals(102, empty.height());
        assertEquals(Optional.of("06467ceec1a11be62edb856de5aad1c0a855d7548495c7ebdb443dff44cf2776102"),
                empty.longPollId());
        assertEquals(1, first.height());
        assertEquals(Hash256.fromDisplayHex("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"),
                first.previousBlockHash());
    }

    @Test
    void longPollSendsItsIdAndWaitsPastTheRequestTimeout() throws Exception {
        CompletableFuture<Answer> release = Answer.later();
        node.on("getblocktemplate", Answer.after(release));
        try (BitcoindClient patient = node.clientBuilder()
                .requestTimeout(Duration.ofMillis(200)).longPollTimeout(Duration.ofSeconds(30)).build()) {
            String id = "06467ceec1a11be62edb856de5aad1c0a855d7548495c7ebdb443dff44cf2776102";

            CompletableFuture<RawTemplate> poll = patient.getBlockTemplate(id);
            RecordedRequest sent = node.awaitRequest("getblocktemplate", Duration.ofSeconds(10));
            // Held well past the 200 ms request timeout: only the long-poll timeout applies.
            assertThrows(TimeoutException.class, () -> poll.get(600, TimeUnit.MILLISECONDS));
            release.complete(Answer.vector("getblocktemplate-empty-mempool.json"));

            assertEquals(102, await(poll).height());
            assertEquals("[{\"rules\":[\"segwit\"],\"longpollid\":\"" + id + "\"}]", sent.paramsJson());
        }
    }

    @Test
    void longPollFailsWithTheLongPollTimeoutNamed() {
        node.on("getblocktemplate", Answer.after(Answer.later()));
        try (BitcoindClient impatient = node.clientBuilder().longPollTimeout(Duration.ofMillis(300)).build()) {
            BitcoindException e = failure(impatient.getBlockTemplate("x"));

            assertEquals(Kind.TIMEOUT, e.kind());
            assertTrue(e.getMessage().contains("long-poll timeout (300 ms)"), e.getMessage());
            assertTrue(e.isRetryable());
        }
    }

    @Test
    void submitBlockSendsTheHexAndReadsAcceptance() throws Exception {
        String blockHex = stringField(SharedVectors.text(VEC + "assembled-block.json"), "block_hex");

        SubmitBlockResult result = await(client.submitBlock(blockHex));

        assertTrue(result.isAccepted());
        assertEquals(Optional.empty(), result.reason());
        assertEquals(blockHex, node.awaitRequest("submitblock", Duration.ofSeconds(5)).stringParam(0));
    }

    @Test
    void submitBlockReadsEachCapturedVerdict() throws Exception {
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put("submitblock-duplicate.json", "duplicate");
        reasons.put("submitblock-high-hash-or-duplicate.json", "high-hash");
        reasons.put("submitblock-bad-merkle-root.json", "bad-txnmrklroot");
        reasons.put("submitblock-stale-parent.json", "inconclusive");
        for (Map.Entry<String, String> row : reasons.entrySet()) {
            node.on("submitblock", Answer.vector(row.getKey()));

            SubmitBlockResult result = await(client.submitBlock("00"));

            assertFalse(result.isAccepted(), row.getKey());
            assertEquals(Optional.of(row.getValue()), result.reason(), row.getKey());
            assertEquals(row.getValue().equals("duplicate"), result.isDuplicate(), row.getKey());
            assertEquals(row.getValue().equals("inconclusive"), result.isInconclusive(), row.getKey());
        }
    }

    @Test
    void submitBlockOfUndecodableBytesIsAnRpcError() {
        node.on("submitblock", Answer.vector("submitblock-decode-failed.json"));

        BitcoindException e = failure(client.submitBlock("00"));

        assertEquals(Kind.RPC_ERROR, e.kind());
        assertEquals(OptionalInt.of(BitcoindException.RPC_DESERIALIZATION_ERROR), e.rpcCode());
        assertEquals(Optional.of("Block decode failed"), e.rpcMessage());
        assertEquals(OptionalInt.of(500), e.httpStatus());
        assertEquals("submitblock", e.method());
        assertFalse(e.isRetryable());
    }

    @Test
    void submitBlockRefusesTextThatIsNotHex() {
        assertThrows(IllegalArgumentException.class, () -> client.submitBlock("0g"));
        assertThrows(IllegalArgumentException.class, () -> client.submitBlock("000"));
        assertThrows(IllegalArgumentException.class, () -> client.submitBlock(""));
        assertTrue(node.requests().isEmpty());
    }

    @Test
    void getBlockchainInfoReadsTheChainState() throws Exception {
        BlockchainInfo info = await(client.getBlockchainInfo());

        assertEquals("regtest", info.chain());
        assertEquals(206, info.blocks());
        assertEquals(206, info.headers());
        assertEquals(TIP, info.bestBlockHash());
        assertEquals(4.656542373906925e-10, info.difficulty());
        assertEquals(1795625763L, info.medianTime());
        assertEquals(1.0, info.verificationProgress());
        assertFalse(info.initialBlockDownload());
        assertFalse(info.pruned());
        assertEquals(List.of(), info.warnings());
        assertEquals("[]", node.lastRequest("getblockchaininfo").paramsJson());
    }

    @Test
    void getBestBlockHashReadsTheTip() throws Exception {
        assertEquals(TIP, await(client.getBestBlockHash()));
    }

    @Test
    void getBlockHashSendsTheHeightAndReadsTheHash() throws Exception {
        assertEquals(FOUND, await(client.getBlockHash(205)));
        assertEquals("[205]", node.lastRequest("getblockhash").paramsJson());
        assertThrows(IllegalArgumentException.class, () -> client.getBlockHash(-1));
    }

    @Test
    void getBlockHeaderReadsTheTipsHeader() throws Exception {
        BlockHeaderInfo tip = await(client.getBlockHeader(TIP));

        assertEquals(TIP, tip.hash());
        assertEquals(1, tip.confirmations());
        assertEquals(206, tip.height());
        assertEquals(805306368, tip.version());
        assertEquals(Hash256.fromDisplayHex("ca6f8f891caf76fa7c348694b7936c9f3f93969a540a05c7f7611d38ae833e1c"),
                tip.merkleRoot());
        assertEquals(1795625764L, tip.time());
        assertEquals(1, tip.nonce());
        assertEquals(0x207fffff, tip.bits());
        assertEquals(1, tip.txCount());
        assertEquals(Optional.of(FOUND), tip.previousBlockHash());
        assertEquals(Optional.empty(), tip.nextBlockHash());
        assertEquals(BlockState.confirmed(TIP, 1), tip.blockState());
        assertEquals("[\"" + TIP.displayHex() + "\",true]", node.lastRequest("getblockheader").paramsJson());
    }

    @Test
    void getBlockHeaderOfADeeperBlockHasItsChildAndConfirmations() throws Exception {
        node.on("getblockheader", Answer.vector("getblockheader-found-block.json"));

        BlockHeaderInfo found = await(client.getBlockHeader(FOUND));

        assertEquals(FOUND, found.hash());
        assertEquals(2, found.confirmations());
        assertEquals(205, found.height());
        assertEquals(8, found.txCount());
        assertEquals(Optional.of(TIP), found.nextBlockHash());
        assertEquals(Hash256.fromDisplayHex(stringField(SharedVectors.text(VEC + "assembled-block.json"),
                "merkle_root")), found.merkleRoot());
        assertTrue(found.onBestChain());
        assertEquals(BlockState.confirmed(FOUND, 2), found.blockState());
    }

    @Test
    void aHeaderOffTheBestChainIsOrphaned() throws Exception {
        String vector = SharedVectors.text(VEC + "getblockheader-found-block.json");
        node.on("getblockheader", Answer.of(200, vector.replace("\"confirmations\":2", "\"confirmations\":-1")));

        BlockHeaderInfo stale = await(client.getBlockHeader(FOUND));

        assertFalse(stale.onBestChain());
        assertEquals(BlockState.orphaned(FOUND), stale.blockState());
    }

    @Test
    void getBlockReadsTheHeaderSizesAndTxids() throws Exception {
        BlockInfo block = await(client.getBlock(TIP));

        assertEquals(TIP, block.hash());
        assertEquals(206, block.header().height());
        assertEquals(Optional.of(FOUND), block.header().previousBlockHash());
        assertEquals(250, block.size());
        assertEquals(214, block.strippedSize());
        assertEquals(892, block.weight());
        Hash256 coinbase =
                Hash256.fromDisplayHex("ca6f8f891caf76fa7c348694b7936c9f3f93969a540a05c7f7611d38ae833e1c");
        assertEquals(List.of(coinbase), block.txids());
        assertEquals(coinbase, block.coinbaseTxid());
        assertEquals("[\"" + TIP.displayHex() + "\",1]", node.lastRequest("getblock").paramsJson());
    }

    @Test
    void validateAddressReadsEachCapturedAddressKind() throws Exception {
        node.enqueue("validateaddress", Answer.vector("validateaddress-bech32.json"),
                Answer.vector("validateaddress-bech32m.json"), Answer.vector("validateaddress-legacy.json"),
                Answer.vector("validateaddress-p2sh-segwit.json"), Answer.vector("validateaddress-invalid.json"),
                Answer.vector("validateaddress-mainnet-on-regtest.json"));

        AddressValidation bech32 = await(client.validateAddress("bcrt1q44shv9q0a7lrry62ydmxdmc7ktzue4zwrwrqxh"));
        AddressValidation taproot = await(client.validateAddress("bcrt1p59e6"));
        AddressValidation legacy = await(client.validateAddress("mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv"));
        AddressValidation p2sh = await(client.validateAddress("2NCHtcSYZHAwSiZVx3cnKEDwNRr96oprVki"));
        AddressValidation invalid = await(client.validateAddress("bcrt1q!"));
        AddressValidation mainnet = await(client.validateAddress("bc1q..."));

        assertTrue(bech32.isValid());
        assertEquals(Optional.of("bcrt1q44shv9q0a7lrry62ydmxdmc7ktzue4zwrwrqxh"), bech32.address());
        assertEquals(Optional.of("0014ad6176140fefbe31934a237666ef1eb2c5ccd44e"), bech32.scriptPubKeyHex());
        assertTrue(bech32.isWitness());
        assertFalse(bech32.isScript());
        assertEquals(OptionalInt.of(0), bech32.witnessVersion());
        assertEquals(Optional.of("ad6176140fefbe31934a237666ef1eb2c5ccd44e"), bech32.witnessProgramHex());
        assertEquals(OptionalInt.of(1), taproot.witnessVersion());
        assertTrue(taproot.isScript());
        assertEquals(Optional.of("5120a173ac0c3c8368ddcdddbacb479954106782735e0653bb66c2799c264766f27f"),
                taproot.scriptPubKeyHex());
        assertEquals(Optional.of("76a9144bcd73cf519616018901cdb7129f71d2f807f72a88ac"), legacy.scriptPubKeyHex());
        assertFalse(legacy.isWitness());
        assertEquals(OptionalInt.empty(), legacy.witnessVersion());
        assertTrue(p2sh.isScript());
        assertEquals(Optional.of("a914d0eb7687a32cbb405684c33e2e40b19ff3d9165a87"), p2sh.scriptPubKeyHex());
        assertFalse(invalid.isValid());
        assertEquals(Optional.of("Invalid Base 32 character"), invalid.error());
        assertEquals(Optional.empty(), invalid.scriptPubKeyHex());
        assertFalse(mainnet.isValid());
        assertEquals(Optional.of("Invalid or unsupported Segwit (Bech32) or Base58 encoding."), mainnet.error());
        assertEquals("[\"mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv\"]",
                node.requests("validateaddress").get(2).paramsJson());
    }

    @Test
    void getMiningInfoReadsTheNetworkFigures() throws Exception {
        MiningInfo info = await(client.getMiningInfo());

        assertEquals("regtest", info.chain());
        assertEquals(206, info.blocks());
        assertEquals(4.656542373906925e-10, info.difficulty());
        assertEquals(12.0, info.networkHashPs());
        assertEquals(0, info.pooledTx());
        assertEquals(OptionalLong.of(8000), info.currentBlockWeight());
        assertEquals(OptionalLong.of(0), info.currentBlockTx());
        assertEquals(List.of(), info.warnings());
    }

    @Test
    void getBalancesReadsExactSatoshis() throws Exception {
        WalletBalances balances = await(client.getBalances());

        assertEquals(519_999_977_220L, balances.trustedSats());
        assertEquals(0, balances.untrustedPendingSats());
        assertEquals(362_500_000_000L, balances.immatureSats());
        assertEquals(Optional.of(Hash256.fromDisplayHex(
                "1924dbfbe5a5d7529e8e3ffe716cd6f4c2719f8f16ffbce8f778809d491036cf")),
                balances.lastProcessedBlockHash());
        assertEquals(OptionalLong.of(204), balances.lastProcessedBlockHeight());
    }

    @Test
    void sendManyWritesTheCapturedPaymentExactlyAndReadsItsTxid() throws Exception {
        Map<String, Long> payout = new LinkedHashMap<>();
        payout.put("bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2", 12_500_000L);
        payout.put("mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv", 50_000_000L);
        payout.put("2NCHtcSYZHAwSiZVx3cnKEDwNRr96oprVki", 75_000_000L);

        Hash256 txid = await(client.sendMany(payout, "payout:vector-1"));

        assertEquals(SENDMANY_TXID, txid);
        assertEquals("[\"\",{"
                + "\"bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2\":0.12500000,"
                + "\"mnRm6XHsyHepHJhrV3S4JyVp4nUCzEV7uv\":0.50000000,"
                + "\"2NCHtcSYZHAwSiZVx3cnKEDwNRr96oprVki\":0.75000000},1,\"payout:vector-1\"]",
                node.lastRequest("sendmany").paramsJson());
    }

    @Test
    void sendManyWritesTheSmallestAndLargestAmountsExactly() throws Exception {
        Map<String, Long> payout = new LinkedHashMap<>();
        payout.put("one-sat", 1L);
        payout.put("odd", 12_345_678_901L);
        await(client.sendMany(payout, null));
        await(client.sendMany(Map.of("all-the-money", 21_000_000L * 100_000_000L), "max"));

        List<RecordedRequest> sent = node.requests("sendmany");
        assertEquals("[\"\",{\"one-sat\":0.00000001,\"odd\":123.45678901}]", sent.get(0).paramsJson());
        assertEquals("[\"\",{\"all-the-money\":21000000.00000000},1,\"max\"]", sent.get(1).paramsJson());
    }

    @Test
    void sendManyRefusesAmountsOutsideOneSatToAllTheMoney() {
        long max = 21_000_000L * 100_000_000L;
        assertThrows(IllegalArgumentException.class, () -> client.sendMany(Map.of("a", 0L), "c"));
        assertThrows(IllegalArgumentException.class, () -> client.sendMany(Map.of("a", -5L), "c"));
        assertThrows(IllegalArgumentException.class, () -> client.sendMany(Map.of("a", max + 1), "c"));
        assertThrows(IllegalArgumentException.class, () -> client.sendMany(Map.of("a", max, "b", 1L), "c"));
        assertThrows(IllegalArgumentException.class, () -> client.sendMany(Map.of(), "c"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> client.sendMany(Map.of("addr", 0L), "c"));
        assertTrue(e.getMessage().contains("addr") && e.getMessage().contains("got 0"), e.getMessage());
        assertTrue(node.requests().isEmpty());
    }

    @Test
    void getTransactionReadsAmountsFeesCommentAndDetails() throws Exception {
        WalletTransaction tx = await(client.getTransaction(SENDMANY_TXID));

        assertEquals(SENDMANY_TXID, tx.txid());
        assertEquals(0, tx.amountSats());
        assertEquals(OptionalLong.of(-4_620), tx.feeSats());
        assertEquals(0, tx.confirmations());
        assertEquals(Optional.empty(), tx.blockHash());
        assertEquals(OptionalLong.empty(), tx.blockHeight());
        assertEquals(1795625729L, tx.time());
        assertEquals(Optional.of("payout:vector-1"), tx.comment());
        assertEquals(List.of(), tx.walletConflicts());
        assertEquals(6, tx.details().size());
        WalletTransaction.Detail first = tx.details().get(0);
        assertEquals(Optional.of("bcrt1p59e6crpusd5dmnwaht950x25zpncyu67qefmkekz0xwzv3mx7flsurgqu2"), first.address());
        assertEquals("send", first.category());
        assertEquals(-12_500_000L, first.amountSats());
        assertEquals(0, first.vout());
        assertEquals(OptionalLong.of(-4_620), first.feeSats());
        assertEquals(Optional.empty(), first.label());
        WalletTransaction.Detail received = tx.details().get(5);
        assertEquals("receive", received.category());
        assertEquals(75_000_000L, received.amountSats());
        assertEquals(2, received.vout());
        assertEquals(OptionalLong.empty(), received.feeSats());
        assertTrue(tx.hex().startsWith("0200000000010118b65168"));
        assertEquals("[\"" + SENDMANY_TXID.displayHex() + "\"]", node.lastRequest("gettransaction").paramsJson());
    }

    @Test
    void listTransactionsReadsEveryEntry() throws Exception {
        List<WalletTransactionEntry> entries = await(client.listTransactions("*", 20, 0));

        String vector = SharedVectors.text(VEC + "wallet-listtransactions.json");
        assertEquals(vector.split("\"category\":").length - 1, entries.size());
        WalletTransactionEntry coinbase = entries.get(0);
        assertEquals("immature", coinbase.category());
        assertEquals(2_500_000_000L, coinbase.amountSats());
        assertTrue(coinbase.generated());
        assertEquals(2, coinbase.confirmations());
        assertEquals(OptionalLong.of(203), coinbase.blockHeight());
        assertEquals(Optional.of(Hash256.fromDisplayHex(
                "2018edccf6e58e3ec9a2f75efb524d0657ab44bbcab6ebbd702214f8a02c6e0d")), coinbase.blockHash());
        assertEquals(Hash256.fromDisplayHex("0c002253ca1107af4c4ae4f3b5075abb8685b5a44721686e2cda90f8454cf4b4"),
                coinbase.txid());
        WalletTransactionEntry send = entries.get(3);
        assertEquals("send", send.category());
        assertEquals(-125_000_000L, send.amountSats());
        assertEquals(OptionalLong.of(-2_940), send.feeSats());
        assertFalse(send.generated());
        WalletTransactionEntry payout = entries.get(entries.size() - 1);
        assertEquals(SENDMANY_TXID, payout.txid());
        assertEquals(Optional.of("payout:vector-1"), payout.comment());
        assertEquals(-12_500_000L, payout.amountSats());
        assertEquals(OptionalLong.of(-4_620), payout.feeSats());
        assertEquals("[\"*\",20,0]", node.lastRequest("listtransactions").paramsJson());
    }

    @Test
    void walletCallsGoToTheWalletEndpoint() throws Exception {
        try (BitcoindClient wallet = node.clientBuilder().url(node.walletUrl("pool")).build()) {
            await(wallet.getBalances());
        }
        assertEquals("/wallet/pool", node.lastRequest("getbalances").path());
    }

    @Test
    void callPassesAnyMethodAndReturnsTheResultText() throws Exception {
        node.on("getblockcount", Answer.result("206"));

        assertEquals("206", await(client.call("getblockcount", "[]")));
        assertEquals("\"" + TIP.displayHex() + "\"", await(client.call("getbestblockhash", "[]")));
        String info = await(client.call("getmininginfo", "[]"));
        assertTrue(info.startsWith("{\"blocks\":206,") && info.endsWith("}"), info);
        assertThrows(IllegalArgumentException.class, () -> client.call("getblockcount", "{}"));
        assertThrows(IllegalArgumentException.class, () -> client.call("getblockcount", "[1] [2]"));
    }

    // ---- failures, each its own error

    @Test
    void aNodeDownAtStartIsUnreachable() {
        node.stop();

        BitcoindException e = failure(client.getBestBlockHash());

        assertEquals(Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().contains(node.url().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("getbestblockhash"), e.getMessage());
        assertTrue(e.isRetryable());
        assertEquals(OptionalInt.empty(), e.httpStatus());
    }

    @Test
    void aNodeThatDiesAndReturnsIsUsableAgainWithTheSameClient() throws Exception {
        assertEquals(TIP, await(client.getBestBlockHash()));

        node.stop();
        BitcoindException whileDown = failure(client.getBestBlockHash());
        BitcoindException stillDown = failure(client.getBlockchainInfo());
        node.restart();

        assertTrue(whileDown.isRetryable(), whileDown.getMessage());
        assertTrue(whileDown.kind() == Kind.UNREACHABLE || whileDown.kind() == Kind.CONNECTION_LOST,
                whileDown.getMessage());
        assertEquals(Kind.UNREACHABLE, stillDown.kind(), stillDown.getMessage());
        assertEquals(TIP, await(client.getBestBlockHash()));
        assertEquals(206, await(client.getBlockchainInfo()).blocks());
    }

    @Test
    void aNodeDyingDuringACallLosesTheConnection() {
        node.on("getblockchaininfo", Answer.after(Answer.later()));
        CompletableFuture<BlockchainInfo> call = client.getBlockchainInfo();
        node.awaitRequest("getblockchaininfo", Duration.ofSeconds(5));

        node.stop();

        BitcoindException e = failure(call);
        assertEquals(Kind.CONNECTION_LOST, e.kind(), e.getMessage());
        assertTrue(e.isRetryable());
    }

    @Test
    void aDroppedConnectionIsConnectionLost() {
        node.on("getmininginfo", Answer.dropConnection());

        BitcoindException e = failure(client.getMiningInfo());

        assertEquals(Kind.CONNECTION_LOST, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("getmininginfo"), e.getMessage());
    }

    @Test
    void wrongPasswordGetsTheRealUnauthorizedAnswer() {
        try (BitcoindClient wrong = BitcoindClient.builder().url(node.url().toString())
                .credentials(FakeBitcoind.DEFAULT_USER, "not-the-password").build()) {
            BitcoindException e = failure(wrong.getBestBlockHash());

            assertEquals(Kind.UNAUTHORIZED, e.kind());
            assertEquals(OptionalInt.of(401), e.httpStatus());
            assertTrue(e.getMessage().contains("user '" + FakeBitcoind.DEFAULT_USER + "'"), e.getMessage());
            assertFalse(e.isRetryable());
            assertFalse(node.lastRequest("getbestblockhash").authorized());
            assertEquals(1, node.requests().size());
        }
    }

    @Test
    void warmingUpIsARetryableRpcError() {
        node.on("getblockchaininfo", Answer.vector("error-warming-up.json"));

        BitcoindException e = failure(client.getBlockchainInfo());

        assertEquals(Kind.RPC_ERROR, e.kind());
        assertEquals(OptionalInt.of(-28), e.rpcCode());
        assertEquals(Optional.of("Loading banlist\u2026"), e.rpcMessage());
        assertEquals(OptionalInt.of(500), e.httpStatus());
        assertTrue(e.isWarmingUp());
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains("-28") && e.getMessage().contains("Loading banlist"), e.getMessage());
    }

    @Test
    void methodNotFoundIsAnRpcErrorFromTheHttp404() {
        BitcoindException e = failure(client.call("getnothing", "[]"));

        assertEquals(Kind.RPC_ERROR, e.kind());
        assertEquals(OptionalInt.of(BitcoindException.RPC_METHOD_NOT_FOUND), e.rpcCode());
        assertEquals(Optional.of("Method not found"), e.rpcMessage());
        assertEquals(OptionalInt.of(404), e.httpStatus());
        assertFalse(e.isRetryable());
    }

    @Test
    void syncingAndPeerlessErrorsAreRetryableButOthersAreNot() {
        node.enqueue("getblocktemplate",
                Answer.rpcError(-10, "Bitcoin Core is in initial sync and waiting for blocks..."),
                Answer.rpcError(-9, "Bitcoin Core is not connected!"),
                Answer.rpcError(-8, "Invalid mode"));

        assertTrue(failure(client.getBlockTemplate()).isRetryable());
        assertTrue(failure(client.getBlockTemplate()).isRetryable());
        BitcoindException other = failure(client.getBlockTemplate());
        assertEquals(OptionalInt.of(-8), other.rpcCode());
        assertFalse(other.isRetryable());
    }

    @Test
    void garbageIsAMalformedAnswerNamingTheMethodWithAnExcerpt() {
        node.on("getblockchaininfo", Answer.garbage());

        BitcoindException e = failure(client.getBlockchainInfo());

        assertEquals(Kind.MALFORMED_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("getblockchaininfo"), e.getMessage());
        assertTrue(e.getMessage().contains("'<html>\\x00not json{{{"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void aTruncatedAnswerIsMalformed() {
        String vector = SharedVectors.text(VEC + "getblockchaininfo.json");
        node.on("getblockchaininfo", Answer.of(200, vector.substring(0, vector.length() / 2)));

        assertEquals(Kind.MALFORMED_RESPONSE, failure(client.getBlockchainInfo()).kind());
    }

    @Test
    void anAnswerOfTheWrongShapeNamesTheField() {
        node.on("getbestblockhash", Answer.vector("getblockchaininfo.json"));
        node.on("getblockheader", Answer.of(200,
                SharedVectors.text(VEC + "getblockheader.json").replace("\"height\":206", "\"height\":\"206\"")));
        node.on("getblock", Answer.of(200,
                SharedVectors.text(VEC + "getblock-verbosity1.json").replace("\"nTx\":1,", "")));

        BitcoindException notAString = failure(client.getBestBlockHash());
        BitcoindException notANumber = failure(client.getBlockHeader(TIP));
        BitcoindException missing = failure(client.getBlock(TIP));

        assertEquals(Kind.MALFORMED_RESPONSE, notAString.kind());
        assertTrue(notAString.getMessage().contains("result: expected a string, got an object"),
                notAString.getMessage());
        assertTrue(notANumber.getMessage().contains("result.height: expected an integer, got the string \"206\""),
                notANumber.getMessage());
        assertTrue(missing.getMessage().contains("result: missing field \"nTx\""), missing.getMessage());
    }

    @Test
    void anAmountFinerThanASatoshiIsMalformedNotRounded() {
        node.on("getbalances", Answer.result(
                "{\"mine\":{\"trusted\":0.000000015,\"untrusted_pending\":0,\"immature\":0}}"));

        BitcoindException e = failure(client.getBalances());

        assertEquals(Kind.MALFORMED_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("result.mine.trusted: not a whole number of satoshis: 0.000000015"),
                e.getMessage());
    }

    @Test
    void aNullResultWhereAValueIsExpectedIsMalformed() {
        node.on("getmininginfo", Answer.vector("submitblock-accepted.json"));

        BitcoindException e = failure(client.getMiningInfo());

        assertEquals(Kind.MALFORMED_RESPONSE, e.kind());
        assertTrue(e.getMessage().contains("result: expected an object, got null"), e.getMessage());
    }

    @Test
    void anHttpErrorWithoutAJsonRpcBodyKeepsItsStatus() {
        node.enqueue("getbestblockhash", Answer.of(503, "Work queue depth exceeded"),
                Answer.of(403, ""));

        BitcoindException busy = failure(client.getBestBlockHash());
        BitcoindException forbidden = failure(client.getBestBlockHash());

        assertEquals(Kind.HTTP_ERROR, busy.kind());
        assertEquals(OptionalInt.of(503), busy.httpStatus());
        assertTrue(busy.isRetryable());
        assertTrue(busy.getMessage().contains("Work queue depth exceeded"), busy.getMessage());
        assertEquals(Kind.HTTP_ERROR, forbidden.kind());
        assertTrue(forbidden.getMessage().contains("rpcallowip"), forbidden.getMessage());
        assertFalse(forbidden.isRetryable());
    }

    @Test
    void aSlowAnswerIsATimeoutNamingTheRequestTimeout() {
        node.on("getbestblockhash", Answer.vector("getbestblockhash.json").delayedBy(Duration.ofSeconds(5)));
        try (BitcoindClient impatient = node.clientBuilder().requestTimeout(Duration.ofMillis(200)).build()) {
            BitcoindException e = failure(impatient.getBestBlockHash());

            assertEquals(Kind.TIMEOUT, e.kind());
            assertTrue(e.getMessage().contains("request timeout (200 ms)"), e.getMessage());
            assertTrue(e.isRetryable());
        }
    }

    // ---- cookie authentication

    @Test
    void cookieAuthReadsTheCookieFile(@TempDir Path dir) throws Exception {
        Path cookie = dir.resolve("regtest/.cookie");
        try (FakeBitcoind cookieNode = FakeBitcoind.builder().cookieFile(cookie).start();
             BitcoindClient c = BitcoindClient.builder().url(cookieNode.url()).cookieFile(cookie).build()) {
            assertTrue(Files.readString(cookie).startsWith("__cookie__:"));

            assertEquals(TIP, await(c.getBestBlockHash()));
            assertTrue(cookieNode.lastRequest("getbestblockhash").authorized());
        }
    }

    @Test
    void cookieAuthRereadsTheCookieAfterA401WhenTheNodeRestarted(@TempDir Path dir) throws Exception {
        Path cookie = dir.resolve(".cookie");
        try (FakeBitcoind cookieNode = FakeBitcoind.builder().cookieFile(cookie).start();
             BitcoindClient c = cookieNode.clientBuilder().build()) {
            await(c.getBestBlockHash());
            String before = Files.readString(cookie);

            cookieNode.stop();
            assertEquals(Kind.UNREACHABLE, failure(c.getBestBlockHash()).kind());
            cookieNode.restart(); // a new cookie, as bitcoind writes on each start

            assertEquals(TIP, await(c.getBestBlockHash()));
            assertFalse(before.equals(Files.readString(cookie)));
            List<RecordedRequest> calls = cookieNode.requests("getbestblockhash");
            assertEquals(3, calls.size()); // first success, the refused old cookie, the retry
            assertTrue(calls.get(0).authorized());
            assertFalse(calls.get(1).authorized());
            assertTrue(calls.get(2).authorized());
        }
    }

    @Test
    void aCookieTheNodeRefusesAfterRereadingIsUnauthorizedNamingTheFile(@TempDir Path dir) throws Exception {
        Path nodeCookie = dir.resolve("node/.cookie");
        Path otherCookie = dir.resolve("other/.cookie");
        Files.createDirectories(otherCookie.getParent());
        Files.writeString(otherCookie, "__cookie__:0123456789abcdef");
        try (FakeBitcoind cookieNode = FakeBitcoind.builder().cookieFile(nodeCookie).start();
             BitcoindClient c = BitcoindClient.builder().url(cookieNode.url()).cookieFile(otherCookie).build()) {
            BitcoindException e = failure(c.getBestBlockHash());

            assertEquals(Kind.UNAUTHORIZED, e.kind());
            assertTrue(e.getMessage().contains("cookie in " + otherCookie), e.getMessage());
            assertEquals(1, cookieNode.requests().size()); // the re-read found the same cookie: no retry
        }
    }

    @Test
    void aMissingCookieFileDoesNotHideAnUnreachableNode(@TempDir Path dir) {
        Path cookie = dir.resolve("never-written/.cookie");
        node.stop();
        try (BitcoindClient c = BitcoindClient.builder().url(node.url()).cookieFile(cookie).build()) {
            assertEquals(Kind.UNREACHABLE, failure(c.getBestBlockHash()).kind());
        }
        node.restart();
        try (BitcoindClient c = BitcoindClient.builder().url(node.url()).cookieFile(cookie).build()) {
            BitcoindException e = failure(c.getBestBlockHash());

            assertEquals(Kind.UNAUTHORIZED, e.kind());
            assertTrue(e.getMessage().contains("cookie file " + cookie + " cannot be read"), e.getMessage());
        }
    }

    // ---- life of the client

    @Test
    void closingCancelsPendingCallsAndRefusesNewOnes() {
        node.on("getbestblockhash", Answer.after(Answer.later()));
        BitcoindClient closing = node.clientBuilder().build();
        CompletableFuture<Hash256> pending = closing.getBestBlockHash();
        node.awaitRequest("getbestblockhash", Duration.ofSeconds(5));

        closing.close();

        assertThrows(CancellationException.class, () -> pending.get(5, TimeUnit.SECONDS));
        ExecutionException after = assertThrows(ExecutionException.class,
                () -> closing.getBestBlockHash().get(5, TimeUnit.SECONDS));
        assertTrue(after.getCause() instanceof IllegalStateException);
    }

    @Test
    void builderNamesTheBadSetting() {
        assertBuildFails(BitcoindClient.builder().credentials("u", "p"), "URL is required");
        assertBuildFails(BitcoindClient.builder().url("ftp://127.0.0.1:1").credentials("u", "p"), "ftp://");
        assertBuildFails(BitcoindClient.builder().url("http://127.0.0.1").credentials("u", "p"), "RPC port");
        assertBuildFails(BitcoindClient.builder().url("http://u:p@127.0.0.1:8332").credentials("u", "p"),
                "not in the URL");
        assertBuildFails(BitcoindClient.builder().url("http://127.0.0.1:8332"), "authentication is required");
        assertBuildFails(BitcoindClient.builder().url("http://127.0.0.1:8332").credentials("u", "p")
                .cookieFile(Path.of(".cookie")), "choose one");
        assertBuildFails(BitcoindClient.builder().url("http://127.0.0.1:8332").credentials("u", "p")
                .requestTimeout(Duration.ZERO), "requestTimeout must be positive; got PT0S");
        assertBuildFails(BitcoindClient.builder().url("http://127.0.0.1:8332 x").credentials("u", "p"),
                "not a URL");
        assertThrows(IllegalArgumentException.class, () -> BitcoindClient.builder().credentials("a:b", "p"));
    }

    // ---- helpers

    private static void assertBuildFails(BitcoindClient.Builder builder, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the call failed: " + e.getCause(), e.getCause());
        }
    }

    /** The error the call failed with; fails the test if it succeeded or failed with anything else. */
    private static BitcoindException failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(15, TimeUnit.SECONDS);
            return fail("expected a failure, got " + value);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof BitcoindException, "not a BitcoindException: " + e.getCause());
            BitcoindException found = BitcoindException.from(e).orElseThrow();
            assertNotNull(found.method());
            return found;
        } catch (InterruptedException | TimeoutException e) {
            return fail("the call neither succeeded nor failed in time", e);
        }
    }

    /** A top-level-or-nested string field of a vector file, read with the streaming parser. */
    private static String stringField(String json, String name) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && name.equals(p.currentName())
                        && p.nextToken() == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
            }
        }
        throw new AssertionError("no string field " + name);
    }
}
