package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.List;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class Base58Test {

    @Test
    void encodesAndDecodesBitcoinCoresVectors() {
        int checked = 0;
        for (Object entry : VectorJson.list(VectorJson.parse(
                SharedVectors.text("bitcoin-core/base58_encode_decode.json")))) {
            List<Object> pair = VectorJson.list(entry);
            byte[] bytes = Hex.decode((String) pair.get(0));
            String text = (String) pair.get(1);
            assertEquals(text, Base58.encode(bytes), (String) pair.get(0));
            assertArrayEquals(bytes, Base58.decode(text), text);
            checked++;
        }
        assertTrue(checked >= 20, "vectors read: " + checked);
    }

    @Test
    void rejectsCharactersOutsideTheAlphabetNamingThem() {
        for (String bad : new String[] {"0", "O", "I", "l", "3SEo3LWLoPntC ", "3SEo3L\u00e9"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base58.decode(bad));
            assertTrue(e.getMessage().contains("position " + (bad.length() - 1)), e.getMessage());
        }
    }

    @Test
    void checksumCoversEveryByte() {
        byte[] data = Base58.decode("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo"); // a real mainnet address
        assertTrue(Base58.checksumMatches(data));
        for (int i = 0; i < data.length; i++) {
            data[i] ^= 0x01;
            assertFalse(Base58.checksumMatches(data), "byte " + i);
            data[i] ^= 0x01;
        }
        assertFalse(Base58.checksumMatches(new byte[3]));
        assertEquals("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo",
                Base58.encodeCheck(java.util.Arrays.copyOf(data, data.length - 4)));
    }
}
