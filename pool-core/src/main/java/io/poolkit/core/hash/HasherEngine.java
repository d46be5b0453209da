package io.poolkit.core.hash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;

/**
 * The engines {@link HeaderHasher} can run on, fastest first, and the choice among them: the first that can
 * be created on this JVM and passes a self-test against a known answer and against {@code MessageDigest}.
 */
enum HasherEngine {
    /** The JDK's SHA-256 compression driven block by block: CPU SHA instructions, midstate, no overhead. */
    JDK_COMPRESS("jdk-sha2-compress") {
        @Override
        Sha256dEngine create() {
            return JdkCompressEngine.create();
        }
    },
    /** A reused {@code MessageDigest} applied twice: portable, accelerated where the JVM intrinsifies it. */
    MESSAGE_DIGEST("message-digest") {
        @Override
        Sha256dEngine create() {
            return new MessageDigestEngine();
        }
    },
    /** The pure-Java {@link Sha256} compression: works everywhere. */
    PURE_JAVA("pure-java") {
        @Override
        Sha256dEngine create() {
            return new PureJavaEngine();
        }
    };

    private static final HexFormat HEX = HexFormat.of();

    /** The published hash of the mainnet genesis block, as explorers show it. */
    private static final String GENESIS_HASH_DISPLAY =
            "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

    private final String id;

    HasherEngine(String id) {
        this.id = id;
    }

    /** The name shown in logs and benchmark notes, and accepted by {@link HeaderHasher#ENGINE_PROPERTY}. */
    String id() {
        return id;
    }

    /** A new instance; throws {@link IllegalStateException} naming the reason when it cannot run here. */
    abstract Sha256dEngine create();

    /** Null when this engine can be created and computes correct hashes here; otherwise why not. */
    String unusableReason() {
        Sha256dEngine engine;
        try {
            engine = create();
        } catch (RuntimeException | LinkageError e) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
        try {
            return selfTestFailure(engine);
        } catch (RuntimeException | LinkageError e) {
            return "self-test threw " + e;
        }
    }

    /**
     * The engine to use: {@code preferredId} when given and usable, otherwise the fastest usable one.
     * Logs the choice, and why faster engines were passed over, once.
     */
    static HasherEngine select(String preferredId, Logger log) {
        List<HasherEngine> order = new ArrayList<>(Arrays.asList(values()));
        if (preferredId != null && !preferredId.isBlank()) {
            HasherEngine preferred = byId(preferredId.trim());
            if (preferred == null) {
                log.warn("{}={} names no engine (known: {}); choosing automatically",
                        HeaderHasher.ENGINE_PROPERTY, preferredId, ids());
            } else {
                order.remove(preferred);
                order.add(0, preferred);
            }
        }
        for (HasherEngine candidate : order) {
            String reason = candidate.unusableReason();
            if (reason == null) {
                log.info("HeaderHasher engine: {}", candidate.id);
                return candidate;
            }
            log.info("HeaderHasher engine {} not used: {}", candidate.id, reason);
        }
        throw new IllegalStateException("no SHA-256d engine passed its self-test on this JVM");
    }

    static HasherEngine byId(String id) {
        for (HasherEngine engine : values()) {
            if (engine.id.equals(id)) {
                return engine;
            }
        }
        return null;
    }

    private static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (HasherEngine engine : values()) {
            ids.add(engine.id);
        }
        return ids;
    }

    /**
     * Null when {@code engine} hashes the genesis header to its published hash and agrees with
     * {@code MessageDigest} on headers, merkle nodes (also written over their left input) and midstates.
     */
    static String selfTestFailure(Sha256dEngine engine) {
        byte[] buffer = new byte[3 + Sha256dEngine.HEADER_BYTES];
        System.arraycopy(genesisHeader(), 0, buffer, 3, Sha256dEngine.HEADER_BYTES);
        byte[] out = new byte[5 + Sha256dEngine.HASH_BYTES];
        engine.hashHeader(buffer, 3, out, 5);
        byte[] expected = reversed(HEX.parseHex(GENESIS_HASH_DISPLAY));
        if (!Arrays.equals(out, 5, out.length, expected, 0, expected.length)) {
            return "genesis header hashed to " + HEX.formatHex(reversed(Arrays.copyOfRange(out, 5, out.length)));
        }
        SplittableRandom random = new SplittableRandom(0x5eed_0f_b10c_5L);
        byte[] header = new byte[Sha256dEngine.HEADER_BYTES];
        byte[] node = new byte[2 * Sha256dEngine.HASH_BYTES];
        for (int round = 0; round < 4; round++) {
            random.nextBytes(header);
            engine.hashHeader(header, 0, out, 0);
            if (!Arrays.equals(out, 0, Sha256dEngine.HASH_BYTES, Sha256d.hash(header), 0, Sha256dEngine.HASH_BYTES)) {
                return "disagrees with MessageDigest on header " + HEX.formatHex(header);
            }

            random.nextBytes(node);
            byte[] expectedNode = Sha256d.hash(node);
            byte[] right = Arrays.copyOfRange(node, Sha256dEngine.HASH_BYTES, node.length);
            engine.hashMerkleNode(node, 0, right, 0, node, 0);
            if (!Arrays.equals(node, 0, Sha256dEngine.HASH_BYTES, expectedNode, 0, Sha256dEngine.HASH_BYTES)) {
                return "disagrees with MessageDigest on a merkle node written over its left input";
            }

            engine.setMidstate(header, 0);
            for (int change = 0; change < 2; change++) {
                int nTime = random.nextInt();
                int nonce = random.nextInt();
                Sha256dEngine.INT_LE.set(header, 68, nTime);
                Sha256dEngine.INT_LE.set(header, 76, nonce);
                engine.hashWithMidstate(nTime, nonce, out, 0);
                if (!Arrays.equals(out, 0, Sha256dEngine.HASH_BYTES, Sha256d.hash(header), 0, Sha256dEngine.HASH_BYTES)) {
                    return "midstate hash disagrees with MessageDigest on header " + HEX.formatHex(header);
                }
                // A full hash in between must not disturb the remembered midstate.
                engine.hashHeader(buffer, 3, out, 0);
            }
        }
        return null;
    }

    /** The mainnet genesis header: version 1, no parent, its merkle root, time, bits and nonce. */
    private static byte[] genesisHeader() {
        byte[] header = new byte[Sha256dEngine.HEADER_BYTES];
        Sha256dEngine.INT_LE.set(header, 0, 1);
        byte[] merkleRoot = reversed(HEX.parseHex(
                "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"));
        System.arraycopy(merkleRoot, 0, header, 36, Sha256dEngine.HASH_BYTES);
        Sha256dEngine.INT_LE.set(header, 68, 1231006505);
        Sha256dEngine.INT_LE.set(header, 72, 0x1d00ffff);
        Sha256dEngine.INT_LE.set(header, 76, (int) 2083236893L);
        return header;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] copy = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            copy[i] = bytes[bytes.length - 1 - i];
        }
        return copy;
    }
}
