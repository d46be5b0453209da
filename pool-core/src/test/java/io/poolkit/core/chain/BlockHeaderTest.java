package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class BlockHeaderTest {

    @Test
    void mainnetGenesisHeaderHashesToTheGenesisHash() {
        BlockHeader genesis = BlockHeader.of(1, Hash256.ZERO,
                Hash256.fromDisplayHex("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
                1231006505L, 0x1d00ffff, 2083236893);
        assertEquals("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", genesis.hash().displayHex());
        assertTrue(Pow.meets(genesis.hash(), genesis.bits()));
    }

    @Test
    void block125552HashesToItsPublishedHash() {
        BlockHeader header = BlockHeader.of(1,
                Hash256.fromDisplayHex("00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81"),
                Hash256.fromDisplayHex("2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3"),
                1305998791L, 0x1a44b9f2, (int) 2504433986L);
        assertEquals("00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d", header.hash().displayHex());
    }

    @Test
    void parsesTheFieldsOfARealHeader() {
        byte[] raw = SharedVectors.bytes("bitcoin-core/block413567.raw");
        BlockHeader header = BlockHeader.parse(Arrays.copyOf(raw, 80));
        assertEquals(raw[0] & 0xff | (raw[1] & 0xff) << 8 | (raw[2] & 0xff) << 16 | (raw[3] & 0xff) << 24,
                header.version());
        assertEquals(Hash256.fromInternalBytes(raw, 4), header.prevHash());
        assertEquals(Hash256.fromInternalBytes(raw, 36), header.merkleRoot());
        assertEquals(Bytes.getInt32(raw, 68) & 0xffffffffL, header.time());
        assertEquals(Bytes.getInt32(raw, 72), header.bits());
        assertEquals(Bytes.getInt32(raw, 76), header.nonce());
        assertEquals(header, BlockHeader.fromHex(header.toHex()));
        assertArrayEquals(Arrays.copyOf(raw, 80), header.serialize());
    }

    @Test
    void keepsTimesAboveTwoToTheThirtyOneUnsigned() {
        BlockHeader header = BlockHeader.of(0x20000000, Hash256.ZERO, Hash256.ZERO, 0xfffffff0L, 0x207fffff, -1);
        BlockHeader back = BlockHeader.parse(header.serialize());
        assertEquals(0xfffffff0L, back.time());
        assertEquals(-1, back.nonce());
        assertThrows(IllegalArgumentException.class, () -> header.withTime(0x1_0000_0000L));
        assertThrows(IllegalArgumentException.class, () -> header.withTime(-1));
    }

    @Test
    void withNonceChangesOnlyTheNonceAndTheHash() {
        BlockHeader header = BlockHeader.fromHex(
                "00000030cf3610499d8078f7e8bcff168f9f71c2f4d66c71fe3f8e9e52d7a5e5fbdb2419f32b8f27df9d889287ed40d9e7ae"
                        + "b01b18ce624cb9f45c122a64008d2359011d2313076bffff7f2001000000");
        BlockHeader next = header.withNonce(2);
        assertEquals(2, next.nonce());
        assertEquals(header.merkleRoot(), next.merkleRoot());
        assertArrayEquals(Arrays.copyOf(header.serialize(), 76), Arrays.copyOf(next.serialize(), 76));
        assertNotEquals(header.hash(), next.hash());
    }

    @Test
    void rejectsAHeaderThatIsNotEightyBytes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockHeader.parse(new byte[79]));
        assertTrue(e.getMessage().contains("80 bytes; got 79"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BlockHeader.parse(new byte[100], 30));
        assertThrows(IllegalArgumentException.class, () -> BlockHeader.parse(new byte[100], -1));
    }
}
