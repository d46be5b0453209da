package io.poolkit.core.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.core.testing.SharedVectors;
import io.poolkit.core.testing.UsesSharedVectors;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@UsesSharedVectors
class HeaderHasherTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void hashesMainnetGenesisHeaderToItsPublishedHash(HasherEngine engine) {
        byte[] header = header(1, "0000000000000000000000000000000000000000000000000000000000000000",
                "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
                1231006505, 0x1d00ffff, (int) 2083236893L);

        assertEquals("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
                displayHex(hashHeader(hasherOn(engine), header)));
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void hashesMainnetBlock125552HeaderToItsPublishedHash(HasherEngine engine) {
        byte[] header = header(1, "00000000000008a3a41b85b8b29ad444def299fee21793cd8b9e567eab02cd81",
                "2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3",
                1305998791, 0x1a44b9f2, (int) 2504433986L);

        assertEquals("00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d",
                displayHex(hashHeader(hasherOn(engine), header)));
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void hashesTheHeaderOfMainnetBlock413567InPlaceInTheRawBlock(HasherEngine engine) {
        byte[] block = SharedVectors.bytes("bitcoin-core/block413567.raw");
        byte[] out = new byte[40];

        hasherOn(engine).hashHeader(block, 0, out, 8);

        assertEquals("0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069",
                displayHex(Arrays.copyOfRange(out, 8, 40)));
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void hashesTheRegtestBlockThatBitcoindAccepted(HasherEngine engine) throws IOException {
        String assembled = SharedVectors.text("bitcoind-regtest/assembled-block.json");
        byte[] header = HEX.parseHex(stringField(assembled, "header_hex"));

        assertEquals(stringField(assembled, "block_hash"),
                displayHex(hashHeader(hasherOn(engine), header)));
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void foldsTheRegtestBlocksTransactionsToTheMerkleRootBitcoindAccepted(HasherEngine engine)
            throws IOException {
        String assembled = SharedVectors.text("bitcoind-regtest/assembled-block.json");
        String template = SharedVectors.text("bitcoind-regtest/getblocktemplate-with-transactions.json");
        List<String> txids = new ArrayList<>();
        txids.add(stringField(assembled, "coinbase_txid"));
        txids.addAll(allStringFields(template, "txid"));
        assertEquals(8, txids.size(), "the coinbase and the template's seven transactions");

        byte[] root = merkleRoot(hasherOn(engine), txids);

        assertEquals(stringField(assembled, "merkle_root"), displayHex(root));
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void midstatePathEqualsTheFullHashForEveryNonceAndTime(HasherEngine engine) {
        HeaderHasher hasher = hasherOn(engine);
        byte[] header = SharedVectors.bytes("bitcoin-core/block413567.raw");
        hasher.setMidstate(header, 0);
        byte[] viaMidstate = new byte[32];
        byte[] full = new byte[32];
        int nTime = (int) INT_LE.get(header, 68);
        int nonce = (int) INT_LE.get(header, 76);

        hasher.hashWithMidstate(nTime, nonce, viaMidstate, 0);
        assertEquals("0000000000000000025aff8be8a55df8f89c77296db6198f272d6577325d4069",
                displayHex(viaMidstate), "the block's own nTime and nonce");

        byte[] copy = Arrays.copyOf(header, 80);
        for (int i = 0; i < 300; i++) {
            int time = nTime + i / 100;
            int n = nonce + i * 7919;
            INT_LE.set(copy, 68, time);
            INT_LE.set(copy, 76, n);
            hasher.hashWithMidstate(time, n, viaMidstate, 0);
            hasher.hashHeader(copy, 0, full, 0);
            assertArrayEquals(full, viaMidstate, "nTime " + time + ", nonce " + n);
        }
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void midstateFollowsConsecutiveNoncesAcrossTheirWrapAndBack(HasherEngine engine) {
        HeaderHasher hasher = hasherOn(engine);
        byte[] header = SharedVectors.bytes("bitcoin-core/block413567.raw");
        byte[] copy = Arrays.copyOf(header, 80);
        int nTime = (int) INT_LE.get(header, 68);
        hasher.setMidstate(header, 0);
        byte[] viaMidstate = new byte[32];
        byte[] full = new byte[32];
        // Consecutive nonces through 0xFFFFFFFF -> 0, then a jump back, a repeat, and a new nTime.
        int[] nonces = {-3, -2, -1, 0, 1, 2, 5, 5, 4, 0x7fffffff, 0x80000000};
        for (int i = 0; i < nonces.length; i++) {
            int time = i < 8 ? nTime : nTime + 1;
            INT_LE.set(copy, 68, time);
            INT_LE.set(copy, 76, nonces[i]);
            hasher.hashWithMidstate(time, nonces[i], viaMidstate, 0);
            hasher.hashHeader(copy, 0, full, 0);
            assertArrayEquals(full, viaMidstate, "nonce " + Integer.toUnsignedString(nonces[i]));
        }
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void newMidstateReplacesTheOldOne(HasherEngine engine) {
        HeaderHasher hasher = hasherOn(engine);
        SplittableRandom random = new SplittableRandom(7);
        byte[] first = new byte[80];
        byte[] second = new byte[80];
        random.nextBytes(first);
        random.nextBytes(second);
        byte[] out = new byte[32];

        hasher.setMidstate(first, 0);
        hasher.setMidstate(second, 0);
        hasher.hashWithMidstate((int) INT_LE.get(second, 68), (int) INT_LE.get(second, 76), out, 0);

        assertArrayEquals(sha256d(second), out);
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void merkleNodeMayBeWrittenOverEitherInput(HasherEngine engine) {
        HeaderHasher hasher = hasherOn(engine);
        byte[] pair = new byte[64];
        new SplittableRandom(11).nextBytes(pair);
        byte[] expected = sha256d(pair);

        byte[] left = Arrays.copyOfRange(pair, 0, 32);
        byte[] right = Arrays.copyOfRange(pair, 32, 64);
        hasher.hashMerkleNode(left, 0, right, 0, left, 0);
        assertArrayEquals(expected, left, "out is left");

        left = Arrays.copyOfRange(pair, 0, 32);
        hasher.hashMerkleNode(left, 0, right, 0, right, 0);
        assertArrayEquals(expected, right, "out is right");

        byte[] both = pair.clone();
        hasher.hashMerkleNode(both, 0, both, 32, both, 16);
        assertArrayEquals(expected, Arrays.copyOfRange(both, 16, 48), "out straddles both halves");
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void hashesAMerkleNodeOfAHashWithItself(HasherEngine engine) {
        byte[] hash = new byte[32];
        new SplittableRandom(13).nextBytes(hash);
        byte[] pair = new byte[64];
        System.arraycopy(hash, 0, pair, 0, 32);
        System.arraycopy(hash, 0, pair, 32, 32);
        byte[] out = new byte[32];

        hasherOn(engine).hashMerkleNode(hash, 0, hash, 0, out, 0);

        assertArrayEquals(sha256d(pair), out);
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void aFullHashBetweenMidstateHashesLeavesTheMidstateAlone(HasherEngine engine) {
        HeaderHasher hasher = hasherOn(engine);
        byte[] header = new byte[80];
        byte[] other = new byte[80];
        SplittableRandom random = new SplittableRandom(17);
        random.nextBytes(header);
        random.nextBytes(other);
        byte[] out = new byte[32];
        int nTime = (int) INT_LE.get(header, 68);
        int nonce = (int) INT_LE.get(header, 76);
        hasher.setMidstate(header, 0);

        hasher.hashHeader(other, 0, out, 0);
        hasher.hashMerkleNode(other, 0, other, 32, out, 0);
        hasher.hashWithMidstate(nTime, nonce, out, 0);

        assertArrayEquals(sha256d(header), out);
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void refusesMidstateHashBeforeAMidstateIsSet(HasherEngine engine) {
        HeaderHasher hasher = hasherOn(engine);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> hasher.hashWithMidstate(0, 0, new byte[32], 0));
        assertTrue(e.getMessage().contains("setMidstate"), e.getMessage());
    }

    @Test
    void rejectsRangesThatDoNotFitTheirArrays() {
        HeaderHasher hasher = new HeaderHasher();
        byte[] header = new byte[80];
        byte[] out = new byte[32];

        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> hasher.hashHeader(new byte[79], 0, out, 0));
        assertTrue(e.getMessage().contains("79"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hashHeader(header, 1, out, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hashHeader(header, 0, out, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hashHeader(header, -1, out, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> hasher.hashMerkleNode(header, 49, header, 0, out, 0));
        assertThrows(IndexOutOfBoundsException.class,
                () -> hasher.hashMerkleNode(header, 0, new byte[31], 0, out, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.setMidstate(new byte[64], 0));
        hasher.setMidstate(header, 0);
        assertThrows(IndexOutOfBoundsException.class, () -> hasher.hashWithMidstate(0, 0, new byte[31], 0));
    }

    @ParameterizedTest
    @EnumSource(HasherEngine.class)
    void everyEnginePassesItsOwnSelfTest(HasherEngine engine) {
        hasherOn(engine);

        assertNull(engine.unusableReason());
    }

    @Test
    void choosesTheJdkCompressionWhenItsPackageIsOpened() {
        boolean opened = Object.class.getModule().isOpen("sun.security.provider", getClass().getModule());
        assumeTrue(opened, "run without --add-opens java.base/sun.security.provider=ALL-UNNAMED");

        assertNull(JdkCompressEngine.unavailableReason());
        assertEquals("jdk-sha2-compress", HeaderHasher.engineName());
    }

    @Test
    void preferredEngineIsTriedFirstAndAnUnknownNameIsIgnored() {
        org.slf4j.Logger log = org.slf4j.helpers.NOPLogger.NOP_LOGGER;

        assertEquals(HasherEngine.PURE_JAVA, HasherEngine.select("pure-java", log));
        assertEquals(HasherEngine.MESSAGE_DIGEST, HasherEngine.select("message-digest", log));
        assertEquals(HasherEngine.select(null, log), HasherEngine.select("no-such-engine", log));
    }

    @Test
    void meetsTargetComparesAs256BitNumbers() {
        HeaderHasher hasher = new HeaderHasher();
        byte[] genesis = hashHeader(hasher, header(1,
                "0000000000000000000000000000000000000000000000000000000000000000",
                "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
                1231006505, 0x1d00ffff, (int) 2083236893L));
        // 0x1d00ffff: 0x00ffff × 256^(0x1d - 3), the difficulty-1 target.
        byte[] difficultyOne = targetFromBits(0x1d00ffff);
        byte[] easiest = targetFromBits(0x207fffff);
        byte[] tooHard = targetFromBits(0x1a44b9f2);

        assertTrue(HeaderHasher.meetsTarget(genesis, 0, difficultyOne, 0));
        assertTrue(HeaderHasher.meetsTarget(genesis, 0, easiest, 0));
        assertFalse(HeaderHasher.meetsTarget(genesis, 0, tooHard, 0));
        assertTrue(HeaderHasher.meetsTarget(genesis, 0, genesis, 0), "equal to the target meets it");
        byte[] oneLess = genesis.clone();
        oneLess[0]--;
        assertFalse(HeaderHasher.meetsTarget(genesis, 0, oneLess, 0));
    }

    /** A hasher on {@code engine}; skips when that engine cannot run on this JVM (the JDK's internals closed). */
    static HeaderHasher hasherOn(HasherEngine engine) {
        assumeTrue(engine != HasherEngine.JDK_COMPRESS || JdkCompressEngine.unavailableReason() == null,
                () -> "jdk-sha2-compress cannot run here: " + JdkCompressEngine.unavailableReason());
        return new HeaderHasher(engine);
    }

    static byte[] targetFromBits(int bits) {
        int exponent = bits >>> 24;
        BigInteger target = BigInteger.valueOf(bits & 0x007fffff).shiftLeft(8 * (exponent - 3));
        return littleEndian32(target);
    }

    static byte[] littleEndian32(BigInteger value) {
        byte[] bigEndian = value.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < Math.min(32, bigEndian.length); i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    /** A serialized header from the values {@code bitcoind} shows (hashes in display hex). */
    static byte[] header(int version, String prevDisplay, String merkleDisplay, int time, int bits, int nonce) {
        byte[] header = new byte[80];
        INT_LE.set(header, 0, version);
        System.arraycopy(reversed(HEX.parseHex(prevDisplay)), 0, header, 4, 32);
        System.arraycopy(reversed(HEX.parseHex(merkleDisplay)), 0, header, 36, 32);
        INT_LE.set(header, 68, time);
        INT_LE.set(header, 72, bits);
        INT_LE.set(header, 76, nonce);
        return header;
    }

    static byte[] hashHeader(HeaderHasher hasher, byte[] header) {
        byte[] out = new byte[32];
        hasher.hashHeader(header, 0, out, 0);
        return out;
    }

    /** The merkle root of txids (display hex), the way Bitcoin Core builds it: an odd last one pairs with itself. */
    static byte[] merkleRoot(HeaderHasher hasher, List<String> txidsDisplay) {
        List<byte[]> level = new ArrayList<>();
        for (String txid : txidsDisplay) {
            level.add(reversed(HEX.parseHex(txid)));
        }
        while (level.size() > 1) {
            List<byte[]> next = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                byte[] left = level.get(i);
                byte[] right = i + 1 < level.size() ? level.get(i + 1) : left;
                byte[] parent = new byte[32];
                hasher.hashMerkleNode(left, 0, right, 0, parent, 0);
                next.add(parent);
            }
            level = next;
        }
        return level.get(0);
    }

    static byte[] sha256d(byte[] data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return digest.digest(digest.digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String displayHex(byte[] internal) {
        return HEX.formatHex(reversed(internal));
    }

    static byte[] reversed(byte[] bytes) {
        byte[] copy = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            copy[i] = bytes[bytes.length - 1 - i];
        }
        return copy;
    }

    private static String stringField(String json, String name) throws IOException {
        List<String> values = allStringFields(json, name);
        assertFalse(values.isEmpty(), "no field " + name);
        return values.get(0);
    }

    private static List<String> allStringFields(String json, String name) throws IOException {
        List<String> values = new ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && name.equals(parser.currentName())
                        && parser.nextToken() == JsonToken.VALUE_STRING) {
                    values.add(parser.getText());
                }
            }
        }
        return values;
    }
}
