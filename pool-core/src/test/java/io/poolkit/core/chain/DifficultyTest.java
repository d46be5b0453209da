package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.Map;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class DifficultyTest {

    @Test
    void bits1d00ffffAreDifficultyOne() {
        assertEquals(1.0, Difficulty.ofBits(0x1d00ffff));
        assertEquals(1.0, Difficulty.ofBits(Network.MAINNET.powLimitBits()));
    }

    @Test
    void mainnetBlock413567HasItsPublishedDifficulty() {
        byte[] block = SharedVectors.bytes("bitcoin-core/block413567.raw");
        int bits = (block[72] & 0xff) | (block[73] & 0xff) << 8 | (block[74] & 0xff) << 16 | (block[75] & 0xff) << 24;
        assertEquals(0x18058436, bits);
        // Block explorers show 199,312,067,531.24 for this retarget period.
        assertEquals(199_312_067_531.24, Difficulty.ofBits(bits), 0.005);
        assertEquals("199.31G", Difficulty.format(Difficulty.ofBits(bits)));
    }

    @Test
    void regtestDifficultyIsWhatBitcoindReports() {
        Map<String, Object> info = VectorJson.map(VectorJson.map(
                VectorJson.parse(SharedVectors.text("bitcoind-regtest/getmininginfo.json"))).get("result"));
        double reported = (double) info.get("difficulty");
        // bitcoind prints 16 significant digits.
        assertEquals(reported, Difficulty.ofBits(CompactBits.fromDisplayHex((String) info.get("bits"))), reported * 1e-15);
        assertEquals("4.66e-10", Difficulty.format(reported));
    }

    @Test
    void rejectsInvalidBits() {
        assertThrows(IllegalArgumentException.class, () -> Difficulty.ofBits(0x1d80ffff));
        assertThrows(IllegalArgumentException.class, () -> Difficulty.ofBits(0xff123456));
    }

    @Test
    void formatsForPeople() {
        assertEquals("0", Difficulty.format(0));
        assertEquals("1", Difficulty.format(1.0));
        assertEquals("0.5", Difficulty.format(0.5));
        assertEquals("0.00123", Difficulty.format(0.0012345));
        assertEquals("1.23e-04", Difficulty.format(0.00012345));
        assertEquals("1.5", Difficulty.format(1.5));
        assertEquals("1024.123", Difficulty.format(1024.12345));
        assertEquals("65536", Difficulty.format(65536));
        assertEquals("999999", Difficulty.format(999_999));
        assertEquals("1.00M", Difficulty.format(1_000_000));
        assertEquals("1.05M", Difficulty.format(1_048_576));
        assertEquals("85.35T", Difficulty.format(85.35e12));
        assertEquals("1.00P", Difficulty.format(999_999_999_999_999.9));
        assertEquals("inf", Difficulty.format(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> Difficulty.format(-1));
        assertThrows(IllegalArgumentException.class, () -> Difficulty.format(Double.NaN));
    }
}
