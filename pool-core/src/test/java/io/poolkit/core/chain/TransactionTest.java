package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class TransactionTest {

    /** The transactions of the real regtest template, as plain JSON maps. */
    private static List<Object> templateTransactions() {
        Map<String, Object> result = JsonTree.object(JsonTree.object(JsonTree.parse(
                SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"))).get("result"));
        return JsonTree.list(result.get("transactions"));
    }

    @Test
    void txidWtxidAndWeightOfRealSegwitSpendsMatchWhatTheNodeSaid() {
        List<Object> txs = templateTransactions();
        assertEquals(7, txs.size());
        for (Object node : txs) {
            Map<String, Object> json = JsonTree.object(node);
            Transaction tx = Transaction.fromHex((String) json.get("data"));
            assertEquals(json.get("txid"), tx.txid().displayHex());
            assertEquals(json.get("hash"), tx.wtxid().displayHex());
            assertEquals(((Long) json.get("weight")).intValue(), tx.weight());
            assertTrue(tx.hasWitness());
            assertNotEquals(tx.txid(), tx.wtxid());
            assertFalse(tx.isCoinbase());
            assertTrue(tx.bip34Height().isEmpty());
            assertTrue(tx.witnessCommitment().isEmpty());
            assertArrayEquals(Hex.decode((String) json.get("data")), tx.serialize());
            assertEquals(tx.txid(), Transaction.parse(tx.serializeWithoutWitness()).txid());
            assertFalse(Transaction.parse(tx.serializeWithoutWitness()).hasWitness());
        }
    }

    @Test
    void readsInputsOutputsAndWitnessOfARealSpend() {
        // The first template transaction: one P2WPKH input, two P2WPKH outputs.
        Map<String, Object> json = JsonTree.object(templateTransactions().get(0));
        Transaction tx = Transaction.fromHex((String) json.get("data"));
        assertEquals(2, tx.version());
        assertEquals(1, tx.inputs().size());
        TxInput in = tx.inputs().get(0);
        assertEquals("f43a30263bf0d95272259f7667f625d470a4d93e938a31c07ea99a1bf108eb9d", in.previousTxid().internalHex());
        assertEquals(0, in.previousOutputIndex());
        assertEquals(0, in.scriptSig().length);
        assertEquals(0xfffffffdL, in.sequence());
        assertEquals(2, in.witnessSize());
        assertEquals(71, in.witnessItem(0).length, "DER signature plus sighash byte");
        assertEquals(33, in.witness().get(1).length, "compressed public key");
        assertEquals(2, tx.outputs().size());
        assertEquals(4_874_997_180L, tx.outputs().get(0).valueSats());
        assertEquals("0014e962bc9e3e1f20194722541dd548239e4cc614e5", tx.outputs().get(0).scriptHex());
        assertEquals(125_000_000L, tx.outputs().get(1).valueSats());
        assertEquals(204, tx.lockTime());
    }

    @Test
    void readsAnOldCoinbaseWithoutABip34Height() {
        // Testnet block 2: before BIP34 the scriptSig starts with the bits, not a height.
        Object[] row = BlockTest.blockfilterRows().stream().filter(r -> (Long) r[0] == 2L).findFirst().orElseThrow();
        Transaction coinbase = Block.fromHex((String) row[2]).coinbase();
        assertTrue(coinbase.isCoinbase());
        assertEquals(Hash256.ZERO, coinbase.inputs().get(0).previousTxid());
        assertEquals(TxInput.COINBASE_INDEX, coinbase.inputs().get(0).previousOutputIndex());
        assertEquals(5_000_000_000L, coinbase.totalOutputSats());
        assertTrue(coinbase.witnessReservedValue().isEmpty());
    }

    @Test
    void readsTheHeightOfARealCkpoolCoinbase() {
        // coinb1 ‖ extranonce1 ‖ extranonce2 (zeros) ‖ coinb2 of ckpool's notify in shared/vectors/stratum
        String coinb1 = "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff3102c9"
                + "000004a115076b0405fba7380c";
        String coinb2 = "0a636b706f6f6c0e2f636b706f6f6c2d62656e63682fffffffff02e886039500000000160014838adfb896b1"
                + "3d3ce683950e121617f8e62c689a0000000000000000266a24aa21a9ede8d8f2627723db2829815abe2b47cd9ace49faa21"
                + "411afaaf077e347b1bcf1d200000000";
        Transaction tx = Transaction.fromHex(coinb1 + "a215076b" + "0000000000000000" + coinb2);
        assertTrue(tx.isCoinbase());
        assertEquals(201, tx.bip34Height().orElseThrow());
        assertEquals("e8d8f2627723db2829815abe2b47cd9ace49faa21411afaaf077e347b1bcf1d2",
                tx.witnessCommitment().orElseThrow().internalHex());
        assertEquals(2_500_036_328L, tx.outputs().get(0).valueSats());
        assertEquals(0, tx.outputs().get(1).valueSats());
    }

    @Test
    void everyTruncationOfARealTransactionIsAClearError() {
        byte[] raw = Hex.decode((String) JsonTree.object(templateTransactions().get(6)).get("data"));
        for (int length = 0; length < raw.length; length++) {
            byte[] cut = Arrays.copyOf(raw, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transaction.parse(cut),
                    "cut at " + length);
            assertTrue(e.getMessage().matches("(truncated|malformed).*transaction.*"), e.getMessage());
        }
    }

    @Test
    void namesTheFieldThatRunsOut() {
        byte[] raw = Hex.decode((String) JsonTree.object(templateTransactions().get(0)).get("data"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transaction.parse(Arrays.copyOf(raw, 80)));
        assertEquals("truncated transaction at offset 80: transaction output 1 value needs 8 bytes but only 0 remain"
                + " (input is 80 bytes)", e.getMessage());
    }

    @Test
    void rejectsTrailingBytesAndOversizedInput() {
        byte[] raw = Hex.decode((String) JsonTree.object(templateTransactions().get(0)).get("data"));
        IllegalArgumentException trailing = assertThrows(IllegalArgumentException.class,
                () -> Transaction.parse(Arrays.copyOf(raw, raw.length + 1)));
        assertTrue(trailing.getMessage().contains("1 unexpected trailing bytes"), trailing.getMessage());
        IllegalArgumentException oversized = assertThrows(IllegalArgumentException.class,
                () -> Transaction.parse(new byte[Transaction.MAX_SIZE + 1]));
        assertTrue(oversized.getMessage().contains("oversized transaction"), oversized.getMessage());
    }

    @Test
    void rejectsANonCanonicalVarintAndALyingCount() {
        byte[] raw = Hex.decode((String) JsonTree.object(templateTransactions().get(0)).get("data"));
        // after version and marker/flag: input count 01 → fd 01 00 (the same number in three bytes)
        byte[] nonCanonical = Bytes.concat(Arrays.copyOf(raw, 6), new byte[] {(byte) 0xfd, 1, 0},
                Arrays.copyOfRange(raw, 7, raw.length));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transaction.parse(nonCanonical));
        assertTrue(e.getMessage().contains("bad varint for transaction input count"), e.getMessage());

        byte[] huge = Bytes.concat(Arrays.copyOf(raw, 6), new byte[] {(byte) 0xff, -1, -1, -1, -1, -1, -1, -1, -1},
                Arrays.copyOfRange(raw, 7, raw.length));
        IllegalArgumentException lying = assertThrows(IllegalArgumentException.class, () -> Transaction.parse(huge));
        assertTrue(lying.getMessage().contains("says 18446744073709551615 items"), lying.getMessage());
    }

    @Test
    void rejectsAnUnknownSegwitFlagAndAnEmptyWitness() {
        byte[] raw = Hex.decode((String) JsonTree.object(templateTransactions().get(0)).get("data"));
        byte[] flag2 = raw.clone();
        flag2[5] = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Transaction.parse(flag2));
        assertTrue(e.getMessage().contains("flag 0x02"), e.getMessage());

        Transaction tx = Transaction.parse(raw);
        byte[] stripped = tx.serializeWithoutWitness();
        // marker and flag, but a witness section of one empty stack
        byte[] superfluous = Bytes.concat(Arrays.copyOf(stripped, 4), new byte[] {0, 1},
                Arrays.copyOfRange(stripped, 4, stripped.length - 4), new byte[] {0},
                Arrays.copyOfRange(stripped, stripped.length - 4, stripped.length));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Transaction.parse(superfluous));
        assertTrue(empty.getMessage().contains("every witness stack is empty"), empty.getMessage());
    }

    @Test
    void arraysHandedOutAreCopies() {
        Transaction tx = Transaction.fromHex((String) JsonTree.object(templateTransactions().get(0)).get("data"));
        tx.serialize()[0] = 99;
        tx.outputs().get(0).script()[0] = 99;
        tx.inputs().get(0).witness().get(0)[0] = 99;
        assertEquals(2, tx.version());
        assertEquals(2, tx.serialize()[0]);
        assertEquals(0, tx.outputs().get(0).script()[0]);
        assertEquals(0x30, tx.inputs().get(0).witnessItem(0)[0]);
    }
}
