package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.AddressException.Kind;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

@UsesSharedVectors
class AddressTest {
    // Real addresses from bitcoin-core/key_io_valid.json, mutated below.
    private static final String MAIN_P2WPKH = "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv";
    private static final String MAIN_P2TR = "bc1p83n3au0rjylefxq2nc2xh2y4jzz4pm6zxj4mw5pagdjjr2a9f36s6jjnnu";
    private static final String MAIN_P2PKH = "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo";
    private static final String TESTNET_P2WPKH = "tb1qcrh3yqn4nlleplcez2yndq2ry8h9ncg3qh7n54";
    private static final String TESTNET_P2PKH = "mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ";
    private static final String REGTEST_P2TR = "bcrt1pfwxjqvtt4tcxrtdluukfmy2dv7xd2qzdfy6kajv5nwn4yam3wxkq3553uh";

    // ---- Bitcoin Core's key_io vectors ---------------------------------------------------------

    @Test
    void everyValidAddressDecodesToItsScriptAndEncodesBack() throws AddressException {
        int checked = 0;
        for (Object entry : VectorJson.list(VectorJson.parse(SharedVectors.text("bitcoin-core/key_io_valid.json")))) {
            List<Object> fields = VectorJson.list(entry);
            String text = (String) fields.get(0);
            String scriptHex = (String) fields.get(1);
            Map<String, Object> meta = VectorJson.map(fields.get(2));
            if ((Boolean) meta.get("isPrivkey")) {
                continue; // private keys are not addresses
            }
            Network network = networkOf((String) meta.get("chain"));

            Address address = Address.parse(text, network);
            assertEquals(scriptHex, Hex.encode(address.outputScript()), text);
            assertEquals(network, address.network());
            assertEquals(expectedType(scriptHex), address.type(), text);
            boolean bech32 = address.type() != AddressType.P2PKH && address.type() != AddressType.P2SH;
            assertEquals(bech32 ? text.toLowerCase(Locale.ROOT) : text, address.toString());

            Address encoded = Address.fromOutputScript(Hex.decode(scriptHex), network);
            assertEquals(address, encoded, text);
            assertEquals(address.toString(), encoded.toString());
            assertEquals(address.hashCode(), encoded.hashCode());

            if (Boolean.TRUE.equals(meta.get("tryCaseFlip"))) {
                assertEquals(address, Address.parse(flipCase(text), network), text);
            }
            checked++;
        }
        assertEquals(54, checked, "addresses in key_io_valid.json");
    }

    @Test
    void everyValidAddressIsWrongNetworkExactlyWhereItsParametersDiffer() throws AddressException {
        for (Object entry : VectorJson.list(VectorJson.parse(SharedVectors.text("bitcoin-core/key_io_valid.json")))) {
            List<Object> fields = VectorJson.list(entry);
            Map<String, Object> meta = VectorJson.map(fields.get(2));
            if ((Boolean) meta.get("isPrivkey")) {
                continue;
            }
            String text = (String) fields.get(0);
            Network home = networkOf((String) meta.get("chain"));
            AddressType type = Address.parse(text, home).type();
            for (Network other : Network.values()) {
                boolean sameParameters = switch (type) {
                    case P2PKH -> other.p2pkhVersion() == home.p2pkhVersion();
                    case P2SH -> other.p2shVersion() == home.p2shVersion();
                    default -> other.bech32Hrp().equals(home.bech32Hrp());
                };
                if (sameParameters) {
                    assertEquals((String) fields.get(1), Hex.encode(Address.parse(text, other).outputScript()));
                } else {
                    AddressException e = assertThrows(AddressException.class, () -> Address.parse(text, other),
                            text + " on " + other);
                    assertEquals(Kind.WRONG_NETWORK, e.kind(), e.getMessage());
                    assertTrue(e.getMessage().contains(text), e.getMessage());
                }
            }
        }
    }

    @Test
    void everyInvalidStringIsRejectedOnEveryNetwork() {
        int checked = 0;
        for (Object entry : VectorJson.list(VectorJson.parse(SharedVectors.text("bitcoin-core/key_io_invalid.json")))) {
            String text = (String) VectorJson.list(entry).get(0);
            for (Network network : Network.values()) {
                AddressException e = assertThrows(AddressException.class, () -> Address.parse(text, network),
                        "'" + text + "' on " + network);
                // Invalid on every chain, so never "valid, but elsewhere".
                assertNotEquals(Kind.WRONG_NETWORK, e.kind(), e.getMessage());
                if (!text.isEmpty()) {
                    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
                }
            }
            checked++;
        }
        assertEquals(70, checked, "strings in key_io_invalid.json");
    }

    @Test
    void readsWhatARealRegtestNodeValidated() throws AddressException {
        for (String file : new String[] {"validateaddress-bech32.json", "validateaddress-bech32m.json",
                "validateaddress-legacy.json", "validateaddress-p2sh-segwit.json"}) {
            Map<String, Object> result = VectorJson.map(VectorJson.map(
                    VectorJson.parse(SharedVectors.text("bitcoind-regtest/" + file))).get("result"));
            Address address = Address.parse((String) result.get("address"), Network.REGTEST);
            assertEquals(result.get("scriptPubKey"), Hex.encode(address.outputScript()), file);
            assertEquals(result.get("address"), address.toString());
        }
    }

    // ---- distinct errors, each from a real address changed as little as possible ---------------

    @Test
    void oneChangedCharacterInBech32IsABadChecksum() {
        String typo = MAIN_P2WPKH.substring(0, 10) + 'x' + MAIN_P2WPKH.substring(11);
        AddressException e = assertRejected(typo, Network.MAINNET, Kind.BAD_CHECKSUM);
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void oneChangedCharacterInBase58IsABadChecksum() {
        String typo = MAIN_P2PKH.substring(0, MAIN_P2PKH.length() - 1) + 'p';
        AddressException e = assertRejected(typo, Network.MAINNET, Kind.BAD_CHECKSUM);
        assertTrue(e.getMessage().contains("base58check checksum"), e.getMessage());
    }

    @Test
    void theOtherChecksumVariantIsABadChecksumThatSaysWhichVariantIsNeeded() {
        int[] taproot = dataValues(MAIN_P2TR);
        String asBech32 = Bech32.encode("bc", taproot, Bech32.Variant.BECH32);
        AddressException e = assertRejected(asBech32, Network.MAINNET, Kind.BAD_CHECKSUM);
        assertTrue(e.getMessage().contains("witness version 1 needs bech32m"), e.getMessage());

        int[] segwitV0 = dataValues(MAIN_P2WPKH);
        String asBech32m = Bech32.encode("bc", segwitV0, Bech32.Variant.BECH32M);
        e = assertRejected(asBech32m, Network.MAINNET, Kind.BAD_CHECKSUM);
        assertTrue(e.getMessage().contains("witness version 0 needs bech32"), e.getMessage());
    }

    @Test
    void aTestnetAddressOnMainnetIsTheWrongNetwork() {
        AddressException e = assertRejected(TESTNET_P2WPKH, Network.MAINNET, Kind.WRONG_NETWORK);
        assertEquals("'" + TESTNET_P2WPKH + "' is a testnet/signet address; this pool runs on mainnet", e.getMessage());
        e = assertRejected(TESTNET_P2PKH, Network.MAINNET, Kind.WRONG_NETWORK);
        assertEquals("'" + TESTNET_P2PKH + "' is a testnet/signet/regtest address; this pool runs on mainnet",
                e.getMessage());
        e = assertRejected(MAIN_P2WPKH, Network.REGTEST, Kind.WRONG_NETWORK);
        assertEquals("'" + MAIN_P2WPKH + "' is a mainnet address; this pool runs on regtest", e.getMessage());
        e = assertRejected(REGTEST_P2TR.toUpperCase(Locale.ROOT), Network.SIGNET, Kind.WRONG_NETWORK);
        assertTrue(e.getMessage().endsWith("is a regtest address; this pool runs on signet"), e.getMessage());
    }

    @Test
    void aVersionZeroProgramOfTheWrongLengthIsMalformed() {
        byte[] program = witnessProgram(MAIN_P2WPKH);
        String shortened = encodeWitness("bc", 0, Arrays.copyOf(program, 19), Bech32.Variant.BECH32);
        AddressException e = assertRejected(shortened, Network.MAINNET, Kind.MALFORMED);
        assertTrue(e.getMessage().contains("19-byte version 0 witness program"), e.getMessage());
    }

    @Test
    void programsOutsideTwoToFortyBytesAreMalformed() {
        byte[] program = witnessProgram(MAIN_P2TR);
        String oneByte = encodeWitness("bc", 1, Arrays.copyOf(program, 1), Bech32.Variant.BECH32M);
        assertTrue(assertRejected(oneByte, Network.MAINNET, Kind.MALFORMED).getMessage().contains("2 to 40 bytes"));
        byte[] longer = Arrays.copyOf(program, 41);
        String fortyOne = encodeWitness("bc", 1, longer, Bech32.Variant.BECH32M);
        assertTrue(assertRejected(fortyOne, Network.MAINNET, Kind.MALFORMED).getMessage().contains("41-byte"));
        // 40 bytes is the limit, not beyond it: a v1 program of 40 bytes is a valid unknown witness address.
        String forty = encodeWitness("bc", 1, Arrays.copyOf(program, 40), Bech32.Variant.BECH32M);
        assertEquals(AddressType.WITNESS_UNKNOWN, parseUnchecked(forty, Network.MAINNET).type());
    }

    @Test
    void witnessVersionsAbove16AreMalformed() {
        int[] values = dataValues(MAIN_P2TR);
        values[0] = 17;
        String v17 = Bech32.encode("bc", values, Bech32.Variant.BECH32M);
        assertTrue(assertRejected(v17, Network.MAINNET, Kind.MALFORMED).getMessage().contains("witness version 17"));
    }

    @Test
    void nonZeroPaddingIsMalformed() {
        // A 20-byte program is 160 bits in 32 five-bit groups: no padding. A 32-byte one is 256 bits in 52
        // groups: 4 padding bits in the last group, which must be zero.
        int[] values = dataValues(MAIN_P2TR);
        values[values.length - 1] |= 1;
        String padded = Bech32.encode("bc", values, Bech32.Variant.BECH32M);
        assertTrue(assertRejected(padded, Network.MAINNET, Kind.MALFORMED).getMessage().contains("padding"));
        // An extra group of zero bits is more than 4 bits of padding.
        int[] extra = Arrays.copyOf(dataValues(MAIN_P2WPKH), 34);
        String tooMuch = Bech32.encode("bc", extra, Bech32.Variant.BECH32);
        assertTrue(assertRejected(tooMuch, Network.MAINNET, Kind.MALFORMED).getMessage().contains("padding"));
    }

    @Test
    void mixedCaseIsMalformedButAllUpperCaseIsFine() {
        String mixed = MAIN_P2WPKH.substring(0, 5) + MAIN_P2WPKH.substring(5).toUpperCase(Locale.ROOT);
        assertTrue(assertRejected(mixed, Network.MAINNET, Kind.MALFORMED).getMessage().contains("mixes upper and lower"));
        assertEquals(MAIN_P2WPKH, parseUnchecked(MAIN_P2WPKH.toUpperCase(Locale.ROOT), Network.MAINNET).toString());
    }

    @Test
    void anUnknownPrefixIsMalformed() {
        String litecoinLike = encodeWitness("ltc", 0, witnessProgram(MAIN_P2WPKH), Bech32.Variant.BECH32);
        AddressException e = assertRejected(litecoinLike, Network.MAINNET, Kind.MALFORMED);
        assertTrue(e.getMessage().contains("prefix 'ltc'") && e.getMessage().contains("'bc1'"), e.getMessage());
    }

    @Test
    void overNinetyCharactersIsMalformed() {
        String tooLong = MAIN_P2TR + "q".repeat(91 - MAIN_P2TR.length());
        assertTrue(assertRejected(tooLong, Network.MAINNET, Kind.MALFORMED).getMessage().contains("91 characters"));
    }

    @Test
    void base58PayloadsOfTheWrongSizeOrVersionAreMalformed() throws AddressException {
        byte[] payload = Base58.decode(MAIN_P2PKH);
        byte[] versionAndHash = Arrays.copyOf(payload, 21);
        String shortHash = Base58.encodeCheck(Arrays.copyOf(versionAndHash, 20));
        assertTrue(assertRejected(shortHash, Network.MAINNET, Kind.MALFORMED).getMessage().contains("holds 20 bytes"));
        versionAndHash[0] = 0x30; // Litecoin's P2PKH version
        String litecoin = Base58.encodeCheck(versionAndHash);
        assertTrue(assertRejected(litecoin, Network.MAINNET, Kind.MALFORMED).getMessage().contains("0x30"));
        versionAndHash[0] = 0x00;
        assertEquals(MAIN_P2PKH, Address.parse(Base58.encodeCheck(versionAndHash), Network.MAINNET).toString());
    }

    @Test
    void charactersOfNeitherAlphabetAreMalformedAndNamed() {
        String withZero = MAIN_P2PKH.substring(0, 4) + '0' + MAIN_P2PKH.substring(5);
        AddressException e = assertRejected(withZero, Network.MAINNET, Kind.MALFORMED);
        assertTrue(e.getMessage().contains("'0' at position 4"), e.getMessage());
        e = assertRejected(" " + MAIN_P2PKH, Network.MAINNET, Kind.MALFORMED);
        assertTrue(e.getMessage().contains("' ' at position 0"), e.getMessage());
        e = assertRejected("", Network.MAINNET, Kind.MALFORMED);
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertRejected("bc1q\u0000" + MAIN_P2WPKH.substring(5), Network.MAINNET, Kind.MALFORMED);
        assertTrue(e.getMessage().contains("\\u0000"), e.getMessage());
    }

    // ---- output scripts ------------------------------------------------------------------------

    @Test
    void scriptsWithoutAnAddressFormAreUnsupported() {
        Map<String, Object> template = VectorJson.map(VectorJson.map(VectorJson.parse(
                SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json"))).get("result"));
        byte[] witnessCommitment = Hex.decode((String) template.get("default_witness_commitment"));
        for (byte[] script : new byte[][] {
                witnessCommitment,                       // OP_RETURN
                Hex.decode("0013" + "00".repeat(19)),    // v0 with a 19-byte program
                Hex.decode("5101ff"),                    // v1 with a 1-byte program
                Hex.decode("0014" + "00".repeat(21)),    // push length disagrees with the script
                Hex.decode("4c14" + "00".repeat(20)),    // OP_PUSHDATA1, not OP_0
                new byte[0]}) {
            AddressException e = assertThrows(AddressException.class,
                    () -> Address.fromOutputScript(script, Network.REGTEST), Hex.encode(script));
            assertEquals(Kind.UNSUPPORTED_SCRIPT, e.kind());
            assertTrue(e.getMessage().contains(Hex.encode(script)), e.getMessage());
        }
    }

    @Test
    void outputScriptIsACopyAndInputScriptsAreCopied() throws AddressException {
        byte[] script = Hex.decode("00146100fc6343edc8c874496cb2f5bbfec88ea9b77c");
        Address address = Address.fromOutputScript(script, Network.MAINNET);
        script[5] ^= 1;
        address.outputScript()[5] ^= 1;
        assertEquals(MAIN_P2WPKH, address.toString());
        assertEquals("00146100fc6343edc8c874496cb2f5bbfec88ea9b77c", Hex.encode(address.outputScript()));
    }

    @Test
    void theSameTextOnTwoNetworksIsTwoAddresses() throws AddressException {
        Address onTestnet = Address.parse(TESTNET_P2WPKH, Network.TESTNET);
        Address onSignet = Address.parse(TESTNET_P2WPKH, Network.SIGNET);
        assertEquals(onTestnet.toString(), onSignet.toString());
        assertNotEquals(onTestnet, onSignet);
        assertEquals(onTestnet, Address.parse(TESTNET_P2WPKH.toUpperCase(Locale.ROOT), Network.TESTNET));
    }

    @Test
    void typesFollowVersionAndLength() throws AddressException {
        assertEquals(AddressType.P2TR, Address.parse(MAIN_P2TR, Network.MAINNET).type());
        assertEquals(AddressType.WITNESS_UNKNOWN, Address.parse("bc1z2rksukkjr8", Network.MAINNET).type());
        assertEquals(AddressType.WITNESS_UNKNOWN,
                Address.parse("tb1rgv5m6uvdk3kc7qsuz0c79v88ycr5w4wa", Network.TESTNET).type());
        assertEquals(AddressType.P2WSH, Address.parse(
                "bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7", Network.MAINNET).type());
        assertEquals(AddressType.P2SH, Address.parse("36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm", Network.MAINNET).type());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static AddressException assertRejected(String text, Network network, Kind kind) {
        AddressException e = assertThrows(AddressException.class, () -> Address.parse(text, network), text);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    private static Address parseUnchecked(String text, Network network) {
        try {
            return Address.parse(text, network);
        } catch (AddressException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static int[] dataValues(String address) {
        try {
            return Bech32.decode(address).dataValues;
        } catch (Bech32.FormatException e) {
            throw new AssertionError(address + " " + e.getMessage(), e);
        }
    }

    private static byte[] witnessProgram(String address) {
        byte[] program = Bech32.fromFiveBit(dataValues(address), 1);
        assertTrue(program != null && program.length >= 2, address);
        return program;
    }

    private static String encodeWitness(String hrp, int version, byte[] program, Bech32.Variant variant) {
        int[] fiveBit = Bech32.toFiveBit(program);
        int[] values = new int[fiveBit.length + 1];
        values[0] = version;
        System.arraycopy(fiveBit, 0, values, 1, fiveBit.length);
        return Bech32.encode(hrp, values, variant);
    }

    static Network networkOf(String chain) {
        // Bitcoin Core's testnet4 uses testnet3's address parameters.
        return "testnet4".equals(chain) ? Network.TESTNET : Network.fromName(chain);
    }

    private static AddressType expectedType(String scriptHex) {
        if (scriptHex.startsWith("76a914")) {
            return AddressType.P2PKH;
        }
        if (scriptHex.startsWith("a914")) {
            return AddressType.P2SH;
        }
        if (scriptHex.startsWith("0014")) {
            return AddressType.P2WPKH;
        }
        if (scriptHex.startsWith("0020")) {
            return AddressType.P2WSH;
        }
        return scriptHex.startsWith("5120") ? AddressType.P2TR : AddressType.WITNESS_UNKNOWN;
    }

    private static String flipCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return out.toString();
    }
}
