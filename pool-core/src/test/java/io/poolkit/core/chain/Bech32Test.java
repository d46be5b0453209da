package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class Bech32Test {

    /** Valid checksums from BIP 173 (bech32) and BIP 350 (bech32m): strings, not addresses. */
    @Test
    void acceptsTheBipChecksumVectorsWithTheirVariant() throws Bech32.FormatException {
        String[] bech32 = {"A12UEL5L", "a12uel5l",
                "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
                "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w"};
        String[] bech32m = {"A1LQFN3A", "a1lqfn3a",
                "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
                "split1checkupstagehandshakeupstreamerranterredcaperredlc445v"};
        for (String text : bech32) {
            assertEquals(Bech32.Variant.BECH32, Bech32.decode(text).variant, text);
            assertReencodes(text, Bech32.Variant.BECH32);
        }
        for (String text : bech32m) {
            assertEquals(Bech32.Variant.BECH32M, Bech32.decode(text).variant, text);
            assertReencodes(text, Bech32.Variant.BECH32M);
        }
    }

    @Test
    void rejectsTheBipSyntaxErrors() {
        assertFormatError("pzry9x0s0muk", "separator");              // no separator
        assertFormatError("1pzry9x0s0muk", "separator");             // empty HRP
        assertFormatError("x1b4n0q5v", "'b'");                       // 'b' is not in the charset
        assertFormatError("li1dgmt3", "checksum alone needs 6");     // too short a checksum
        assertFormatError("A1G7SGD8", "checksum");                   // checksum over an upper-case HRP
        assertFormatError("\u00801eym55h", "non-printable");         // HRP character out of range
    }

    @Test
    void oneChangedCharacterIsAChecksumError() {
        Bech32.FormatException e = assertThrows(Bech32.FormatException.class, () -> Bech32.decode("a12uel5m"));
        assertTrue(e.checksum);
    }

    @Test
    void paddingMustBeFewerThanFiveBitsAndZero() {
        assertArrayEquals(new byte[] {(byte) 0xff}, Bech32.fromFiveBit(new int[] {31, 28}, 0)); // 2 zero bits
        assertNull(Bech32.fromFiveBit(new int[] {31, 29}, 0));                                  // 2 bits, not zero
        assertNull(Bech32.fromFiveBit(new int[] {0}, 0));                                       // 5 bits of padding
        assertArrayEquals(new byte[5], Bech32.fromFiveBit(new int[8], 0));                      // 40 bits, no padding
        assertArrayEquals(new int[] {31, 28}, Bech32.toFiveBit(new byte[] {(byte) 0xff}));
    }

    private static void assertReencodes(String text, Bech32.Variant variant) throws Bech32.FormatException {
        Bech32.Decoded decoded = Bech32.decode(text);
        assertEquals(text.toLowerCase(Locale.ROOT), Bech32.encode(decoded.hrp, decoded.dataValues, variant));
    }

    private static void assertFormatError(String text, String expected) {
        Bech32.FormatException e = assertThrows(Bech32.FormatException.class, () -> Bech32.decode(text), text);
        assertTrue(e.getMessage().contains(expected), text + ": " + e.getMessage());
    }
}
