package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class BlockTest {
    private static final String BLOCK_413567 = "bitcoin-core/block413567.raw";
    private static final Hash256 BLOCK_413567_HASH =
            Hash256.fromDisplayHex("0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069");

    @Test
    void block413567HashesToItsPublishedHash() {
        Block block = Block.parse(SharedVectors.bytes(BLOCK_413567));
        assertEquals(BLOCK_413567_HASH, block.hash());
        assertEquals(BLOCK_413567_HASH, block.header().hash());
    }

    @Test
    void block413567TxidsRebuildTheMerkleRootInItsHeader() {
        byte[] raw = SharedVectors.bytes(BLOCK_413567);
        Block block = Block.parse(raw);
        assertTrue(block.transactions().size() > 1000, "about a thousand transactions");
        for (Transaction tx : block.transactions()) {
            // Pre-segwit: the txid is the double SHA-256 of exactly the bytes the block holds.
            assertFalse(tx.hasWitness());
            assertEquals(Hash256.fromInternalBytes(Sha256d.hash(tx.serialize())), tx.txid());
            assertEquals(tx.txid(), tx.wtxid());
        }
        assertEquals(block.header().merkleRoot(), MerkleBranch.root(block.txids()));
        assertEquals(block.header().merkleRoot(), block.computeMerkleRoot());
    }

    @Test
    void block413567CoinbaseBranchRebuildsTheSameRoot() {
        Block block = Block.parse(SharedVectors.bytes(BLOCK_413567));
        List<Hash256> txids = block.txids();
        MerkleBranch branch = MerkleBranch.forCoinbase(txids.subList(1, txids.size()));
        int depth = 32 - Integer.numberOfLeadingZeros(txids.size() - 1);
        assertEquals(depth, branch.size());
        assertEquals(block.header().merkleRoot(), branch.rootFrom(block.coinbase().txid()));
        assertNotEquals(block.header().merkleRoot(), branch.rootFrom(block.transactions().get(1).txid()));
    }

    @Test
    void block413567HeaderMeetsItsOwnBits() {
        BlockHeader header = Block.parse(SharedVectors.bytes(BLOCK_413567)).header();
        assertTrue(Pow.meets(header.hash(), header.bits()));
        // and not by accident: the target is far below the easiest one
        assertTrue(Pow.target(header.bits()).compareTo(Pow.target(Network.MAINNET.powLimitBits()).shiftRight(32)) < 0);
    }

    @Test
    void block413567SerializesBackToTheSameBytes() {
        byte[] raw = SharedVectors.bytes(BLOCK_413567);
        Block block = Block.parse(raw);
        assertArrayEquals(raw, block.serialize());
        assertEquals(raw.length, block.size());
        assertEquals(4 * raw.length, block.weight(), "no witness: weight is four times the size");
        assertArrayEquals(Arrays.copyOf(raw, 80), block.header().serialize());
        assertEquals(block.header(), BlockHeader.parse(raw, 0));
    }

    @Test
    void block413567CoinbaseCommitsToHeight413567() {
        Block block = Block.parse(SharedVectors.bytes(BLOCK_413567));
        assertTrue(block.coinbase().isCoinbase());
        assertEquals(413567, block.height().orElseThrow());
        assertTrue(block.transactions().stream().skip(1).noneMatch(Transaction::isCoinbase));
        assertTrue(block.coinbase().witnessCommitment().isEmpty(), "pre-segwit");
    }

    @Test
    void testnetBlocksFromBlockfiltersParseAndMatchTheirHashesAndRoots() {
        List<Object[]> rows = blockfilterRows();
        assertEquals(10, rows.size());
        for (Object[] row : rows) {
            long height = (Long) row[0];
            byte[] raw = Hex.decode((String) row[2]);
            Block block = Block.parse(raw);
            assertEquals(Hash256.fromDisplayHex((String) row[1]), block.hash(), "block " + height);
            assertEquals(block.header().merkleRoot(), block.computeMerkleRoot(), "block " + height);
            assertArrayEquals(raw, block.serialize(), "block " + height);
            if (height >= 21_111) { // testnet's BIP34 height
                assertEquals(height, block.height().orElseThrow(), "block " + height);
            }
        }
    }

    @Test
    void testnetWitnessBlocksMatchTheirWitnessCommitments() {
        int witnessBlocks = 0;
        for (Object[] row : blockfilterRows()) {
            Block block = Block.parse(Hex.decode((String) row[2]));
            boolean hasWitness = block.transactions().stream().anyMatch(Transaction::hasWitness);
            if (!hasWitness) {
                continue;
            }
            witnessBlocks++;
            Transaction coinbase = block.coinbase();
            Hash256 committed = coinbase.witnessCommitment().orElseThrow();
            assertEquals(32, coinbase.witnessReservedValue().orElseThrow().length);
            assertEquals(committed, block.computeWitnessCommitment().orElseThrow(), "block " + row[0]);

            List<Hash256> wtxids = new ArrayList<>();
            for (Transaction tx : block.transactions().subList(1, block.transactions().size())) {
                wtxids.add(tx.wtxid());
                if (tx.hasWitness()) {
                    assertNotEquals(tx.txid(), tx.wtxid());
                    assertEquals(Hash256.fromInternalBytes(Sha256d.hash(tx.serialize())), tx.wtxid());
                    assertEquals(Hash256.fromInternalBytes(Sha256d.hash(tx.serializeWithoutWitness())), tx.txid());
                    assertTrue(tx.strippedSize() < tx.size());
                }
            }
            Hash256 recomputed = WitnessCommitment.commitment(WitnessCommitment.witnessRoot(wtxids),
                    coinbase.witnessReservedValue().orElseThrow());
            assertEquals(committed, recomputed);
            assertTrue(block.weight() < 4 * block.size());
        }
        assertEquals(2, witnessBlocks, "blocks 926485 and 1263442 carry witness data");
    }

    @Test
    void rejectsATruncatedBlockWithAClearError() {
        byte[] raw = SharedVectors.bytes(BLOCK_413567);
        for (int length : new int[] {0, 1, 79, 80, 81, 200, raw.length / 2, raw.length - 4, raw.length - 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Block.parse(Arrays.copyOf(raw, length)), "cut at " + length);
            assertTrue(e.getMessage().startsWith("truncated"), e.getMessage());
            assertTrue(e.getMessage().contains("block"), e.getMessage());
        }
    }

    @Test
    void namesTheTransactionAndFieldWhereABlockIsCut() {
        byte[] raw = SharedVectors.bytes(BLOCK_413567);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Block.parse(Arrays.copyOf(raw, raw.length - 2)));
        int last = Block.parse(raw).transactions().size() - 1;
        assertTrue(e.getMessage().contains("tx " + last + " lock time"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytesAfterABlock() {
        byte[] raw = SharedVectors.bytes(BLOCK_413567);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Block.parse(Arrays.copyOf(raw, raw.length + 3)));
        assertTrue(e.getMessage().contains("3 unexpected trailing bytes"), e.getMessage());
    }

    @Test
    void rejectsATransactionCountTheBytesCannotHold() {
        byte[] raw = SharedVectors.bytes(BLOCK_413567);
        byte[] lying = Arrays.copyOf(raw, raw.length);
        // 0xfe: a 4-byte count follows; claim 0x7fffffff transactions.
        byte[] withHugeCount = Bytes.concat(Arrays.copyOf(lying, 80), new byte[] {(byte) 0xfe, -1, -1, -1, 0x7f},
                Arrays.copyOfRange(lying, 80 + VarInt.encodedSize(lying, 80), lying.length));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Block.parse(withHugeCount));
        assertTrue(e.getMessage().contains("transaction count says 2147483647 items"), e.getMessage());
    }

    @Test
    void rejectsANonCanonicalVarint() {
        byte[] raw = SharedVectors.bytes(BLOCK_413567);
        int count = Block.parse(raw).transactions().size();
        int countSize = VarInt.encodedSize(raw, 80);
        // the same count written with 9 bytes: valid number, non-canonical encoding
        byte[] nine = new byte[9];
        nine[0] = (byte) 0xff;
        nine[1] = (byte) count;
        nine[2] = (byte) (count >>> 8);
        byte[] bad = Bytes.concat(Arrays.copyOf(raw, 80), nine, Arrays.copyOfRange(raw, 80 + countSize, raw.length));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Block.parse(bad));
        assertTrue(e.getMessage().contains("bad varint for transaction count"), e.getMessage());
        assertTrue(e.getMessage().contains("non-canonical"), e.getMessage());
    }

    @Test
    void rejectsAnOversizedBlock() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Block.parse(new byte[Block.MAX_SIZE + 1]));
        assertTrue(e.getMessage().contains("oversized block"), e.getMessage());
    }

    @Test
    void rejectsABlockWithoutTransactions() {
        byte[] header = Arrays.copyOf(SharedVectors.bytes(BLOCK_413567), 81);
        header[80] = 0;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Block.parse(header));
        assertTrue(e.getMessage().contains("at least one transaction"), e.getMessage());
    }

    @Test
    void corruptedBlocksFailOnlyWithIllegalArgumentException() {
        // Every byte of a real witness block flipped in turn, plus random multi-byte damage: the parser
        // either reads something or says what is wrong; it never throws anything else.
        byte[] raw = Hex.decode((String) blockfilterRows().stream()
                .filter(row -> (Long) row[0] == 1_263_442L).findFirst().orElseThrow()[2]);
        for (int i = 0; i < raw.length; i++) {
            byte[] damaged = raw.clone();
            damaged[i] ^= (byte) 0xa5;
            parseOrIllegalArgument(damaged);
        }
        Random random = new Random(413567);
        for (int round = 0; round < 500; round++) {
            byte[] damaged = Arrays.copyOf(raw, 1 + random.nextInt(raw.length + 8));
            for (int k = 0; k < 4; k++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            parseOrIllegalArgument(damaged);
        }
    }

    private static void parseOrIllegalArgument(byte[] bytes) {
        try {
            Block.parse(bytes);
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().startsWith("truncated") || expected.getMessage().startsWith("malformed"),
                    expected.getMessage());
        }
    }

    /** The rows of blockfilters.json: [height, hash, block hex, ...]; the header row skipped. */
    static List<Object[]> blockfilterRows() {
        List<Object> rows = JsonTree.list(JsonTree.parse(SharedVectors.text("bitcoin-core/blockfilters.json")));
        List<Object[]> blocks = new ArrayList<>();
        for (Object row : rows) {
            List<Object> cells = JsonTree.list(row);
            if (cells.get(0) instanceof Long) {
                blocks.add(cells.toArray());
            }
        }
        return blocks;
    }
}
