package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class BlockTemplateTest {
    private static final String WITH_TRANSACTIONS = "bitcoind-regtest/getblocktemplate-with-transactions.json";
    private static final String EMPTY_MEMPOOL = "bitcoind-regtest/getblocktemplate-empty-mempool.json";
    private static final String IBD = "bitcoind-regtest/getblocktemplate-ibd.json";

    private static Map<String, Object> resultOf(String file) {
        return JsonTree.object(JsonTree.object(JsonTree.parse(SharedVectors.text(file))).get("result"));
    }

    @Test
    void targetAgreesWithTheTemplatesBitsAndGivesRegtestDifficulty() {
        BlockTemplate t = BlockTemplate.parse(SharedVectors.text(WITH_TRANSACTIONS));
        assertEquals(Target.fromCompact(t.bits()), t.target());
        assertEquals(t.targetDisplayHex(), t.target().displayHex());
        assertEquals(Difficulty.ofBits(t.bits()), t.networkDifficulty());
    }

    @Test
    void parsesEveryFieldOfARealTemplateWithTransactions() {
        BlockTemplate t = BlockTemplate.parse(SharedVectors.text(WITH_TRANSACTIONS));
        Map<String, Object> json = resultOf(WITH_TRANSACTIONS);

        assertEquals(205, t.height());
        assertEquals(json.get("height"), t.height());
        assertEquals(805_306_368, t.version());
        assertEquals(((Long) json.get("version")).intValue(), t.version());
        assertEquals(json.get("previousblockhash"), t.previousBlockHash().displayHex());
        assertEquals(0x207fffff, t.bits());
        assertEquals(json.get("bits"), String.format("%08x", t.bits()));
        assertEquals(json.get("target"), t.targetDisplayHex());
        assertEquals(Pow.target(t.bits()), new java.math.BigInteger(1, t.targetBigEndian()));
        assertEquals(json.get("curtime"), t.curTime());
        assertEquals(json.get("mintime"), t.minTime());
        assertEquals(2_500_022_780L, t.coinbaseValueSats());
        assertEquals(json.get("coinbasevalue"), t.coinbaseValueSats());
        assertEquals(json.get("default_witness_commitment"), Hex.encode(t.witnessCommitmentScript().orElseThrow()));
        assertTrue(t.hasWitnessCommitment());
        assertEquals(Optional.of(json.get("longpollid")), t.longPollId().map(Object.class::cast));
        assertEquals(List.of("csv", "!segwit", "taproot"), t.rules());
        assertEquals(json.get("rules"), t.rules());
        assertEquals(List.of("proposal"), t.capabilities());
        assertEquals(Map.of("testdummy", 28), t.vbAvailable());
        assertEquals(0, t.vbRequired());
        assertEquals(List.of("time", "transactions", "prevblock"), t.mutable());
        assertEquals("00000000ffffffff", t.nonceRangeHex());
        assertEquals(80_000, t.sigOpLimit());
        assertEquals(4_000_000, t.sizeLimit());
        assertEquals(4_000_000, t.weightLimit());
        assertEquals(Map.of(), t.coinbaseAux());

        List<Object> txs = JsonTree.list(json.get("transactions"));
        assertEquals(txs.size(), t.transactions().size());
        long fees = 0;
        for (int i = 0; i < txs.size(); i++) {
            Map<String, Object> tx = JsonTree.object(txs.get(i));
            TemplateTransaction parsed = t.transactions().get(i);
            assertEquals(tx.get("data"), parsed.dataHex());
            assertEquals(tx.get("txid"), parsed.txid().displayHex());
            assertEquals(tx.get("hash"), parsed.wtxid().displayHex());
            assertEquals(tx.get("fee"), parsed.feeSats());
            assertEquals(((Long) tx.get("sigops")).intValue(), parsed.sigOps());
            assertEquals(((Long) tx.get("weight")).intValue(), parsed.weight());
            assertEquals(List.of(), parsed.depends());
            assertTrue(parsed.hasWitness());
            fees += (Long) tx.get("fee");
        }
        assertEquals(22_780, t.totalFeesSats());
        assertEquals(fees, t.totalFeesSats());
        // regtest halves every 150 blocks: height 205 earns 25 BTC plus the fees
        assertEquals(Network.REGTEST.subsidySats(205) + t.totalFeesSats(), t.coinbaseValueSats());
    }

    @Test
    void txidsRecomputedFromEachTransactionsDataMatchTheTemplate() {
        BlockTemplate t = BlockTemplate.parse(SharedVectors.text(WITH_TRANSACTIONS));
        for (TemplateTransaction tx : t.transactions()) {
            Transaction parsed = tx.parse();
            assertEquals(tx.txid(), parsed.txid());
            assertEquals(tx.wtxid(), parsed.wtxid());
            assertEquals(tx.weight(), parsed.weight());
            TemplateTransaction remade = TemplateTransaction.of(tx.data(), tx.feeSats(), tx.sigOps());
            assertEquals(tx.txid(), remade.txid());
            assertEquals(tx.wtxid(), remade.wtxid());
            assertEquals(tx.weight(), remade.weight());
        }
    }

    @Test
    void theDefaultWitnessCommitmentCommitsToTheTransactionsWtxids() {
        BlockTemplate t = BlockTemplate.parse(SharedVectors.text(WITH_TRANSACTIONS));
        List<Hash256> wtxids = new ArrayList<>();
        t.transactions().forEach(tx -> wtxids.add(tx.wtxid()));
        assertArrayEquals(t.witnessCommitmentScript().orElseThrow(), WitnessCommitment.scriptFor(wtxids));

        BlockTemplate empty = BlockTemplate.parse(SharedVectors.text(EMPTY_MEMPOOL));
        assertArrayEquals(empty.witnessCommitmentScript().orElseThrow(), WitnessCommitment.scriptFor(List.of()));
    }

    @Test
    void parsesTheEmptyMempoolTemplate() {
        BlockTemplate t = BlockTemplate.parse(SharedVectors.text(EMPTY_MEMPOOL));
        Map<String, Object> json = resultOf(EMPTY_MEMPOOL);
        assertEquals(102, t.height());
        assertEquals(json.get("previousblockhash"), t.previousBlockHash().displayHex());
        assertEquals(List.of(), t.transactions());
        assertEquals(0, t.totalFeesSats());
        assertEquals(5_000_000_000L, t.coinbaseValueSats());
        assertEquals(Network.REGTEST.subsidySats(102), t.coinbaseValueSats());
        assertEquals(536_870_912, t.version());
        assertEquals(Map.of(), t.vbAvailable());
        assertEquals(json.get("longpollid"), t.longPollId().orElseThrow());
    }

    @Test
    void theCapturedIbdAnswerIsATemplateForHeightOne() {
        // Despite its name, the node answered with a template: Bitcoin Core skips the initial-block-download
        // check on test chains such as regtest. The answer is for the block after genesis.
        BlockTemplate t = BlockTemplate.parse(SharedVectors.text(IBD));
        assertEquals(1, t.height());
        assertEquals("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
                t.previousBlockHash().displayHex(), "the regtest genesis block");
        assertEquals(1_296_688_603L, t.minTime(), "genesis time + 1");
        assertEquals(List.of(), t.transactions());
    }

    @Test
    void anErrorAnswerBecomesAClearErrorWithTheNodesCodeAndMessage() {
        IllegalArgumentException warming = assertThrows(IllegalArgumentException.class,
                () -> BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/error-warming-up.json")));
        assertEquals("getblocktemplate failed: error -28: Loading banlist…", warming.getMessage());
        IllegalArgumentException notFound = assertThrows(IllegalArgumentException.class,
                () -> BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/error-method-not-found.json")));
        assertEquals("getblocktemplate failed: error -32601: Method not found", notFound.getMessage());
        IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class,
                () -> BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/submitblock-accepted.json")));
        assertEquals("getblocktemplate answer has a null result and no error", nothing.getMessage());
    }

    @Test
    void parsesTheBareResultObjectToo() {
        String whole = SharedVectors.text(WITH_TRANSACTIONS).trim();
        String prefix = "{\"result\":";
        String suffix = ",\"error\":null,\"id\":\"vec\"}";
        assertTrue(whole.startsWith(prefix) && whole.endsWith(suffix));
        String bare = whole.substring(prefix.length(), whole.length() - suffix.length());
        BlockTemplate fromBare = BlockTemplate.parse(bare);
        BlockTemplate fromWhole = BlockTemplate.parse(whole.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(fromWhole.height(), fromBare.height());
        assertEquals(fromWhole.txids(), fromBare.txids());
        assertEquals(fromWhole.coinbaseValueSats(), fromBare.coinbaseValueSats());
        assertArrayEquals(fromWhole.witnessCommitmentScript().orElseThrow(),
                fromBare.witnessCommitmentScript().orElseThrow());
    }

    @Test
    void wrongTypesNameTheField() {
        String json = SharedVectors.text(EMPTY_MEMPOOL);
        assertError("field 'height' must be an integer; got a string \"102\"",
                json.replace("\"height\":102", "\"height\":\"102\""));
        assertError("field 'bits' must be a string; got a number 545259519",
                json.replace("\"bits\":\"207fffff\"", "\"bits\":545259519"));
        assertError("field 'transactions' must be an array; got an object {",
                json.replace("\"transactions\":[]", "\"transactions\":{}"));
        assertError("field 'coinbasevalue' must be an integer; got a number 50.5",
                json.replace("\"coinbasevalue\":5000000000", "\"coinbasevalue\":50.5"));
        assertError("field 'rules[1]' must be a string; got a boolean true",
                json.replace("\"!segwit\"", "true"));
        assertError("field 'previousblockhash' is not a hash: a hash is 64 hex digits; got 'abc'",
                json.replaceAll("\"previousblockhash\":\"[0-9a-f]+\"", "\"previousblockhash\":\"abc\""));
        assertError("field 'bits' must be 8 hex digits; got '7fffff'",
                json.replace("\"bits\":\"207fffff\"", "\"bits\":\"7fffff\""));
        assertError("field 'height' is out of range 1..2147483647: -5",
                json.replace("\"height\":102", "\"height\":-5"));
        assertError("field 'result' must be an object; got an array [",
                "{\"result\":[],\"error\":null,\"id\":1}");
    }

    @Test
    void wrongTypesInsideATransactionNameTheTransaction() {
        String json = SharedVectors.text(WITH_TRANSACTIONS);
        assertError("field 'transactions[0].fee' must be an integer; got a string \"2820\"",
                json.replace("\"fee\":2820", "\"fee\":\"2820\""));
        assertError("getblocktemplate answer lacks the required field 'transactions[1].fee'",
                json.replace("\"fee\":2860,", ""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BlockTemplate.parse(
                json.replace("\"data\":\"02000000000101f43a", "\"data\":\"02000000000101f43"))).getMessage()
                .startsWith("field 'transactions[0].data' is not hex"));
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        String json = SharedVectors.text(EMPTY_MEMPOOL);
        assertError("getblocktemplate answer lacks the required field 'height'", json.replace("\"height\":102,", ""));
        assertError("getblocktemplate answer lacks the required field 'coinbasevalue'",
                json.replace("\"coinbasevalue\":5000000000,", ""));
        assertError("getblocktemplate answer lacks the required field 'version'", "{}");
    }

    @Test
    void unknownFieldsAreIgnoredAndOptionalOnesDefault() {
        String json = SharedVectors.text(EMPTY_MEMPOOL)
                .replace("\"capabilities\":[\"proposal\"],", "\"future\":{\"a\":[1,{\"b\":null}]},")
                .replaceAll(",\"default_witness_commitment\":\"[0-9a-f]+\"", "")
                .replaceAll("\"longpollid\":\"[0-9a-f]+\",", "")
                .replace("\"sigoplimit\":80000,", "");
        BlockTemplate t = BlockTemplate.parse(json);
        assertEquals(102, t.height());
        assertEquals(List.of(), t.capabilities());
        assertTrue(t.witnessCommitmentScript().isEmpty());
        assertFalse(t.hasWitnessCommitment());
        assertTrue(t.longPollId().isEmpty());
        assertEquals(80_000, t.sigOpLimit());
    }

    @Test
    void notJsonIsAClearError() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BlockTemplate.parse("{\"result\":"))
                .getMessage().startsWith("getblocktemplate answer is not valid JSON"));
        assertError("a getblocktemplate answer is a JSON object; got an array [", "[1,2]");
        assertError("a getblocktemplate answer is a JSON object; got nothing", "");
    }

    @Test
    void aTemplateCanBeMadeInCode() {
        BlockTemplate parsed = BlockTemplate.parse(SharedVectors.text(WITH_TRANSACTIONS));
        List<TemplateTransaction> txs = new ArrayList<>();
        for (TemplateTransaction tx : parsed.transactions()) {
            txs.add(TemplateTransaction.of(tx.data(), tx.feeSats(), tx.sigOps()));
        }
        List<Hash256> wtxids = new ArrayList<>();
        txs.forEach(tx -> wtxids.add(tx.wtxid()));
        BlockTemplate made = BlockTemplate.builder()
                .height(205)
                .previousBlockHash(parsed.previousBlockHash())
                .version(0x30000000)
                .bits(0x207fffff)
                .targetDisplayHex("7fffff0000000000000000000000000000000000000000000000000000000000")
                .curTime(parsed.curTime())
                .minTime(parsed.minTime())
                .coinbaseValueSats(Network.REGTEST.subsidySats(205) + 22_780)
                .transactions(txs)
                .witnessCommitmentScript(WitnessCommitment.scriptFor(wtxids))
                .rules(List.of("csv", "!segwit", "taproot"))
                .build();
        assertEquals(parsed.txids(), made.txids());
        assertEquals(parsed.coinbaseValueSats(), made.coinbaseValueSats());
        assertEquals(parsed.totalFeesSats(), made.totalFeesSats());
        assertEquals(parsed.version(), made.version());
        assertEquals(parsed.targetDisplayHex(), made.targetDisplayHex());
        assertArrayEquals(parsed.witnessCommitmentScript().orElseThrow(), made.witnessCommitmentScript().orElseThrow());
        assertEquals(80_000, made.sigOpLimit());
        assertEquals("00000000ffffffff", made.nonceRangeHex());
    }

    @Test
    void theBuilderNamesWhatIsMissingOrBad() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> BlockTemplate.builder().height(5).build());
        assertEquals("block template needs version", missing.getMessage());
        IllegalArgumentException badTarget = assertThrows(IllegalArgumentException.class, () -> BlockTemplate.builder()
                .height(5).previousBlockHash(Hash256.ZERO).version(1).bits(0x207fffff).targetDisplayHex("7fff")
                .curTime(1).minTime(1).coinbaseValueSats(1).build());
        assertEquals("target must be 32 bytes (64 hex digits); got 2 bytes", badTarget.getMessage());
    }

    @Test
    void arraysHandedOutAreCopies() {
        BlockTemplate t = BlockTemplate.parse(SharedVectors.text(WITH_TRANSACTIONS));
        t.witnessCommitmentScript().orElseThrow()[0] = 0;
        t.targetBigEndian()[0] = 0;
        t.transactions().get(0).data()[0] = 9;
        assertEquals(0x6a, t.witnessCommitmentScript().orElseThrow()[0]);
        assertEquals(0x7f, t.targetBigEndian()[0]);
        assertEquals(2, t.transactions().get(0).data()[0]);
        assertThrows(UnsupportedOperationException.class, () -> t.transactions().clear());
    }

    private static void assertError(String expected, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockTemplate.parse(json));
        assertEquals(expected, e.getMessage());
    }
}
