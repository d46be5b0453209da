package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class CoinbaseTest {
    private static final byte[] P2WPKH = Hex.decode("0014ad6176140fefbe31934a237666ef1eb2c5ccd44e");
    private static final byte[] E1 = Hex.decode("f000000d");
    private static final byte[] E2 = Hex.decode("00000001");

    private static Map<String, Object> assembledBlock() {
        return JsonTree.object(JsonTree.parse(SharedVectors.text("bitcoind-regtest/assembled-block.json")));
    }

    private static BlockTemplate templateWithTransactions() {
        return BlockTemplate.parse(SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"));
    }

    @Test
    void rebuildsTheCoinbaseOfTheBlockBitcoinCoreAcceptedByteForByte() {
        Map<String, Object> vector = assembledBlock();
        BlockTemplate template = templateWithTransactions();
        Coinbase coinbase = Coinbase.builder()
                .forTemplate(template)
                .poolTag((String) vector.get("coinbase_tag"))
                .extranonceSize(4, 4)
                .output(Hex.decode((String) vector.get("payout_script_hex")), template.coinbaseValueSats())
                .build();
        byte[] extranonce = Hex.decode((String) vector.get("extranonce_hex"));
        byte[] e1 = Arrays.copyOf(extranonce, 4);
        byte[] e2 = Arrays.copyOfRange(extranonce, 4, 8);
        assertEquals(vector.get("coinbase_tx_hex"), Hex.encode(coinbase.withWitness(e1, e2)));
        assertEquals(vector.get("coinbase_txid"), coinbase.txid(e1, e2).displayHex());
        assertEquals(205, coinbase.height());
        assertEquals(template.coinbaseValueSats(), coinbase.totalOutputSats());
    }

    @Test
    void coinb1AndCoinb2SurroundTheExtranonceSlot() {
        Coinbase coinbase = Coinbase.builder().height(205).poolTag("/vector/").extranonceSize(4, 4)
                .output(P2WPKH, 2_500_022_780L).build();
        byte[] coinb1 = coinbase.coinb1();
        byte[] coinb2 = coinbase.coinb2();
        assertEquals(8, coinb1[coinb1.length - 1], "coinb1 ends with the push of the 8-byte slot");
        assertArrayEquals(Bytes.concat(coinb1, E1, E2, coinb2), coinbase.withExtranonce(E1, E2));
        assertEquals(coinbase.coinb1Hex() + "f000000d" + "00000001" + coinbase.coinb2Hex(),
                Hex.encode(coinbase.withExtranonce(E1, E2)));

        Transaction tx = Transaction.parse(coinbase.withExtranonce(E1, E2));
        assertTrue(tx.isCoinbase());
        assertEquals("02cd0008f000000d00000001082f766563746f722f", tx.inputs().get(0).scriptSigHex());
        assertEquals(0xffffffffL, tx.inputs().get(0).sequence());
        assertEquals(2, tx.version());
        assertEquals(0, tx.lockTime());
        assertEquals(205, tx.bip34Height().orElseThrow());
        assertFalse(tx.hasWitness());
        assertEquals(Hash256.fromInternalBytes(Sha256d.hash(coinbase.withExtranonce(E1, E2))), coinbase.txid(E1, E2));
    }

    @Test
    void withoutAWitnessCommitmentTheBlockFormIsTheLegacyForm() {
        Coinbase coinbase = Coinbase.builder().height(1000).output(P2WPKH, 1).build();
        assertArrayEquals(coinbase.withExtranonce(E1, E2), coinbase.withWitness(E1, E2));
        assertTrue(coinbase.transaction(E1, E2).witnessReservedValue().isEmpty());
    }

    @Test
    void withAWitnessCommitmentTheBlockFormCarriesTheZeroReservedValue() {
        BlockTemplate template = templateWithTransactions();
        Coinbase coinbase = Coinbase.builder().forTemplate(template).output(P2WPKH, 1).build();
        Transaction tx = coinbase.transaction(E1, E2);
        assertTrue(tx.hasWitness());
        assertArrayEquals(new byte[32], tx.witnessReservedValue().orElseThrow());
        assertArrayEquals(template.witnessCommitmentScript().orElseThrow(),
                tx.outputs().get(tx.outputs().size() - 1).script());
        assertEquals(0, tx.outputs().get(1).valueSats());
        assertEquals(coinbase.txid(E1, E2), tx.txid(), "the txid ignores the witness");
    }

    @Test
    void heightPushesMatchRealCoinbasesOnMainnetTestnetAndRegtest() {
        Transaction mainnet = Block.parse(SharedVectors.bytes("bitcoin-core/block413567.raw")).coinbase();
        assertHeightPrefix(413_567, mainnet);
        for (Object[] row : BlockTest.blockfilterRows()) {
            long height = (Long) row[0];
            if (height >= 21_111) {
                assertHeightPrefix(height, Block.fromHex((String) row[2]).coinbase());
            }
        }
        assertHeightPrefix(205, Block.fromHex((String) assembledBlock().get("block_hex")).coinbase());
    }

    private static void assertHeightPrefix(long height, Transaction realCoinbase) {
        byte[] real = realCoinbase.inputs().get(0).scriptSig();
        byte[] built = Transaction.parse(Coinbase.builder().height(height).output(P2WPKH, 0).build()
                .withExtranonce(E1, E2)).inputs().get(0).scriptSig();
        byte[] push = Script.heightPush(height);
        assertArrayEquals(Arrays.copyOf(real, push.length), Arrays.copyOf(built, push.length), "height " + height);
        assertEquals(height, realCoinbase.bip34Height().orElseThrow());
    }

    @Test
    void smallHeightsUseTheSingleByteOpcodesBitcoinCoreWrites() {
        // CScript() << n: OP_1..OP_16 for 1..16, else a minimal CScriptNum push (sign bit forces a 0x00).
        for (int height = 1; height <= 16; height++) {
            assertArrayEquals(new byte[] {(byte) (0x50 + height)}, Script.heightPush(height));
        }
        assertEquals("0111", Hex.encode(Script.heightPush(17)));
        assertEquals("017f", Hex.encode(Script.heightPush(127)));
        assertEquals("028000", Hex.encode(Script.heightPush(128)));
        assertEquals("02ff00", Hex.encode(Script.heightPush(255)));
        assertEquals("020001", Hex.encode(Script.heightPush(256)));
        assertEquals("02ff7f", Hex.encode(Script.heightPush(32_767)));
        assertEquals("03008000", Hex.encode(Script.heightPush(32_768)));
        assertEquals("0400008000", Hex.encode(Script.heightPush(0x800000L)));

        Transaction atHeight1 = Transaction.parse(Coinbase.builder().height(1).output(P2WPKH, 0).build()
                .withExtranonce(E1, E2));
        assertEquals("5108f000000d00000001", atHeight1.inputs().get(0).scriptSigHex());
        assertEquals(1, atHeight1.bip34Height().orElseThrow());
    }

    @Test
    void readsBackEveryHeightItWrites() {
        for (long height = 1; height <= 300_000; height += height < 70_000 ? 1 : 997) {
            byte[] script = Bytes.concat(Script.heightPush(height), new byte[] {8, 1, 2, 3, 4, 5, 6, 7, 8});
            assertEquals(height, Script.readHeight(script).orElseThrow(), "height " + height);
        }
        assertEquals(Integer.MAX_VALUE, Script.readHeight(Script.heightPush(Integer.MAX_VALUE)).orElseThrow());
    }

    @Test
    void aHeightNotWrittenTheWayBitcoinCoreWritesItIsNotRead() {
        assertTrue(Script.readHeight(Hex.decode("0105")).isEmpty(), "5 must be OP_5");
        assertTrue(Script.readHeight(Hex.decode("03cd0000")).isEmpty(), "205 needs only two bytes");
        assertTrue(Script.readHeight(Hex.decode("0181")).isEmpty(), "negative");
        assertTrue(Script.readHeight(Hex.decode("03cd00")).isEmpty(), "push runs past the end");
        assertTrue(Script.readHeight(new byte[0]).isEmpty());
    }

    @Test
    void longPoolTagsUsePushdata1AndTheScriptSigMayReachOneHundredBytes() {
        byte[] tag = new byte[86];
        Arrays.fill(tag, (byte) 'x');
        Coinbase coinbase = Coinbase.builder().height(205).poolTag(tag).output(P2WPKH, 0).build();
        byte[] scriptSig = Transaction.parse(coinbase.withExtranonce(E1, E2)).inputs().get(0).scriptSig();
        assertEquals(100, scriptSig.length);
        assertEquals(0x4c, scriptSig[12] & 0xff, "OP_PUSHDATA1");
        assertEquals(86, scriptSig[13]);

        byte[] tooLong = Arrays.copyOf(tag, 87);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Coinbase.builder().height(205).poolTag(tooLong).output(P2WPKH, 0).build());
        assertTrue(e.getMessage().contains("scriptSig would be 101 bytes"), e.getMessage());
    }

    @Test
    void rejectsOutputsWorthMoreThanTheCoinbaseValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Coinbase.builder().height(205).coinbaseValueSats(2_500_022_780L)
                        .output(P2WPKH, 2_500_000_000L).output(P2WPKH, 22_781L).build());
        assertEquals("payout outputs sum to 2500022781 sats, more than the coinbase value 2500022780 sats",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Coinbase.builder().output(P2WPKH, -1));
    }

    @Test
    void namesWhatIsMissingOrWrong() {
        assertMessage("coinbase needs a height", Coinbase.builder().output(P2WPKH, 0));
        assertMessage("coinbase height must be 1..2147483647: 0", Coinbase.builder().height(0).output(P2WPKH, 0));
        assertMessage("coinbase needs at least one payout output", Coinbase.builder().height(5));
        assertMessage("extranonce sizes must be >= 0 with at least 1 byte in total: -1 + 4",
                Coinbase.builder().height(5).extranonceSize(-1, 4).output(P2WPKH, 0));
        assertMessage("witness commitment script must be >= 38 bytes starting 6a24aa21a9ed: 6a0100",
                Coinbase.builder().height(5).output(P2WPKH, 0).witnessCommitment(Hex.decode("6a0100")));
        Coinbase coinbase = Coinbase.builder().height(5).output(P2WPKH, 0).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> coinbase.withExtranonce(E1, new byte[3]));
        assertEquals("extranonce2 must be 4 bytes; got 3 (000000)", e.getMessage());
    }

    @Test
    void arraysHandedOutAreCopies() {
        byte[] tag = "/PoolKit/".getBytes(StandardCharsets.UTF_8);
        Coinbase coinbase = Coinbase.builder().height(300).poolTag(tag).output(P2WPKH, 5).build();
        String before = Hex.encode(coinbase.withExtranonce(E1, E2));
        tag[0] = 0;
        coinbase.coinb1()[0] = 9;
        coinbase.coinb2()[0] = 9;
        coinbase.poolTag()[0] = 9;
        assertEquals(before, Hex.encode(coinbase.withExtranonce(E1, E2)));
    }

    private static void assertMessage(String expected, Coinbase.Builder builder) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertEquals(expected, e.getMessage());
    }
}
